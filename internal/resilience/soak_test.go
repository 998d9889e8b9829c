package resilience

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"proceedings/internal/ircserver"
)

// sample is one look at the bot during the soak.
type sample struct {
	at         time.Duration // since the traffic began
	rss        int64         // bytes
	goroutines int
	queue      int   // events waiting for the disk
	sendQueue  int   // the bot's own lines waiting
	recorded   int64 // events committed
}

// TestSoak (make soak; -soak) runs the bot for -soak.duration (1 h by
// default) with a talker saying 20 lines a second, an asker sending a
// command every second (!part, !seen, !logs, !help in turn), a URL to title
// every 30 s (every 3 s in the short run) and a feed polled every 5 s that
// gains a post every sixth of the run. Every 10 s it samples the bot's resident memory (VmRSS of
// /proc/PID/status) and goroutines (/healthz). It fails when the average of
// the last sixth of the run is more than 20 % above the average of the
// second sixth (minutes 50–60 against 10–20 of an hour), when a line is
// not recorded or recorded twice, or when anything is dropped.
//
// Without -soak it runs for 12 s as a check that the soak itself works, and
// asserts everything but flatness (memory still grows in the first seconds).
func TestSoak(t *testing.T) {
	t.Parallel()
	duration := 12 * time.Second
	sampleEvery := time.Second
	if *soak {
		duration, sampleEvery = *soakDuration, 10*time.Second
	}
	feed := newSoakFeed()
	web := httptest.NewServer(feed)
	t.Cleanup(web.Close)
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	// The bot paces its own lines at one per 1.5 s: 5 answered commands
	// per 10 s per user keeps the answers (and titles and announcements)
	// under that, so its send queue stays short.
	//
	// The site is rendered at the start only: all the soak's lines fall on
	// one day, and rendering a day holds it in memory, so periodic renders
	// would make the bot's memory grow with the day rather than with time,
	// which is not what the soak watches.
	cfgPath := botConfig{Dir: dir, Server: srv.Addr(), Channels: []string{"#soak"}, Chan: "titles: true, announce: true", Site: "render_interval: 24h",
		Extra: fmt.Sprintf(`feeds:
  - {url: "%[1]s/feed.xml", interval: 5s}
titles: {allow_hosts: ["127.0.0.1"]}
commands: {rate: {per_user: 5/10s}}
series:
  - name: "From Belarus With Love"
    parts:
      - {n: 1, title: "From Belarus With Love — Part I", url: "https://example.org/part-i/"}
`, web.URL)}.write(t)
	b := startBot(t, cfgPath)
	b.waitHealth(30*time.Second, "the bot in #soak", joined("#soak"))
	talker := ircserver.Dial(t, srv.Addr(), "talker")
	talker.Join("#soak")
	asker := ircserver.Dial(t, srv.Addr(), "asker")
	asker.Join("#soak")

	commands := []string{"!part 1 belarus", "!seen talker", "!logs", "!help part"}
	talk := time.NewTicker(50 * time.Millisecond)
	defer talk.Stop()
	ask := time.NewTicker(time.Second)
	defer ask.Stop()
	paste := time.NewTicker(min(30*time.Second, duration/4))
	defer paste.Stop()
	post := time.NewTicker(duration / 6)
	defer post.Stop()
	look := time.NewTicker(sampleEvery)
	defer look.Stop()
	report := time.NewTicker(max(duration/12, sampleEvery))
	defer report.Stop()
	end := time.After(duration)

	begin := time.Now()
	var (
		samples           []sample
		lines, asked      int
		answers, titles   int
		announced         int
		lastAsk           time.Time
		lastReport        time.Duration
		replyLatency      []time.Duration
		talkLines, asking = talker.Lines(), asker.Lines()
	)
	take := func() {
		st, err := b.health()
		if err != nil {
			t.Fatalf("/healthz: %v", err)
		}
		rss, err := b.rss()
		if err != nil {
			t.Fatalf("read the bot's memory: %v", err)
		}
		samples = append(samples, sample{time.Since(begin), rss, st.Goroutines, st.QueueDepth, st.Networks[0].SendQueue, st.EventsRecorded})
		if !st.OK || st.EventsDropped != 0 || st.EventsFailed != 0 || st.ListenerDrops != 0 {
			t.Fatalf("at %v: %+v", time.Since(begin).Round(time.Second), st)
		}
	}
	take()
loop:
	for {
		select {
		case <-talk.C:
			talker.Send("PRIVMSG #soak :soak %06d and some words to make it a line", lines)
			lines++
		case <-ask.C:
			asker.Send("PRIVMSG #soak :%s", commands[asked%len(commands)])
			lastAsk = time.Now()
			asked++
		case <-paste.C:
			talker.Send("PRIVMSG #soak :soak page %s/page/%d", web.URL, lines)
			lines++
		case <-post.C:
			feed.add()
		case l, ok := <-asking:
			if !ok {
				t.Fatal("the asker's connection ended")
			}
			if !strings.HasPrefix(l, ":proceedings!") || !strings.Contains(l, " PRIVMSG #soak :") {
				continue
			}
			switch _, text, _ := strings.Cut(l, " PRIVMSG #soak :"); {
			case strings.HasPrefix(text, "[ Soak page "):
				titles++
			case strings.Contains(text, "Soak post "):
				announced++
			default:
				answers++
				replyLatency = append(replyLatency, time.Since(lastAsk))
			}
		case _, ok := <-talkLines:
			if !ok {
				t.Fatal("the talker's connection ended")
			}
		case <-look.C:
			take()
		case <-report.C:
			since := window(samples, lastReport, math.MaxInt64)
			lastReport = time.Since(begin)
			s := samples[len(samples)-1]
			t.Logf("%v: %d lines, %d commands (%d answered), %d titles, %d announcements; RSS %.1f MB (%.1f–%.1f since the last report), %d goroutines (at most %d), queue %d, send queue %d",
				time.Since(begin).Round(time.Second), lines, asked, answers, titles, announced, float64(s.rss)/(1<<20),
				float64(minOf(since, func(s sample) int64 { return s.rss }))/(1<<20), float64(maxOf(since, func(s sample) int64 { return s.rss }))/(1<<20),
				s.goroutines, maxOf(since, func(s sample) int64 { return int64(s.goroutines) }), s.queue, s.sendQueue)
		case <-end:
			break loop
		}
	}
	take()
	b.stop()

	db := openArchive(t, filepath.Join(dir, "archive.db"))
	evs := messagesFrom(logOf(t, db, "#soak"), "talker")
	checkOnce(t, evs)
	if len(evs) != lines {
		t.Errorf("the archive holds %d of the talker's %d lines", len(evs), lines)
	}
	slices.Sort(replyLatency)
	t.Logf("%v at %.0f lines/s: %d lines recorded of %d; %d commands, %d answered (the rate limit refuses the rest), answer latency p50 %v p99 %v; %d titles, %d announcements",
		duration, float64(lines)/duration.Seconds(), len(evs), lines, asked, answers,
		percentile(replyLatency, 50).Round(time.Millisecond), percentile(replyLatency, 99).Round(time.Millisecond), titles, announced)
	if answers == 0 || titles == 0 {
		t.Errorf("%d answers to commands and %d titles; want both", answers, titles)
	}

	base := window(samples, duration/6, duration/3)
	last := window(samples, duration-duration/6, duration+time.Hour)
	rssBase, rssLast := avg(base, func(s sample) float64 { return float64(s.rss) }), avg(last, func(s sample) float64 { return float64(s.rss) })
	gBase, gLast := avg(base, func(s sample) float64 { return float64(s.goroutines) }), avg(last, func(s sample) float64 { return float64(s.goroutines) })
	t.Logf("RSS: %.1f MB at the start, %.1f MB on average in the second sixth, %.1f MB in the last (%+.1f %%), %.1f MB at most",
		float64(samples[0].rss)/(1<<20), rssBase/(1<<20), rssLast/(1<<20), 100*(rssLast/rssBase-1), float64(maxOf(samples, func(s sample) int64 { return s.rss }))/(1<<20))
	t.Logf("goroutines: %d at the start, %.1f on average in the second sixth, %.1f in the last (%+.1f %%), %d at most",
		samples[0].goroutines, gBase, gLast, 100*(gLast/gBase-1), maxOf(samples, func(s sample) int64 { return int64(s.goroutines) }))
	if !*soak {
		return // seconds are too short to tell growth from warming up
	}
	if rssLast > 1.2*rssBase {
		t.Errorf("RSS grew from %.1f MB to %.1f MB: more than 20 %%", rssBase/(1<<20), rssLast/(1<<20))
	}
	if gLast > 1.2*gBase {
		t.Errorf("goroutines grew from %.1f to %.1f: more than 20 %%", gBase, gLast)
	}
}

// window keeps the samples taken from from (inclusive) to to.
func window(samples []sample, from, to time.Duration) []sample {
	var out []sample
	for _, s := range samples {
		if s.at >= from && s.at < to {
			out = append(out, s)
		}
	}
	return out
}

func avg(samples []sample, f func(sample) float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	sum := 0.0
	for _, s := range samples {
		sum += f(s)
	}
	return sum / float64(len(samples))
}

func minOf(samples []sample, f func(sample) int64) int64 {
	if len(samples) == 0 {
		return 0
	}
	m := f(samples[0])
	for _, s := range samples[1:] {
		m = min(m, f(s))
	}
	return m
}

func maxOf(samples []sample, f func(sample) int64) int64 {
	var m int64
	for _, s := range samples {
		m = max(m, f(s))
	}
	return m
}

// soakFeed is a site's RSS feed that gains a post when asked, with ETag
// for conditional GET, and pages with titles under /page/.
type soakFeed struct {
	mu    sync.Mutex
	posts int
}

func newSoakFeed() *soakFeed { return &soakFeed{posts: 3} }

func (f *soakFeed) add() {
	f.mu.Lock()
	f.posts++
	f.mu.Unlock()
}

func (f *soakFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if n, ok := strings.CutPrefix(r.URL.Path, "/page/"); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Soak page %s</title></head><body>page</body></html>", n)
		return
	}
	if r.URL.Path != "/feed.xml" {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	n := f.posts
	f.mu.Unlock()
	etag := strconv.Quote(strconv.Itoa(n))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Soak site</title><link>https://example.org/</link><description>soak</description>`)
	day := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	for i := n; i >= 1; i-- {
		fmt.Fprintf(&sb, `<item><title>Soak post %d</title><link>https://example.org/posts/%d/</link><guid>https://example.org/posts/%d/</guid><pubDate>%s</pubDate></item>`,
			i, i, i, day.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	}
	sb.WriteString(`</channel></rss>`)
	_, _ = w.Write([]byte(sb.String()))
}
