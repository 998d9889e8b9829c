package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/ircserver"
)

// lockedBuffer collects a process's output and says when it grows.
type lockedBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{}
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b.Write(p)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until the output contains s.
func (l *lockedBuffer) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(l.String(), s) {
		select {
		case <-l.changed:
		case <-deadline:
			t.Fatalf("the output never said %q:\n%s", s, l.String())
		}
	}
}

// freeAddr is a loopback address whose port nothing listens on.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startRun starts the binary's "proceedings run" on cfgPath, logging JSON,
// with the flags given, and collects what it writes; the end of the test
// kills it if it still runs.
func startRun(tb testing.TB, cfgPath string, flags ...string) (*exec.Cmd, *lockedBuffer) {
	tb.Helper()
	out := &lockedBuffer{changed: make(chan struct{}, 1)}
	cmd := exec.Command(binary, append([]string{"run", "-c", cfgPath, "--log-format", "json"}, flags...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, out
}

// joined matches the line that says nick joined channel.
func joined(nick, channel string) func(string) bool {
	return func(l string) bool {
		return strings.HasPrefix(l, ":"+nick+"!") && strings.Contains(l, " JOIN ") && strings.HasSuffix(l, channel)
	}
}

// runConfig is a configuration of run on the IRC server at addr, with
// its archive at archivePath, in the public channels given.
func runConfig(addr, archivePath string, channels ...string) string {
	host, port, _ := strings.Cut(addr, ":")
	var sb strings.Builder
	fmt.Fprintf(&sb, "network: testnet\nserver: {host: %s, port: %s, tls: false}\nnick: proceedings\narchive: %s\nsite: {base_url: \"https://irc.example.org/\"}\nfeeds: []\nchannels:\n", host, port, archivePath)
	for _, c := range channels {
		fmt.Fprintf(&sb, "  - {name: %q, public: true}\n", c)
	}
	return sb.String()
}

// TestRun runs "proceedings run" against a real server: it records, serves
// its status, refuses a broken file on SIGHUP, applies a good one, and on
// SIGTERM says QUIT and exits 0 with everything in the archive.
func TestRun(t *testing.T) {
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	dbPath := filepath.Join(dir, "archive.db")
	if err := os.WriteFile(cfgPath, []byte(runConfig(srv.Addr(), dbPath, "#a")), 0o644); err != nil {
		t.Fatal(err)
	}
	statusAddr, serveAddr := freeAddr(t), freeAddr(t)

	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#a")
	alice.Join("#b")

	cmd, out := startRun(t, cfgPath, "--status-addr", statusAddr, "--serve", serveAddr)
	alice.Expect(30*time.Second, joined("proceedings", "#a"))
	alice.Send("PRIVMSG #a :hello, proceedings")
	out.waitFor(t, `"msg":"serving /healthz and /metrics"`)
	out.waitFor(t, `"msg":"joined"`)

	resp, err := http.Get("http://" + statusAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var st struct {
		OK       bool
		Networks []struct {
			Name      string
			Connected bool
			Channels  []string
		}
	}
	if err := json.Unmarshal(body, &st); err != nil || resp.StatusCode != 200 || !st.OK || len(st.Networks) != 1 || fmt.Sprint(st.Networks[0].Channels) != "[#a]" {
		t.Errorf("/healthz: %d %s (%v)", resp.StatusCode, body, err)
	}

	// --serve: the site rendered at start, and live search over what was
	// just recorded.
	out.waitFor(t, `"msg":"rendered the site"`)
	if resp, err := http.Get("http://" + serveAddr + "/"); err != nil || resp.StatusCode != 200 {
		t.Errorf("--serve front page: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + serveAddr + "/search?q=proceedings")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "<mark>proceedings</mark>") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("--serve search never found the recorded line: %d\n%s", resp.StatusCode, page)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A broken file is refused; the bot keeps running as it was.
	if err := os.WriteFile(cfgPath, []byte("nick: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	out.waitFor(t, "the configuration was not reloaded")
	// A good one with #b added is applied.
	if err := os.WriteFile(cfgPath, []byte(runConfig(srv.Addr(), dbPath, "#a", "#b")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	alice.Expect(30*time.Second, joined("proceedings", "#b"))
	alice.Send("PRIVMSG #b :hello, #b")
	// Once the server answered this PING it has sent alice's line to the
	// bot: the bot must record it although it is told to stop right now
	// (it reads until the server closes the link after its QUIT).
	alice.Send("PING :sync")
	alice.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "PONG") && strings.HasSuffix(l, "sync") })

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v; output:\n%s", err, out.String())
	}
	alice.Expect(10*time.Second, func(l string) bool {
		return strings.HasPrefix(l, ":proceedings!") && strings.Contains(l, " QUIT ") && strings.Contains(l, "shutting down")
	})
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("--log-format json printed a line that is not JSON: %q", line)
		}
	}

	db, err := sqlite.Open(context.Background(), dbPath, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct{ channel, text string }{{"#a", "hello, proceedings"}, {"#b", "hello, #b"}} {
		ch, err := db.FindChannel(context.Background(), "testnet", c.channel)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		err = db.Range(context.Background(), ch.ID, time.Unix(0, 0), time.Now().Add(time.Hour), archive.AllFields, func(ev event.Event) error {
			found = found || (ev.Text == c.text && ev.Nick == "alice")
			return nil
		})
		if err != nil || !found {
			t.Errorf("%s: %q not in the archive (%v); output:\n%s", c.channel, c.text, err, out.String())
		}
		if !ch.Public {
			t.Errorf("%s is not marked public", c.channel)
		}
	}
}

// run returns when it cannot serve its status, refusing the address, and
// what it had started by then (the site server of --serve) stops with it.
func TestRunReturnsWhenTheStatusAddressIsInUse(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	if err := os.WriteFile(cfgPath, []byte(runConfig("127.0.0.1:1", filepath.Join(dir, "archive.db"), "#a")), 0o644); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	defer slog.SetDefault(slog.Default())
	opts := runOptions{global: globalOptions{configPath: cfgPath}, serveAddr: "127.0.0.1:0", statusAddr: busy.Addr().String()}
	done := make(chan error, 1)
	go func() { done <- runBot(context.Background(), opts, io.Discard) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "choose another --status-addr") {
			t.Errorf("run with its status address in use: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return when its status address was in use")
	}
}
