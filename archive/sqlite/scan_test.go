package sqlite

import (
	"context"
	"errors"
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
// database/sql. What Range promises is archive/storetest's; these tests
// are about the scanners' own file and pool.

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
