package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive"
	"proceedings/event"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func openTest(t *testing.T, opt archive.Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)

func msg(ch, nick, text string, at time.Time) event.Event {
	return event.Event{Network: "net", Channel: ch, Time: at, Kind: event.KindMessage, Nick: nick, Text: text}
}

func mustAppend(t *testing.T, db *DB, evs ...event.Event) []int64 {
	t.Helper()
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		id, err := db.Append(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

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

func channelID(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	c, err := db.FindChannel(context.Background(), "", name)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestOptOutsFromBeforeUserHosts: an archive whose optout table has only
// keys (schema version 2) keeps its opt-outs, with no user@host, and takes
// new ones with theirs.
func TestOptOutsFromBeforeUserHosts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	saved := migrations
	migrations = saved[:2]
	db, err := Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var cols int
	if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('optout')").Scan(&cols); err != nil || cols != 1 {
		t.Fatalf("the old optout table has %d columns (%v), want only key", cols, err)
	}
	if _, err := raw.ExecContext(ctx, "INSERT INTO optout(key) VALUES('alice'), ('bobacct')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if keys, err := db.OptOuts(ctx); err != nil || fmt.Sprint(keys) != "[alice bobacct]" {
		t.Fatalf("optouts after the migration = %v %v", keys, err)
	}
	if uh, found, err := db.OptOutEntry(ctx, "Alice"); uh != "" || !found || err != nil {
		t.Errorf("old opt-out of alice: %q, %v, %v; want no user@host, found", uh, found, err)
	}
	if err := db.OptOutFrom(ctx, "carol", "c@home.example"); err != nil {
		t.Fatal(err)
	}
	if uh, found, err := db.OptOutEntry(ctx, "carol"); uh != "c@home.example" || !found || err != nil {
		t.Errorf("new opt-out of carol: %q, %v, %v", uh, found, err)
	}
}

func TestMigrationsKeepDataAndRefuseNewerSchemas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, msg("#c", "a", "kept across the migration", t0))
	db.Close()

	// A later binary with one more migration opens the old file.
	saved := migrations
	migrations = append(append([]string(nil), saved...), "ALTER TABLE events ADD COLUMN extra TEXT; CREATE TABLE newer(x);")
	db, err = Open(ctx, path, archive.Options{})
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	evs, err := db.Day(ctx, channelID(t, db, "#c"), event.Date{Year: 2026, Month: 2, Day: 2})
	db.Close()
	migrations = saved
	if err != nil || len(evs) != 1 || evs[0].Text != "kept across the migration" {
		t.Fatalf("after migration: %+v %v", evs, err)
	}
	// Now the file is newer than this binary: refused, clearly.
	_, err = Open(ctx, path, archive.Options{})
	if !errors.Is(err, archive.ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade proceedings") {
		t.Fatalf("newer schema: %v", err)
	}
	_, err = Open(ctx, path, archive.Options{ReadOnly: true})
	if !errors.Is(err, archive.ErrNewerSchema) {
		t.Fatalf("newer schema, read-only: %v", err)
	}
}

func TestNotAnArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte("this is not sqlite at all, just text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, archive.Options{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("opening junk: %v", err)
	}
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing.db"), archive.Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing archive succeeded")
	}
}

// TestAcknowledgedEventsSurviveKill9 runs a child process that appends as
// fast as it can and prints every acknowledged id; the parent kills it with
// SIGKILL mid-stream and checks that every acknowledged event is there.
func TestAcknowledgedEventsSurviveKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kill.db")
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppender$")
		cmd.Env = append(os.Environ(), "ARCHIVE_HELPER_DB="+path, "ARCHIVE_HELPER_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var acked []int64
		for sc.Scan() {
			id, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				continue
			}
			acked = append(acked, id)
			if len(acked) == 300+round*200 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		cmd.Wait()
		if len(acked) < 300 {
			t.Fatalf("round %d: child acknowledged only %d events before exiting", round, len(acked))
		}
		db, err := Open(context.Background(), path, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.IntegrityCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, id := range acked {
			if _, err := db.Event(context.Background(), id); err != nil {
				t.Fatalf("round %d: acknowledged event %d lost: %v", round, id, err)
			}
		}
		// Lines committed but not yet indexed at the kill are indexed at Open.
		cal, err := db.Calendar(context.Background(), channelID(t, db, "#kill"))
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		for _, d := range cal {
			stored += d.Events
		}
		res, err := db.Search(context.Background(), archive.SearchQuery{Text: "line", CountLimit: 1 << 30})
		if err != nil || res.Total != stored {
			t.Fatalf("round %d: %d events stored, %d found by search (%v)", round, stored, res.Total, err)
		}
		db.Close()
	}
}

func TestHelperAppender(t *testing.T) {
	path := os.Getenv("ARCHIVE_HELPER_DB")
	if path == "" {
		return // only runs as the child of TestAcknowledgedEventsSurviveKill9
	}
	db, err := Open(context.Background(), path, archive.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	for i := 0; ; i++ {
		ev := msg("#kill", "n", "line "+strconv.Itoa(i), time.Now())
		err := db.AppendAsync(ev, func(id int64, err error) {
			if err == nil {
				mu.Lock()
				fmt.Fprintln(w, id)
				w.Flush()
				mu.Unlock()
			}
		})
		if errors.Is(err, archive.ErrQueueFull) {
			time.Sleep(time.Millisecond)
		}
	}
}

var _ = sql.ErrNoRows

// Words right after mIRC formatting codes are found ("\x0304red" by
// "red"), snippets carry no codes, and an archive made before the index
// read the text without them is migrated: its lines are found too, and the
// index stays consistent when coloured lines are deleted.
func TestSearchSeesTextWithoutFormatting(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	// An archive of schema version 1, its lines indexed as that version
	// did: the raw text (this binary's indexer cannot run on it).
	saved := migrations
	migrations = saved[:1]
	db, err := Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	mustAppend(t, db,
		msg("#c", "bob", "\x0304red alert\x03 from the \x02bold\x02 desk", t0),
		msg("#c", "bob", "\x0304,01white\x0f on black, \x1ditalic\x1d too", t0.Add(time.Second)),
		msg("#c", "amy", "plain words, nothing coloured", t0.Add(2*time.Second)))
	db.Close()
	migrations = saved
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE events SET flags = flags & 2147483647;
		INSERT INTO events_fts(rowid, text) SELECT id, text FROM events WHERE kind IN `+searchableKinds+`;
		INSERT INTO meta(key, value) VALUES('fts_upto', (SELECT max(id) FROM events)) ON CONFLICT(key) DO UPDATE SET value = excluded.value`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"red", "alert", "bold", "white", "italic", "plain"} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 {
			t.Errorf("%q: %d hits, want 1", q, res.Total)
			continue
		}
		var snippet strings.Builder
		for _, sp := range res.Hits[0].Snippet {
			snippet.WriteString(sp.Text)
		}
		if strings.ContainsAny(snippet.String(), "\x02\x03\x0f\x1d") || strings.Contains(snippet.String(), "04") {
			t.Errorf("%q: snippet %q carries formatting codes", q, snippet.String())
		}
		if res.Hits[0].Flags != 0 {
			t.Errorf("%q: the hit has flags %b; the archive's own mark must not show", q, res.Hits[0].Flags)
		}
		if res.Hits[0].Text == snippet.String() && strings.ContainsRune(res.Hits[0].Text, '\x03') {
			t.Errorf("%q: the event's own text lost its codes: %q", q, res.Hits[0].Text)
		}
	}
	// A coloured line appended now is found too, and reads back as stored.
	mustAppend(t, db, msg("#c", "cat", "\x0312blue\x03 sky", t0.Add(3*time.Second)))
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "blue"}); err != nil || res.Total != 1 {
		t.Errorf("blue, appended after the migration: %d hits, %v", res.Total, err)
	}
	day, err := db.Day(ctx, channelID(t, db, "#c"), event.Date{Year: 2026, Month: 2, Day: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range day {
		if ev.Flags != 0 {
			t.Errorf("%q reads back with flags %b", ev.Text, ev.Flags)
		}
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "bob"}, "admin", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)"); err != nil {
		t.Fatalf("FTS integrity check after deleting coloured lines: %v", err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "red"}); err != nil || res.Total != 0 {
		t.Errorf("after the redaction: %d hits for red, %v", res.Total, err)
	}
}

// TestDaysRowsHoldTheirFirstAndLastIDs: the days table's first and last
// ids are those of the day's first and last events, when the events came
// in batches of many rows (an import); that the ids read the events back
// is archive/storetest's.
func TestDaysRowsHoldTheirFirstAndLastIDs(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	const n = 3*insertRows + 17
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = msg("#c", fmt.Sprintf("n%d", i%7), fmt.Sprintf("line %d", i), t0.Add(time.Duration(i)*time.Second))
	}
	importAll(t, db, archive.ImportOptions{}, evs)
	c := channelID(t, db, "#c")
	day, err := db.Day(ctx, c, event.DateOf(t0, db.Location()))
	if err != nil || len(day) != n {
		t.Fatalf("day of #c: %d events (%v), want %d", len(day), err, n)
	}
	var first, last int64
	if err := db.ro.QueryRowContext(ctx, "SELECT first_id, last_id FROM days WHERE channel = ? AND day = ?", c, "2026-02-02").Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if first != day[0].ID || last != day[n-1].ID {
		t.Errorf("days row of #c: first_id %d last_id %d, want %d and %d", first, last, day[0].ID, day[n-1].ID)
	}
}

// TestPostLinkStoredByAnOlderVersion: a link an older version stored
// without the check PostLink makes reads back as none.
func TestPostLinkStoredByAnOlderVersion(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "g1", Link: "https://example.org/g1", Title: "Fine then"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.rw.ExecContext(ctx, "UPDATE posts SET link = 'data:text/html,x' WHERE guid = 'g1'"); err != nil {
		t.Fatal(err)
	}
	got, found, err := db.PostByGUID(ctx, "g1")
	if err != nil || !found || got.Link != "" {
		t.Errorf("a link stored by an older version reads %q (found %v, err %v)", got.Link, found, err)
	}
}

// TestIndexStaysConsistent: after a bulk import (which fills the FTS5 index
// with 'rebuild', not row by row), live appends and a redaction, the file
// and its full-text index pass SQLite's integrity checks; what search finds
// then is archive/storetest's.
func TestIndexStaysConsistent(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	var evs []event.Event
	for i := range 300 {
		evs = append(evs, msg("#c", []string{"alice", "troll"}[i%2], fmt.Sprintf("imported line %d about belarus", i), t0.Add(time.Duration(i)*time.Minute)))
	}
	importAll(t, db, archive.ImportOptions{}, evs)
	mustAppend(t, db, msg("#c", "troll", "live secret", t0.Add(48*time.Hour)), msg("#c", "alice", "live zebra", t0.Add(49*time.Hour)))
	if res, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "troll"}, "admin", false); err != nil || res.Events != 151 {
		t.Fatalf("redact: %+v %v", res, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)"); err != nil {
		t.Fatalf("FTS integrity check: %v", err)
	}
}
