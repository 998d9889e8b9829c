// Package bottest is the test plumbing shared by bot and the rooms around it
// (bot/commands, bot/announce, bot/titles): a Harness that runs a bot
// against a real IRC server (internal/ircserver) and waits on what its
// archive commits, the configurations such a bot is given, and small
// stand-ins the rooms' tests share (a recording Sayer, a server of pages
// with titles, the check that a line is clean).
//
// It does not import bot, so that bot's own tests can use it: the test
// builds the bot and hands the Harness's hook to bot.Options.OnRecorded.
// It knows nothing of commands, feeds or HTML rendering.
package bottest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"proceedings/event"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/internal/archivetest"
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

// ParseConfig parses a bot.yaml body; "archive:" (a new archive on the
// engine the tests run on, a file in dir for SQLite: internal/archivetest)
// and "site:" are added.
func ParseConfig(t testing.TB, dir, body string) *config.Config {
	t.Helper()
	y := fmt.Sprintf("archive: %s\nsite: {base_url: \"http://localhost/\"}\n%s", archivetest.Location(t, dir), body)
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

// RelayPattern is the format of the relay bot in tests: "<nick> text".
const RelayPattern = `^<(?P<nick>[^>]+)> (?P<text>.*)$`

// RelayNet is SingleNet with one channel and the relay bot relaybot,
// recognised by its hostmask: the real one connects with the username
// realrelay.
func RelayNet(addr, nick, channel string) string {
	return SingleNet(addr, nick, channel) + `relays:
  - {nick: relaybot, mask: "relaybot!*realrelay@127.0.0.1", pattern: '` + RelayPattern + `'}
`
}

// Runner is a bot as the harness sees it: *bot.Bot.
type Runner interface {
	Run(ctx context.Context) error
}

// Hook is the signature of bot.Options.OnRecorded.
type Hook = func(ev event.Event, id int64, err error)

// Harness runs a bot and follows what its archive commits, through the
// recorder's commit hook.
type Harness[B Runner] struct {
	B   B
	DB  archive.Store
	Cfg *config.Config

	t      testing.TB
	cancel context.CancelFunc
	done   chan error

	mu     sync.Mutex
	got    []event.Event // committed, in commit order, with IDs
	notify chan struct{}
}

// Start opens cfg's archive, builds the bot with build, runs it, and stops it
// (checking that Run returned nil) and closes the archive when the test ends.
// build must pass hook to bot.Options.OnRecorded (or call it from the hook it
// installs): the harness learns of commits through it.
func Start[B Runner](t testing.TB, cfg *config.Config, build func(db archive.Store, log *slog.Logger, hook Hook) (B, error)) *Harness[B] {
	t.Helper()
	db, err := archivetest.Dial(context.Background(), cfg.Archive, archive.Options{Logger: Logger(t)})
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
func (h *Harness[B]) recorded(ev event.Event, id int64, err error) {
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
func (h *Harness[B]) Committed() []event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]event.Event(nil), h.got...)
}

// WaitFor waits until cond holds for the committed events.
func (h *Harness[B]) WaitFor(timeout time.Duration, what string, cond func([]event.Event) bool) []event.Event {
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
	h.WaitFor(30*time.Second, fmt.Sprintf("%d joins of the bot", n), func(evs []event.Event) bool {
		return Count(evs, func(ev event.Event) bool { return ev.Kind == event.KindJoin && ev.Flags&event.FlagSelf != 0 }) >= n
	})
}

// WaitText waits for a committed event with this text.
func (h *Harness[B]) WaitText(text string) event.Event {
	h.t.Helper()
	var found event.Event
	h.WaitFor(30*time.Second, fmt.Sprintf("an event with text %q", text), func(evs []event.Event) bool {
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

// CommittedWith describes the committed events whose text contains s.
func (h *Harness[B]) CommittedWith(s string) []string {
	var out []string
	for _, ev := range h.Committed() {
		if strings.Contains(ev.Text, s) {
			out = append(out, Describe(ev))
		}
	}
	return out
}

// Count counts the events for which f holds.
func Count(evs []event.Event, f func(event.Event) bool) int {
	n := 0
	for _, ev := range evs {
		if f(ev) {
			n++
		}
	}
	return n
}

// Describe is an event in one line, for failure messages.
func Describe(ev event.Event) string {
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

// CheckClean fails unless s is fit for one IRC line of the bot: valid
// UTF-8, no control or bidirectional control characters, no white space but
// single inner spaces.
func CheckClean(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("%q holds %U", s, r)
		}
	}
	if strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") || strings.Contains(s, "  ") {
		t.Fatalf("%q has stray spaces", s)
	}
}

// TitlePages serves HTML pages (and some that are not) with known titles,
// in the encodings and shapes the title fetcher must handle.
func TitlePages(t testing.TB) *httptest.Server {
	mux := http.NewServeMux()
	page := func(path, ctype string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		})
	}
	page("/page", "text/html; charset=utf-8", []byte("<!doctype html><title>Page Title</title>"))
	page("/other", "text/html", []byte("<title>Other Page</title>"))
	page("/xhtml", "application/xhtml+xml", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>XHTML Page</title></head></html>`))
	page("/host", "text/html", []byte("<title>127.0.0.1</title>"))
	page("/png", "image/png", []byte("\x89PNG\r\n\x1a\n<title>not a page</title>"))
	page("/json", "application/json", []byte(`{"title":"x"}`))
	page("/none", "", []byte("<title>no type</title>"))
	cp1251, _ := charmap.Windows1251.NewEncoder().Bytes([]byte(`<html><head><meta charset="windows-1251"><title>Привет, мир</title>`))
	page("/cp1251", "text/html", cp1251)
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte(`<title>Café crème</title>`))
	page("/latin1", "text/html; charset=ISO-8859-1", latin1)
	page("/big", "text/html", []byte("<html><head><!-- "+strings.Repeat("x", 600<<10)+" --><title>Too Far Down</title>"))
	page("/entities", "text/html", []byte("<title>Fish &amp; Chips &#8212; “Quoted”</title>"))
	for i := 1; i <= 5; i++ {
		page("/n"+strconv.Itoa(i), "text/html", []byte(fmt.Sprintf("<title>Page %d</title>", i)))
	}
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "<html><head>")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // never finishes: the fetch must give up
	})
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<title>Not Found</title>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Said is one line given to a Sayer.
type Said struct{ Network, Target, Text string }

// Sayer records the lines a room says, as bot.Bot's Say would send them.
type Sayer struct {
	Fail map[string]error // target → error to return
	Ch   chan Said        // when set, every line is also sent here

	mu    sync.Mutex
	lines []Said
}

// Say records a line, or returns Fail[target].
func (r *Sayer) Say(network, target, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.Fail[target]; err != nil {
		return err
	}
	s := Said{network, target, text}
	r.lines = append(r.lines, s)
	if r.Ch != nil {
		r.Ch <- s
	}
	return nil
}

// Take returns the texts said since the last Take, as "target text".
func (r *Sayer) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.lines {
		out = append(out, s.Target+" "+s.Text)
	}
	r.lines = nil
	return out
}
