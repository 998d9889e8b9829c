package web

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"proceedings/event"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/internal/archivetest"
	"proceedings/render"
	"proceedings/sitepath"
)

// benchLines is the size of the benchmark archive: big enough for the
// query plans to matter, small enough to build in seconds. The 5M-line
// figures come from make bench.
const benchLines = 200_000

// benchArchive imports benchLines generated lines (one channel, about 1,600
// a day) and opens the result read-only, as serve does.
func benchArchive(b *testing.B) (archive.Store, string) {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	where := archivetest.Location(b, dir)
	w, err := archivetest.Dial(ctx, where, archive.Options{Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.SetPublicOnly(ctx, []string{"libera"}, []event.ChannelRef{{Network: "libera", Name: "#techrights"}}); err != nil {
		b.Fatal(err)
	}
	im, err := w.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"linux", "gnu", "patent", "software", "free", "microsoft", "europe", "news", "today", "links", "the", "a",
		"is", "of", "and", "server", "kernel", "law", "court", "release"}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchLines {
		n := 4 + rng.IntN(10)
		text := ""
		for j := range n {
			if j > 0 {
				text += " "
			}
			text += words[rng.IntN(len(words))]
		}
		if i%40000 == 7 {
			text += " minsk"
		}
		ev := event.Event{Network: "libera", Channel: "#techrights", Kind: event.KindMessage, Nick: fmt.Sprintf("nick%d", rng.IntN(50)),
			Time: start.Add(time.Duration(i) * 54 * time.Second), Text: text}
		if err := im.Add(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return archivetest.OpenAt(b, where, archive.Options{ReadOnly: true, Logger: discardLogger()}), dir
}

// BenchmarkSearchHandler is the latency of one search, page and JSON,
// through the handler (no network), over a 200,000-line archive.
func BenchmarkSearchHandler(b *testing.B) {
	db, dir := benchArchive(b)
	srv, err := New(Options{Archive: db, SiteDir: filepath.Join(dir, "public"), SearchRate: -1, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, target string }{
		{"page/common", "/search?q=linux"},
		{"page/rare", "/search?q=minsk"},
		{"page/phrase", "/search?q=%22free+software%22"},
		{"page/two-words", "/search?q=patent+court"},
		{"page/rare-relevance", "/search?q=minsk&order=relevance"},
		{"page/common-page-10", "/search?q=linux&page=10"},
		{"page/nick-and-dates", "/search?q=linux&nick=nick7&from=2020-03-01&to=2020-03-31"},
		{"api/common", "/api/search?q=linux"},
		{"api/phrase", "/api/search?q=%22free+software%22&limit=100"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptestRequest(b, bc.target, "192.0.2.1:1")
			for b.Loop() {
				resp := serve(srv, req)
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkDayPage fetches one rendered day page (about 1,600 lines) over
// loopback HTTP with keep-alive, plain and gzipped, from parallel clients.
func BenchmarkDayPage(b *testing.B) {
	db, dir := benchArchive(b)
	out := filepath.Join(dir, "public")
	if _, err := render.Render(context.Background(), db, render.Options{Out: out, Logger: discardLogger()}); err != nil {
		b.Fatalf("render: %v", err)
	}
	srv, err := New(Options{Archive: db, SiteDir: out, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	base := startServer(b, srv)
	url := base + sitepath.DayPath("libera", "#techrights", event.Date{Year: 2020, Month: 2, Day: 2})
	for _, bc := range []struct {
		name string
		gzip bool
	}{{"identity", false}, {"gzip", true}} {
		b.Run(bc.name, func(b *testing.B) {
			tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var size int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", url, nil)
					if bc.gzip {
						req.Header.Set("Accept-Encoding", "gzip")
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					size = n
				}
			})
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
