package resilience

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive/sqlite"
	"proceedings/event"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/internal/ircserver"
)

var (
	soak         = flag.Bool("soak", false, "run the long part: TestSoak and 10 rounds of TestKillRounds (make soak)")
	soakDuration = flag.Duration("soak.duration", time.Hour, "how long TestSoak runs (with -soak)")
	seed         = flag.Uint64("seed", 0, "seed of the random moments of TestKillRounds (0: from the clock; the seed is logged)")
)

// binary is `proceedings`, built once by TestMain (with -race when the
// tests are).
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // listing tests (make fuzz) needs no binary
	}
	dir, err := os.MkdirTemp("", "proceedings-resilience")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "proceedings")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "proceedings/cmd/proceedings")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build proceedings:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// network is the network name every test configuration uses.
const network = "testnet"

// botConfig is a bot.yaml for one network on a test server.
type botConfig struct {
	Dir      string   // bot.yaml is written here; the site goes to Dir/public
	Archive  string   // the archive file; default Dir/archive.db
	Server   string   // host:port of the IRC server
	Channels []string // recorded, public
	Chan     string   // more keys for every channel, e.g. "titles: true"
	Site     string   // more keys of site, e.g. "render_interval: 1m"
	Extra    string   // more top-level YAML
}

// write writes the file and returns its path.
func (c botConfig) write(t testing.TB) string {
	t.Helper()
	if c.Archive == "" {
		c.Archive = filepath.Join(c.Dir, "archive.db")
	}
	host, port, _ := strings.Cut(c.Server, ":")
	var sb strings.Builder
	fmt.Fprintf(&sb, "network: %s\nserver: {host: %s, port: %s, tls: false}\nnick: proceedings\n", network, host, port)
	site := ""
	if c.Site != "" {
		site = ", " + c.Site
	}
	fmt.Fprintf(&sb, "archive: %s\nsite: {base_url: \"https://irc.example.org/\", out: %s%s}\n", c.Archive, filepath.Join(c.Dir, "public"), site)
	sb.WriteString("channels:\n")
	for _, ch := range c.Channels {
		extra := ""
		if c.Chan != "" {
			extra = ", " + c.Chan
		}
		fmt.Fprintf(&sb, "  - {name: %q, public: true%s}\n", ch, extra)
	}
	if !strings.Contains(c.Extra, "feeds:") {
		sb.WriteString("feeds: []\n")
	}
	sb.WriteString(c.Extra)
	path := filepath.Join(c.Dir, "bot.yaml")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// botProc is a running `proceedings run`.
type botProc struct {
	t       testing.TB
	cmd     *exec.Cmd
	out     *ircserver.Output // everything the bot wrote
	status  string            // host:port of /healthz and /metrics
	exited  chan struct{}
	err     error // of Wait, once exited is closed
	started time.Time
}

// startBot runs `proceedings run -c cfgPath` with a status endpoint and
// JSON logs, and kills it when the test ends. A data race in it fails the
// test.
func startBot(t testing.TB, cfgPath string) *botProc {
	t.Helper()
	b := &botProc{t: t, out: ircserver.NewOutput(0), status: freeAddr(t), exited: make(chan struct{}), started: time.Now()}
	b.cmd = exec.Command(binary, "run", "-c", cfgPath, "--status-addr", b.status, "--log-format", "json")
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	b.cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1")
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("start the bot: %v", err)
	}
	go func() {
		b.err = b.cmd.Wait()
		close(b.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-b.exited:
		default:
			_ = b.cmd.Process.Kill()
			<-b.exited
		}
		if strings.Contains(b.out.String(), "DATA RACE") {
			t.Errorf("the bot process had a data race:\n%s", b.out.String())
		}
	})
	return b
}

// health reads /healthz.
func (b *botProc) health() (bot.Status, error) {
	var st bot.Status
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + b.status + "/healthz")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(body, &st); err != nil {
		return st, fmt.Errorf("/healthz is not JSON: %w: %s", err, body)
	}
	return st, nil
}

// pollEvery is how often a test polls another process's state (its
// /healthz, the archive file) where that process offers nothing to await.
const pollEvery = 10 * time.Millisecond

// waitHealth polls /healthz until cond holds, and fails the test when the
// bot exits or timeout passes.
func (b *botProc) waitHealth(timeout time.Duration, what string, cond func(bot.Status) bool) bot.Status {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	var last bot.Status
	var lastErr error
	for {
		st, err := b.health()
		if err == nil && cond(st) {
			return st
		}
		last, lastErr = st, err
		select {
		case <-b.exited:
			b.t.Fatalf("the bot exited (%v) while waiting for %s; its log:\n%s", b.err, what, b.out.String())
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited %v for %s; last /healthz %+v (%v); the bot's log:\n%s", timeout, what, last, lastErr, b.out.Tail())
		}
	}
}

// joined reports whether the bot is connected and in every channel.
func joined(channels ...string) func(bot.Status) bool {
	return func(st bot.Status) bool {
		if !st.OK || len(st.Networks) != 1 {
			return false
		}
		in := st.Networks[0].Channels
		for _, c := range channels {
			if !slices.Contains(in, c) {
				return false
			}
		}
		return true
	}
}

// stop sends SIGTERM and fails the test unless the bot exits 0 in time.
func (b *botProc) stop() {
	b.t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		b.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-b.exited:
	case <-time.After(60 * time.Second):
		b.t.Fatalf("the bot did not exit within 60 s of SIGTERM; its log:\n%s", b.out.Tail())
	}
	if b.err != nil {
		b.t.Fatalf("after SIGTERM the bot exited with %v; its log:\n%s", b.err, b.out.Tail())
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (b *botProc) kill() {
	b.t.Helper()
	if err := b.cmd.Process.Kill(); err != nil {
		b.t.Fatalf("SIGKILL: %v", err)
	}
	<-b.exited
}

// rss is the bot's resident memory in bytes (VmRSS of /proc/PID/status).
func (b *botProc) rss() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", b.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// openArchive opens an archive file read-only (the bot may be writing it)
// and closes it when the test ends.
func openArchive(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the archive: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// logOf reads a channel's whole log, in recording (id) order; nil when the
// channel is not in the archive yet.
func logOf(t testing.TB, db archive.Store, channel string) []event.Event {
	t.Helper()
	evs, err := readLog(context.Background(), db, channel, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// readLog reads a channel's log from a time on, in recording (id) order; nil
// when the channel is not in the archive yet.
func readLog(ctx context.Context, db archive.Store, channel string, from time.Time) ([]event.Event, error) {
	ch, err := db.FindChannel(ctx, network, channel)
	if errors.Is(err, archive.ErrNoChannel) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find %s in the archive: %w", channel, err)
	}
	var out []event.Event
	err = db.Range(ctx, ch.ID, from, time.Now().Add(24*time.Hour), archive.AllFields, func(ev event.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s from the archive: %w", channel, err)
	}
	slices.SortFunc(out, func(a, b event.Event) int { return int(a.ID - b.ID) })
	return out, nil
}

// countPrefix counts the messages whose text starts with prefix in each
// channel, from a time on.
func countPrefix(ctx context.Context, db archive.Store, channels []string, prefix string, from time.Time) (map[string]int, error) {
	counts := map[string]int{}
	for _, ch := range channels {
		evs, err := readLog(ctx, db, ch, from)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			if ev.Kind == event.KindMessage && strings.HasPrefix(ev.Text, prefix) {
				counts[ch]++
			}
		}
	}
	return counts, nil
}

// watchCounts polls the archive until at least want messages starting with
// prefix are in every channel, then sends the counts it saw (or the error
// that stopped it) and returns. Cancelling ctx stops it.
func watchCounts(ctx context.Context, db archive.Store, channels []string, prefix string, from time.Time, want int) <-chan countResult {
	ch := make(chan countResult, 1)
	go func() {
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for {
			counts, err := countPrefix(ctx, db, channels, prefix, from)
			if err != nil || ctx.Err() != nil {
				ch <- countResult{counts, errors.Join(err, ctx.Err())}
				return
			}
			done := true
			for _, c := range channels {
				done = done && counts[c] >= want
			}
			if done {
				ch <- countResult{counts, nil}
				return
			}
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()
	return ch
}

type countResult struct {
	counts map[string]int
	err    error
}

// describe is one event in a failure message.
func describe(ev event.Event) string {
	s := fmt.Sprintf("#%d %s %s <%s>", ev.ID, ev.Time.Format("15:04:05.000"), ev.Kind, ev.Nick)
	if ev.Text != "" {
		s += fmt.Sprintf(" %q", ev.Text)
	}
	if ev.Flags&event.FlagSelf != 0 {
		s += " (self)"
	}
	return s
}

// messagesFrom keeps the messages of one nick.
func messagesFrom(evs []event.Event, nick string) []event.Event {
	var out []event.Event
	for _, ev := range evs {
		if ev.Kind == event.KindMessage && ev.Nick == nick {
			out = append(out, ev)
		}
	}
	return out
}

// checkOnce fails the test for every text recorded more than once.
func checkOnce(t testing.TB, evs []event.Event) {
	t.Helper()
	seen := map[string]int64{}
	for _, ev := range evs {
		if ev.Kind != event.KindMessage {
			continue
		}
		if id, dup := seen[ev.Text]; dup {
			t.Errorf("%q is recorded twice: events %d and %d", ev.Text, id, ev.ID)
		}
		seen[ev.Text] = ev.ID
	}
}

// percentile returns the p-th percentile (0–100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}
