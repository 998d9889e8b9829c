package storetest

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// Bench measures an engine on the same work as every other engine: the
// live append (group commit, durable), the bulk import, and on a generated
// corpus of events (PROCEEDINGS_BENCH_EVENTS, default 200,000, 2,000 a
// day in one channel) reading a day and searching for a common word, a
// rare word and a phrase, newest first and by relevance. Latencies are
// reported as p50-ms and p95-ms, rates as events/s, and the processor
// time the appends and imports cost, per event, as cpu-µs/event (this
// process and the server together) and server-cpu-µs/event: on a busy
// machine, that says what the work costs when the rate cannot.
func Bench(b *testing.B, newArchive func(t testing.TB) Opener, opt BenchOptions) {
	b.Run("append", func(b *testing.B) { benchAppend(b, newArchive, opt) })
	b.Run("append-one", func(b *testing.B) { benchAppendOne(b, newArchive) })
	b.Run("import", func(b *testing.B) { benchImport(b, newArchive, opt) })

	n := CorpusSize()
	db := benchOpen(b, newArchive(b), archive.Options{})
	start := time.Now()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for ev := range Corpus(n) {
		if err := im.Add(context.Background(), ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	if st := im.Stats(); st.Added != int64(n) {
		b.Fatalf("the corpus was imported as %+v, want %d events", st, n)
	}
	b.Logf("corpus of %d events imported in %v (%.0f events/s)", n, time.Since(start), float64(n)/time.Since(start).Seconds())
	if opt.Settle != nil {
		opt.Settle(b, db.(*closer).Store)
	}
	ch, err := db.FindChannel(context.Background(), "net", "#bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SetPublic(context.Background(), "net", "#bench", true); err != nil {
		b.Fatal(err)
	}
	days := n / corpusPerDay
	b.Run("day", func(b *testing.B) {
		r := rand.New(rand.NewPCG(3, 4))
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			d := corpusStart.AddDate(0, 0, r.IntN(days))
			t := time.Now()
			evs, err := db.Day(context.Background(), ch.ID, event.DateOf(d, time.UTC))
			lat = append(lat, time.Since(t))
			if err != nil || len(evs) < corpusPerDay*9/10 {
				b.Fatal(len(evs), err)
			}
		}
		reportLatency(b, lat)
	})
	for _, tc := range []struct {
		name string
		q    archive.SearchQuery
	}{
		{"search/common-newest", archive.SearchQuery{Text: "linux"}},
		{"search/common-relevance", archive.SearchQuery{Text: "linux", Order: archive.Relevance}},
		{"search/rare-newest", archive.SearchQuery{Text: "zanzibar"}},
		{"search/rare-relevance", archive.SearchQuery{Text: "zanzibar", Order: archive.Relevance}},
		{"search/phrase-newest", archive.SearchQuery{Text: `"free software"`}},
		{"search/phrase-relevance", archive.SearchQuery{Text: `"free software"`, Order: archive.Relevance}},
		{"search/two-words", archive.SearchQuery{Text: "linux patent"}},
		{"search/nick-filter", archive.SearchQuery{Text: "linux", Nick: "nick7"}},
		{"search/public-only", archive.SearchQuery{Text: "linux", PublicOnly: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			total := 0
			for b.Loop() {
				t := time.Now()
				res, err := db.Search(context.Background(), tc.q)
				lat = append(lat, time.Since(t))
				if err != nil || len(res.Hits) == 0 {
					b.Fatal(res.Total, err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "matches")
			reportLatency(b, lat)
		})
	}
}

// BenchOptions say what an engine adds to Bench.
type BenchOptions struct {
	// Settle, if not nil, is called once the corpus is stored: what a
	// deployment's background maintenance would have done by then.
	Settle func(b *testing.B, s archive.Store)
	// ServerCPU, if not nil, says how much processor time the engine's
	// server has used so far.
	ServerCPU func() (time.Duration, error)
}

// cpuMeter measures the processor time of this process and the server
// between start and report.
type cpuMeter struct {
	opt                  BenchOptions
	self, server         time.Duration // at start
	usedSelf, usedServer time.Duration // between starts and stops
}

func (m *cpuMeter) start(b *testing.B) {
	m.self, m.server = selfCPU(b), m.serverCPU(b)
}

func (m *cpuMeter) stop(b *testing.B) {
	m.usedSelf += selfCPU(b) - m.self
	m.usedServer += m.serverCPU(b) - m.server
}

func (m *cpuMeter) serverCPU(b *testing.B) time.Duration {
	if m.opt.ServerCPU == nil {
		return 0
	}
	t, err := m.opt.ServerCPU()
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// report reports the processor time per event between starts and stops.
func (m *cpuMeter) report(b *testing.B, events int) {
	self, server := m.usedSelf, m.usedServer
	b.ReportMetric(float64((self+server).Microseconds())/float64(events), "cpu-µs/event")
	if m.opt.ServerCPU != nil {
		b.ReportMetric(float64(server.Microseconds())/float64(events), "server-cpu-µs/event")
	}
}

// selfCPU is this process's user and system time so far.
func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchOpen opens an archive for a benchmark, closed when it ends.
func benchOpen(b *testing.B, open Opener, opt archive.Options) archive.Store {
	b.Helper()
	s, err := open(b, opt)
	if err != nil {
		b.Fatal(err)
	}
	c := &closer{Store: s}
	b.Cleanup(func() { c.Close() })
	return c
}

// reportLatency reports the median and the 95th percentile of lat in ms.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// benchAppend appends b.N events from one goroutine through AppendAsync
// (waiting for room when the queue is full) and flushes: the bot's live
// path, every commit durable.
func benchAppend(b *testing.B, newArchive func(t testing.TB) Opener, opt BenchOptions) {
	db := benchOpen(b, newArchive(b), archive.Options{})
	at := time.Now()
	start := time.Now()
	cpu := cpuMeter{opt: opt}
	cpu.start(b)
	for i := 0; b.Loop(); i++ {
		ev := event.Event{Network: "net", Channel: "#bench", Kind: event.KindMessage, Nick: "nick" + strconv.Itoa(i%40),
			Time: at.Add(time.Duration(i) * time.Millisecond), Text: "a line of chat about linux and free software " + strconv.Itoa(i)}
		for {
			err := db.AppendAsync(ev, nil)
			if err == nil {
				break
			}
			if !errors.Is(err, archive.ErrQueueFull) {
				b.Fatal(err)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	cpu.stop(b)
	cpu.report(b, b.N)
}

// benchAppendOne appends one event at a time and waits for each: the
// latency of one durable commit.
func benchAppendOne(b *testing.B, newArchive func(t testing.TB) Opener) {
	db := benchOpen(b, newArchive(b), archive.Options{})
	at := time.Now()
	lat := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		t := time.Now()
		if _, err := db.Append(context.Background(), event.Event{Network: "net", Channel: "#bench", Kind: event.KindMessage, Nick: "n",
			Time: at.Add(time.Duration(i) * time.Millisecond), Text: "one line " + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	reportLatency(b, lat)
}

// benchImport imports 100,000 lines into a fresh archive per iteration.
func benchImport(b *testing.B, newArchive func(t testing.TB) Opener, opt BenchOptions) {
	const n = 100000
	var took time.Duration
	cpu := cpuMeter{opt: opt}
	for b.Loop() {
		b.StopTimer()
		db := benchOpen(b, newArchive(b), archive.Options{})
		b.StartTimer()
		t := time.Now()
		cpu.start(b)
		im, err := db.NewImporter(archive.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for ev := range Corpus(n) {
			if err := im.Add(context.Background(), ev); err != nil {
				b.Fatal(err)
			}
		}
		if err := im.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
		took += time.Since(t)
		cpu.stop(b)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/took.Seconds(), "events/s")
	cpu.report(b, n*b.N)
}

// CorpusSize is the number of events of the benchmark corpus:
// PROCEEDINGS_BENCH_EVENTS, or 200,000.
func CorpusSize() int {
	if v, err := strconv.Atoi(os.Getenv("PROCEEDINGS_BENCH_EVENTS")); err == nil && v >= corpusPerDay {
		return v
	}
	return 200000
}

const corpusPerDay = 2000

var corpusStart = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Corpus generates n events, the same on every call: 2,000 a day from
// 2020-01-01, nearly all in #bench (one in fifty in #side), from 40 nicks;
// nine in ten are messages of 6 to 16 words drawn from a vocabulary of
// 20,000 with a Zipf distribution, the rest actions, joins, parts and
// quits. "linux" is in one message in ten, the phrase "free software" in
// one in a hundred, "zanzibar" in one in 20,000.
func Corpus(n int) func(yield func(event.Event) bool) {
	return func(yield func(event.Event) bool) {
		r := rand.New(rand.NewPCG(1, 2))
		zipf := rand.NewZipf(r, 1.07, 2, uint64(len(vocabulary)-1))
		var text strings.Builder
		for i := range n {
			day, k := i/corpusPerDay, i%corpusPerDay
			ev := event.Event{Network: "net", Channel: "#bench", Nick: "nick" + strconv.Itoa(r.IntN(40)),
				Time: corpusStart.AddDate(0, 0, day).Add(time.Duration(k) * 86400 * time.Second / corpusPerDay)}
			if i%50 == 7 {
				ev.Channel = "#side"
			}
			switch roll := r.IntN(100); {
			case roll < 90:
				ev.Kind = event.KindMessage
			case roll < 94:
				ev.Kind = event.KindAction
			case roll < 97:
				ev.Kind = event.KindJoin
				ev.UserHost = "~u@host.example"
			case roll < 99:
				ev.Kind = event.KindPart
			default:
				ev.Kind = event.KindQuit
				ev.Text = "Quit: leaving"
			}
			if ev.Kind == event.KindMessage || ev.Kind == event.KindAction {
				text.Reset()
				words := 6 + r.IntN(11)
				for w := range words {
					if w > 0 {
						text.WriteByte(' ')
					}
					text.WriteString(vocabulary[zipf.Uint64()])
				}
				switch {
				case i%20000 == 1234:
					text.WriteString(" zanzibar")
				case i%100 == 3:
					text.WriteString(" free software")
				}
				if i%10 == 1 {
					text.WriteString(" linux")
				}
				if i%1000 == 5 {
					text.WriteString(" https://example.org/" + strconv.Itoa(i))
				}
				ev.Text = text.String()
			}
			if !yield(ev) {
				return
			}
		}
	}
}

// vocabulary is 20,000 made-up words (after a few hundred of English's
// commonest), the same on every run.
var vocabulary = func() []string {
	common := strings.Fields(`the of and to a in is it you that he was for on are with as I his they be at one have this from or
		had by hot word but what some we can out other were all there when up use your how said an each she which do their time if
		will way about many then them write would like so these her long make thing see him two has look more day could go come did
		number sound no most people my over know water than call first who may down side been now find any new work part take get
		place made live where after back little only round man year came show every good me give our under name very through just
		form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set
		three want air well also play small end put home read hand port large spell add even land here must big high such follow
		act why ask men change went light kind off need house picture try us again animal point mother world near build self earth
		father head stand own page should country found answer school grow study still learn plant cover food sun four between
		state keep eye never last let thought city tree cross farm hard start might story saw far sea draw left late run don't
		while press close night real life few north open seem together next white children begin got walk example ease paper
		group always music those both mark often letter until mile river car feet care second book carry took science eat room
		friend began idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl usual
		young ready above ever red list though feel talk bird soon body dog family direct pose leave song measure door product
		black short numeral class wind question happen complete ship area half rock order fire south problem piece told knew
		pass since top whole king space heard best hour better true during hundred five remember step early hold west ground
		interest reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay against
		pattern slow center love person money serve appear road map rain rule govern pull cold notice voice unit power town
		fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able pound done
		beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute strong special
		mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue object decide surface
		deep moon island foot system busy test record boat common gold possible plane stead dry wonder laugh thousand ago ran
		check game shape equate miss brought heat snow tire bring yes distant fill east paint language among patent office software`)
	r := rand.New(rand.NewPCG(5, 6))
	syll := strings.Fields("ka lo mi nu re sa ti vo ze ba de fi go hu ja ke li mo ne pu qa ro si tu va we xi yo zu")
	seen := map[string]bool{"linux": true, "zanzibar": true}
	words := make([]string, 0, 20000)
	for _, w := range common {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for len(words) < 20000 {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syll[r.IntN(len(syll))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			words = append(words, w.String())
		}
	}
	return words
}()
