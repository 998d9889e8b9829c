// Package bottest runs a bot against real IRC servers in tests and follows
// what its archive commits: the one harness of the tests of bot and of the
// rooms around it (commands, announce).
//
// It owns only test plumbing: configurations for a test server, the archive a
// test bot records into, and waits on committed events. It does not import
// bot (bot's own tests use it too); the bot is built by the test, through
// bot's exported Options.OnRecorded hook.
package bottest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/config"
)

// Logger writes a bot's log to the test log when -v is given.
func Logger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// ParseConfig parses a bot.yaml body; "archive:" (in dir) and "site:" are
// added.
func ParseConfig(t testing.TB, dir, body string) *config.Config {
	t.Helper()
	y := fmt.Sprintf("archive: %s\nsite: {base_url: \"http://localhost/\"}\n%s", filepath.Join(dir, "archive.db"), body)
	cfg, err := config.Parse([]byte(y), filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, y)
	}
	return cfg
}

// SingleNet is the config body of one network "test" on addr, with public
// channels.
func SingleNet(addr, nick string, channels ...string) string {
	host, port, _ := strings.Cut(addr, ":")
	var sb strings.Builder
	fmt.Fprintf(&sb, "network: test\nserver: {host: %s, port: %s, tls: false}\nnick: %s\nchannels:\n", host, port, nick)
	for _, c := range channels {
		fmt.Fprintf(&sb, "  - {name: %q, public: true}\n", c)
	}
	return sb.String()
}

// Runner is a bot as the harness sees it: *bot.Bot.
type Runner interface {
	Run(ctx context.Context) error
}

// Hook is the signature of bot.Options.OnRecorded.
type Hook = func(ev archive.Event, id int64, err error)

// Harness runs a bot and follows what its archive commits, through the
// recorder's commit hook.
type Harness[B Runner] struct {
	B   B
	DB  *archive.DB
	Cfg *config.Config

	t      testing.TB
	cancel context.CancelFunc
	done   chan error

	mu     sync.Mutex
	got    []archive.Event // committed, in commit order, with IDs
	notify chan struct{}
}

// Start opens cfg's archive, builds the bot with build, runs it, and stops it
// (checking that Run returned nil) and closes the archive when the test ends.
// build must pass hook to bot.Options.OnRecorded (or call it from the hook it
// installs): the harness learns of commits through it.
func Start[B Runner](t testing.TB, cfg *config.Config, build func(db *archive.DB, log *slog.Logger, hook Hook) (B, error)) *Harness[B] {
	t.Helper()
	db, err := archive.Open(context.Background(), cfg.Archive, archive.Options{Logger: Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness[B]{t: t, DB: db, Cfg: cfg, notify: make(chan struct{}, 1), done: make(chan error, 1)}
	b, err := build(db, Logger(t), h.recorded)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	h.B = b
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		if err := h.Stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("close the archive: %v", err)
		}
	})
	return h
}

// recorded is the commit hook.
func (h *Harness[B]) recorded(ev archive.Event, id int64, err error) {
	if err != nil {
		h.t.Errorf("the archive refused %v: %v", ev, err)
		return
	}
	ev.ID = id
	h.mu.Lock()
	h.got = append(h.got, ev)
	h.mu.Unlock()
	select {
	case h.notify <- struct{}{}:
	default:
	}
}

// Stop ends Run and returns its result; calling it again returns nil.
func (h *Harness[B]) Stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		return err
	case <-time.After(30 * time.Second):
		return fmt.Errorf("Run did not return within 30s of the cancel")
	}
}

// Committed returns a copy of the events committed so far.
func (h *Harness[B]) Committed() []archive.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]archive.Event(nil), h.got...)
}

// WaitFor waits until cond holds for the committed events.
func (h *Harness[B]) WaitFor(timeout time.Duration, what string, cond func([]archive.Event) bool) []archive.Event {
	h.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		evs := h.Committed()
		if cond(evs) {
			return evs
		}
		select {
		case <-h.notify:
		case <-deadline.C:
			var tail []string
			for _, ev := range evs[max(0, len(evs)-20):] {
				tail = append(tail, Describe(ev))
			}
			h.t.Fatalf("waited %v for %s; %d events committed, the last:\n%s", timeout, what, len(evs), strings.Join(tail, "\n"))
		}
	}
}

// WaitSelfJoins waits until the bot has joined n times (in total) on any
// channel.
func (h *Harness[B]) WaitSelfJoins(n int) {
	h.t.Helper()
	h.WaitFor(30*time.Second, fmt.Sprintf("%d joins of the bot", n), func(evs []archive.Event) bool {
		return Count(evs, func(ev archive.Event) bool { return ev.Kind == archive.KindJoin && ev.Flags&archive.FlagSelf != 0 }) >= n
	})
}

// WaitText waits for a committed event with this text.
func (h *Harness[B]) WaitText(text string) archive.Event {
	h.t.Helper()
	var found archive.Event
	h.WaitFor(30*time.Second, fmt.Sprintf("an event with text %q", text), func(evs []archive.Event) bool {
		for _, ev := range evs {
			if ev.Text == text {
				found = ev
				return true
			}
		}
		return false
	})
	return found
}

// Count counts the events for which f holds.
func Count(evs []archive.Event, f func(archive.Event) bool) int {
	n := 0
	for _, ev := range evs {
		if f(ev) {
			n++
		}
	}
	return n
}

// Describe is an event in one line, for failure messages.
func Describe(ev archive.Event) string {
	s := fmt.Sprintf("%s/%s %s <%s>", ev.Network, ev.Channel, ev.Kind, ev.Nick)
	if ev.Target != "" {
		s += " →" + ev.Target
	}
	if ev.Text != "" {
		s += fmt.Sprintf(" %q", ev.Text)
	}
	if ev.Via != "" {
		s += " via " + ev.Via
	}
	if ev.Flags != 0 {
		s += fmt.Sprintf(" flags=%b", ev.Flags)
	}
	return s
}
