package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"proceedings/event"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"proceedings/archive"
)

// appendTimed appends n events through the bot's path (Append: the group
// commit writer) and returns how long each took to be durable.
func appendTimed(t *testing.T, w archive.Store, n int, word string) []time.Duration {
	t.Helper()
	lat := make([]time.Duration, 0, n)
	for i := range n {
		ev := event.Event{Network: "libera", Channel: "#techrights", Kind: event.KindMessage, Nick: "recorder",
			Time: time.Date(2026, 2, 4, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second), Text: fmt.Sprintf("%s %d", word, i)}
		start := time.Now()
		if _, err := w.Append(context.Background(), ev); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		lat = append(lat, time.Since(start))
	}
	return lat
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// TestSearchesNeverBlockRecording runs searches (page and API, both
// orders) without pause on the read-only archive while the bot's writer
// appends through its group commit: every append goes through promptly,
// and searches see the new lines once they are committed.
func TestSearchesNeverBlockRecording(t *testing.T) {
	f := newFixture(t, Options{})
	const n = 80
	quiet := appendTimed(t, f.w, 20, "warmup")

	ctx, stop := context.WithCancel(context.Background())
	var searches, failures atomic.Int64
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			targets := []string{"/search?q=linux", "/api/search?q=linux+line&order=relevance", "/search?q=minsk&page=2&limit=2", "/api/search?q=recorded&limit=100"}
			for i := 0; ctx.Err() == nil; i++ {
				resp := serve(f.srv, httptestRequest(t, targets[(g+i)%len(targets)], "192.0.2.1:1"))
				if resp.StatusCode != 200 {
					failures.Add(1)
				}
				searches.Add(1)
			}
		})
	}
	busy := appendTimed(t, f.w, n, "recorded")
	during := searches.Load()
	stop()
	wg.Wait()

	t.Logf("append latency: quiet p50 %v p95 %v; during %d searches p50 %v p95 %v max %v",
		pct(quiet, .5), pct(quiet, .95), during, pct(busy, .5), pct(busy, .95), slices.Max(busy))
	if failures.Load() > 0 {
		t.Fatalf("%d searches failed", failures.Load())
	}
	if during < 10 {
		t.Fatalf("only %d searches ran while recording: the test did not test anything", during)
	}
	// SQLite waits up to its busy timeout (10 s) for a lock: a search that
	// blocked the writer would show as seconds here. Appends under load
	// only share the CPU with the searches.
	if m := slices.Max(busy); m > 5*time.Second {
		t.Fatalf("an append took %v while searches ran", m)
	}
	got := getJSON[APISearch](t, f, "/api/search?q=recorded&limit=1", 200)
	if got.Total != n {
		t.Fatalf("search sees %d recorded lines, want %d", got.Total, n)
	}
}

// TestOpenReadDoesNotBlockAppends holds a read open in the middle of its
// rows (a snapshot of the WAL) while the writer commits: the commits do not
// wait for it, and the open read does not see them.
func TestOpenReadDoesNotBlockAppends(t *testing.T) {
	f := newFixture(t, Options{})
	ch, err := f.r.FindChannel(context.Background(), "libera", "#techrights")
	if err != nil {
		t.Fatal(err)
	}
	inRead := make(chan struct{})
	release := make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		rows := 0
		err := f.r.Range(context.Background(), ch.ID, time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), archive.AllFields, func(event.Event) error {
			rows++
			if rows == 1 {
				close(inRead)
				<-release
			}
			return nil
		})
		if err == nil && rows != 51 {
			err = fmt.Errorf("the open read saw %d rows, want the 51 of its snapshot", rows)
		}
		readDone <- err
	}()
	<-inRead
	lat := appendTimed(t, f.w, 30, "during")
	close(release)
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	if m := slices.Max(lat); m > 5*time.Second {
		t.Fatalf("an append took %v while a read was open", m)
	}
}

func TestListenAndServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", f.srv, func(u string) { urls <- u }) }()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatal(err)
	}
	resp, err := http.Get(base + "search?q=minsk")
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, "<mark>minsk</mark>") {
		t.Fatalf("over the wire: %d", resp.StatusCode)
	}
	// A request in flight when the context ends is finished, not cut.
	slowIn := make(chan struct{})
	slowOut := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(slowIn)
		<-slowOut
		w.Write([]byte("finished"))
	})
	ctx2, cancel2 := context.WithCancel(context.Background())
	urls2 := make(chan string, 1)
	done2 := make(chan error, 1)
	go func() { done2 <- ListenAndServe(ctx2, "127.0.0.1:0", h, func(u string) { urls2 <- u }) }()
	base2 := <-urls2
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(base2)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- body(t, resp)
	}()
	<-slowIn
	cancel2()
	close(slowOut)
	if b := <-got; b != "finished" {
		t.Fatalf("in-flight request got %q", b)
	}
	if err := <-done2; err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := http.Get(base); err == nil {
		t.Fatal("still serving after shutdown")
	}
	// A busy port is a clear error.
	ln := httptest.NewServer(http.NotFoundHandler())
	defer ln.Close()
	err = ListenAndServe(context.Background(), ln.Listener.Addr().String(), f.srv, nil)
	if err == nil || !strings.Contains(err.Error(), "is another server using the port?") {
		t.Fatalf("busy port: %v", err)
	}
}
