package commands_test

import (
	"context"
	"math/rand/v2"
	"os"
	"proceedings/event"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/bot/commands"
)

// benchLines is how many chat lines the benchmark archive holds besides
// the fixture's: PROCEEDINGS_BENCH_LINES, default 200,000 (the issue's
// reference is 1,000,000: PROCEEDINGS_BENCH_LINES=1000000).
func benchLines(b *testing.B) int {
	if s := os.Getenv("PROCEEDINGS_BENCH_LINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("PROCEEDINGS_BENCH_LINES=%q: %v", s, err)
		}
		return n
	}
	return 200_000
}

// benchVocabulary: a few common words, many rarer ones; "minsk" is in
// about one line in fifty.
var benchVocabulary = strings.Fields(`the a to and of is in it that for you on with this be are not have
	was but they at so what can do if just all about get like there one more out people think know
	patent office epo software freedom linux gnu free code kernel release bug fix build server
	techrights article series belarus minsk part link feed irc logs channel bot archive search`)

// benchFixture is the command fixture plus n imported lines in the public
// channel over the two years before it.
func benchFixture(b *testing.B) *fixture {
	b.Helper()
	f := newFixture(b, fixtureOptions{yaml: strings.Replace(commandsConfig, "per_user: 3/10s, per_channel: 10/10s",
		"per_user: 1000000000/1s, per_channel: 1000000000/1s", 1)})
	n := benchLines(b)
	ctx := context.Background()
	im, err := f.db.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := fixtureNow.Add(-2 * 365 * 24 * time.Hour)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n+1)
	words := make([]string, 0, 16)
	for i := range n {
		words = words[:0]
		for range 4 + rng.IntN(10) {
			// Zipf-like: low indexes are much more common.
			words = append(words, benchVocabulary[int(float64(len(benchVocabulary))*rng.Float64()*rng.Float64())])
		}
		ev := event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage,
			Nick: "user" + strconv.Itoa(rng.IntN(200)), Text: strings.Join(words, " "), Time: start.Add(time.Duration(i) * step)}
		if err := im.Add(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	return f
}

// benchCommand measures Handle for one line and reports the median and
// 99th percentile latency besides the mean.
func benchCommand(b *testing.B, f *fixture, line string) {
	in := carol.says(line)
	ctx := context.Background()
	if rs := f.router.Handle(ctx, in); len(rs) == 0 {
		b.Fatalf("%q got no reply", line)
	} else {
		b.Logf("%q → %q", line, texts(rs))
	}
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if len(f.router.Handle(ctx, in)) == 0 {
			b.Fatal("no reply")
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkPart(b *testing.B) {
	f := benchFixture(b)
	for _, line := range []string{"!part 10", "!part X belarus", "!part 11"} {
		b.Run(line, func(b *testing.B) { benchCommand(b, f, line) })
	}
}

func BenchmarkSearchCommand(b *testing.B) {
	f := benchFixture(b)
	for _, line := range []string{"!search minsk", "!search the", "!search patent office", "!search nosuchword"} {
		b.Run(line, func(b *testing.B) { benchCommand(b, f, line) })
	}
}

func BenchmarkOtherCommands(b *testing.B) {
	f := benchFixture(b)
	for _, line := range []string{"!seen alice", "!logs 2026-02-02", "!series", "!latest 5", "!help"} {
		b.Run(line, func(b *testing.B) { benchCommand(b, f, line) })
	}
}

// BenchmarkIgnoredLine is the cost of a chat line that is not a command:
// what every line of a busy channel pays.
func BenchmarkIgnoredLine(b *testing.B) {
	r := commands.NewRouter(newFixture(b, fixtureOptions{}).cfg, nil, commands.Options{})
	in := carol.says("just some chatter about the EPO and Minsk, nothing to see here")
	for b.Loop() {
		r.Handle(context.Background(), in)
	}
}
