package bot

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"proceedings/archive/sqlite"
	"proceedings/event"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// childEnv names the bot.yaml a child bot process runs with.
const childEnv = "PROCEEDINGS_BOT_TEST_CHILD_CONFIG"

// TestHelperBotProcess is not a test on its own: TestKill9 runs the test
// binary again with childEnv set, and this function then is that bot
// process. It prints "ACK <id> <kind> <quoted text>" for every event the
// archive acknowledged, and stops cleanly on SIGTERM.
func TestHelperBotProcess(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		return
	}
	os.Exit(childBot(path))
}

func childBot(path string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := config.Load(path)
	if err != nil {
		log.Error("config", "err", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	db, err := sqlite.Open(ctx, cfg.Archive, archive.Options{Logger: log})
	if err != nil {
		log.Error("archive", "err", err)
		return 2
	}
	b, err := New(cfg, db, Options{Logger: log})
	if err != nil {
		log.Error("bot", "err", err)
		return 2
	}
	b.opts = testOptions()
	var mu sync.Mutex
	b.opts.onRecorded = func(ev event.Event, id int64, err error) {
		if err != nil {
			return
		}
		mu.Lock()
		fmt.Fprintf(os.Stdout, "ACK %d %s %q\n", id, ev.Kind, ev.Text)
		mu.Unlock()
	}
	runErr := b.Run(ctx)
	if err := db.Close(); err != nil {
		log.Error("close", "err", err)
		return 1
	}
	if runErr != nil {
		log.Error("run", "err", runErr)
		return 1
	}
	return 0
}

type ack struct {
	id   int64
	kind string
	text string
}

// childProc is a bot running in a child process.
type childProc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	mu     sync.Mutex
	acks   []ack
	notify chan struct{}
	eof    chan struct{}
}

func startChild(t *testing.T, cfgPath string) *childProc {
	t.Helper()
	c := &childProc{notify: make(chan struct{}, 1), eof: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperBotProcess$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), childEnv+"="+cfgPath)
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	go func() {
		defer close(c.eof)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.SplitN(sc.Text(), " ", 4)
			if len(f) != 4 || f[0] != "ACK" {
				continue
			}
			id, _ := strconv.ParseInt(f[1], 10, 64)
			text, err := strconv.Unquote(f[3])
			if err != nil {
				continue
			}
			c.mu.Lock()
			c.acks = append(c.acks, ack{id, f[2], text})
			c.mu.Unlock()
			select {
			case c.notify <- struct{}{}:
			default:
			}
		}
	}()
	return c
}

func (c *childProc) acked() []ack {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ack(nil), c.acks...)
}

func (c *childProc) waitAcks(t *testing.T, what string, cond func([]ack) bool) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond(c.acked()) {
		select {
		case <-c.notify:
		case <-c.eof:
			if !cond(c.acked()) {
				t.Fatalf("the bot process ended before %s; its log:\n%s", what, c.stderr.String())
			}
		case <-deadline:
			t.Fatalf("waited 60s for %s; the bot's log:\n%s", what, c.stderr.String())
		}
	}
}

func countAcks(acks []ack, kind, prefix string) int {
	n := 0
	for _, a := range acks {
		if a.kind == kind && strings.HasPrefix(a.text, prefix) {
			n++
		}
	}
	return n
}

// TestKill9 kills the bot process with SIGKILL during a burst: the archive
// passes integrity_check and holds every event acknowledged before the
// kill; a restarted bot marks the gap, records again and stops cleanly on
// SIGTERM with exit status 0.
//
// It runs on SQLite whatever engine the other tests use
// (internal/archivetest): it is about the archive file surviving the kill
// of its one writer, integrity check included.
func TestKill9(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "bot.yaml")
	body := fmt.Sprintf("archive: %s\nsite: {base_url: \"http://localhost/\"}\n%s", filepath.Join(dir, "archive.db"), bottest.SingleNet(srv.Addr(), "logbot", "#k"))
	if err := os.WriteFile(cfgPath, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}

	child := startChild(t, cfgPath)
	child.waitAcks(t, "the bot's join", func(a []ack) bool { return countAcks(a, "join", "") >= 1 })
	sender := ircserver.Dial(t, srv.Addr(), "sender")
	sender.Join("#k")
	const burst, killAfter = 3000, 300
	for i := range burst {
		sender.Send("PRIVMSG #k :kill line %04d", i)
	}
	child.waitAcks(t, fmt.Sprintf("%d acknowledged lines", killAfter), func(a []ack) bool { return countAcks(a, "message", "kill line") >= killAfter })
	if err := child.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.cmd.Wait()
	<-child.eof // every ACK printed before the kill is read
	acks := child.acked()

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "archive.db"), archive.Options{Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatalf("reopen the archive after kill -9: %v", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("after kill -9: %v", err)
	}
	stored := map[int64]string{}
	for _, ev := range archived(t, db, "test", "#k") {
		stored[ev.ID] = ev.Text
	}
	missing := 0
	for _, a := range acks {
		if text, ok := stored[a.id]; !ok || text != a.text {
			missing++
			if missing < 5 {
				t.Errorf("acknowledged event %d %q is not in the archive (found %q)", a.id, a.text, text)
			}
		}
	}
	msgs := countAcks(acks, "message", "kill line")
	t.Logf("killed after %d acknowledged lines of %d; the archive holds %d events, %d acknowledged ones missing", msgs, burst, len(stored), missing)
	if msgs >= burst {
		t.Errorf("the kill came after the whole burst was recorded; it tests nothing")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart: the bot records again, with a gap for the time it was dead.
	child = startChild(t, cfgPath)
	child.waitAcks(t, "the restarted bot's join", func(a []ack) bool { return countAcks(a, "join", "") >= 1 })
	sender.Send("PRIVMSG #k :after the kill")
	child.waitAcks(t, "a line after the restart", func(a []ack) bool { return countAcks(a, "message", "after the kill") == 1 })
	if countAcks(child.acked(), "gap", "") != 1 {
		t.Errorf("the restarted bot wrote %d gap events, want 1", countAcks(child.acked(), "gap", ""))
	}
	if err := child.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = child.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("after SIGTERM the bot exited with %v; its log:\n%s", err, child.stderr.String())
	}
	// The killed process only dropped its connection; the stopped one said
	// goodbye.
	sender.Expect(10*time.Second, func(l string) bool {
		return strings.HasPrefix(l, ":logbot!") && strings.Contains(l, " QUIT ") && strings.Contains(l, defaultOptions().quitMessage)
	})
}
