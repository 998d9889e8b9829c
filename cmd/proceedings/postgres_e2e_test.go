package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/bot"
	"proceedings/event"
	"proceedings/internal/ircserver"
	"proceedings/internal/pgserver"
)

// ircNet is one network of an end-to-end configuration.
type ircNet struct {
	name, addr string
	channels   []string
}

// pgRunConfig writes a configuration of the networks given (multi-network
// form, all channels public) over the PostgreSQL archive dsn, its password
// in pwFile, rendering into out every second; it returns its path.
func pgRunConfig(t *testing.T, path, dsn, pwFile, out string, nets ...ircNet) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("networks:\n")
	for _, n := range nets {
		host, port, _ := strings.Cut(n.addr, ":")
		fmt.Fprintf(&sb, "  - name: %s\n    server: {host: %s, port: %s, tls: false}\n    nick: proceedings\n    channels:\n", n.name, host, port)
		for _, c := range n.channels {
			fmt.Fprintf(&sb, "      - {name: %q, public: true}\n", c)
		}
	}
	fmt.Fprintf(&sb, "archive: %q\narchive_password_file: %s\nfeeds: []\nsite: {base_url: \"https://irc.example.org/\", out: %s, render_interval: 1s}\n", dsn, pwFile, out)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// health reads the /healthz of a run process.
func health(addr string) (bot.Status, error) {
	var st bot.Status
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// messages reads the events of a channel of the kinds given (every kind
// when none is), in recording (id) order; nil when the channel is not in
// the archive yet.
func messages(ctx context.Context, db archive.Store, network, channel string, kinds ...event.Kind) ([]event.Event, error) {
	ch, err := db.FindChannel(ctx, network, channel)
	if errors.Is(err, archive.ErrNoChannel) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []event.Event
	err = db.Range(ctx, ch.ID, time.Unix(0, 0), time.Now().Add(24*time.Hour), archive.AllFields, func(ev event.Event) error {
		if len(kinds) == 0 || slices.Contains(kinds, ev.Kind) {
			out = append(out, ev)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b event.Event) int { return int(a.ID - b.ID) })
	return out, err
}

// awaitText waits until a message with text is in a channel's log.
func awaitText(t *testing.T, db archive.Store, network, channel, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		evs, err := messages(context.Background(), db, network, channel, event.KindMessage)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(evs, func(ev event.Event) bool { return ev.Text == text }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s: %q never recorded", network, channel, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkOnce fails unless the messages of a channel starting with prefix
// are want lines "prefix%03d"-numbered from 0, each once, in order.
func checkOnce(t *testing.T, db archive.Store, network, channel, prefix string, want int) {
	t.Helper()
	evs, err := messages(context.Background(), db, network, channel, event.KindMessage)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		if strings.HasPrefix(ev.Text, prefix) {
			got = append(got, ev.Text)
		}
	}
	if len(got) != want {
		t.Errorf("%s %s: %d lines %q…, want %d", network, channel, len(got), prefix, want)
	}
	for i, text := range got {
		if w := fmt.Sprintf("%s%03d", prefix, i); text != w {
			t.Errorf("%s %s: line %d is %q, want %q", network, channel, i, text, w)
			return
		}
	}
}

// TestPostgresEndToEnd runs two recorders (proceedings run, one per IRC
// network) and a web server (proceedings serve) on one PostgreSQL archive:
// every line is recorded once, search and the rendered site show both
// networks, and a recorder killed with SIGKILL in the middle of a burst
// keeps every event it acknowledged and duplicates nothing once it is
// started again.
func TestPostgresEndToEnd(t *testing.T) {
	began := time.Now()
	dsn := pgserver.NewDatabase(t)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "archive.pw")
	if err := os.WriteFile(pwFile, []byte("e2e-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srvA := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	srvB := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	netA := ircNet{"neta", srvA.Addr(), []string{"#a1", "#talk"}}
	netB := ircNet{"netb", srvB.Addr(), []string{"#b1", "#talk"}}
	nets := []ircNet{netA, netB}
	cfgA := pgRunConfig(t, filepath.Join(dir, "a.yaml"), dsn, pwFile, filepath.Join(dir, "site-a"), netA)
	cfgB := pgRunConfig(t, filepath.Join(dir, "b.yaml"), dsn, pwFile, filepath.Join(dir, "site-b"), netB)
	cfgWeb := pgRunConfig(t, filepath.Join(dir, "web.yaml"), dsn, pwFile, filepath.Join(dir, "site"), netA, netB)

	alice := ircserver.Dial(t, srvA.Addr(), "alice")
	bob := ircserver.Dial(t, srvB.Addr(), "bob")
	for _, c := range netA.channels {
		alice.Join(c)
	}
	for _, c := range netB.channels {
		bob.Join(c)
	}
	statusA, statusB := freeAddr(t), freeAddr(t)
	runA, outA := startRun(t, cfgA, "--status-addr", statusA)
	_, outB := startRun(t, cfgB, "--status-addr", statusB)
	for _, c := range netA.channels {
		alice.Expect(30*time.Second, joined("proceedings", c))
	}
	for _, c := range netB.channels {
		bob.Expect(30*time.Second, joined("proceedings", c))
	}
	t.Logf("%v: two recorders in their channels", time.Since(began).Round(time.Millisecond))

	// People talk on both networks, in the channels of the same name too.
	const lines = 50
	for i := range lines {
		for _, c := range netA.channels {
			alice.Send("PRIVMSG %s :neta %s common %03d", c, c, i)
		}
		for _, c := range netB.channels {
			bob.Send("PRIVMSG %s :netb %s common %03d", c, c, i)
		}
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, n := range nets {
		for _, c := range n.channels {
			awaitText(t, db, n.name, c, fmt.Sprintf("%s %s common %03d", n.name, c, lines-1))
		}
	}
	for _, n := range nets {
		for _, c := range n.channels {
			checkOnce(t, db, n.name, c, fmt.Sprintf("%s %s common ", n.name, c), lines)
		}
	}
	t.Logf("%v: %d lines recorded once each", time.Since(began).Round(time.Millisecond), 4*lines)

	checkBothNetworksShown(t, dir, cfgWeb, nets)
	t.Logf("%v: search and the sites show both networks", time.Since(began).Round(time.Millisecond))

	killMidBurst(t, db, burstSetup{run: runA, out: outA, status: statusA, alice: alice, bob: bob})
	t.Logf("%v: a recorder killed mid-burst lost and duplicated nothing", time.Since(began).Round(time.Millisecond))

	// The other network recorded on throughout.
	if strings.Contains(outB.String(), `"level":"ERROR"`) {
		t.Errorf("the recorder of netb logged errors:\n%s", outB.String())
	}

	// A recorder that restarts starts again with a gap, and duplicates
	// nothing.
	restartA, _ := startRun(t, cfgA, "--status-addr", statusA)
	alice.Expect(30*time.Second, joined("proceedings", "#a1"))
	alice.Send("PRIVMSG #a1 :after the kill")
	awaitText(t, db, "neta", "#a1", "after the kill")
	burst := checkBurst(t, db)
	gaps, err := messages(ctx, db, "neta", "#a1", event.KindGap)
	if err != nil || len(gaps) != 1 {
		t.Errorf("%d gaps in neta #a1 after one kill and restart, want 1 (%v)", len(gaps), err)
	}
	for _, n := range nets {
		for _, c := range n.channels {
			checkOnce(t, db, n.name, c, fmt.Sprintf("%s %s common ", n.name, c), lines)
		}
	}
	restartA.Process.Signal(os.Interrupt)
	if err := restartA.Wait(); err != nil {
		t.Errorf("the restarted recorder exited with %v", err)
	}
	t.Logf("%v: end to end; %d burst lines recorded before the kill", time.Since(began).Round(time.Millisecond), burst)
}

// sitePages reads the .html pages under out that hold text.
func sitePages(t *testing.T, out, text string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		page, err := os.ReadFile(path)
		if strings.Contains(string(page), text) {
			pages = append(pages, string(page))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// burstSetup is the recorder of neta that killMidBurst kills, and the
// people talking on both networks.
type burstSetup struct {
	run    *exec.Cmd
	out    *lockedBuffer
	status string // its /healthz address
	alice  *ircserver.Client
	bob    *ircserver.Client
}

const (
	burstLines = 1000 // alice's burst in neta #a1, "burst NNN"
	duringB    = 200  // bob's lines in netb #b1 meanwhile, "during NNN"
)

// killMidBurst kills the recorder of neta with SIGKILL once it has
// acknowledged a third of alice's burst, as bot's and resilience's kill
// tests do: its /healthz counts the events it has committed. Afterwards
// the archive holds at least as many events of neta as it acknowledged,
// every event that was there just before the kill, and the burst's lines
// once each in order; netb's recorder got every line of bob's.
func killMidBurst(t *testing.T, db archive.Store, s burstSetup) {
	t.Helper()
	ctx := context.Background()
	st0, err := health(s.status)
	if err != nil {
		t.Fatal(err)
	}
	var (
		st      bot.Status
		durable []event.Event
		killErr error
		killed  = make(chan struct{})
	)
	go func() {
		defer close(killed)
		deadline := time.Now().Add(time.Minute)
		for killErr == nil && st.EventsRecorded < st0.EventsRecorded+burstLines/3 {
			if time.Now().After(deadline) {
				killErr = fmt.Errorf("the recorder acknowledged %d events in a minute", st.EventsRecorded-st0.EventsRecorded)
				break
			}
			time.Sleep(time.Millisecond)
			st, killErr = health(s.status)
		}
		if killErr == nil {
			if st, killErr = health(s.status); killErr == nil {
				durable, killErr = messages(ctx, db, "neta", "#a1", event.KindMessage)
			}
		}
		killErr = errors.Join(killErr, s.run.Process.Kill())
	}()
	tick := time.NewTicker(time.Millisecond)
	for i := range burstLines {
		<-tick.C
		s.alice.Send("PRIVMSG #a1 :burst %03d", i)
		if i%(burstLines/duringB) == 0 {
			s.bob.Send("PRIVMSG #b1 :during %03d", i/(burstLines/duringB))
		}
	}
	tick.Stop()
	<-killed
	s.run.Wait()
	if killErr != nil {
		t.Fatalf("the kill: %v\n%s", killErr, s.out.String())
	}

	var stored int64
	for _, c := range []string{"#a1", "#talk"} {
		evs, err := messages(ctx, db, "neta", c)
		if err != nil {
			t.Fatal(err)
		}
		stored += int64(len(evs))
	}
	if stored < st.EventsRecorded {
		t.Errorf("the recorder had acknowledged %d events, the archive holds %d of neta", st.EventsRecorded, stored)
	}
	after, err := messages(ctx, db, "neta", "#a1", event.KindMessage)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range durable {
		if !slices.ContainsFunc(after, func(a event.Event) bool { return a.ID == ev.ID && a.Text == ev.Text }) {
			t.Errorf("%d %q was in the archive before the kill, not after it", ev.ID, ev.Text)
		}
	}
	n := checkBurst(t, db)
	t.Logf("killed after %d events acknowledged (%d of them during the burst); %d of %d burst lines recorded, %d events of neta stored",
		st.EventsRecorded, st.EventsRecorded-st0.EventsRecorded, n, burstLines, stored)
	if n == 0 || n >= burstLines {
		t.Errorf("%d of %d burst lines recorded: the kill did not come during the burst", n, burstLines)
	}
	awaitText(t, db, "netb", "#b1", fmt.Sprintf("during %03d", duringB-1))
	checkOnce(t, db, "netb", "#b1", "during ", duringB)
}

// checkBurst checks that the burst's lines in neta #a1 are a run from the
// first, each once, and says how many there are.
func checkBurst(t *testing.T, db archive.Store) int {
	t.Helper()
	evs, err := messages(context.Background(), db, "neta", "#a1", event.KindMessage)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if !strings.HasPrefix(ev.Text, "burst ") {
			continue
		}
		if want := fmt.Sprintf("burst %03d", n); ev.Text != want {
			t.Fatalf("burst line %d is %q, want %q", n, ev.Text, want)
		}
		n++
	}
	return n
}

// checkBothNetworksShown checks that serve's search (on the configuration
// cfgWeb, which names both networks) finds the last line of every channel,
// that proceedings render writes a day page with each, and that each
// recorder's own render loop learnt of the new lines (LISTEN/NOTIFY) and
// rendered its network into dir/site-a or dir/site-b.
func checkBothNetworksShown(t *testing.T, dir, cfgWeb string, nets []ircNet) {
	t.Helper()
	// The web server searches both networks.
	serveAddr := freeAddr(t)
	serveCmd := exec.Command(binary, "serve", "-c", cfgWeb, "--addr", serveAddr, "--search-rate", "-1")
	serveOut := &lockedBuffer{changed: make(chan struct{}, 1)}
	serveCmd.Stdout, serveCmd.Stderr = serveOut, serveOut
	if err := serveCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serveCmd.Process.Kill(); serveCmd.Wait() })
	serveOut.waitFor(t, "serving ")
	var found struct {
		Total int
		Hits  []struct{ Network, Channel, Text string }
	}
	if err := json.Unmarshal([]byte(getPage(t, "http://"+serveAddr+"/api/search?limit=100&q="+url.QueryEscape(`"common 049"`))), &found); err != nil {
		t.Fatal(err)
	}
	networks := map[string]int{}
	for _, h := range found.Hits {
		networks[h.Network+" "+h.Channel]++
	}
	if found.Total != 4 || len(networks) != 4 {
		t.Errorf("serve's search for the last line found %d: %v", found.Total, found.Hits)
	}

	// The site rendered from the archive has the pages of both networks
	// (the render takes the archive's render lock, which the recorders'
	// own renders take too).
	if out, errOut, code := run(t, dir, "render", "-c", cfgWeb); code != 0 {
		t.Fatalf("render: exit %d\n%s%s", code, out, errOut)
	}
	pages := sitePages(t, filepath.Join(dir, "site"), "common 049")
	for _, n := range nets {
		for _, c := range n.channels {
			if !slices.ContainsFunc(pages, func(p string) bool { return strings.Contains(p, n.name+" "+c+" common 049") }) {
				t.Errorf("no rendered page has %s %s's last line", n.name, c)
			}
		}
	}
	if len(pages) != 4 {
		t.Errorf("%d day pages hold a last line, want 4 (one per network and channel)", len(pages))
	}
	// Each recorder's own render loop rendered its network's site.
	for _, site := range []string{"site-a/neta", "site-b/netb"} {
		deadline := time.Now().Add(30 * time.Second)
		for len(sitePages(t, filepath.Join(dir, site), "common 049")) != 2 {
			if time.Now().After(deadline) {
				t.Fatalf("%s never got the day pages of the last lines", site)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
