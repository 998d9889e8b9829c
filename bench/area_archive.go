package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"proceedings/archive/engine"
	"proceedings/archive/sqlite"
	"proceedings/event"
	"sync"
	"sync/atomic"
	"time"

	"proceedings/archive"
)

var archiveArea = engineArea("archive", "Archive (issue 3)",
	"The corpus is appended through the live path the bot uses: `AppendAsync` from one goroutine "+
		"(waiting for room when the queue is full), then `Flush`; every commit is durable (WAL, synchronous=FULL). "+
		"The reference is the same rows inserted into a plain table with the same columns but no index, no FTS "+
		"and no day counts, through modernc.org/sqlite, one transaction per 10,000 rows. Both include generating "+
		"the events. The same events are also loaded into a second, fresh archive through the bulk `Importer`. Sizes are "+
		"measured after closing (SQLite checkpoints the WAL into the file). Then single "+
		"`Append` calls are timed one at a time on the full archive, 200 random days are read with `Day` and the "+
		"channel's `Calendar` is read repeatedly, on a read-only handle.",
	runArchive)

var archivePostgresArea = onPostgres(archiveArea, "Archive on PostgreSQL (issue 21)",
	"The archive area's measurements on the PostgreSQL engine, on the same corpus in the same run: the live path "+
		"(`AppendAsync` then `Flush`, each batch one committed transaction), then a `VACUUM (ANALYZE)` of that database "+
		"(what autovacuum would start at once; timed apart, so that the reads below and the search area are measured on a settled "+
		"archive and not beside it), the bulk `Importer` (COPY, ending with its own `VACUUM (ANALYZE)` of the events table) into a second, "+
		"fresh database, single durable `Append` calls, random days and the calendar. The server is Debian's PostgreSQL 15 "+
		"started by the run on this machine (fsync and synchronous commits on, shared_buffers 128MB, max_wal_size 8GB); "+
		"it shares the cores with the loading process, and its processor time is measured from /proc. The size is "+
		"`pg_database_size` after loading. The reference column is the SQLite engine's figure for the same row in this run.")

// builtArchive is the archive the query areas share, with what its
// loading measured.
type builtArchive struct {
	eng     *storeEngine
	where   string // the file or URL
	events  int
	loader  string
	took    time.Duration
	windows []float64 // events/s in each tenth of the load, in order
	bytes   int64     // on disk after Close (SQLite: the file and its WAL, if any)
	// serverCPU is the processor time the database server spent on the
	// load, zero for SQLite.
	serverCPU time.Duration
	// settled is how long the engine's upkeep after the load took
	// (storeEngine.settle), zero when it has none.
	settled  time.Duration
	channel  string
	network  string
	lastTime time.Time
}

// loaders fill a fresh archive with the corpus: the live path the bot uses
// and the bulk Importer of `proceedings import`. The report names the
// loader that filled the archive the other rows measure.
var loaders = map[string]func(ctx context.Context, e *env, db archive.Store, evs iter.Seq[event.Event], total int) (time.Duration, []float64, error){
	"live AppendAsync": loadLive,
	"bulk Importer":    loadImport,
}

// loadImport stores every event through the bulk Importer (what `proceedings
// import` uses for old logs) and reports the time to the end of its Flush.
func loadImport(ctx context.Context, e *env, db archive.Store, evs iter.Seq[event.Event], total int) (time.Duration, []float64, error) {
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		return 0, nil, err
	}
	start := time.Now()
	n := 0
	for ev := range evs {
		if err := im.Add(ctx, ev); err != nil {
			return 0, nil, err
		}
		if n++; n%1_000_000 == 0 {
			e.log.Info("archive: importing", "events", n, "of", total)
		}
	}
	if err := im.Flush(ctx); err != nil {
		return 0, nil, err
	}
	took := time.Since(start)
	if st := im.Stats(); st.Added+st.Duplicates != int64(total) || st.Added == 0 {
		return 0, nil, fmt.Errorf("the importer added %d and skipped %d of %d events", st.Added, st.Duplicates, total)
	} else if st.Duplicates > 0 {
		e.notef("The bulk Importer took %s of the corpus's events for duplicates of others (same kind, nick and text within a second) and skipped them.", num(float64(st.Duplicates)))
	}
	return took, nil, nil
}

// archive returns the archive of the run's size on eng, building it once.
// A failed build is not kept: the next area tries again.
func (e *env) archive(ctx context.Context, eng *storeEngine) (*builtArchive, error) {
	e.archMu.Lock()
	defer e.archMu.Unlock()
	if b := e.arch[eng]; b != nil {
		return b, nil
	}
	var b *builtArchive
	var err error
	if e.reuse != "" && eng == sqliteEngine {
		b, err = e.reuseArchive(ctx, e.reuse)
	} else {
		b, err = e.buildArchive(ctx, eng, "archive", "live AppendAsync")
	}
	if err != nil {
		return nil, err
	}
	if e.arch == nil {
		e.arch = map[*storeEngine]*builtArchive{}
	}
	e.arch[eng] = b
	return b, nil
}

// reuseArchive takes an archive an earlier run kept (-keep) instead of
// building one: for trying out the query areas without a long load. Its
// load figures belong to that earlier run, so none are reported.
func (e *env) reuseArchive(ctx context.Context, path string) (*builtArchive, error) {
	spec := e.spec(e.size.ArchiveLines)
	db, err := sqlite.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ch, err := db.FindChannel(ctx, spec.Network, spec.Channel)
	if err != nil {
		return nil, fmt.Errorf("reuse %s: %w", path, err)
	}
	if ch.Events < int64(spec.Lines) {
		return nil, fmt.Errorf("reuse %s: it holds %d events of %s, the %s size needs %d", path, ch.Events, spec.Channel, e.size.Name, spec.Lines)
	}
	last, err := db.Day(ctx, ch.ID, ch.Last)
	if err != nil || len(last) == 0 {
		return nil, fmt.Errorf("reuse %s: read its last day: %v", path, err)
	}
	size, err := dbSize(path)
	if err != nil {
		return nil, err
	}
	e.notef("The archive was reused from %s (built by an earlier run): its load throughput is not measured in this run.", path)
	return &builtArchive{eng: sqliteEngine, where: path, events: int(ch.Events), loader: "reused", bytes: size, channel: spec.Channel,
		network: spec.Network, lastTime: last[len(last)-1].Time}, nil
}

// buildArchive loads the corpus of the run's size into a new archive on
// eng called name, with one of the loaders.
func (e *env) buildArchive(ctx context.Context, eng *storeEngine, name, loader string) (*builtArchive, error) {
	spec := e.spec(e.size.ArchiveLines)
	where, err := eng.fresh(ctx, e, name)
	if err != nil {
		return nil, err
	}
	b := &builtArchive{eng: eng, where: where, events: spec.Lines, loader: loader, channel: spec.Channel, network: spec.Network}
	db, err := engine.Open(ctx, where, archive.Options{})
	if err != nil {
		return nil, err
	}
	e.log.Info("archive: loading the corpus", "engine", eng.name, "events", spec.Lines, "loader", loader)
	cpu0 := e.serverCPU()
	evs := func(yield func(event.Event) bool) {
		for ev := range spec.events() {
			b.lastTime = ev.Time
			if !yield(ev) {
				return
			}
		}
	}
	b.took, b.windows, err = loaders[loader](ctx, e, db, evs, spec.Lines)
	b.serverCPU = e.serverCPU() - cpu0
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("load the archive: %w", err)
	}
	if eng.settle != nil && loader == "live AppendAsync" {
		e.log.Info("archive: settling", "engine", eng.name)
		t0 := time.Now()
		if err := eng.settle(ctx, where); err != nil {
			return nil, err
		}
		b.settled = time.Since(t0)
	}
	if b.bytes, err = eng.bytes(ctx, e, where); err != nil {
		return nil, err
	}
	e.log.Info("archive: loaded", "engine", eng.name, "events", spec.Lines, "took", b.took.Round(time.Millisecond),
		"events/s", int(float64(spec.Lines)/b.took.Seconds()), "MB", b.bytes>>20)
	return b, nil
}

// loadLive appends every event with AppendAsync from this one goroutine,
// waits for room when the queue is full, and flushes at the end. It
// returns the time from the first append to the end of Flush and the
// throughput of each tenth of the load.
func loadLive(ctx context.Context, e *env, db archive.Store, evs iter.Seq[event.Event], total int) (time.Duration, []float64, error) {
	var (
		acked   atomic.Int64
		errOnce sync.Once
		ackErr  error
		room    = make(chan struct{}, 1)
		tenth   = max(total/10, 1)
		marks   = make([]time.Time, 0, 11) // written by the writer goroutine only
	)
	done := func(_ int64, err error) {
		if err != nil {
			errOnce.Do(func() { ackErr = err })
		}
		if n := acked.Add(1); n%int64(tenth) == 0 {
			marks = append(marks, time.Now())
		}
		select {
		case room <- struct{}{}:
		default:
		}
	}
	start := time.Now()
	n := 0
	for ev := range evs {
		for {
			err := db.AppendAsync(ev, done)
			if err == nil {
				break
			}
			if !errors.Is(err, archive.ErrQueueFull) {
				return 0, nil, err
			}
			select {
			case <-room:
			case <-ctx.Done():
				return 0, nil, ctx.Err()
			}
		}
		if n++; n%500_000 == 0 {
			e.log.Info("archive: appending", "queued", n, "acknowledged", acked.Load(), "of", total,
				"events/s so far", int(float64(acked.Load())/time.Since(start).Seconds()))
		}
	}
	if err := db.Flush(ctx); err != nil {
		return 0, nil, err
	}
	took := time.Since(start)
	// Flush returned after every done call: marks and ackErr are settled.
	if ackErr != nil {
		return 0, nil, fmt.Errorf("an append was refused: %w", ackErr)
	}
	if got := acked.Load(); got != int64(total) {
		return 0, nil, fmt.Errorf("%d events were acknowledged, %d appended", got, total)
	}
	var windows []float64
	if total >= 10 {
		prev := start
		for _, m := range marks[:min(len(marks), 10)] {
			windows = append(windows, float64(tenth)/m.Sub(prev).Seconds())
			prev = m
		}
	}
	return took, windows, nil
}

// dbSize is the size of an SQLite database with its WAL, if one is left.
func dbSize(path string) (int64, error) {
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("measure the archive: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

// loadBare is the reference: the same rows into a plain table with no
// index, no FTS and no trigger, one transaction per 10,000 rows.
func loadBare(ctx context.Context, path string, evs iter.Seq[event.Event]) (time.Duration, int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE events (id INTEGER PRIMARY KEY, channel INTEGER NOT NULL,
		ts INTEGER NOT NULL, kind INTEGER NOT NULL, nick TEXT NOT NULL, text TEXT NOT NULL, target TEXT,
		userhost TEXT, account TEXT, msgid TEXT, via TEXT, flags INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return 0, 0, fmt.Errorf("create the bare table: %w", err)
	}
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	start := time.Now()
	var tx *sql.Tx
	var stmt *sql.Stmt
	n := 0
	commit := func() error {
		if tx == nil {
			return nil
		}
		stmt.Close()
		err := tx.Commit()
		tx = nil
		return err
	}
	for ev := range evs {
		if tx == nil {
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return 0, 0, err
			}
			if stmt, err = tx.PrepareContext(ctx, `INSERT INTO events(channel, ts, kind, nick, text, target, userhost, account, msgid, via, flags)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
				tx.Rollback()
				return 0, 0, err
			}
		}
		if _, err := stmt.ExecContext(ctx, 1, ev.Time.UnixMilli(), int64(ev.Kind), ev.Nick, ev.Text, null(ev.Target),
			null(ev.UserHost), null(ev.Account), null(ev.MsgID), null(ev.Via), int64(ev.Flags)); err != nil {
			tx.Rollback()
			return 0, 0, fmt.Errorf("bare insert: %w", err)
		}
		if n++; n%10_000 == 0 {
			if err := commit(); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := commit(); err != nil {
		return 0, 0, err
	}
	return time.Since(start), n, nil
}

func runArchive(ctx context.Context, e *env, eng *storeEngine) ([]result, error) {
	b, err := e.archive(ctx, eng)
	if err != nil {
		return nil, err
	}
	rows, err := loadRows(ctx, e, b)
	if err != nil {
		return nil, err
	}
	appends, appendRows, err := singleAppendRows(ctx, e, b)
	if err != nil {
		return nil, err
	}
	readRows, err := readRows(ctx, e, b, b.events+appends)
	if err != nil {
		return nil, err
	}
	return append(append(rows, appendRows...), readRows...), nil
}

// bareReference is the reference of the load rows: the archive's events
// inserted into a bare table (loadBare) in a scratch file, with the file's
// size afterwards.
type bareReference struct {
	took  time.Duration
	rows  int
	bytes int64
}

func (r bareReference) rate() float64 { return float64(r.rows) / r.took.Seconds() }

// runBare measures loadBare on the corpus of lines lines in a scratch file
// under dir, and removes the file; area names the area in the log.
func runBare(ctx context.Context, e *env, area, dir string, lines int) (bareReference, error) {
	e.log.Info(area+": reference bare SQLite inserts", "rows", lines)
	path := filepath.Join(dir, "bare.db")
	defer os.Remove(path)
	var ref bareReference
	var err error
	if ref.took, ref.rows, err = loadBare(ctx, path, e.spec(lines).events()); err != nil {
		return bareReference{}, err
	}
	if ref.bytes, err = dbSize(path); err != nil {
		return bareReference{}, err
	}
	return ref, nil
}

// loadRows are the rows of loading the corpus: the throughput of the load
// that built b, its slowest tenth, a bulk import of the same events into a
// second archive, and the bytes per event. On SQLite they stand beside
// bare inserts; on PostgreSQL beside SQLite (onPostgres), with the issue's
// targets for that engine and the server's processor time per event.
func loadRows(ctx context.Context, e *env, b *builtArchive) ([]result, error) {
	onSQLite := b.eng == sqliteEngine
	var bare bareReference
	if onSQLite {
		var err error
		if bare, err = runBare(ctx, e, "archive", e.workDir, e.size.ArchiveLines); err != nil {
			return nil, err
		}
		genStart := time.Now()
		genN := 0
		for range e.spec(e.size.ArchiveLines).events() {
			genN++
		}
		e.notef("Generating the events alone runs at %s events/s on this machine; both append figures include it.",
			num(float64(genN)/time.Since(genStart).Seconds()))
	}
	withBare := func(r result, rate float64) result {
		if onSQLite {
			r.Reference, r.RefTool = ptr(rate), "bare SQLite inserts"
		}
		return r
	}
	appendGoal, importGoal := &goal{">=", 20000}, (*goal)(nil)
	if !onSQLite {
		appendGoal, importGoal = &goal{">=", 50000}, &goal{">=", 100000}
	}

	var rows []result
	if b.took > 0 {
		rows = append(rows, withBare(result{
			Metric: fmt.Sprintf("Append throughput, %s events, %s then Flush (durable)", num(float64(b.events)), b.loader),
			Ours:   ptr(float64(b.events) / b.took.Seconds()), Unit: "events/s", Better: higher, Target: appendGoal,
			Note: b.cost("load") + bare.said(),
		}, bare.rate()))
	}
	if b.settled > 0 {
		rows = append(rows, result{
			Metric: "VACUUM (ANALYZE) after the live load, before the reads are measured",
			Ours:   ptr(b.settled.Seconds()), Unit: "s", Better: lower,
			Note: "what autovacuum starts by itself after so many inserts; the reads below are measured on the vacuumed archive",
		})
	}
	if len(b.windows) == 10 {
		slow, fast := b.windows[0], b.windows[0]
		for _, w := range b.windows {
			slow, fast = min(slow, w), max(fast, w)
		}
		rows = append(rows, result{
			Metric: "Append throughput, slowest tenth of the load (sustained)",
			Ours:   ptr(slow), Unit: "events/s", Better: higher, Target: &goal{">=", 20000},
			Note: fmt.Sprintf("fastest tenth %s events/s; first tenth %s, last tenth %s", num(fast), num(b.windows[0]), num(b.windows[9])),
		})
	}
	if b.took > 0 {
		// The bulk path, on a second archive with the same events.
		im, err := e.buildArchive(ctx, b.eng, "import", "bulk Importer")
		if err != nil {
			return nil, err
		}
		if err := b.eng.remove(ctx, e, im.where); err != nil {
			return nil, err
		}
		rows = append(rows, withBare(result{
			Metric: fmt.Sprintf("Import throughput, %s events, bulk Importer (what `proceedings import` uses)", num(float64(im.events))),
			Ours:   ptr(float64(im.events) / im.took.Seconds()), Unit: "events/s", Better: higher, Target: importGoal,
			Note: im.cost("import") + fmt.Sprintf("; %s bytes per event afterwards", num(float64(im.bytes)/float64(im.events))),
		}, bare.rate()))
	}
	bytesRow := result{
		Metric: "Archive bytes per event (events, indexes, day counts, FTS)",
		Ours:   ptr(float64(b.bytes) / float64(b.events)), Unit: "bytes", Better: lower,
		Note: fmt.Sprintf("%s MB for %s events", num(float64(b.bytes)/1e6), num(float64(b.events))),
	}
	if onSQLite {
		bytesRow.Reference, bytesRow.RefTool, bytesRow.Target = ptr(float64(bare.bytes)/float64(bare.rows)), "bare SQLite table", &goal{"<=", 250}
		bytesRow.Note += fmt.Sprintf("; the bare table %s MB", num(float64(bare.bytes)/1e6))
	}
	return append(rows, bytesRow), nil
}

// said is the reference's time, for a row's note; nothing when there was
// no reference.
func (r bareReference) said() string {
	if r.rows == 0 {
		return ""
	}
	return fmt.Sprintf("; the reference took %s", r.took.Round(time.Millisecond))
}

// cost says how long loading b took and, on a server engine, the
// processor time the server spent per event.
func (b *builtArchive) cost(what string) string {
	s := fmt.Sprintf("%s for the whole %s", b.took.Round(time.Millisecond), what)
	if b.serverCPU > 0 {
		s += fmt.Sprintf(" (the server: %s CPU-µs per event)", num(float64(b.serverCPU.Microseconds())/float64(b.events)))
	}
	return s
}

// singleAppendRows times Append calls one at a time on the full archive,
// each waiting until its event is durable; it returns how many events it
// added with the rows.
func singleAppendRows(ctx context.Context, e *env, b *builtArchive) (int, []result, error) {
	rw, err := engine.Open(ctx, b.where, archive.Options{})
	if err != nil {
		return 0, nil, err
	}
	e.log.Info("archive: single appends, one at a time", "count", e.size.SeqAppends)
	lat := make([]time.Duration, 0, e.size.SeqAppends)
	at := b.lastTime
	for i := range e.size.SeqAppends {
		at = at.Add(time.Second)
		ev := event.Event{Network: b.network, Channel: b.channel, Time: at, Kind: event.KindMessage,
			Nick: "bencher", UserHost: "~bench@203.0.113.1", Text: fmt.Sprintf("single append %d of the benchmark", i)}
		t0 := time.Now()
		if _, err := rw.Append(ctx, ev); err != nil {
			rw.Close()
			return 0, nil, err
		}
		lat = append(lat, time.Since(t0))
	}
	if err := rw.Close(); err != nil {
		return 0, nil, err
	}
	return len(lat), []result{
		{Metric: fmt.Sprintf("Append one event and wait until durable, p50 (%d in a row)", len(lat)),
			Ours: ptr(ms(percentile(lat, 50))), Unit: "ms", Better: lower},
		{Metric: "Append one event and wait until durable, p99",
			Ours: ptr(ms(percentile(lat, 99))), Unit: "ms", Better: lower,
			Note: fmt.Sprintf("max %s ms", num(ms(percentile(lat, 100))))},
	}, nil
}

// readRows times reading random days and the channel's calendar on a
// read-only handle of the archive, which holds events events.
func readRows(ctx context.Context, e *env, b *builtArchive, events int) ([]result, error) {
	ro, err := engine.Open(ctx, b.where, archive.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer ro.Close()
	ch, err := ro.FindChannel(ctx, b.network, b.channel)
	if err != nil {
		return nil, err
	}
	cal, err := ro.Calendar(ctx, ch.ID)
	if err != nil {
		return nil, err
	}
	if len(cal) == 0 {
		return nil, errors.New("the archive's calendar is empty")
	}
	e.log.Info("archive: reading random days", "days", e.size.DaySamples, "of", len(cal))
	rng := rand.New(rand.NewPCG(e.seed, 0x646179))
	dayLat := make([]time.Duration, 0, e.size.DaySamples)
	var dayEvents int
	for range e.size.DaySamples {
		d := cal[rng.IntN(len(cal))]
		t0 := time.Now()
		evs, err := ro.Day(ctx, ch.ID, d.Day)
		dayLat = append(dayLat, time.Since(t0))
		if err != nil {
			return nil, err
		}
		if len(evs) != d.Events {
			return nil, fmt.Errorf("day %s: Day returned %d events, the calendar counts %d", d.Day, len(evs), d.Events)
		}
		dayEvents += len(evs)
	}
	calLat := make([]time.Duration, 0, e.size.CalSamples)
	for range e.size.CalSamples {
		t0 := time.Now()
		if _, err := ro.Calendar(ctx, ch.ID); err != nil {
			return nil, err
		}
		calLat = append(calLat, time.Since(t0))
	}
	return []result{
		{Metric: fmt.Sprintf("One day's events (Day), p50 over %d random days, %s-event archive", len(dayLat), num(float64(events))),
			Ours: ptr(ms(percentile(dayLat, 50))), Unit: "ms", Better: lower,
			Note: fmt.Sprintf("%s events per day on average", num(float64(dayEvents)/float64(len(dayLat))))},
		{Metric: "One day's events (Day), p95",
			Ours: ptr(ms(percentile(dayLat, 95))), Unit: "ms", Better: lower, Target: &goal{"<", 5},
			Note: fmt.Sprintf("max %s ms", num(ms(percentile(dayLat, 100))))},
		{Metric: fmt.Sprintf("Calendar of the channel (%s days), p50 over %d calls", num(float64(len(cal))), len(calLat)),
			Ours: ptr(ms(percentile(calLat, 50))), Unit: "ms", Better: lower},
		{Metric: "Calendar of the channel, p95",
			Ours: ptr(ms(percentile(calLat, 95))), Unit: "ms", Better: lower, Target: &goal{"<", 20}},
	}, nil
}
