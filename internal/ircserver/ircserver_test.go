package ircserver

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

var kinds = []Kind{InspIRCd, NgIRCd}

// TestServer runs every kind of server through a burst, a restart and
// the failure reports of the helpers.
func TestServer(t *testing.T) {
	t.Parallel()
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			begin := time.Now()
			srv := Start(t, Options{Kind: kind})
			t.Logf("%s: started in %v on %s", kind, time.Since(begin).Round(time.Millisecond), srv.Addr())
			if srv.Kind != kind || srv.Host != "127.0.0.1" || srv.Port == 0 {
				t.Fatalf("server = %+v, want kind %s on 127.0.0.1 with a port", srv, kind)
			}
			if want := "127.0.0.1:" + strconv.Itoa(srv.Port); srv.Addr() != want {
				t.Fatalf("Addr() = %q, want %q", srv.Addr(), want)
			}

			t.Run("burst", func(t *testing.T) { testBurst(t, srv) })
			t.Run("restart", func(t *testing.T) { testRestart(t, srv) })
		})
	}
}

// testBurst has one client send 1,000 messages as fast as it can and
// checks that another receives all of them in order, and that the sender
// is not disconnected for flooding.
func testBurst(t *testing.T, srv *Server) {
	const n = 1000
	begin := time.Now()
	sender := Dial(t, srv.Addr(), "sender")
	receiver := Dial(t, srv.Addr(), "receiver")
	t.Logf("%s: two clients registered in %v", srv.Kind, time.Since(begin).Round(time.Millisecond))
	sender.Join("#burst")
	receiver.Join("#burst")

	begin = time.Now()
	for i := range n {
		sender.Send("PRIVMSG #burst :message %d of the burst", i)
	}
	for i := range n {
		line := receiver.Expect(10*time.Second, isPrivmsg("sender", "#burst"))
		msg, err := ircmsg.ParseLine(line)
		if err != nil {
			t.Fatalf("parse %q: %v", line, err)
		}
		if want := fmt.Sprintf("message %d of the burst", i); msg.Params[1] != want {
			t.Fatalf("message %d: got %q, want %q", i, msg.Params[1], want)
		}
	}
	t.Logf("%s: %d messages relayed in %v", srv.Kind, n, time.Since(begin).Round(time.Millisecond))

	// The sender is still connected and the server has processed all its
	// lines: PING is answered after them.
	sender.Send("PING :after-burst")
	sender.Expect(10*time.Second, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err != nil {
			return false
		}
		if msg.Command == "ERROR" {
			t.Fatalf("sender disconnected: %s", line)
		}
		return msg.Command == "PONG" && msg.Params[len(msg.Params)-1] == "after-burst"
	})
}

// isPrivmsg matches a PRIVMSG from nick to target.
func isPrivmsg(nick, target string) func(string) bool {
	return func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && msg.Command == "PRIVMSG" && msg.Nick() == nick &&
			len(msg.Params) == 2 && msg.Params[0] == target
	}
}

// testRestart checks that Restart drops the old connections, keeps the port,
// and that a new client can connect and talk afterwards.
func testRestart(t *testing.T, srv *Server) {
	before := Dial(t, srv.Addr(), "before")
	port := srv.Port

	begin := time.Now()
	srv.Restart(t)
	t.Logf("%s: restarted in %v", srv.Kind, time.Since(begin).Round(time.Millisecond))
	if srv.Port != port {
		t.Fatalf("port after Restart = %d, want %d", srv.Port, port)
	}
	timeout := time.After(10 * time.Second)
	for closed := false; !closed; {
		select {
		case _, ok := <-before.Lines():
			closed = !ok
		case <-timeout:
			t.Fatal("the client connected before Restart is still connected")
		}
	}

	after := Dial(t, srv.Addr(), "after")
	after.Join("#restart")
	after.Send("TOPIC #restart :back again")
	after.Expect(5*time.Second, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && msg.Command == "TOPIC" && msg.Params[len(msg.Params)-1] == "back again"
	})
	srv.Stop()
	srv.Stop() // idempotent
}

// TestInspIRCdCaps checks that the InspIRCd config enables IRCv3:
// capabilities are acknowledged and take effect on messages.
func TestInspIRCdCaps(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: InspIRCd, Name: "caps.test"})
	c := DialCaps(t, srv.Addr(), "capper", "server-time", "echo-message", "message-tags")
	c.Join("#caps")
	c.Send("PRIVMSG #caps :echo me")
	line := c.Expect(5*time.Second, isPrivmsg("capper", "#caps"))
	msg, err := ircmsg.ParseLine(line)
	if err != nil {
		t.Fatalf("parse %q: %v", line, err)
	}
	if msg.Params[1] != "echo me" {
		t.Errorf("echoed text = %q, want %q", msg.Params[1], "echo me")
	}
	for _, tag := range []string{"time", "msgid"} {
		if !msg.HasTag(tag) {
			t.Errorf("echoed message %q lacks the %q tag", line, tag)
		}
	}
	if _, ts := msg.GetTag("time"); ts != "" {
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Errorf("server-time tag %q: %v", ts, err)
		}
	}
	// The server name of Options reaches the server.
	c.Send("VERSION")
	c.Expect(5*time.Second, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && msg.Command == "351" && msg.Source == "caps.test"
	})
}

// TestPortInUse checks that a start on a taken port is reported as such,
// which Start answers by trying another port.
func TestPortInUse(t *testing.T) {
	t.Parallel()
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			s := &Server{Kind: kind, Host: "127.0.0.1", Name: "irc.test", Dir: t.TempDir()}
			t.Cleanup(s.Stop)
			err = s.launch(l.Addr().(*net.TCPAddr).Port)
			if !errors.Is(err, errPortInUse) {
				t.Fatalf("launch on a taken port: %v, want an error wrapping %v", err, errPortInUse)
			}
			if s.proc != nil {
				t.Error("server kept a process after a failed launch")
			}
		})
	}
}

// TestFailures checks that the helpers fail the test with a useful message.
func TestFailures(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: NgIRCd})

	tests := []struct {
		name string
		run  func(tb testing.TB)
		want []string // parts of the failure message
	}{
		{
			name: "unknown kind",
			run:  func(tb testing.TB) { Start(tb, Options{Kind: "ircd-hybrid"}) },
			want: []string{`unknown server kind "ircd-hybrid"`},
		},
		{
			name: "server refuses its config",
			run:  func(tb testing.TB) { Start(tb, Options{Kind: NgIRCd, Name: "nodot"}) },
			want: []string{"exited during start", "server output:", "No (valid) server name configured"},
		},
		{
			name: "expect times out",
			run: func(tb testing.TB) {
				c := Dial(tb, srv.Addr(), "waiter")
				c.Send("PRIVMSG waiter :first")
				c.Send("PRIVMSG waiter :second")
				c.Expect(time.Second, func(string) bool { return false })
			},
			want: []string{"no expected line within 1s", "PRIVMSG waiter :first", "PRIVMSG waiter :second"},
		},
		{
			name: "caps refused",
			run:  func(tb testing.TB) { DialCaps(tb, srv.Addr(), "nocaps", "server-time") },
			want: []string{"server refused capabilities", "NAK"},
		},
		{
			name: "join refused",
			run: func(tb testing.TB) {
				c := Dial(tb, srv.Addr(), "joiner")
				c.Join("nochannel")
			},
			want: []string{"join nochannel refused", "403"},
		},
		{
			name: "two lines in Send",
			run: func(tb testing.TB) {
				c := Dial(tb, srv.Addr(), "twolines")
				c.Send("PRIVMSG x :a\r\nQUIT")
			},
			want: []string{"Send takes one line"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := fatalMessage(t, tt.run)
			if msg == "" {
				t.Fatal("did not fail")
			}
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("failure message lacks %q:\n%s", want, msg)
				}
			}
		})
	}
}

// fatalTB records the first Fatal and ends the goroutine like testing does.
type fatalTB struct {
	testing.TB // cleanups, temp dirs and logs go to the real test
	mu         sync.Mutex
	msg        string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fatalTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

// fatalMessage runs fn and returns the message it failed with, or "".
func fatalMessage(t *testing.T, fn func(testing.TB)) string {
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.msg
}

// TestOddDirectory checks that the configs survive a temporary directory
// with characters that are special to InspIRCd's config syntax.
func TestOddDirectory(t *testing.T) {
	t.Parallel()
	for _, kind := range kinds {
		t.Run(string(kind)+" &amp dir", func(t *testing.T) {
			t.Parallel()
			srv := Start(t, Options{Kind: kind}) // fails on a config syntax error
			if !strings.Contains(srv.Dir, "&amp") {
				t.Fatalf("temporary dir %q lacks the '&amp' under test", srv.Dir)
			}
		})
	}
}

// TestServices links Atheme: an account registered with NickServ logs in
// over SASL PLAIN, a wrong password is refused, and the account survives a
// restart.
func TestServices(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: InspIRCd, Services: true})
	c := Dial(t, srv.Addr(), "carol")
	c.Send("PRIVMSG NickServ :REGISTER carol-pass-1 carol@example.org")
	c.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "NickServ") && strings.Contains(l, "registered") })
	if got := saslPlain(t, srv.Addr(), "carol", "carol-pass-1"); got != "903" {
		t.Errorf("SASL PLAIN with the right password: %s, want 903", got)
	}
	if got := saslPlain(t, srv.Addr(), "carol", "wrong"); got != "904" {
		t.Errorf("SASL PLAIN with a wrong password: %s, want 904", got)
	}
	srv.Restart(t)
	if got := saslPlain(t, srv.Addr(), "carol", "carol-pass-1"); got != "903" {
		t.Errorf("SASL PLAIN after a restart: %s, want 903", got)
	}
}

// saslPlain registers a raw connection with SASL PLAIN and returns the
// numeric that ended the attempt (903 success, 904 failure).
func saslPlain(t *testing.T, addr, user, pass string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "CAP LS 302\r\nNICK sasl%d\r\nUSER u 0 * :u\r\nCAP REQ :sasl\r\n", time.Now().UnixNano()%100000)
	r := bufio.NewReader(conn)
	var seen []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("SASL exchange: %v; the server said:\n%s", err, strings.Join(seen, ""))
		}
		seen = append(seen, line)
		msg, err := ircmsg.ParseLine(strings.TrimRight(line, "\r\n"))
		if err != nil {
			continue
		}
		switch {
		case msg.Command == "PING":
			fmt.Fprintf(conn, "PONG :%s\r\n", msg.Params[len(msg.Params)-1])
		case msg.Command == "CAP" && len(msg.Params) > 1 && msg.Params[1] == "ACK":
			fmt.Fprint(conn, "AUTHENTICATE PLAIN\r\n")
		case msg.Command == "AUTHENTICATE" && len(msg.Params) > 0 && msg.Params[0] == "+":
			fmt.Fprintf(conn, "AUTHENTICATE %s\r\n", base64.StdEncoding.EncodeToString([]byte(user+"\x00"+user+"\x00"+pass)))
		case msg.Command == "903" || msg.Command == "904" || msg.Command == "905" || msg.Command == "906":
			return msg.Command
		}
	}
}

// TestStrictPort: a client on the strict port (threshold 10, no fakelag)
// that sends 15 lines at once is cut for "Excess Flood"; the same burst on
// the lax port is fine. DialUser's username shows as the ident.
func TestStrictPort(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: InspIRCd, Strict: &StrictClass{Threshold: 10}})
	if srv.StrictAddr() == srv.Addr() {
		t.Fatalf("StrictAddr() = Addr() = %s", srv.Addr())
	}
	lax := DialUser(t, srv.Addr(), "laxone", "laxident")
	strict := Dial(t, srv.StrictAddr(), "strictone")
	lax.Join("#flood")
	// The 15 lines leave in one write, as a real burst does. The server may
	// cut the link while they arrive, so a reset or broken pipe is the
	// expected outcome here, not a failure; the ERROR below is what counts.
	var burst []string
	for i := range 15 {
		burst = append(burst, fmt.Sprintf("PRIVMSG laxone :strict line %d", i))
	}
	if err := strict.write(strings.Join(burst, "\r\n")); err != nil &&
		!errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("sending the burst: %v", err)
	}
	var closing string
	for closing == "" {
		select {
		case line, ok := <-strict.Lines():
			if !ok {
				t.Fatal("the strict client was disconnected without an ERROR")
			}
			if msg, err := ircmsg.ParseLine(line); err == nil && msg.Command == "ERROR" {
				closing = line
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a client of the strict port that sent 15 lines at once is still connected")
		}
	}
	if !strings.Contains(closing, "Excess Flood") {
		t.Errorf("the strict client was cut with %q, want Excess Flood", closing)
	}

	for i := range 15 {
		lax.Send("PRIVMSG #flood :lax line %d", i)
	}
	lax.Send("WHOIS laxone")
	line := lax.Expect(10*time.Second, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err == nil && msg.Command == "ERROR" {
			t.Fatalf("the lax client was cut: %s", line)
		}
		return err == nil && msg.Command == "311"
	})
	// 311 me nick user host * :realname
	if msg, _ := ircmsg.ParseLine(line); len(msg.Params) < 3 || strings.TrimPrefix(msg.Params[2], "~") != "laxident" {
		t.Errorf("WHOIS of a DialUser client: %q, want the username laxident", line)
	}
}

// TestDialMany registers a dozen clients at once on InspIRCd, in about the
// time of one.
func TestDialMany(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: InspIRCd})
	var nicks []string
	for i := range 12 {
		nicks = append(nicks, fmt.Sprintf("many%02d", i))
	}
	begin := time.Now()
	cs := DialMany(t, srv.Addr(), nicks...)
	t.Logf("%d clients registered in %v", len(cs), time.Since(begin).Round(time.Millisecond))
	if len(cs) != len(nicks) {
		t.Fatalf("DialMany returned %d clients for %d nicks", len(cs), len(nicks))
	}
	for i, c := range cs {
		if c.Nick != nicks[i] {
			t.Errorf("client %d is %s, want %s", i, c.Nick, nicks[i])
		}
		c.Join("#many")
	}
}

// TestInspIRCdNoAccountTag: with Options.NoAccountTag the server offers
// extended-join and account-notify but not account-tag.
func TestInspIRCdNoAccountTag(t *testing.T) {
	t.Parallel()
	srv := Start(t, Options{Kind: InspIRCd, NoAccountTag: true})
	c := Dial(t, srv.Addr(), "lister")
	c.Send("CAP LS 302")
	line := c.Expect(5*time.Second, func(l string) bool {
		msg, err := ircmsg.ParseLine(l)
		return err == nil && msg.Command == "CAP" && len(msg.Params) >= 3 && msg.Params[1] == "LS"
	})
	for _, want := range []string{"extended-join", "account-notify"} {
		if !strings.Contains(line, want) {
			t.Errorf("CAP LS %q does not offer %s", line, want)
		}
	}
	if strings.Contains(line, "account-tag") {
		t.Errorf("CAP LS %q offers account-tag", line)
	}
}
