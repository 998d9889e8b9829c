package resilience

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"proceedings/internal/ircserver"
)

// hangServer serves what a broken web server does: /hang/… and /title/…
// never answer, /slow/… sends headers and then a byte every 200 ms, forever. It counts
// the requests that are still open.
type hangServer struct {
	*httptest.Server
	hits, open sync.Map // path prefix → *atomic.Int64
}

func startHangServer(t *testing.T) *hangServer {
	t.Helper()
	h := &hangServer{}
	stop := make(chan struct{})
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		h.counter(&h.hits, kind).Add(1)
		open := h.counter(&h.open, kind)
		open.Add(1)
		defer open.Add(-1)
		switch kind {
		case "hang", "title":
		case "slow":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.WriteHeader(http.StatusOK)
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				if _, err := w.Write([]byte("<")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-tick.C:
				case <-r.Context().Done():
					return
				case <-stop:
					return
				}
			}
		default:
			http.NotFound(w, r)
			return
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(func() {
		close(stop)
		h.CloseClientConnections()
		h.Close()
	})
	return h
}

func (h *hangServer) counter(m *sync.Map, kind string) *atomic.Int64 {
	c, _ := m.LoadOrStore(kind, new(atomic.Int64))
	return c.(*atomic.Int64)
}

func (h *hangServer) count(m *sync.Map, kind string) int64 { return h.counter(m, kind).Load() }

// TestHangingServers runs the bot with two feeds, one on a server that
// never answers and one that trickles a byte every 200 ms, and URL titles
// on a server that never answers, while a talker says 20 lines a second (a
// URL of the hanging server in every fifth) and someone asks !part every
// 1.6 s (slower than the bot's own pacing of one line per 1.5 s, so that
// the pacing adds nothing; the per-user rate limit is raised to allow it). It measures how long each line takes from the
// talker's socket to the archive file, and each command to its answer; the
// 99th percentile (here: the worst, for the few commands) stays under 3 s,
// well under the 5 s title and 30 s feed timeouts that a blocked path would
// show.
func TestHangingServers(t *testing.T) {
	t.Parallel()
	web := startHangServer(t)
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfgPath := botConfig{Dir: dir, Server: srv.Addr(), Channels: []string{"#h"}, Chan: "titles: true, announce: true",
		Extra: fmt.Sprintf(`feeds:
  - {url: "%[1]s/hang/feed.xml", interval: 1s}
  - {url: "%[1]s/slow/feed.xml", interval: 1s}
titles: {allow_hosts: ["127.0.0.1"]}
commands: {rate: {per_user: 10/10s}}
series:
  - name: "From Belarus With Love"
    parts:
      - {n: 1, title: "From Belarus With Love — Part I", url: "https://example.org/part-i/"}
`, web.URL)}.write(t)
	b := startBot(t, cfgPath)
	b.waitHealth(30*time.Second, "the bot in #h", joined("#h"))
	db := openArchive(t, filepath.Join(dir, "archive.db"))

	talker := ircserver.Dial(t, srv.Addr(), "talker")
	talker.Join("#h")
	asker := ircserver.Dial(t, srv.Addr(), "asker")
	asker.Join("#h")

	// The archive watcher: when each talker line became visible in the
	// file (committed).
	var mu sync.Mutex
	seen := map[string]time.Time{}
	grew := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watchDone := make(chan error, 1)
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		from := time.Now().Add(-time.Minute)
		for {
			evs, err := readLog(ctx, db, "#h", from)
			if ctx.Err() != nil {
				watchDone <- nil
				return
			}
			if err != nil {
				watchDone <- err
				return
			}
			now := time.Now()
			mu.Lock()
			for _, ev := range messagesFrom(evs, "talker") {
				if _, ok := seen[ev.Text]; !ok {
					seen[ev.Text] = now
					select {
					case grew <- struct{}{}:
					default:
					}
				}
				from = ev.Time.Add(-time.Second)
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
				watchDone <- nil
				return
			case <-tick.C:
			}
		}
	}()

	samples := 8
	if *soak {
		samples = 40
	}
	const talkEvery, askEvery = 50 * time.Millisecond, 1600 * time.Millisecond
	talk := time.NewTicker(talkEvery)
	defer talk.Stop()
	ask := time.NewTicker(askEvery)
	defer ask.Stop()
	sent := map[string]time.Time{}
	var replies []time.Duration
	var asked time.Time
	waiting := false
	lines := asker.Lines()
	for i := 0; len(replies) < samples; {
		select {
		case <-talk.C:
			text := fmt.Sprintf("line %04d", i)
			if i%5 == 0 {
				text += fmt.Sprintf(" see %s/title/%d", web.URL, i)
			}
			sent[text] = time.Now()
			talker.Send("PRIVMSG #h :%s", text)
			i++
		case <-ask.C:
			if waiting {
				if time.Since(asked) > 30*time.Second {
					t.Fatalf("no answer to !part within 30 s (%d answers before)", len(replies))
				}
				continue // one question at a time; a slow answer is measured in full
			}
			asked, waiting = time.Now(), true
			asker.Send("PRIVMSG #h :!part 1 belarus")
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the asker's connection ended")
			}
			if waiting && strings.HasPrefix(l, ":proceedings!") && strings.Contains(l, " PRIVMSG #h :") {
				if !strings.Contains(l, "Part I") {
					t.Errorf("the answer to !part 1 belarus is %q", l)
				}
				replies = append(replies, time.Since(asked))
				waiting = false
			}
		}
	}
	measured := time.Now()
	// Wait for the last lines to be committed, then stop watching.
	deadline := time.After(30 * time.Second)
wait:
	for {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n >= len(sent) {
			break
		}
		select {
		case <-grew:
		case <-deadline:
			break wait
		}
	}
	cancel()
	if err := <-watchDone; err != nil {
		t.Fatal(err)
	}

	var records []time.Duration
	mu.Lock()
	for text, at := range sent {
		got, ok := seen[text]
		if !ok {
			t.Errorf("%q was never recorded", text)
			continue
		}
		records = append(records, got.Sub(at))
	}
	mu.Unlock()
	slices.Sort(records)
	slices.Sort(replies)

	// The broken servers were asked, and were still hanging while the
	// latencies were measured.
	for _, kind := range []string{"hang", "slow", "title"} {
		hits, open := web.count(&web.hits, kind), web.count(&web.open, kind)
		if hits == 0 || open == 0 && kind != "title" && hits < 2 {
			t.Errorf("/%s/: %d requests, %d open at the end; want the bot stuck in one", kind, hits, open)
		}
	}
	t.Logf("with a hanging feed, a trickling feed and a hanging title server (feeds: %d requests, %d still open after %v; titles: %d requests, %d open):",
		web.count(&web.hits, "hang")+web.count(&web.hits, "slow"), web.count(&web.open, "hang")+web.count(&web.open, "slow"),
		measured.Sub(b.started).Round(time.Second), web.count(&web.hits, "title"), web.count(&web.open, "title"))
	st, err := b.health()
	if err != nil {
		t.Fatal(err)
	}
	b.stop()
	t.Logf("  record latency (talker's socket → archive file, %d lines, ±5 ms polling): p50 %v, p99 %v, max %v",
		len(records), percentile(records, 50).Round(time.Millisecond), percentile(records, 99).Round(time.Millisecond), records[len(records)-1].Round(time.Millisecond))
	t.Logf("  !part answer latency (%d commands): p50 %v, p99 %v, max %v; listener drops %d",
		len(replies), percentile(replies, 50).Round(time.Millisecond), percentile(replies, 99).Round(time.Millisecond), replies[len(replies)-1].Round(time.Millisecond), st.ListenerDrops)
	const bound = 3 * time.Second
	if p := percentile(records, 99); p > bound {
		t.Errorf("record latency p99 %v, want under %v", p, bound)
	}
	if p := percentile(replies, 99); p > bound {
		t.Errorf("!part answer latency p99 %v, want under %v", p, bound)
	}
}
