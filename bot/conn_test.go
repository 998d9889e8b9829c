package bot

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"proceedings/event"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/internal/archivetest"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

func TestBackoff(t *testing.T) {
	base, limit := time.Second, 5*time.Minute
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second} {
		for range 50 {
			d := reconnectDelay(base, limit, attempt)
			if d < want/2 || d > want {
				t.Fatalf("reconnectDelay(attempt %d) = %v, want in [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	for _, attempt := range []int{9, 20, 1000} {
		if d := reconnectDelay(base, limit, attempt); d < limit/2 || d > limit {
			t.Errorf("reconnectDelay(attempt %d) = %v, want capped at %v (jittered down to half)", attempt, d, limit)
		}
	}
	// Jitter: two bots restarted together do not reconnect in step.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[reconnectDelay(base, limit, 3)] = true
	}
	if len(seen) < 5 {
		t.Errorf("20 delays took only %d values: no jitter", len(seen))
	}
}

func TestJoinLines(t *testing.T) {
	t.Setenv("PROCEEDINGS_TEST_KEY", "s3cret")
	key := &config.SecretRef{Env: "PROCEEDINGS_TEST_KEY"}
	missing := &config.SecretRef{Env: "PROCEEDINGS_TEST_KEY_UNSET"}
	var many []config.Channel
	for i := range 60 {
		many = append(many, config.Channel{Name: fmt.Sprintf("#channel-number-%02d", i)})
	}
	for _, tc := range []struct {
		name  string
		chans []config.Channel
		want  [][]string
	}{
		{"none", nil, nil},
		{"open", []config.Channel{{Name: "#a"}, {Name: "#b"}}, [][]string{{"#a,#b"}}},
		{"keyed first", []config.Channel{{Name: "#a"}, {Name: "#k", Key: key}}, [][]string{{"#k,#a", "s3cret"}}},
		{"unreadable key: joined without", []config.Channel{{Name: "#k", Key: missing}}, [][]string{{"#k"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := joinLines(tc.chans, bottest.Logger(t))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("joinLines = %q, want %q", got, tc.want)
			}
		})
	}
	lines := joinLines(many, bottest.Logger(t))
	total := 0
	for _, l := range lines {
		if len(l[0]) > 450 {
			t.Errorf("JOIN line of %d bytes", len(l[0]))
		}
		total += strings.Count(l[0], ",") + 1
	}
	if len(lines) < 2 || total != 60 {
		t.Errorf("60 channels: %d lines holding %d channels", len(lines), total)
	}
}

func TestTracker(t *testing.T) {
	var tr tracker
	tr.reset()
	tr.isupport([]string{"me", "PREFIX=(qov)~@+", "CHANTYPES=#", "STATUSMSG=@+", "are supported by this server"})
	if tr.prefixes != "~@+" || tr.statusmsg != "@+" || !tr.isChannelName("#x") || tr.isChannelName("&x") {
		t.Fatalf("isupport: prefixes %q statusmsg %q", tr.prefixes, tr.statusmsg)
	}
	tr.names("#a", "~@Alice +bob carol!c@host.example")
	tr.names("#b", "@alice")
	got := tr.channelsOf("ALICE")
	if len(got) != 2 {
		t.Errorf("alice is in %v, want #a and #b", got)
	}
	if got := tr.channelsOf("carol"); len(got) != 1 || got[0] != "#a" {
		t.Errorf("carol (from userhost-in-names) is in %v, want #a", got)
	}
	tr.leave("#a", "Alice")
	if got := tr.channelsOf("alice"); len(got) != 1 || got[0] != "#b" {
		t.Errorf("after leaving #a, alice is in %v", got)
	}
}

func TestHasNoLogPrefix(t *testing.T) {
	for _, tc := range []struct {
		text, prefix string
		want         bool
	}{
		{"[off] x", "[off]", true},
		{"[OFF] x", "[off]", true},
		{"   [off]", "[off]", true},
		{"\x02[off]\x02 bold", "[off]", true},
		{"\x0304[off] red", "[off]", true},
		{"\u00a0[off] after NBSP", "[off]", true},
		{"\u3000[off] after an ideographic space", "[off]", true},
		{"\u200e[off] after LRM", "[off]", true},
		{"\ufeff[off] after BOM", "[off]", true},
		{"\u200b[Off] after ZWSP", "[off]", true},
		{"\u200b \u00a0\u2060\u200e [off] mixed", "[off]", true},
		{"\x0304\u200b[off] colour then ZWSP", "[off]", true},
		{"\u200b\x02\u00a0[off] ZWSP, bold, NBSP", "[off]", true},
		{"\x04ff0000[off] hex colour", "[off]", true},
		{"\x04FF0000,00ff00[off] hex colour and background", "[off]", true},
		{"\x04[off] hex colour reset", "[off]", true},
		{"\x02\x04ff0000\x0304[off] bold, hex colour, colour", "[off]", true},
		{"\u2800[off] after the Braille blank", "[off]", true},
		{"\uffa0\u115f\u1160\u3164[off] after Hangul fillers", "[off]", true},
		{"\x04ff0000x [off]", "[off]", false},
		{"\u2800x [off]", "[off]", false},
		{"\u200bx [off]", "[off]", false},
		{"é[off]", "[off]", false},
		{"\x01[off]", "[off]", false},
		{"x [off]", "[off]", false},
		{"[of", "[off]", false},
		{"\u200b[of", "[off]", false},
		{"\u200b\u00a0", "[off]", false},
		{"[off] x", "", false},
		{"", "[off]", false},
	} {
		if got := hasNoLogPrefix(tc.text, tc.prefix); got != tc.want {
			t.Errorf("hasNoLogPrefix(%q, %q) = %v, want %v", tc.text, tc.prefix, got, tc.want)
		}
	}
}

func TestDecodeLatin1(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"café", "café"},                      // valid UTF-8 stays
		{"caf\xe9", "café"},                   // Latin-1 é
		{"\xa3100 \xbd", "£100 ½"},            // pound, one half
		{"mixed é and \xe9", "mixed é and é"}, // valid sequences kept, bad bytes decoded
		{"\xc3", "Ã"},                         // a truncated sequence
		{"\xff\xfe", "ÿþ"},
	} {
		if got := string(decodeLatin1([]byte(tc.in))); got != tc.want {
			t.Errorf("decodeLatin1(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzDecodeLatin1(f *testing.F) {
	for _, s := range []string{"", "plain", "café", "caf\xe9", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := decodeLatin1(in)
		if !utf8.Valid(out) {
			t.Fatalf("decodeLatin1(%q) = %q: not valid UTF-8", in, out)
		}
		if utf8.Valid(in) && !bytes.Equal(in, out) {
			t.Fatalf("valid UTF-8 %q changed to %q", in, out)
		}
		// Walking both: every input byte is either in a valid sequence
		// copied as is or one rune of the same value.
		i, j := 0, 0
		for i < len(in) {
			r, size := utf8.DecodeRune(in[i:])
			if r == utf8.RuneError && size <= 1 {
				got, n := utf8.DecodeRune(out[j:])
				if got != rune(in[i]) {
					t.Fatalf("byte %#x at %d became %q", in[i], i, got)
				}
				i, j = i+1, j+n
				continue
			}
			if !bytes.Equal(in[i:i+size], out[j:j+size]) {
				t.Fatalf("valid sequence at %d changed", i)
			}
			i, j = i+size, j+size
		}
		if j != len(out) {
			t.Fatalf("output has %d extra bytes", len(out)-j)
		}
	})
}

// FuzzParseMessage parses arbitrary lines as the read loop does: nothing
// panics, a parsed line has a command and only valid UTF-8 without NUL, CR
// or LF.
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		":alice!a@h PRIVMSG #c :hello", "@time=2026-01-01T00:00:00.000Z :a PRIVMSG #c :x", "", "x",
		":nospace", "@tagsonly", "@a :b", ":a!b@c PRIVMSG #c :caf\xe9", "PING :x", "\x00\x00", "@ x", "a\rb c",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, ok := parseMessage(raw, time.Now())
		if !ok {
			return
		}
		if m.Command == "" {
			t.Fatalf("parseMessage(%q) has no command", raw)
		}
		for _, p := range append([]string{m.Command, m.Source, m.src.Name, m.src.User, m.src.Host}, m.Params...) {
			if !utf8.ValidString(p) || strings.ContainsAny(p, "\x00\r\n") {
				t.Fatalf("parseMessage(%q): part %q is not clean UTF-8", raw, p)
			}
		}
	})
}

// TestReadLoop reads what a hostile or broken server might send through
// the connection's one read loop: every line is handled in order, broken
// lines cost nothing else, PING is answered at once and CTCP VERSION
// through the writer.
func TestReadLoop(t *testing.T) {
	n, recorded := sinkNet(t, "#c")
	n.tr.me = "logbot"
	n.registered.Store(true)
	server, client := net.Pipe()
	s := &session{conn: client, done: make(chan struct{})}
	n.sess.Store(s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.w.run(ctx, n.send)
	replies := make(chan string, 100)
	go func() {
		r := bufio.NewReader(server)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				close(replies)
				return
			}
			replies <- strings.TrimRight(l, "\r\n")
		}
	}()
	loopDone := make(chan error, 1)
	go func() { loopDone <- n.readLoop(s) }()
	long := ":a!b@c PRIVMSG #c :" + strings.Repeat("x", maxLine*2) + "\r\n"
	for _, l := range []string{
		"\r\n", ":nospace\r\n", "@tagsonly\r\n",
		":a!b@c PRIVMSG #c :caf\xe9\r\n",
		":a!b@c NOTICE logbot :caf\xe9\r\n",
		long,
		":a!b@c PRIVMSG #c :after the long one\r\n",
		":a!b@c PRIVMSG #c :\x01ACTION waves\x01\r\n",
		":a!b@c PRIVMSG #c :\x01VERSION\x01\r\n",
		"@a=b;;=x;+=;c\\ :a!b@c PRIVMSG #c :bad tags, good line\r\n",
		":a!b@c PRIVMSG #c :nul\x00byte\r\n",
		"PING :srv\r\n",
		":a!b@c PRIVMSG #c :no CR\n",
	} {
		if _, err := server.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{"PONG :srv": false, "NOTICE a :\x01VERSION " + Version + "\x01": false}
	deadline := time.After(10 * time.Second)
	for missing := len(want); missing > 0; {
		select {
		case l := <-replies:
			if seen, ok := want[l]; ok && !seen {
				want[l] = true
				missing--
			}
		case <-deadline:
			t.Fatalf("the bot did not answer: %v", want)
		}
	}
	server.Close()
	if err := <-loopDone; err == nil {
		t.Error("the read loop ended without an error on a closed connection")
	}
	evs := recorded()
	var texts []string
	for _, ev := range evs {
		texts = append(texts, truncate(ev.Text, 10))
	}
	if len(evs) != 7 {
		t.Fatalf("recorded %d events, want 7: %q", len(evs), texts)
	}
	if evs[0].Text != "café" {
		t.Errorf("event 0 = %q, want the Latin-1 line decoded", evs[0].Text)
	}
	if len(evs[1].Text) != maxLine-len(":a!b@c PRIVMSG #c :") || !strings.HasPrefix(evs[1].Text, "xxx") {
		t.Errorf("the long line's text is %d bytes, want the line cut at %d", len(evs[1].Text), maxLine)
	}
	if evs[2].Text != "after the long one" || evs[3].Kind != event.KindAction || evs[3].Text != "waves" ||
		evs[4].Text != "bad tags, good line" || evs[5].Text != "nulbyte" || evs[6].Text != "no CR" {
		t.Errorf("events after the long one: %q", texts[2:])
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir, name string) (tls.Certificate, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPath, keyPath
}

// tlsProxy terminates TLS in front of a plain test server and reports each
// handshake's outcome.
type tlsProxy struct {
	addr    string
	results chan tlsResult
}

type tlsResult struct {
	err        error
	clientCert bool
}

func startTLSProxy(t *testing.T, cert tls.Certificate, backend string) *tlsProxy {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert})
	if err != nil {
		t.Fatal(err)
	}
	p := &tlsProxy{addr: l.Addr().String(), results: make(chan tlsResult, 100)}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				tc := c.(*tls.Conn)
				err := tc.Handshake()
				res := tlsResult{err: err}
				if err == nil {
					res.clientCert = len(tc.ConnectionState().PeerCertificates) > 0
				}
				select {
				case p.results <- res:
				default:
				}
				if err != nil {
					return
				}
				up, err := net.Dial("tcp", backend)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { io.Copy(up, tc); up.Close() }()
				io.Copy(tc, up)
			}()
		}
	}()
	return p
}

// TestTLS connects through TLS: a self-signed certificate is refused by
// default and accepted with tls_insecure, and the client certificate is
// presented.
func TestTLS(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	serverCert, _, _ := selfSigned(t, dir, "server")
	_, clientCert, clientKey := selfSigned(t, dir, "client")
	proxy := startTLSProxy(t, serverCert, srv.Addr())
	host, port, _ := strings.Cut(proxy.addr, ":")

	t.Run("verified by default", func(t *testing.T) {
		cfg := bottest.ParseConfig(t, t.TempDir(), fmt.Sprintf("network: test\nserver: {host: %s, port: %s, tls: true}\nnick: logbot\nchannels: [{name: \"#tls\"}]\n", host, port))
		h := startBot(t, cfg, nil)
		for i := range 2 {
			if r := <-proxy.results; r.err == nil {
				t.Fatalf("handshake %d with a self-signed certificate succeeded", i)
			}
		}
		// The second attempt began after the first one's error was noted.
		st := h.B.Status().Networks[0]
		if st.Connected || !strings.Contains(st.LastError, "certificate") {
			t.Errorf("status = %+v, want not connected with a certificate error", st)
		}
	})
	t.Run("insecure with a client certificate", func(t *testing.T) {
		cfg := bottest.ParseConfig(t, t.TempDir(), fmt.Sprintf(
			"network: test\nserver: {host: %s, port: %s, tls: true, tls_insecure: true, client_cert: %s, client_key: %s}\nnick: logbot\nchannels: [{name: \"#tls\"}]\n",
			host, port, clientCert, clientKey))
		for len(proxy.results) > 0 {
			<-proxy.results
		}
		h := startBot(t, cfg, nil)
		h.WaitSelfJoins(1)
		r := <-proxy.results
		if r.err != nil || !r.clientCert {
			t.Errorf("handshake: %v, client certificate presented %v", r.err, r.clientCert)
		}
	})
}

// TestNickRegain: with the nick and the first alternative taken, the bot
// registers with the second, and takes its nick back when it frees up, by
// trying now and then (the holder shares no channel with it).
func TestNickRegain(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	holder := ircserver.Dial(t, srv.Addr(), "logbot") // in no channel
	alt := ircserver.Dial(t, srv.Addr(), "logbot_")
	alt.Join("#n")
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), "logbot", "#n"))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	if join := h.Committed()[0]; join.Nick != "logbot__" {
		t.Fatalf("joined as %q, want the second alternative logbot__", join.Nick)
	}
	alt.Send("QUIT :bye") // frees only an alternative: the bot keeps logbot__ (its NICK logbot attempts are refused)
	h.WaitFor(30*time.Second, "the quit", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Kind == event.KindQuit }) == 1
	})
	holder.Send("QUIT :giving the nick back")
	ev := h.WaitFor(30*time.Second, "the bot taking its nick back", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Kind == event.KindNick }) == 1
	})
	var nick event.Event
	for _, e := range ev {
		if e.Kind == event.KindNick {
			nick = e
		}
	}
	if nick.Nick != "logbot__" || nick.Target != "logbot" || nick.Flags&event.FlagSelf == 0 {
		t.Errorf("nick change = %s, want logbot__ → logbot by the bot", bottest.Describe(nick))
	}
	if st := h.B.Status().Networks[0]; st.Nick != "logbot" {
		t.Errorf("Status nick = %q, want logbot", st.Nick)
	}
}

// TestReload joins the channels a new configuration adds and parts those
// it removes.
func TestReload(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#old")
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#old", "#kept")), nil)
	h.WaitSelfJoins(2)
	h.B.Reload(bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#kept", "#new")))
	watcher.Expect(10*time.Second, func(l string) bool { return strings.HasPrefix(l, ":logbot!") && strings.Contains(l, " PART #old") })
	h.WaitSelfJoins(3)
	watcher.Send("PRIVMSG #old :not recorded any more")
	watcher.Join("#new")
	watcher.Send("PRIVMSG #new :recorded")
	h.WaitText("recorded")
	st := h.B.Status().Networks[0]
	if fmt.Sprint(st.Channels) != "[#kept #new]" {
		t.Errorf("channels after reload = %v, want [#kept #new]", st.Channels)
	}
	for _, ev := range h.Committed() {
		if ev.Text == "not recorded any more" {
			t.Errorf("recorded a line of a channel removed from the configuration: %s", bottest.Describe(ev))
		}
	}
}

// BenchmarkLineToEvent measures the recorder's own work for one channel
// message: irc-go's parser and the conversion to an event.Event (the archive itself is replaced by a counter).
func BenchmarkLineToEvent(b *testing.B) {
	n, _ := sinkNet(b, "#bench")
	got := 0
	n.b.rec.sink = func(event.Event) { got++ }
	n.tr.me = "logbot"
	raw := []byte("@time=2026-02-02T12:00:00.000Z;msgid=abc :alice!alice@example.org PRIVMSG #bench :hello there, a line of typical length for a channel\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if err := n.onLine(nil, raw); err != nil {
			b.Fatal(err)
		}
	}
	if got != b.N {
		b.Fatalf("%d events for %d lines", got, b.N)
	}
}

// sinkNet is the one network of a bot that records the channels given,
// with the archive replaced by a list: recorded returns what reached it
// since the last call.
func sinkNet(t testing.TB, channels ...string) (n *netConn, recorded func() []event.Event) {
	t.Helper()
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet("127.0.0.1:6667", "logbot", channels...))
	db := archivetest.OpenAt(t, cfg.Archive, archive.Options{Logger: bottest.Logger(t)})
	bot, err := New(cfg, db, Options{Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var evs []event.Event
	bot.rec.sink = func(ev event.Event) {
		mu.Lock()
		evs = append(evs, ev)
		mu.Unlock()
	}
	return bot.nets[0], func() []event.Event {
		mu.Lock()
		defer mu.Unlock()
		out := evs
		evs = nil
		return out
	}
}

// lockedLog collects a logger's output for tests that read it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestIdentifyKeyTopic: the bot identifies to NickServ with the password
// from the environment, joins a channel with its key, records the topic it
// finds there with its setter, and no secret reaches the log.
func TestIdentifyKeyTopic(t *testing.T) {
	t.Setenv("PROCEEDINGS_TEST_NS_PASSWORD", "ns-pass-1234")
	t.Setenv("PROCEEDINGS_TEST_CHAN_KEY", "sesame")
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	services := ircserver.Dial(t, srv.Addr(), "NickServ")
	op := ircserver.Dial(t, srv.Addr(), "op")
	op.Join("#locked")
	op.Send("MODE #locked +k sesame")
	op.Send("TOPIC #locked :the topic before the bot came")
	op.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "TOPIC #locked") })

	host, port, _ := strings.Cut(srv.Addr(), ":")
	cfg := bottest.ParseConfig(t, t.TempDir(), fmt.Sprintf(`network: test
server: {host: %s, port: %s, tls: false}
nick: logbot
nickserv: {password_env: PROCEEDINGS_TEST_NS_PASSWORD}
channels:
  - {name: "#locked", key_env: PROCEEDINGS_TEST_CHAN_KEY}
`, host, port))
	var logs lockedLog
	db, err := archivetest.Dial(context.Background(), cfg.Archive, archive.Options{Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := New(cfg, db, Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	b.opts = testOptions()
	joined := make(chan event.Event, 10)
	b.opts.onRecorded = func(ev event.Event, _ int64, err error) {
		if err == nil {
			joined <- ev
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()

	services.Expect(10*time.Second, func(l string) bool {
		return strings.HasPrefix(l, ":logbot!") && strings.HasSuffix(l, "PRIVMSG NickServ :IDENTIFY ns-pass-1234")
	})
	var got []event.Event
	for len(got) < 2 {
		select {
		case ev := <-joined:
			got = append(got, ev)
		case <-time.After(30 * time.Second):
			t.Fatalf("the bot did not join the keyed channel; events %v; log:\n%s", got, logs.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got[0].Kind != event.KindJoin || got[0].Flags&event.FlagSelf == 0 {
		t.Errorf("first event %s, want the bot's join", bottest.Describe(got[0]))
	}
	topic := got[1]
	if topic.Kind != event.KindTopic || topic.Flags&event.FlagTopicOnJoin == 0 || topic.Nick != "op" || topic.Text != "the topic before the bot came" {
		t.Errorf("second event %s, want the topic on join set by op", bottest.Describe(topic))
	}
	for _, secret := range []string{"ns-pass-1234", "sesame"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains the secret %q:\n%s", secret, logs.String())
		}
	}
}

// TestTrackerFromLines follows what the tracker learns from the lines
// themselves: the capabilities acknowledged, and the accounts of people on
// a server without account-tag (extended-join, account-notify and the
// bot's WHOX of each joining user).
func TestTrackerFromLines(t *testing.T) {
	n, recorded := sinkNet(t, "#c")
	for _, l := range []string{
		":srv CAP * ACK :extended-join account-notify echo-message",
		":srv CAP * ACK :-echo-message",
		":srv 001 logbot :Welcome",
		":logbot!u@h JOIN #c * :Log Bot",
		":alice!a@h JOIN #c alice_acct :Alice",
		":alice!a@h PRIVMSG #c :logged in at join",
		":bob!b@h JOIN #c * :Bob",
		":bob!b@h PRIVMSG #c :not logged in",
		":bob!b@h ACCOUNT bob_acct",
		":bob!b@h PRIVMSG #c :logged in now",
		":srv 354 logbot 1 #c c h carol carol_acct :Carol",
		":carol!c@h JOIN #c * :Carol",
		":srv 354 logbot 1 #c c h carol carol_acct :Carol",
		":carol!c@h PRIVMSG #c :seen by WHOX",
		":alice!a@h NICK alice2",
		":alice2!a@h PRIVMSG #c :renamed, same account",
		"@account=tagged :dave!d@h PRIVMSG #c :the tag wins",
		":bob!b@h ACCOUNT *",
		":bob!b@h PRIVMSG #c :logged out",
		":logbot!u@h PRIVMSG #c :my own line, echoed",
	} {
		n.onLine(nil, []byte(l+"\r\n"))
	}
	if !n.tr.accountsFromCaps() || n.echo.Load() {
		t.Errorf("after CAP ACK and a CAP ACK of -echo-message: accounts %v (want true), echo %v (want false)", n.tr.accountsFromCaps(), n.echo.Load())
	}
	want := map[string]string{
		"logged in at join": "alice_acct", "not logged in": "", "logged in now": "bob_acct",
		"seen by WHOX": "carol_acct", "renamed, same account": "alice_acct", "the tag wins": "tagged",
		"logged out": "", "my own line, echoed": "",
	}
	seen := 0
	for _, ev := range recorded() {
		acct, ok := want[ev.Text]
		if !ok || ev.Kind != event.KindMessage {
			continue
		}
		seen++
		if ev.Account != acct {
			t.Errorf("%q recorded with account %q, want %q", ev.Text, ev.Account, acct)
		}
		if self := ev.Flags&event.FlagSelf != 0; self != (ev.Nick == "logbot") {
			t.Errorf("%q: self flag %v", ev.Text, self)
		}
	}
	if seen != len(want) {
		t.Errorf("recorded %d of the %d messages", seen, len(want))
	}
}

// FuzzOnLine records arbitrary server lines after arbitrary tracker
// states (capabilities, the bot's channels, who is where, lines seen
// before): nothing panics, every event is one the archive accepts, in valid
// UTF-8, no private message and nothing said by a nick starting with "*"
// (a bouncer's) is recorded, and the trust rule holds: a line without an
// account tag is recorded with an account only when account-tag is off,
// account-notify is on and its sender shared a channel with the bot.
func FuzzOnLine(f *testing.F) {
	for _, l := range []string{
		":a!b@c PRIVMSG #c :hello",
		"@time=2026-02-02T12:00:00.000Z;account=acct :a!b@c PRIVMSG #c :\x01ACTION waves\x01",
		":a!b@c JOIN #c acct :Real Name",
		":a!b@c QUIT :bye",
		":a!b@c NICK :a2",
		":op!o@h KICK #c a :spam",
		":op!o@h MODE #c +o a",
		":srv 332 logbot #c :topic",
		":srv 333 logbot #c op!o@h 1700000000",
		":srv 353 logbot = #c :@op +a b",
		":srv CAP * ACK :extended-join account-notify",
		":srv 354 logbot 1 #c u h a acct :Real",
		":***!znc@znc.in PRIVMSG #c :Buffer Playback...",
		":a!b@c PRIVMSG logbot :private",
		"@time=bad :a!b@c PRIVMSG @#c :ops only",
	} {
		f.Add(uint8(0x1f), ":a!b@c ACCOUNT acct\n@account=admin :a!b@c PRIVMSG logbot :hi", []byte(l))
	}
	f.Add(uint8(0x12), ":a!b@c JOIN #c\n:a!b@c ACCOUNT acct\n:a!b@c PART #c", []byte(":a!b@c PRIVMSG #c :after leaving"))
	n, recorded := sinkNet(f, "#c")
	// The fuzzing workers must not log through f.
	n.log = slog.New(slog.DiscardHandler)
	n.b.log = n.log
	oneLine := func(raw []byte) []byte {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			return raw[:i] // one line, as the read loop reads them
		}
		return raw
	}
	f.Fuzz(func(t *testing.T, state uint8, history string, raw []byte) {
		n.tr.reset()
		n.setNick("logbot")
		for i, c := range []string{"account-tag", "account-notify", "extended-join", "echo-message"} {
			if state&(1<<i) != 0 {
				n.tr.caps[c] = true
			}
		}
		if state&16 != 0 {
			n.onLine(nil, []byte(":logbot!u@h JOIN #c"))
		}
		for i, h := range strings.Split(history, "\n") {
			if i == 8 {
				break
			}
			n.onLine(nil, []byte(h))
		}
		recorded()
		line := oneLine(raw)
		m, ok := parseMessage(line, time.Now())
		tagged, accountTag, notify, shared := false, n.tr.caps["account-tag"], n.tr.caps["account-notify"], false
		if ok {
			_, tagged = m.tag("account")
			shared = m.src.Name != "" && n.tr.shares(n.tr.fold(m.src.Name))
		}
		n.onLine(nil, line)
		for _, ev := range recorded() {
			ev.Network, ev.Channel = "test", "#c"
			if err := ev.Validate(); err != nil {
				t.Fatalf("%q recorded an event the archive refuses: %v (%+v)", line, err, ev)
			}
			if !utf8.ValidString(ev.Nick + ev.Text + ev.Target + ev.UserHost + ev.Account) {
				t.Fatalf("%q recorded invalid UTF-8: %+v", line, ev)
			}
			if ev.Kind.IsSpeech() && (strings.HasPrefix(ev.Nick, "*") || strings.Contains(string(line), "PRIVMSG logbot ")) {
				t.Fatalf("%q was recorded: %+v", line, ev)
			}
			joinAccount := ev.Kind == event.KindJoin && n.tr.caps["extended-join"]
			if ev.Account != "" && !tagged && !joinAccount && (accountTag || !notify || !shared) {
				t.Fatalf("%q recorded with account %q: no tag, account-tag %v, account-notify %v, shared a channel %v", line, ev.Account, accountTag, notify, shared)
			}
		}
	})
}

// TestTrimAfterBurst: the bot returns memory (one forced collection) once
// it is quiet after a burst of recorded events, and not while events keep
// coming or after a few.
func TestTrimAfterBurst(t *testing.T) {
	n, _ := sinkNet(t, "#c")
	b := n.b
	// The quiet time is many times the burst's pace, so that a slow
	// scheduler on a loaded machine does not read a pause into the burst.
	const quiet = 250 * time.Millisecond
	b.opts.trimAfter, b.opts.trimQuiet = 1000, quiet
	forced := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.trimLoop(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	// A few events: no trim.
	b.rec.recorded.Add(10)
	before := forced()
	time.Sleep(2 * quiet)
	if got := forced() - before; got != 0 {
		t.Errorf("%d forced collections after 10 events", got)
	}
	// A burst that goes on: no trim while it lasts.
	for range 10 {
		b.rec.recorded.Add(500)
		time.Sleep(10 * time.Millisecond)
	}
	if got := forced() - before; got != 0 {
		t.Errorf("%d forced collections while events kept coming", got)
	}
	// Then quiet: one trim.
	deadline := time.Now().Add(5 * time.Second)
	for forced() == before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(2 * quiet)
	if got := forced() - before; got != 1 {
		t.Errorf("%d forced collections once quiet after 5,010 events, want 1", got)
	}
}

// TestWelcomeWithoutNick: a welcome (001) whose nick is empty or not a
// nick leaves the bot on its configured nick, so that its own lines are
// still known as its own.
func TestWelcomeWithoutNick(t *testing.T) {
	for _, welcome := range []string{
		":irc.fake 001 :",
		":irc.fake 001",
		":irc.fake 001 :Welcome to the network",
		":irc.fake 001 #c :Welcome",
		":irc.fake 001 logbot :Welcome",
	} {
		t.Run(welcome, func(t *testing.T) {
			n, recorded := sinkNet(t, "#c")
			for _, l := range []string{welcome, ":logbot!u@h JOIN #c", ":logbot!u@h PRIVMSG #c :my own line"} {
				n.onLine(nil, []byte(l))
			}
			if got := n.currentNick(); got != "logbot" {
				t.Errorf("after %q the bot's nick is %q, want the configured logbot", welcome, got)
			}
			found := false
			for _, ev := range recorded() {
				if ev.Text == "my own line" {
					found = true
					if ev.Flags&event.FlagSelf == 0 {
						t.Errorf("after %q the bot's own line is recorded as someone else's: %+v", welcome, ev)
					}
				}
			}
			if !found {
				t.Errorf("after %q the bot's own line was not recorded", welcome)
			}
		})
	}
}

// deafProxy relays connections to a server; deafen makes the server stop
// reading the newest one (what ngIRCd does to a client it penalises): the
// client's lines are held, the server's still reach the client.
type deafProxy struct {
	addr string
	mu   sync.Mutex
	last *atomic.Bool // the newest connection's "deaf"
}

func startDeafProxy(t *testing.T, backend string) *deafProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &deafProxy{addr: l.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", backend)
			if err != nil {
				c.Close()
				continue
			}
			deaf := &atomic.Bool{}
			p.mu.Lock()
			p.last = deaf
			p.mu.Unlock()
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer up.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if !deaf.Load() {
						up.Write([]byte(line))
					}
				}
			}()
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, up)
			}()
		}
	}()
	return p
}

func (p *deafProxy) deafen() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last.Store(true)
}

// TestLagReconnect: a server that stops reading the bot (its lines and its
// lag probe go unread, while the server's lines still come) is left after
// lagReconnect, and on the new connection the bot's lines reach the channel
// again. Without it the bot would stay connected and mute, as on an ngIRCd
// whose penalties for a flood's errors kept growing.
func TestLagReconnect(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#c")
	proxy := startDeafProxy(t, srv.Addr())
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(proxy.addr, "logbot", "#c"))
	h := startBot(t, cfg, func(o *botOptions) {
		o.lagReconnect = 3 * time.Second
		o.pingEvery = 2 * time.Second // keepalive looks every 0.5 s
	})
	h.WaitSelfJoins(1)
	said := func(text string) {
		t.Helper()
		if err := h.B.Say("", "#c", text); err != nil {
			t.Fatal(err)
		}
	}
	for i := range lagWindow {
		said(fmt.Sprintf("before %d", i))
	}
	watcher.Expect(10*time.Second, func(l string) bool { return strings.HasSuffix(l, fmt.Sprintf("before %d", lagWindow-1)) })
	n := h.B.netConn("test")
	deadline := time.Now().Add(10 * time.Second)
	for {
		n.w.gate.mu.Lock()
		answered := n.w.gate.answered && n.w.gate.token == ""
		n.w.gate.mu.Unlock()
		if answered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the probe after the first lines was not answered")
		}
		time.Sleep(50 * time.Millisecond)
	}

	proxy.deafen()
	deafened := time.Now()
	for i := range lagWindow {
		said(fmt.Sprintf("unread %d", i))
	}
	for h.B.Status().Reconnects == 0 {
		if time.Since(deafened) > 15*time.Second {
			t.Fatalf("the bot stayed on a server that read none of its lines for %v", time.Since(deafened).Round(time.Second))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(deafened); d < 3*time.Second {
		t.Errorf("the bot left after %v, before lagReconnect (3 s)", d)
	}
	h.WaitSelfJoins(2)
	said("after the reconnect")
	watcher.Expect(10*time.Second, func(l string) bool { return strings.HasSuffix(l, "after the reconnect") })
}

// TestNickTooLong: on ngIRCd with its default nick length (9), which
// refuses "proceedings" as erroneous, the bot registers as the nick cut to
// nine characters and joins its channel, instead of trying longer and
// longer alternatives for ever; a second bot, finding that nick taken,
// gets a nine-character one with digits.
func TestNickTooLong(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, ShortNicks: true})
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), "proceedings", "#n"))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	if st := h.B.Status().Networks[0]; st.Nick != "proceedin" {
		t.Errorf("registered as %q, want proceedin", st.Nick)
	}
	h2 := startBot(t, bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), "proceedings", "#n")), nil)
	h2.WaitSelfJoins(1)
	st := h2.B.Status().Networks[0]
	if len(st.Nick) != 9 || !strings.HasPrefix(st.Nick, "proce") {
		t.Errorf("the second bot registered as %q, want proce and four digits", st.Nick)
	}
}

// TestBuildIson: with answers to 20 strangers held, the ISON names the 14
// newest (servers drop parameters past 15); on its answer the lines of the
// nicks it names go to the writer, the others' it asked about are dropped,
// and the rest stay held for the next.
func TestBuildIson(t *testing.T) {
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet("127.0.0.1:1", "logbot", "#c"))
	db, err := archivetest.Dial(context.Background(), cfg.Archive, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := New(cfg, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := b.nets[0]
	n.registered.Store(true)
	now := time.Now()
	for i := range 20 {
		nick := fmt.Sprintf("n%02d", i)
		n.noteStranger(nick, now)
		if err := n.queueTTL("PRIVMSG", nick, "hello "+nick, answerTTL); err != nil {
			t.Fatal(err)
		}
	}
	// n00 went straight to the writer (nothing else waited); the others
	// are held behind it.
	if got := n.w.waiting(prioStranger); got != 1 || len(n.held) != 19 {
		t.Fatalf("%d lines to strangers wait in the writer and %d are held, want 1 and 19", got, len(n.held))
	}
	line, ok := n.buildIson()
	want := "ISON n19 n18 n17 n16 n15 n14 n13 n12 n11 n10 n09 n08 n07 n06"
	if !ok || line != want {
		t.Fatalf("buildIson = %q, %v; want %q", line, ok, want)
	}
	m, _ := parseMessage([]byte(":irc.test 303 logbot :n06 N19"), time.Now())
	n.onIson(m)
	if len(n.held) != 5 {
		t.Errorf("%d lines held after the answer, want 5 (n01…n05)", len(n.held))
	}
	var sent []string
	for _, l := range drain(n.w) {
		if strings.HasPrefix(l, "PRIVMSG") {
			sent = append(sent, l)
		}
	}
	if want := []string{"PRIVMSG n00 :hello n00", "PRIVMSG n06 :hello n06", "PRIVMSG n19 :hello n19"}; !slices.Equal(sent, want) {
		t.Errorf("sent %q, want %q", sent, want)
	}
	if got := n.w.expired.Load(); got != 12 {
		t.Errorf("%d lines counted as expired, want the 12 of the nicks not named", got)
	}
}
