package announce

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"proceedings/config"
	"proceedings/internal/bottest"
)

// stampSayer records when each line was said.
type stampSayer struct {
	mu sync.Mutex
	at []time.Time
}

func (s *stampSayer) Say(_, _, _ string) error {
	now := time.Now()
	s.mu.Lock()
	s.at = append(s.at, now)
	s.mu.Unlock()
	return nil
}

func (s *stampSayer) last() (time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.at) == 0 {
		return time.Time{}, 0
	}
	return s.at[len(s.at)-1], len(s.at)
}

// BenchmarkPollToAnnounce measures the time from the start of a poll that
// finds one new post to its announcement: HTTP fetch of the 22-item
// fixture-shaped feed, parse, archive writes (real SQLite), formatting.
// It reports the median (p50-ms) and p95 (p95-ms).
func BenchmarkPollToAnnounce(b *testing.B) {
	fx := loadFixture(b)
	db := openTestArchive(b)
	items := slices.Clone(fx.items)
	fs := newFeedServer(b, fx.doc(items))
	say := &stampSayer{}
	a, err := NewAnnouncer(Options{Feeds: []config.Feed{testFeed(fs.URL())}, Store: db, Sayer: say, Logger: bottest.Logger(b)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Poll(ctx, 0); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// A new post on top; the feed keeps its 22 newest, as sites do.
		items = append([]string{rssItem(fmt.Sprintf("Links %d: benchmark post", i), fmt.Sprintf("https://techrights.org/n/bench/%d.shtml", i),
			time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute))}, items[:len(items)-1]...)
		fs.set(fx.doc(items))
		b.StartTimer()
		start := time.Now()
		res, err := a.Poll(ctx, 0)
		if err != nil || res.Announced != 1 {
			b.Fatalf("poll %d: %+v, %v; want one announcement", i, res, err)
		}
		at, n := say.last()
		if n != i+1 {
			b.Fatalf("%d lines said after %d polls", n, i+1)
		}
		lat = append(lat, at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// bigFeed is a fixture-shaped feed of n items: the fixture's 22 and
// generated ones.
func bigFeed(b *testing.B, n int) string {
	fx := loadFixture(b)
	items := slices.Clone(fx.items)
	for i := len(items); i < n; i++ {
		items = append(items, rssItem(fmt.Sprintf("Links %02d/01/2025: Older post number %d of the archive", i%28+1, i),
			fmt.Sprintf("https://techrights.org/n/2025/01/old_%d.shtml", i), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i)*time.Hour)))
	}
	return fx.doc(items)
}

// benchUnchanged polls a 500-item feed that does not change, after the
// first run, and reports the CPU time of the whole process per poll
// (cpu-µs/op; the test's HTTP server runs in the same process).
func benchUnchanged(b *testing.B, validators bool) {
	db := openTestArchive(b)
	doc := bigFeed(b, 500)
	fs := newFeedServer(b, doc)
	fs.setValidators(validators)
	a, err := NewAnnouncer(Options{Feeds: []config.Feed{testFeed(fs.URL())}, Store: db, Sayer: &stampSayer{}, Logger: bottest.Logger(b)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if res, err := a.Poll(ctx, 0); err != nil || res.Items != 500 {
		b.Fatalf("first poll: %+v, %v", res, err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for range b.N {
		res, err := a.Poll(ctx, 0)
		if err != nil || !res.NotModified {
			b.Fatalf("poll of an unchanged feed: %+v, %v", res, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// BenchmarkPollUnchanged500 is the usual case: the server answers 304.
func BenchmarkPollUnchanged500(b *testing.B) { benchUnchanged(b, true) }

// BenchmarkPollUnchanged500NoConditionalGET is a server without ETag or
// Last-Modified: the whole feed comes every time and is recognised as
// unchanged by its digest, without parsing.
func BenchmarkPollUnchanged500NoConditionalGET(b *testing.B) { benchUnchanged(b, false) }

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
