package sqlite

import (
	"context"
	"fmt"
	"log/slog"
	"proceedings/archive"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFullArchiveKeepsEventsAndResumes caps the archive at its current size
// (as a full disk would): appends are still accepted, the writer keeps them
// queued and retries, and once the cap is raised every event is written
// once, in order, and the file passes integrity_check.
func TestFullArchiveKeepsEventsAndResumes(t *testing.T) {
	t.Parallel()
	var logs logCapture
	db := openTest(t, archive.Options{Logger: logs.logger()})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "alice", "before the cap", t0))
	if _, err := db.SetMaxPageCount(ctx, 0); err == nil {
		t.Error("SetMaxPageCount(0) succeeded; want an error")
	}
	now, err := db.SetMaxPageCount(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if now < 2 {
		t.Fatalf("SetMaxPageCount(1) = %d; want the current size, at least 2 pages", now)
	}

	// Enough text to need new pages.
	const n = 200
	long := strings.Repeat("x", 400)
	var mu sync.Mutex
	ids := make([]int64, n)
	acked := make(chan struct{}, n)
	for i := range n {
		ev := msg("#c", "alice", fmt.Sprintf("while full %03d %s", i, long), t0.Add(time.Duration(i+1)*time.Second))
		if err := db.AppendAsync(ev, func(id int64, err error) {
			if err != nil {
				t.Errorf("event %d refused: %v", i, err)
			}
			mu.Lock()
			ids[i] = id
			mu.Unlock()
			acked <- struct{}{}
		}); err != nil {
			t.Fatalf("AppendAsync %d while full: %v", i, err)
		}
	}
	logs.waitFor(t, "writing to the archive failed; keeping the events and retrying")
	if db.w.failures.Load() == 0 {
		t.Fatal("no commit failed with the archive capped")
	}
	mu.Lock()
	pending := 0
	for _, id := range ids {
		if id == 0 {
			pending++
		}
	}
	mu.Unlock()
	if pending == 0 {
		t.Fatal("every event was written although the archive was capped at its size")
	}
	t.Logf("with the archive capped at %d pages, %d of %d events wait", now, pending, n)

	if _, err := db.SetMaxPageCount(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	for range n {
		select {
		case <-acked:
		case <-time.After(30 * time.Second):
			t.Fatal("the queued events were not written within 30 s of the cap being raised")
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("event %d got id %d after event %d's %d: the order was lost", i, ids[i], i-1, ids[i-1])
		}
	}
	for i, id := range ids {
		ev, err := db.Event(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("while full %03d ", i); !strings.HasPrefix(ev.Text, want) {
			t.Fatalf("event %d is %q, want it to start with %q", id, ev.Text[:20], want)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// logCapture collects what the archive logs and says when it grows.
type logCapture struct {
	mu      sync.Mutex
	buf     strings.Builder
	changed chan struct{}
}

func (l *logCapture) logger() *slog.Logger {
	l.changed = make(chan struct{}, 1)
	return slog.New(slog.NewTextHandler(l, nil))
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.buf.Write(p)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

// waitFor waits until the log contains s.
func (l *logCapture) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		l.mu.Lock()
		found := strings.Contains(l.buf.String(), s)
		l.mu.Unlock()
		if found {
			return
		}
		select {
		case <-l.changed:
		case <-deadline:
			t.Fatalf("the archive never logged %q", s)
		}
	}
}

// TestIntegrityCheckWhileAnotherConnectionWrites: a read-only archive whose
// connections last while another connection indexes and merges the search
// index still checks as sound. (FTS5's integrity check used the index
// structure a pooled connection had cached, and reported "corruption found
// reading blob" for segments merged away since.)
func TestIntegrityCheckWhileAnotherConnectionWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openTest(t, archive.Options{})
	mustAppend(t, w, msg("#c", "alice", "first words", t0))
	r, err := Open(ctx, w.Path(), archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	// Many small index runs: FTS5 merges their segments as they pile up.
	for i := range 40 {
		for j := range 5 {
			if err := w.AppendAsync(msg("#c", "bob", fmt.Sprintf("words %d %d of the merge", i, j), t0.Add(time.Duration(i*5+j)*time.Second)), nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.IntegrityCheck(ctx); err != nil {
			t.Fatalf("after %d index runs by another connection: %v", i+1, err)
		}
	}
}
