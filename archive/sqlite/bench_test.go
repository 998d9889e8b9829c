package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"proceedings/archive"
	"proceedings/event"
	"testing"
	"time"
)

// benchArchive builds an archive of days × perDay events in one channel,
// through the bulk importer.
func benchArchive(b *testing.B, days, perDay int) (*DB, int64) {
	b.Helper()
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	words := []string{"free", "software", "patent", "office", "belarus", "minsk", "linux", "gemini", "links", "today", "the", "and", "of", "news", "series", "part"}
	r := rand.New(rand.NewPCG(1, 2))
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < days; d++ {
		for i := 0; i < perDay; i++ {
			text := ""
			for w := 0; w < 8; w++ {
				text += words[r.IntN(len(words))] + " "
			}
			ev := event.Event{Network: "net", Channel: "#bench", Kind: event.KindMessage, Nick: fmt.Sprintf("nick%d", r.IntN(40)),
				Time: start.AddDate(0, 0, d).Add(time.Duration(i) * 86400 * time.Second / time.Duration(perDay)), Text: text}
			if err := im.Add(context.Background(), ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := im.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	c, err := db.FindChannel(context.Background(), "net", "#bench")
	if err != nil {
		b.Fatal(err)
	}
	return db, c.ID
}

func BenchmarkDay(b *testing.B) {
	db, ch := benchArchive(b, 30, 1500)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		evs, err := db.Day(ctx, ch, event.Date{Year: 2020, Month: 1, Day: 1 + i%30})
		if err != nil || len(evs) != 1500 {
			b.Fatal(len(evs), err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	db, _ := benchArchive(b, 30, 1500)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    archive.SearchQuery
	}{
		{"common-newest", archive.SearchQuery{Text: "linux"}},
		{"common-relevance", archive.SearchQuery{Text: "linux", Order: archive.Relevance}},
		{"two-words", archive.SearchQuery{Text: "belarus minsk"}},
		{"phrase", archive.SearchQuery{Text: `"free software"`}},
		{"nick-filter", archive.SearchQuery{Text: "linux", Nick: "nick7"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Search(ctx, tc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendGroupCommit(b *testing.B) {
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	t := time.Now()
	for i := 0; b.Loop(); i++ {
		ev := event.Event{Network: "net", Channel: "#bench", Kind: event.KindMessage, Nick: "n", Time: t.Add(time.Duration(i) * time.Millisecond), Text: "a line of chat about linux"}
		for {
			if err := db.AppendAsync(ev, nil); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkImport(b *testing.B) {
	const n = 100000
	var took time.Duration
	for b.Loop() {
		b.StopTimer()
		db, err := Open(context.Background(), filepath.Join(b.TempDir(), "imp.db"), archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		im, _ := db.NewImporter(archive.ImportOptions{})
		start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := 0; i < n; i++ {
			ev := event.Event{Network: "net", Channel: "#bench", Kind: event.KindMessage, Nick: fmt.Sprintf("nick%d", i%40),
				Time: start.Add(time.Duration(i) * 2 * time.Second), Text: "a line of chat about free software and the patent office " + fmt.Sprint(i)}
			if err := im.Add(context.Background(), ev); err != nil {
				b.Fatal(err)
			}
		}
		if err := im.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
		took += time.Since(t)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/took.Seconds(), "events/s")
}
