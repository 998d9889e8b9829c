package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
	"proceedings/event"
	"proceedings/internal/pgserver"
)

// What only the PostgreSQL engine does, or does differently: several
// processes on one archive, crashes, its migrations. The behaviour it
// shares with the SQLite engine is tested by the conformance suite
// (store_test.go).

var t0 = time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)

var quiet = slog.New(slog.DiscardHandler)

func msg(ch, nick, text string, at time.Time) event.Event {
	return event.Event{Network: "net", Channel: ch, Time: at, Kind: event.KindMessage, Nick: nick, Text: text}
}

func openDSN(t testing.TB, dsn string, opt archive.Options) *DB {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = quiet
	}
	db, err := Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	dsn := pgserver.NewDatabase(t)
	return openDSN(t, dsn, archive.Options{}), dsn
}

// sql runs a statement on the archive's database directly.
func sqlExec(t testing.TB, db *DB, q string, args ...any) {
	t.Helper()
	if _, err := db.pool.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// Two handles (two processes: each its own pool and writer) appending to
// the same channels at once lose no count and store nothing twice, and a
// renderer following ChangedDays meanwhile ends with every day's count.
func TestTwoWritersOnOneArchive(t *testing.T) {
	t.Parallel()
	a, dsn := openTest(t)
	b := openDSN(t, dsn, archive.Options{})
	ctx := context.Background()
	const each = 3000
	var wg sync.WaitGroup
	for w, db := range []*DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Both write the same new channels, over three days.
				ev := msg(fmt.Sprintf("#c%d", i%3), fmt.Sprintf("w%d", w), strconv.Itoa(i), t0.Add(time.Duration(i)*time.Minute))
				for {
					err := db.AppendAsync(ev, nil)
					if err == nil {
						break
					}
					if !errors.Is(err, archive.ErrQueueFull) {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond)
				}
				if i%100 == 0 {
					if err := db.Flush(ctx); err != nil {
						t.Error(err)
					}
				}
			}
			if err := db.Flush(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	// The renderer: what it last saw of each day.
	seen := map[archive.DayInfo]bool{}
	last := map[[2]int64]archive.DayInfo{}
	var since int64
	follow := func() {
		days, rev, err := a.ChangedDays(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range days {
			if d.Rev > rev {
				t.Errorf("day %+v has a revision past the archive's %d", d, rev)
			}
			last[[2]int64{d.Channel, int64(d.Day.Year*10000 + int(d.Day.Month)*100 + d.Day.Day)}] = d
			seen[d] = true
		}
		since = rev
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			follow()
		}
	}
	follow()

	chans, err := a.Channels(ctx)
	if err != nil || len(chans) != 3 {
		t.Fatalf("channels: %+v %v", chans, err)
	}
	total := 0
	for _, c := range chans {
		total += int(c.Events)
		evs := 0
		texts := map[string]int{}
		for d := range 4 {
			day, err := a.Day(ctx, c.ID, event.DateOf(t0, time.UTC).AddDays(d))
			if err != nil {
				t.Fatal(err)
			}
			evs += len(day)
			for _, ev := range day {
				texts[ev.Nick+"/"+ev.Text]++
			}
		}
		if int64(evs) != c.Events {
			t.Errorf("%s: the days count %d events, Day reads %d", c.Name, c.Events, evs)
		}
		for k, n := range texts {
			if n != 1 {
				t.Errorf("%s: %s stored %d times", c.Name, k, n)
			}
		}
	}
	if total != 2*each {
		t.Errorf("the days count %d events, want %d", total, 2*each)
	}
	all, err := a.AllDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		got := last[[2]int64{d.Channel, int64(d.Day.Year*10000 + int(d.Day.Month)*100 + d.Day.Day)}]
		if got != d {
			t.Errorf("the renderer last saw %+v, the archive holds %+v", got, d)
		}
	}
	if a.Committed()+b.Committed() != 2*each {
		t.Errorf("committed %d + %d", a.Committed(), b.Committed())
	}
}

// An event the server will never take (here: one a constraint forbids)
// is refused alone: the events queued with it are stored.
func TestRefusedEventDoesNotHoldUpOthers(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	sqlExec(t, db, `ALTER TABLE events ADD CONSTRAINT test_poison CHECK (text <> '\x706f69736f6e'::bytea)`)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i, text := range []string{"before", "poison", "after"} {
		wg.Add(1)
		if err := db.AppendAsync(msg("#c", "a", text, t0.Add(time.Duration(i)*time.Second)), func(_ int64, err error) {
			errs[i] = err
			wg.Done()
		}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("errors %v, want only the poison refused", errs)
	}
	day, err := db.Day(ctx, mustChannel(t, db, "#c"), event.DateOf(t0, time.UTC))
	if err != nil || len(day) != 2 || day[0].Text != "before" || day[1].Text != "after" || day[0].ID >= day[1].ID {
		t.Fatalf("stored %+v, %v", day, err)
	}
	if cal, err := db.Calendar(ctx, mustChannel(t, db, "#c")); err != nil || cal[0].Events != 2 {
		t.Fatalf("calendar %+v %v", cal, err)
	}
}

// A retried batch whose first commit went through (the connection broke
// while the commit was acknowledged) is not stored twice.
func TestRetriedBatchIsStoredOnce(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	evs := []event.Event{msg("#c", "a", "one", t0), msg("#c", "a", "two", t0.Add(time.Second))}
	ids, err := db.w.commit(evs, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.w.commit(evs, ids, true)
	if err != nil || fmt.Sprint(again) != fmt.Sprint(ids) {
		t.Fatalf("retry: %v %v", again, err)
	}
	day, err := db.Day(context.Background(), mustChannel(t, db, "#c"), event.DateOf(t0, time.UTC))
	if err != nil || len(day) != 2 {
		t.Fatalf("after the retry: %d events, %v", len(day), err)
	}
	cal, err := db.Calendar(context.Background(), mustChannel(t, db, "#c"))
	if err != nil || len(cal) != 1 || cal[0].Events != 2 {
		t.Fatalf("calendar after the retry: %+v %v", cal, err)
	}
}

func mustChannel(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	c, err := db.FindChannel(context.Background(), "", name)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// The server ends the writer's connections (an administrator, a failover)
// while events stream in: every acknowledged event is stored once, and the
// writer goes on on new connections.
func TestWriterSurvivesKilledConnections(t *testing.T) {
	t.Parallel()
	db, dsn := openTest(t)
	admin := openDSN(t, dsn, archive.Options{ReadOnly: true})
	ctx := context.Background()
	const n = 5000
	var mu sync.Mutex
	acked := map[int64]int{}
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		for {
			err := db.AppendAsync(msg("#k", "n", strconv.Itoa(i), t0.Add(time.Duration(i)*time.Millisecond)), func(id int64, err error) {
				defer wg.Done()
				if err != nil {
					t.Errorf("event %d: %v", i, err)
					return
				}
				mu.Lock()
				acked[id] = i
				mu.Unlock()
			})
			if err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if i%500 == 250 {
			// Every connection of the writing handle, mid-stream.
			var killed int
			if err := admin.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&killed); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(acked) != n {
		t.Fatalf("%d events acknowledged, want %d", len(acked), n)
	}
	day, err := admin.Day(ctx, mustChannel(t, admin, "#k"), event.DateOf(t0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(day) != n {
		t.Fatalf("%d events stored, %d acknowledged", len(day), n)
	}
	for _, ev := range day {
		if i, ok := acked[ev.ID]; !ok || strconv.Itoa(i) != ev.Text {
			t.Fatalf("stored %d %q, acknowledged as %d", ev.ID, ev.Text, i)
		}
	}
	if db.w.failures.Load() == 0 {
		t.Log("no commit failed: the connections were killed between commits")
	}
}

// TestAcknowledgedEventsSurviveKill9 runs a child process that appends as
// fast as it can and prints every acknowledged id; the parent kills it with
// SIGKILL mid-stream and checks that every acknowledged event is there,
// and that the day counts match the events.
func TestAcknowledgedEventsSurviveKill9(t *testing.T) {
	t.Parallel()
	dsn := pgserver.NewDatabase(t)
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppender$")
		cmd.Env = append(os.Environ(), "ARCHIVE_HELPER_DSN="+dsn)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var ackd []int64
		for sc.Scan() {
			id, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				continue
			}
			ackd = append(ackd, id)
			if len(ackd) == 2000+round*1000 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		cmd.Wait()
		if len(ackd) < 2000 {
			t.Fatalf("round %d: child acknowledged only %d events before exiting", round, len(ackd))
		}
		db := openDSN(t, dsn, archive.Options{})
		ctx := context.Background()
		var missing int
		if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM unnest($1::bigint[]) a(id) WHERE NOT EXISTS (SELECT FROM events e WHERE e.id = a.id)", ackd).Scan(&missing); err != nil {
			t.Fatal(err)
		}
		if missing > 0 {
			t.Fatalf("round %d: %d of %d acknowledged events lost", round, missing, len(ackd))
		}
		var stored, counted int64
		if err := db.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM events), (SELECT coalesce(sum(events), 0)::bigint FROM days)").Scan(&stored, &counted); err != nil {
			t.Fatal(err)
		}
		if stored != counted {
			t.Fatalf("round %d: %d events stored, the days count %d", round, stored, counted)
		}
		res, err := db.Search(ctx, archive.SearchQuery{Text: "line", CountLimit: 1 << 30})
		if err != nil || int64(res.Total) != stored {
			t.Fatalf("round %d: %d events stored, %d found by search (%v)", round, stored, res.Total, err)
		}
		db.Close()
	}
}

func TestHelperAppender(t *testing.T) {
	dsn := os.Getenv("ARCHIVE_HELPER_DSN")
	if dsn == "" {
		return // only runs as the child of TestAcknowledgedEventsSurviveKill9
	}
	db, err := Open(context.Background(), dsn, archive.Options{Logger: quiet})
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

// The server crashes (SIGKILL) and comes back: every event acknowledged
// before is there; events appended while it is down wait in the queue
// (past its size, AppendAsync says ErrQueueFull) and are all written,
// once, when it is back.
func TestServerCrashAndRestart(t *testing.T) {
	t.Parallel()
	srv := pgserver.StartTemp(t, pgserver.Options{})
	ctx := context.Background()
	dsn, err := srv.CreateDatabase(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	db := openDSN(t, dsn, archive.Options{QueueSize: 100})
	var ids []int64
	for i := range 50 {
		id, err := db.Append(ctx, msg("#c", "a", "before "+strconv.Itoa(i), t0.Add(time.Duration(i)*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	srv.Kill()
	var mu sync.Mutex
	acked := 0
	queued := 0
	for i := range 200 {
		err := db.AppendAsync(msg("#c", "a", "while down "+strconv.Itoa(i), t0.Add(time.Hour+time.Duration(i)*time.Second)), func(id int64, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("refused: %v", err)
			}
			acked++
		})
		if errors.Is(err, archive.ErrQueueFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		queued++
	}
	if queued >= 200 {
		t.Fatalf("the queue of 100 took %d events while the server was down", queued)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	fctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := db.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if acked != queued {
		t.Errorf("%d of %d queued events acknowledged", acked, queued)
	}
	mu.Unlock()
	day, err := db.Day(ctx, mustChannel(t, db, "#c"), event.DateOf(t0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(day) != 50+queued {
		t.Fatalf("%d events after the crash, want %d", len(day), 50+queued)
	}
	for i, id := range ids {
		if day[i].ID != id || day[i].Text != "before "+strconv.Itoa(i) {
			t.Fatalf("event %d: %+v, acknowledged as id %d", i, day[i], id)
		}
	}
	for i, ev := range day[50:] {
		if ev.Text != "while down "+strconv.Itoa(i) {
			t.Fatalf("queued event %d is %q", i, ev.Text)
		}
	}
	if db.w.failures.Load() == 0 {
		t.Error("no commit failed while the server was down")
	}
}

// Migrations: a later binary's migration applies and keeps the data; a
// schema newer than the binary is refused, read-write and read-only; two
// processes opening a fresh archive at once both succeed, one migrating.
//
// It changes the package's migrations for a while: it must not run in
// parallel with the tests that open archives.
func TestMigrations(t *testing.T) {
	dsn := pgserver.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(ctx, dsn, archive.Options{Logger: quiet})
			if err == nil {
				_, err = db.Append(ctx, msg("#c", "a", "kept across the migration", t0))
				db.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("opening a fresh archive from four processes at once: %v", err)
		}
	}
	ro := openDSN(t, dsn, archive.Options{ReadOnly: true})
	if v := schemaVersion(t, ro); v != len(migrations) {
		t.Fatalf("schema version %d, want %d", v, len(migrations))
	}
	ro.Close()

	// A later binary with one more migration.
	saved := migrations
	migrations = append(append([]string(nil), saved...), "ALTER TABLE events ADD COLUMN extra bytea; CREATE TABLE newer (x int);")
	db, err := Open(ctx, dsn, archive.Options{Logger: quiet})
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	evs, err := db.Day(ctx, mustChannel(t, db, "#c"), event.DateOf(t0, time.UTC))
	db.Close()
	migrations = saved
	if err != nil || len(evs) != 4 || evs[0].Text != "kept across the migration" {
		t.Fatalf("after the migration: %+v %v", evs, err)
	}
	// Now the archive is newer than this binary: refused, clearly.
	for _, opt := range []archive.Options{{Logger: quiet}, {Logger: quiet, ReadOnly: true}} {
		_, err = Open(ctx, dsn, opt)
		if !errors.Is(err, archive.ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade proceedings") ||
			!strings.Contains(err.Error(), fmt.Sprintf("schema version %d, this binary knows up to %d", len(migrations)+1, len(migrations))) {
			t.Fatalf("newer schema (read-only %v): %v", opt.ReadOnly, err)
		}
	}
}

func schemaVersion(t *testing.T, db *DB) int {
	t.Helper()
	var v int
	if err := db.pool.QueryRow(context.Background(), "SELECT version FROM schema_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A read-only handle on a database that was never opened read-write says
// what to do; a server that is not there is named without a password.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dsn := pgserver.NewDatabase(t)
	ctx := context.Background()
	if _, err := Open(ctx, dsn, archive.Options{ReadOnly: true}); !errors.Is(err, archive.ErrOlderSchema) {
		t.Errorf("read-only open of an empty database: %v", err)
	}
	_, err := Open(ctx, "postgres://someone:s3cret@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2", archive.Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1/nothing") {
		t.Errorf("an unreachable server: %v", err)
	}
	if _, err := Open(ctx, "postgres://x:s3cret@[::1:bad", archive.Options{}); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad address: %v", err)
	}
}

// Text is kept byte for byte in bytea: NUL and invalid UTF-8, which
// PostgreSQL's text type refuses, included.
func TestTextIsStoredAsBytes(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	text := "a\x00b\xff\xfe\xc3\x28 \U0001F642"
	id := mustAppendOne(t, db, msg("#c", "n\x00\xff", text, t0))
	var raw, nick []byte
	if err := db.pool.QueryRow(ctx, "SELECT text, nick FROM events WHERE id = $1", id).Scan(&raw, &nick); err != nil {
		t.Fatal(err)
	}
	if string(raw) != text || string(nick) != "n\x00\xff" {
		t.Errorf("stored %q by %q", raw, nick)
	}
	ev, err := db.Event(ctx, id)
	if err != nil || ev.Text != text || ev.Nick != "n\x00\xff" {
		t.Errorf("read back %q by %q, %v", ev.Text, ev.Nick, err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "b"}); err != nil || res.Total != 1 || res.Hits[0].Text != text {
		t.Errorf("search: %+v %v", res, err)
	}
}

func mustAppendOne(t *testing.T, db *DB, ev event.Event) int64 {
	t.Helper()
	id, err := db.Append(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Search looks among the newest ids first, bucket by bucket, then
// everywhere else: matches far apart in ids are all found, newest first,
// counted and ranked.
func TestSearchAcrossBuckets(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	// Ids: a few, then past the first windows (1+8+64+512 buckets of
	// 4,096), then in the newest bucket and the ones just before it.
	var want []string
	for i, gap := range []int64{0, 10_000_000, 30_000_000, 30_004_096, 30_040_000, 30_300_000, 32_000_000, 32_000_100} {
		if gap > 0 {
			sqlExec(t, db, "SELECT setval('events_id_seq', $1)", gap)
		}
		text := fmt.Sprintf("needle %d", i)
		if i == 0 {
			text = "needle needle needle oldest"
		}
		mustAppendOne(t, db, msg("#c", "a", text, t0.Add(time.Duration(i)*time.Second)))
		want = append([]string{text}, want...)
	}
	// Counted to 3, the matches are many: read bucket by bucket. Counted
	// to 1000, they are few: read at once.
	for _, limit := range []int{3, 1000} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: "needle", Limit: 100, CountLimit: limit})
		if err != nil || len(res.Hits) != len(want) || res.Total != min(limit, len(want)) {
			t.Fatalf("needle, counted to %d: %+v %v", limit, res, err)
		}
		for i, h := range res.Hits {
			if h.Text != want[i] {
				t.Errorf("counted to %d, hit %d: %q, want %q", limit, i, h.Text, want[i])
			}
		}
		res, err = db.Search(ctx, archive.SearchQuery{Text: "needle", Order: archive.Relevance, Limit: 2, CountLimit: limit})
		if err != nil || len(res.Hits) != 2 || res.Hits[0].Text != "needle needle needle oldest" || res.Hits[1].Text != want[0] {
			t.Errorf("counted to %d, by relevance: %+v %v", limit, res.Hits, err)
		}
		res, err = db.Search(ctx, archive.SearchQuery{Text: "needle", Order: archive.Relevance, Limit: 2, CountLimit: limit, RelevanceWindow: 3})
		if err != nil || len(res.Hits) != 2 || res.Hits[0].Text != want[0] || res.Hits[1].Text != want[1] {
			t.Errorf("counted to %d, by relevance among the newest 3: %+v %v", limit, res.Hits, err)
		}
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "oldest", CountLimit: 1}); err != nil || res.Total != 1 || len(res.Hits) != 1 {
		t.Errorf("oldest: %+v %v", res, err)
	}
	// The count looks among the newest countWindow coarse buckets first:
	// two needles are there (32,000,000 and 32,000,100), the others older.
	for limit, want := range map[int]int{1: 1, 2: 2, 7: 7, 8: 8, 9: 8} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: "needle", CountLimit: limit})
		if err != nil || res.Total != want || res.TotalMore != (limit < 8) {
			t.Errorf("needle counted to %d: total %d (more %v), %v; want %d", limit, res.Total, res.TotalMore, err, want)
		}
	}
	// The filters hold in the window as out of it.
	for _, c := range []struct {
		q     archive.SearchQuery
		total int
		more  bool
	}{
		{archive.SearchQuery{Text: "needle", From: t0.Add(6 * time.Second), CountLimit: 1}, 1, true},
		{archive.SearchQuery{Text: "needle", From: t0.Add(6 * time.Second), CountLimit: 5}, 2, false},
		{archive.SearchQuery{Text: "needle", To: t0.Add(6 * time.Second), CountLimit: 3}, 3, true},
		{archive.SearchQuery{Text: "needle", To: t0.Add(6 * time.Second), CountLimit: 9}, 6, false},
	} {
		res, err := db.Search(ctx, c.q)
		if err != nil || res.Total != c.total || res.TotalMore != c.more {
			t.Errorf("%+v: total %d (more %v), %v; want %d (%v)", c.q, res.Total, res.TotalMore, err, c.total, c.more)
		}
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "needle", CountLimit: 3, Limit: 2, Offset: 5})
	if err != nil || res.Total != 3 || !res.TotalMore || len(res.Hits) != 2 || res.Hits[0].Text != want[5] {
		t.Errorf("counted to 3, page 3: %+v %v", res, err)
	}
}

// What a user types is words, never the index's syntax: OR is a word that
// must match like the others, and a stray parenthesis is punctuation.
func TestQuerySyntaxIsWords(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	mustAppendOne(t, db, msg("#c", "a", "minsk", t0))
	mustAppendOne(t, db, msg("#c", "a", "minsk or capital (city)", t0.Add(time.Second)))
	for q, want := range map[string]int{"minsk OR capital": 1, "minsk | capital": 1, "minsk & !capital": 1, "minsk": 2, "city )": 1} {
		res, err := db.Search(context.Background(), archive.SearchQuery{Text: q})
		if err != nil || res.Total != want {
			t.Errorf("search %q: %d hits, %v; want %d", q, res.Total, err, want)
		}
	}
}

// The render lock is held by one handle at a time, across processes;
// waiting for it ends with the context.
func TestLockRender(t *testing.T) {
	t.Parallel()
	a, dsn := openTest(t)
	b := openDSN(t, dsn, archive.Options{ReadOnly: true})
	ctx := context.Background()
	unlock, err := a.LockRender(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := b.LockRender(short); err == nil {
		t.Fatal("a second handle took the render lock while the first held it")
	}
	got := make(chan func(), 1)
	go func() {
		u, err := b.LockRender(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- u
	}()
	select {
	case <-got:
		t.Fatal("the second handle took the lock before the first let go")
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	select {
	case u := <-got:
		if u != nil {
			u()
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second handle did not get the lock after the first let go")
	}
	// Both let go: the lock is free.
	if u, err := a.LockRender(ctx); err != nil {
		t.Fatalf("the lock after both let go: %v", err)
	} else {
		u()
	}
}

// Changes delivers the current revision, then each revision another
// process commits, and again after its connection was ended; it closes
// with its context.
func TestChanges(t *testing.T) {
	t.Parallel()
	a, dsn := openTest(t)
	b := openDSN(t, dsn, archive.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	ch := a.Changes(ctx)
	next := func() int64 {
		t.Helper()
		select {
		case rev, ok := <-ch:
			if !ok {
				t.Fatal("Changes closed")
			}
			return rev
		case <-time.After(20 * time.Second):
			t.Fatal("no revision within 20 s")
		}
		return 0
	}
	first := next()
	if rev, _ := a.Revision(ctx); rev != first {
		t.Fatalf("first revision %d, the archive's %d", first, rev)
	}
	mustAppendOne(t, b, msg("#c", "a", "hello", t0))
	rev := next()
	if now, _ := b.Revision(ctx); rev != now || rev <= first {
		t.Fatalf("after an append: %d, the archive's %d (first %d)", rev, now, first)
	}
	// The listener's connection is ended: Changes listens again and
	// catches up with what was committed meanwhile.
	sqlExec(t, b, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'proceedings changes'`)
	mustAppendOne(t, b, msg("#c", "a", "while reconnecting", t0.Add(time.Second)))
	want, _ := b.Revision(ctx)
	for got := next(); got != want; got = next() {
		if got > want {
			t.Fatalf("revision %d past the archive's %d", got, want)
		}
	}
	cancel()
	for range ch {
	}
	// Closing the archive ends Changes too.
	ch = b.Changes(context.Background())
	<-ch
	b.Close()
	for range ch {
	}
}

// Lines appended by one process are found by Contains in another at once:
// a second recorder's playback dedupe.
func TestContainsAcrossProcesses(t *testing.T) {
	t.Parallel()
	a, dsn := openTest(t)
	b := openDSN(t, dsn, archive.Options{})
	ctx := context.Background()
	ev := msg("#new", "alice", "said once", t0)
	if ok, err := b.Contains(ctx, ev, time.Second); ok || err != nil {
		t.Fatalf("before: %v %v", ok, err)
	}
	mustAppendOne(t, a, ev)
	if ok, err := b.Contains(ctx, ev, time.Second); !ok || err != nil {
		t.Fatalf("after: %v %v", ok, err)
	}
	// b appends to the channel a created, under the same id.
	mustAppendOne(t, b, msg("#NEW", "bob", "in the same log", t0.Add(time.Second)))
	if chans, err := a.Channels(ctx); err != nil || len(chans) != 1 || chans[0].Events != 2 {
		t.Fatalf("channels: %+v %v", chans, err)
	}
}

// Two bots reading one feed save the same new post at once: exactly one is
// told it is new.
func TestSavePostFromTwoProcesses(t *testing.T) {
	t.Parallel()
	a, dsn := openTest(t)
	b := openDSN(t, dsn, archive.Options{})
	ctx := context.Background()
	for i := range 20 {
		p := archive.Post{GUID: "g" + strconv.Itoa(i), Link: "https://example.org/" + strconv.Itoa(i), Title: "Part", Series: "S", Part: i + 1}
		var wg sync.WaitGroup
		news := make(chan bool, 2)
		for _, db := range []*DB{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, isNew, err := db.SavePost(ctx, p)
				if err != nil {
					t.Error(err)
				}
				news <- isNew
			}()
		}
		wg.Wait()
		close(news)
		n := 0
		for isNew := range news {
			if isNew {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("post %d: %d processes were told it is new", i, n)
		}
	}
}

// A large import ends with the events table vacuumed and analyzed
// (bulkImporter); a small one leaves that to autovacuum.
func TestLargeImportIsVacuumed(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	vacuums := func() int64 { return eventsStat(t, db, "vacuum_count") }
	load := func(from, n int) {
		t.Helper()
		im, err := db.NewImporter(archive.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < from+n; i++ {
			if err := im.Add(ctx, msg("#c", "a", fmt.Sprintf("line %d", i), t0.Add(time.Duration(i)*time.Second))); err != nil {
				t.Fatal(err)
			}
		}
		if err := im.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := im.Stats().Added; got != int64(n) {
			t.Fatalf("added %d of %d", got, n)
		}
	}
	load(0, 10)
	if n := vacuums(); n != 0 {
		t.Errorf("after 10 events: %d vacuums", n)
	}
	load(10, vacuumAfter)
	if n := vacuums(); n != 1 {
		t.Errorf("after %d events: %d vacuums, want 1", vacuumAfter, n)
	}
	if n := eventsStat(t, db, "analyze_count"); n != 1 {
		t.Errorf("%d analyzes, want 1", n)
	}
}

// eventsStat reads a column of pg_stat_user_tables for the events table.
func eventsStat(t *testing.T, db *DB, column string) (n int64) {
	t.Helper()
	if err := db.pool.QueryRow(context.Background(), "SELECT "+column+" FROM pg_stat_user_tables WHERE relname = 'events'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A copy is a bulk load too: CompleteCopy vacuums and analyzes.
func TestCompleteCopyVacuums(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	evs := []event.Event{msg("#c", "a", "one", t0), msg("#c", "b", "two", t0.Add(time.Second))}
	evs[0].ID, evs[1].ID = 7, 9
	if err := db.CopyEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if n := eventsStat(t, db, "vacuum_count"); n != 0 {
		t.Fatalf("%d vacuums before CompleteCopy", n)
	}
	if err := db.CompleteCopy(ctx, archive.CopyState{}); err != nil {
		t.Fatal(err)
	}
	if v, a := eventsStat(t, db, "vacuum_count"), eventsStat(t, db, "analyze_count"); v != 1 || a != 1 {
		t.Errorf("after CompleteCopy: %d vacuums, %d analyzes; want 1 and 1", v, a)
	}
	id, err := db.Append(ctx, msg("#c", "a", "three", t0.Add(2*time.Second)))
	if err != nil || id != 10 {
		t.Errorf("the next event's id: %d, %v; want 10", id, err)
	}
}

// logBuffer is a logger whose records a test reads back.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// The vacuum after a bulk load is maintenance: when the server skips it
// (the role does not own the table) or it is interrupted, the events are
// stored all the same, and the log says that it did not happen and why.
func TestVacuumSkippedOrInterruptedIsLogged(t *testing.T) {
	t.Parallel()
	_, dsn := openTest(t)
	var logs logBuffer
	db := openDSN(t, tableUser(t, dsn, false), archive.Options{Logger: logs.logger()})
	db.vacuumEvents(context.Background())
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "the server skipped the vacuum") || !strings.Contains(got, "only table or database owner") {
		t.Errorf("a vacuum by a role that does not own the table logged:\n%s", got)
	}
	if n := eventsStat(t, db, "vacuum_count"); n != 0 {
		t.Errorf("vacuum_count %d: the server vacuumed for a role that does not own the table", n)
	}
	// Interrupted while it waits: another transaction holds a lock VACUUM
	// waits for, and the context ends.
	owner := openDSN(t, dsn, archive.Options{})
	tx, err := owner.pool.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), "LOCK TABLE events IN SHARE UPDATE EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	logs.buf.Reset()
	owner.log = logs.logger()
	owner.vacuumEvents(ctx)
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "was not vacuumed") || !strings.Contains(got, "canceling statement due to user request") {
		t.Errorf("an interrupted vacuum logged:\n%s", got)
	}
	// The server was told: the VACUUM does not wait on, to run once the
	// lock is released.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var waiting int
		if err := owner.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'proceedings vacuum' AND state = 'active'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the interrupted VACUUM still waits on the server 3 s after it was given up")
		}
	}
	tx.Rollback(context.Background())
	owner.vacuumEvents(context.Background())
	if got := logs.String(); !strings.Contains(got, "level=INFO") || !strings.Contains(got, "vacuumed and analyzed") {
		t.Errorf("the owner's vacuum logged:\n%s", got)
	}
}

// A role that may not create tables, opening a database that holds no
// archive yet, is told so and what to do; one that may only read serves
// an archive: its days, its search, the render lock and the change feed.
func TestRolesWithoutOwnership(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	nobody := pgserver.NewRole(t, pgserver.NewDatabase(t), "nobody", "LOGIN", "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
	u, _ := url.Parse(nobody)
	role := u.User.Username()
	_, err := Open(ctx, nobody, archive.Options{Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), `role "`+role+`" may not create tables in schema public`) {
		t.Errorf("opening an empty database as a role that may not create tables: %v", err)
	}

	owner, dsn := openTest(t)
	if _, err := owner.Append(ctx, msg("#c", "a", "the zanzibar line", t0)); err != nil {
		t.Fatal(err)
	}
	ro := openDSN(t, tableUser(t, dsn, true), archive.Options{ReadOnly: true})
	ch, err := ro.FindChannel(ctx, "net", "#c")
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := ro.Day(ctx, ch.ID, event.DateOf(t0, time.UTC)); err != nil || len(evs) != 1 {
		t.Errorf("Day as a read-only role: %d events, %v", len(evs), err)
	}
	if res, err := ro.Search(ctx, archive.SearchQuery{Text: "zanzibar"}); err != nil || len(res.Hits) != 1 {
		t.Errorf("Search as a read-only role: %+v, %v", res, err)
	}
	unlock, err := ro.LockRender(ctx)
	if err != nil {
		t.Fatalf("the render lock as a read-only role: %v", err)
	}
	unlock()
	changes := ro.Changes(ctx)
	time.Sleep(200 * time.Millisecond) // LISTEN runs
	if _, err := owner.Append(ctx, msg("#c", "a", "a second line", t0.Add(time.Second))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(10 * time.Second):
		t.Error("a read-only role heard of no change in 10 s")
	}
	if _, err := ro.Append(ctx, msg("#c", "a", "x", t0)); err == nil {
		t.Error("a read-only handle appended")
	}

	// What each role lacks is said when it opens the archive, not at its
	// first write, and check hears it through CheckWrite. A table of
	// another application in the same schema is none of its business.
	sqlExec(t, owner, "CREATE TABLE other_app (id serial, secret text)")
	rwDSN, roDSN := tableUser(t, dsn, false), ro.conf.ConnString()
	sqlExec(t, owner, "REVOKE ALL ON other_app, other_app_id_seq FROM "+ro.conf.ConnConfig.User+", "+strings.TrimSuffix(ro.conf.ConnConfig.User, "_ro")+"_rw")
	_, err = Open(ctx, roDSN, archive.Options{Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), "lacks one of SELECT, INSERT, UPDATE and DELETE (of a sequence: USAGE, SELECT and UPDATE) on the archive's audit, audit_id_seq, channels") || !strings.Contains(err.Error(), "Roles") {
		t.Errorf("a read-only role opening the archive to write: %v", err)
	}
	if err := ro.CheckWrite(ctx); err == nil || !strings.Contains(err.Error(), "events_id_seq") {
		t.Errorf("CheckWrite of a read-only role: %v", err)
	}
	rw := openDSN(t, rwDSN, archive.Options{})
	if err := rw.CheckWrite(ctx); err != nil {
		t.Errorf("CheckWrite of a role with every grant: %v", err)
	}
	sqlExec(t, owner, "REVOKE DELETE ON days FROM "+rw.conf.ConnConfig.User+"; REVOKE SELECT ON meta FROM "+ro.conf.ConnConfig.User)
	if _, err := Open(ctx, rwDSN, archive.Options{Logger: quiet}); err == nil || !strings.Contains(err.Error(), "on the archive's days; recording") {
		t.Errorf("a role without DELETE on days opening the archive to write: %v", err)
	}
	if _, err := Open(ctx, roDSN, archive.Options{Logger: quiet, ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "lacks SELECT on the archive's meta;") {
		t.Errorf("a role without SELECT on meta opening the archive to read: %v", err)
	}
}

// relations lists every table and sequence the migrations create: the
// roles' rights are checked on exactly these.
func TestRelationsAreTheSchemas(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	rows, err := db.pool.Query(context.Background(), `SELECT relname::text FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(have, relations) {
		t.Errorf("the schema's tables and sequences:\n%v\nrelations:\n%v", have, relations)
	}
}

// An archive in another schema than the role's search_path reaches is
// pointed at, with a URL parameter that works as pasted, and not split in
// two by a second archive in public; a second archive in a schema the URL
// names is created; tables of the archive's names in a schema that comes
// first in the search_path are refused.
func TestArchiveInAnotherSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgserver.NewDatabase(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA "My Archive"; CREATE SCHEMA second; CREATE SCHEMA shadow; CREATE TABLE shadow.events (id bigint)`); err != nil {
		t.Fatal(err)
	}
	openDSN(t, dsn+"&options=-csearch_path%3D%22My%5C%20Archive%22", archive.Options{}).Close() // -csearch_path="My\ Archive"
	var option string
	for _, readOnly := range []bool{false, true} {
		_, err := Open(ctx, dsn, archive.Options{Logger: quiet, ReadOnly: readOnly})
		if err == nil || errors.Is(err, archive.ErrOlderSchema) || !strings.Contains(err.Error(), "search_path reaches no archive, but this database holds one in schema My Archive (name it with ") {
			t.Errorf("opening (read-only %v) beside an archive in schema My Archive: %v", readOnly, err)
			continue
		}
		_, after, _ := strings.Cut(err.Error(), "name it with ")
		option, _, _ = strings.Cut(after, " in the URL")
	}
	var public int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&public); err != nil || public != 0 {
		t.Errorf("%d tables in public (%v): a second archive was begun", public, err)
	}
	db := openDSN(t, dsn+"&"+option, archive.Options{})
	if _, err := db.Append(ctx, msg("#c", "a", "found", t0)); err != nil {
		t.Errorf("the archive, opened with the parameter the message gives (%s): %v", option, err)
	}

	openDSN(t, dsn+"&options=-csearch_path%3Dsecond", archive.Options{}).Close()
	_, err = Open(ctx, dsn, archive.Options{Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), "in schema My Archive (") || !strings.Contains(err.Error(), "and one in schema second (name it with options=-csearch_path%3Dsecond in the URL)") {
		t.Errorf("opening beside two archives: %v", err)
	}

	_, err = Open(ctx, dsn+"&options=-csearch_path%3Dshadow,second", archive.Options{Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), "finds events in schema shadow before the archive's own in schema second") || !strings.Contains(err.Error(), "with options=-csearch_path%3Dsecond in the URL") {
		t.Errorf("opening with another events table first in the search_path: %v", err)
	}
}

// The writer's commits wake a merger that merges the search index's
// pending entries into the index on a connection of its own, so that the
// appends do not wait for it; for a role that does not own the index it
// stops at once, says so, and the appends go on.
func TestIndexMerger(t *testing.T) {
	t.Parallel()
	db, dsn := openTest(t)
	ctx := context.Background()
	sqlExec(t, db, "CREATE EXTENSION pgstattuple")
	// A pending list so large that an insert never merges it itself.
	sqlExec(t, db, "ALTER INDEX events_tsv SET (gin_pending_list_limit = 65536)")
	pending := func() (n int64) {
		if err := db.pool.QueryRow(ctx, "SELECT pending_pages FROM pgstatginindex('events_tsv')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	appendN := func(w *DB, from, n int) {
		at := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
		for i := from; i < from+n; i++ {
			ev := event.Event{Network: "net", Channel: "#c", Kind: event.KindMessage, Nick: "n",
				Time: at.Add(time.Duration(i) * time.Millisecond), Text: "merged words for line " + strconv.Itoa(i)}
			if err := w.AppendAsync(ev, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	appendN(db, 0, 3000)
	for deadline := time.Now().Add(10 * time.Second); pending() > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages of the search index still pending 10 s after the appends", pending())
		}
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "merged line", Limit: 1, CountLimit: 10000})
	if err != nil || res.Total != 3000 {
		t.Fatalf("search after the merge: %d matches, %v", res.Total, err)
	}
	// An import's commits wake it too.
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if err := im.Add(ctx, event.Event{Network: "net", Channel: "#c", Kind: event.KindMessage, Nick: "i",
			Time: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond), Text: "imported merged line " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); pending() > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages of the search index still pending 10 s after an import", pending())
		}
	}

	var logs logBuffer
	rw := openDSN(t, tableUser(t, dsn, false), archive.Options{Logger: logs.logger()})
	appendN(rw, 3000, 2000)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "only the index's owner may merge them"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a role that does not own the index logged:\n%s", logs.String())
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the merger of a role that does not own the index logged:\n%s", logs.String())
	}
	res, err = rw.Search(ctx, archive.SearchQuery{Text: "merged line", Limit: 1, CountLimit: 10000})
	if err != nil || res.Total != 8000 {
		t.Fatalf("search after the table user's appends: %d matches, %v", res.Total, err)
	}
}

// A login the server refuses is said as the server said it, without pgx's
// account of the TLS it asked for first (sslmode=prefer: "server refused
// TLS connection" came first and misled), and IsLoginRefused knows it.
func TestLoginRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, _ := url.Parse(pgserver.NewRole(t, pgserver.NewDatabase(t), "nologin", "NOLOGIN"))
	q := u.Query()
	q.Set("sslmode", "prefer")
	u.RawQuery = q.Encode()
	_, err := Open(ctx, u.String(), archive.Options{Logger: quiet})
	if err == nil || !IsLoginRefused(err) || !strings.Contains(err.Error(), "the server refused") ||
		!strings.Contains(err.Error(), "not permitted to log in") || strings.Contains(err.Error(), "TLS") {
		t.Errorf("opening as a role that may not log in: %v", err)
	}
	// Not a refusal: nothing listens there.
	u.Host = "127.0.0.1:1"
	if _, err := Open(ctx, u.String(), archive.Options{Logger: quiet}); err == nil || IsLoginRefused(err) {
		t.Errorf("opening where nothing listens: %v", err)
	}
}
