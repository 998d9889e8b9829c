package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"proceedings/archive"
	"proceedings/event"
	"strings"
	"sync"
	"testing"
	"time"
)

// The scanners read ranges on connections of their own, below
// database/sql: these tests hold them to what Range promises.

func TestRangeKeepsBytesExactly(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	texts := []string{"", "plain", "nul\x00inside", "\xff\xfe broken \xc3\x28 utf-8", "emoji 🙂 and RTL \u202e", string(make([]byte, 20000))}
	for i, s := range texts {
		mustAppend(t, db, msg("#c", fmt.Sprintf("n%d", i), s, t0.Add(time.Duration(i)*time.Second)))
	}
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	var got []string
	if err := db.Range(ctx, channelID(t, db, "#c"), start, end, archive.AllFields, func(ev event.Event) error {
		got = append(got, ev.Text)
		if ev.Target != "" || ev.UserHost != "" || ev.Account != "" || ev.MsgID != "" || ev.Via != "" {
			t.Errorf("NULL columns read as %+v", ev)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(texts) {
		t.Fatalf("read %d events, want %d", len(got), len(texts))
	}
	for i := range texts {
		if got[i] != texts[i] {
			t.Errorf("text %d: got %q, want %q", i, got[i], texts[i])
		}
	}
}

func TestRangeSeesCommitsWhileWritingConcurrently(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "first", t0))
	ch := channelID(t, db, "#c")
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	const writes = 300
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	wg.Add(1)
	go func() { // the writer: commits of 10 events
		defer wg.Done()
		for i := 1; i <= writes; i++ {
			if err := db.AppendAsync(msg("#c", "a", fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond)), nil); err != nil {
				errs <- err
				return
			}
			if i%10 == 0 {
				if err := db.Flush(ctx); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for range 6 { // readers, more than the pool keeps idle
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for last <= writes {
				n, prev := 0, int64(0)
				if err := db.Range(ctx, ch, start, end, archive.CountFields, func(ev event.Event) error {
					if ev.ID <= prev {
						return fmt.Errorf("ids out of order: %d after %d", ev.ID, prev)
					}
					prev = ev.ID
					n++
					return nil
				}); err != nil {
					errs <- err
					return
				}
				if n < last {
					errs <- fmt.Errorf("a later read saw %d events, an earlier one %d", n, last)
					return
				}
				last = n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRangeStopsOnCallbackErrorAndContext(t *testing.T) {
	db := openTest(t, archive.Options{})
	for i := range 1000 {
		if err := db.AppendAsync(msg("#c", "a", "x", t0.Add(time.Duration(i)*time.Millisecond)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch := channelID(t, db, "#c")
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	stop := errors.New("stop")
	n := 0
	err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("callback error: got %v after %d events", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = db.Range(ctx, ch, start, end, archive.AllFields, func(event.Event) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 1000 {
		t.Fatalf("cancelled: got %v after %d events", err, n)
	}
	// The scanner went back to the pool in a usable state.
	n = 0
	if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { n++; return nil }); err != nil || n != 1000 {
		t.Fatalf("after a stopped range: %d events, %v", n, err)
	}
}

func TestRangeAfterClose(t *testing.T) {
	db := openTest(t, archive.Options{})
	mustAppend(t, db, msg("#c", "a", "x", t0))
	ch := channelID(t, db, "#c")
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { return nil }); err == nil {
		t.Fatal("a range on a closed archive succeeded")
	}
}

func TestRangeOfAnUnknownChannel(t *testing.T) {
	db := openTest(t, archive.Options{})
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	err := db.Range(context.Background(), 12345, start, end, archive.AllFields, func(event.Event) error { return nil })
	if !errors.Is(err, archive.ErrNoChannel) {
		t.Fatalf("range of an unknown channel: %v", err)
	}
}

// TestRangeInAnOddlyNamedDirectory: the readers open the same file as the
// rest of the archive, whatever characters its path holds.
func TestRangeInAnOddlyNamedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs #1 ?x=y %41 ü")
	db, err := Open(context.Background(), filepath.Join(dir, "a b.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustAppend(t, db, msg("#c", "a", "hello", t0))
	evs, err := db.Day(context.Background(), channelID(t, db, "#c"), event.Date{Year: 2026, Month: 2, Day: 2})
	if err != nil || len(evs) != 1 || evs[0].Text != "hello" {
		t.Fatalf("day = %+v, %v", evs, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a b.db")); err != nil {
		t.Fatal(err)
	}
}

// TestRangesWaitForAFreeReader: no more than maxScanners ranges read at
// once; the others wait, or give up when their context ends.
func TestRangesWaitForAFreeReader(t *testing.T) {
	db := openTest(t, archive.Options{})
	mustAppend(t, db, msg("#c", "a", "x", t0))
	ch := channelID(t, db, "#c")
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	release := make(chan struct{})
	var inside sync.WaitGroup
	var holders sync.WaitGroup
	inside.Add(maxScanners)
	for range maxScanners {
		holders.Add(1)
		go func() {
			defer holders.Done()
			db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error {
				inside.Done()
				<-release
				return nil
			})
		}()
	}
	inside.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := db.Range(ctx, ch, start, end, archive.AllFields, func(event.Event) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a range past the limit: %v, want to wait until its deadline", err)
	}
	done := make(chan error)
	go func() {
		done <- db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { return nil })
	}()
	close(release)
	holders.Wait()
	if err := <-done; err != nil {
		t.Fatalf("a range that waited: %v", err)
	}
}

func TestScannerOfAMissingFile(t *testing.T) {
	s, err := openScanner(filepath.Join(t.TempDir(), "nothing here.db"))
	if err == nil {
		s.close()
		t.Fatal("a reader opened a file that is not there")
	}
	if !strings.Contains(err.Error(), "open a reader") {
		t.Errorf("error %q does not say what failed", err)
	}
}
