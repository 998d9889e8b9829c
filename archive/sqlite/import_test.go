package sqlite

import (
	"context"
	"proceedings/archive"
	"proceedings/event"
	"testing"
	"time"
)

func importAll(t *testing.T, db *DB, opt archive.ImportOptions, evs []event.Event) archive.ImportStats {
	t.Helper()
	ctx := context.Background()
	im, err := db.NewImporter(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return im.Stats()
}

func TestImportIsIdempotentAndSearchable(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	var evs []event.Event
	for i := 0; i < 300; i++ {
		evs = append(evs, msg("#imp", "alice", "imported line about belarus", t0.Add(time.Duration(i)*time.Minute)))
	}
	// The same line twice in the same second is two real lines.
	evs = append(evs, msg("#imp", "bob", "twice", t0.Add(time.Hour)), msg("#imp", "bob", "twice", t0.Add(time.Hour)))
	if st := importAll(t, db, archive.ImportOptions{}, evs); st.Added != 302 || st.Duplicates != 0 {
		t.Fatalf("first import: %+v", st)
	}
	if st := importAll(t, db, archive.ImportOptions{}, evs); st.Added != 0 || st.Duplicates != 302 {
		t.Fatalf("second import: %+v", st)
	}
	// An overlapping file: half old lines, half new.
	more := append([]event.Event{}, evs[150:300]...)
	for i := 300; i < 350; i++ {
		more = append(more, msg("#imp", "alice", "imported line about belarus", t0.Add(time.Duration(i)*time.Minute)))
	}
	if st := importAll(t, db, archive.ImportOptions{}, more); st.Added != 50 || st.Duplicates != 150 {
		t.Fatalf("overlapping import: %+v", st)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "belarus"})
	if err != nil || res.Total != 350 {
		t.Fatalf("search after import: total %d, %v", res.Total, err)
	}
	// The live path indexes again after an import put its trigger back.
	mustAppend(t, db, msg("#imp", "carol", "live zebra", t0.Add(48*time.Hour)))
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "zebra"}); err != nil || res.Total != 1 {
		t.Fatalf("live search after import: %+v %v", res, err)
	}
	cal, err := db.Calendar(ctx, channelID(t, db, "#imp"))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range cal {
		total += d.Events
	}
	if total != 353 {
		t.Fatalf("calendar counts %d events, want 353: %+v", total, cal)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestImportSkipsWhatWasRecordedLive(t *testing.T) {
	db := openTest(t, archive.Options{})
	// Recorded live with milliseconds.
	live := msg("#c", "alice", "hello world", t0.Add(1234*time.Millisecond))
	mustAppend(t, db, live)
	// An irssi log only has HH:MM.
	imported := msg("#c", "alice", "hello world", t0.Truncate(time.Minute))
	imported.Flags = event.FlagImported
	if st := importAll(t, db, archive.ImportOptions{Tolerance: time.Minute}, []event.Event{imported}); st.Added != 0 || st.Duplicates != 1 {
		t.Fatalf("import over live lines: %+v", st)
	}
	// With second precision, the same line a minute earlier is another line.
	other := msg("#c", "alice", "hello world", t0.Add(-time.Minute))
	if st := importAll(t, db, archive.ImportOptions{}, []event.Event{other}); st.Added != 1 {
		t.Fatalf("import of a different line: %+v", st)
	}
}

func TestOneImporterOverOverlappingFiles(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := []event.Event{msg("#o", "a", "one", t0), msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "two", t0.Add(time.Second))}
	b := []event.Event{msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "two", t0.Add(time.Second)), msg("#o", "a", "three", t0.Add(2*time.Second))}
	for _, file := range [][]event.Event{a, b} {
		im.StartFile()
		for _, ev := range file {
			if err := im.Add(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// "two" twice in each file is two real lines; the second file repeats them.
	if st := im.Stats(); st.Added != 4 || st.Duplicates != 2 {
		t.Fatalf("stats %+v, want 4 added, 2 duplicates", st)
	}
}

// TestImportMinuteLogThenSecondsLog checks that a line imported from a log
// with only HH:MM (irssi) and the same line from a log with seconds (ZNC)
// are stored once whichever is imported first, and that a line more than a
// minute after the HH:MM one is another line.
func TestImportMinuteLogThenSecondsLog(t *testing.T) {
	minute := t0.Truncate(time.Minute)
	irssi := []event.Event{msg("#c", "alice", "same line", minute)}
	znc := []event.Event{msg("#c", "alice", "same line", minute.Add(5*time.Second)), msg("#c", "alice", "same line", minute.Add(61*time.Second))}
	for _, order := range []string{"irssi first", "znc first"} {
		t.Run(order, func(t *testing.T) {
			db := openTest(t, archive.Options{})
			first, firstTol, second, secondTol := irssi, time.Minute, znc, time.Second
			if order == "znc first" {
				first, firstTol, second, secondTol = znc, time.Second, irssi, time.Minute
			}
			importAll(t, db, archive.ImportOptions{Tolerance: firstTol}, first)
			importAll(t, db, archive.ImportOptions{Tolerance: secondTol}, second)
			evs, err := db.Day(context.Background(), channelID(t, db, "#c"), event.DateOf(minute, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 2 {
				t.Fatalf("%d events stored, want 2 (the 10:00 line once, the line a minute later)", len(evs))
			}
		})
	}
}
