package render

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"proceedings/event"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
)

// generate returns n events of one channel, about perDay a day, from a
// fixed seed: a talkative community with links, actions, joins and quits.
func generate(n, perDay int) []event.Event {
	rng := rand.New(rand.NewPCG(1, 2))
	nicks := make([]string, 40)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("%s%d", []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}[i%8], i)
	}
	words := strings.Fields("the patent office software freedom linux gnu kernel release news article series part links today " +
		"microsoft layoffs court ruling community project debian gemini capsule irc channel log archive page bot")
	hosts := []string{"techrights.org", "news.example.org", "lwn.net", "gemini.example", "www.example.com"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 24 * time.Hour / time.Duration(perDay)
	evs := make([]event.Event, n)
	for i := range evs {
		t := start.Add(time.Duration(i)*step + time.Duration(rng.IntN(int(step))))
		nick := nicks[int(rng.ExpFloat64()*6)%len(nicks)]
		ev := event.Event{Network: "libera", Channel: "#techrights", Time: t, Nick: nick, Kind: event.KindMessage}
		switch r := rng.IntN(100); {
		case r < 4:
			ev.Kind = event.KindJoin
			ev.UserHost = "~" + nick + "@host-" + fmt.Sprint(rng.IntN(1000)) + ".example.net"
		case r < 8:
			ev.Kind = event.KindQuit
			ev.Text = "Ping timeout: 240 seconds"
		case r < 11:
			ev.Kind = event.KindAction
		}
		if ev.Kind == event.KindMessage || ev.Kind == event.KindAction {
			var b strings.Builder
			for w := 3 + rng.IntN(14); w > 0; w-- {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			if rng.IntN(12) == 0 {
				fmt.Fprintf(&b, "https://%s/n/2026/%02d/%d/ ", hosts[rng.IntN(len(hosts))], rng.IntN(12)+1, rng.IntN(100000))
			}
			if rng.IntN(40) == 0 {
				b.WriteString("\x02bold\x02 \x0304red\x03")
			}
			ev.Text = strings.TrimSpace(b.String())
		}
		evs[i] = ev
	}
	return evs
}

func benchOptions(out string) Options {
	opt := Options{
		Out:      out,
		BaseURL:  "https://irc.example.org/",
		Channels: []ChannelOptions{{Network: "libera", Name: "#techrights", Public: true}},
		Now:      func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) },
		Logger:   quietLogger(),
	}
	if s := os.Getenv("BENCH_WORKERS"); s != "" { // to compare worker counts
		fmt.Sscan(s, &opt.Workers)
	}
	return opt
}

// benchEvents is the size of the generated archive (BENCH_EVENTS overrides).
func benchEvents() int {
	n := 100_000
	if s := os.Getenv("BENCH_EVENTS"); s != "" {
		fmt.Sscan(s, &n)
	}
	return n
}

// BenchmarkRender renders a generated archive: everything, nothing changed,
// and one appended line.
func BenchmarkRender(b *testing.B) {
	n := benchEvents()
	db := openArchive(b, time.UTC)
	ctx := context.Background()
	evs := generate(n, 2700)
	importEvents(b, db, evs)
	lastTime := evs[len(evs)-1].Time
	evs = nil

	b.Run("full", func(b *testing.B) {
		out := b.TempDir()
		var st Stats
		cpu := cpuTime()
		for b.Loop() {
			opt := benchOptions(out)
			opt.Full = true
			var err error
			if st, err = Render(ctx, db, opt); err != nil {
				b.Fatal(err)
			}
		}
		cpu = cpuTime() - cpu
		b.ReportMetric(float64(st.Events)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		b.ReportMetric(float64(st.Events)*float64(b.N)/cpu.Seconds(), "lines/cpu-s")
		b.ReportMetric(float64(st.Days), "days")
	})

	out := b.TempDir()
	if _, err := Render(ctx, db, benchOptions(out)); err != nil {
		b.Fatal(err)
	}
	b.Run("nothing-changed", func(b *testing.B) {
		for b.Loop() {
			st, err := Render(ctx, db, benchOptions(out))
			if err != nil || len(st.Written) != 0 {
				b.Fatalf("%v %+v", err, st)
			}
		}
	})
	b.Run("one-new-line", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			store(b, db, event.Event{Network: "libera", Channel: "#techrights", Time: lastTime.Add(time.Duration(i+1) * time.Millisecond),
				Kind: event.KindMessage, Nick: "alice", Text: "one more line"})
			b.StartTimer()
			st, err := Render(ctx, db, benchOptions(out))
			if err != nil || st.Days != 1 {
				b.Fatalf("%v %+v", err, st)
			}
		}
	})
}

// cpuTime is the user and system CPU time of the process so far: on a busy
// machine, lines per CPU second say more than lines per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// importEvents bulk-loads events (the import path: faster than appends).
func importEvents(tb testing.TB, db archive.Store, evs []event.Event) {
	tb.Helper()
	ctx := context.Background()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, ev := range evs {
		if err := im.Add(ctx, ev); err != nil {
			tb.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkReadDays is the archive's share of a full render: reading every
// day of the generated archive, and nothing else.
func BenchmarkReadDays(b *testing.B) {
	db := openArchive(b, time.UTC)
	ctx := context.Background()
	importEvents(b, db, generate(benchEvents(), 2700))
	days, err := db.AllDays(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var n int
	cpu := cpuTime()
	for b.Loop() {
		n = 0
		for _, d := range days {
			evs, err := db.Day(ctx, d.Channel, d.Day)
			if err != nil {
				b.Fatal(err)
			}
			n += len(evs)
		}
	}
	cpu = cpuTime() - cpu
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "lines/cpu-s")
}
