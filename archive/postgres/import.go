package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/event"
)

// importBatch is how many events an import reads and matches at a time.
const importBatch = 25000

// Importer bulk-loads events read from old logs, as the SQLite engine's
// archive.Importer does, with the same methods and rules: events already in
// the archive are skipped (same channel, kind, nick and text within the
// tolerance, or within the minute after a whole-minute stamp), each file
// matched on its own (StartFile), in batches of 25,000 events written in
// the background while the next batch fills. The new events of a batch go
// in with COPY, their search index with them, written by importWorkers
// connections at once, each part in a transaction of its own (the SQLite
// engine writes a batch in one).
//
// What is already stored is read per channel-day when the batch is
// written: an event another process (a live recorder) commits after that
// is not seen as a duplicate. Use one Importer per import, from one
// goroutine; call Flush at the end.
type Importer struct {
	db   *DB
	opt  archive.ImportOptions
	buf  []event.Event
	tols []int64 // each buffered event's tolerance, in ms
	srcs []int   // each buffered event's source file (see StartFile)
	src  int
	// writing says the result of the batch being written in the
	// background; spare holds the buffers the last written batch used.
	writing chan error
	spare   batch
	// known and the counters belong to the batch being written.
	known      map[days.Key]*dayEvents
	added, dup atomic.Int64
}

type batch struct {
	evs  []event.Event
	tols []int64
	srcs []int
}

type dupKey struct {
	kind       event.Kind
	nick, text string
}

// dayEvents holds the stored events of one channel-day by content, each with
// whether this import already matched it.
type dayEvents struct {
	byKey map[dupKey][]stamp
}

type stamp struct {
	ts     int64
	usedBy int // the source file that matched or stored it; 0: none yet
}

// NewImporter starts a bulk import.
func (db *DB) NewImporter(opt archive.ImportOptions) (archive.Importer, error) {
	if err := db.writable(); err != nil {
		return nil, err
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = time.Second
	}
	return &Importer{db: db, opt: opt, known: map[days.Key]*dayEvents{}, src: 1}, nil
}

// Add queues one event; full batches are written as they fill, in the
// background. An error of a batch written in the background is returned by
// a later Add or by Flush.
func (im *Importer) Add(ctx context.Context, ev event.Event) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if im.buf == nil {
		im.buf, im.tols, im.srcs = make([]event.Event, 0, importBatch), make([]int64, 0, importBatch), make([]int, 0, importBatch)
	}
	im.buf = append(im.buf, ev)
	im.tols = append(im.tols, im.opt.Tolerance.Milliseconds())
	im.srcs = append(im.srcs, im.src)
	if len(im.buf) < importBatch {
		return nil
	}
	if err := im.wait(); err != nil {
		return err
	}
	b := batch{im.buf, im.tols, im.srcs}
	im.buf, im.tols, im.srcs = im.spare.evs[:0], im.spare.tols[:0], im.spare.srcs[:0]
	im.writing = make(chan error, 1)
	go func() {
		err := im.writeBatch(ctx, b)
		clear(b.evs) // let the strings go
		im.spare = b
		im.writing <- err
	}()
	return nil
}

// wait waits for the batch being written, if any, and returns its error.
func (im *Importer) wait() error {
	if im.writing == nil {
		return nil
	}
	err := <-im.writing
	im.writing = nil
	return err
}

// Stop waits for the batch being written in the background, if any, and
// drops what is still queued. Running the same import again completes it.
func (im *Importer) Stop() error {
	err := im.wait()
	clear(im.buf)
	im.buf, im.tols, im.srcs = im.buf[:0], im.tols[:0], im.srcs[:0]
	return err
}

// Stats says what was added and skipped so far.
func (im *Importer) Stats() archive.ImportStats {
	return archive.ImportStats{Added: im.added.Load(), Duplicates: im.dup.Load()}
}

// Flush writes the queued events and waits until they are committed.
func (im *Importer) Flush(ctx context.Context) error {
	if err := im.wait(); err != nil {
		return err
	}
	if len(im.buf) == 0 {
		return nil
	}
	err := im.writeBatch(ctx, batch{im.buf, im.tols, im.srcs})
	clear(im.buf)
	im.buf, im.tols, im.srcs = im.buf[:0], im.tols[:0], im.srcs[:0]
	return err
}

// writeBatch writes one batch and then forgets the per-day index, so that
// memory stays bounded by two batches whatever the size of the import.
func (im *Importer) writeBatch(ctx context.Context, b batch) error {
	err := im.write(ctx, b.evs, b.tols, b.srcs)
	clear(im.known)
	return err
}

// SetTolerance changes ImportOptions.Tolerance for the events added from
// now on.
func (im *Importer) SetTolerance(d time.Duration) {
	if d <= 0 {
		d = time.Second
	}
	im.opt.Tolerance = d
}

// StartFile says that the events added from now on come from another file.
// Each file is matched against the archive on its own: a line that two
// overlapping files both hold is stored once, and a line one file holds
// twice is stored twice.
func (im *Importer) StartFile() { im.src++ }

// importWorkers is how many connections write one batch's new events at
// once, each in a transaction of its own: PostgreSQL writes a table and
// its indexes on one core per connection, and the search index is most of
// an import's work.
const importWorkers = 2

// importWorkMem is the memory an import transaction gives PostgreSQL for
// merging the search index's pending entries into the index.
const importWorkMem = "64MB"

func (im *Importer) write(ctx context.Context, evs []event.Event, tols []int64, srcs []int) error {
	db := im.db
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	chans, err := db.ensureChannels(ctx, evs)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fresh := make([]event.Event, 0, len(evs))
	freshChans := make([]int64, 0, len(evs))
	agg := days.NewCounter(db.loc)
	for i, ev := range evs {
		tol, src, ch := tols[i], srcs[i], chans[i]
		dk := days.Key{Channel: ch, Day: agg.DayOf(ev.Time)}
		known := im.known[dk]
		if known == nil {
			if known, err = im.load(ctx, db.pool, ch, ev.Time); err != nil {
				return err
			}
			im.known[dk] = known
		}
		k := dupKey{ev.Kind, ev.Nick, ev.Text}
		ts := ms(ev.Time)
		stamps := known.byKey[k]
		dup := false
		for i := range stamps {
			if stamps[i].usedBy != src && sameTime(stamps[i].ts, ts, tol) {
				stamps[i].usedBy, dup = src, true
				break
			}
		}
		if dup {
			im.dup.Add(1)
			continue
		}
		// Remember it as stored and already matched: a second identical
		// line in this same file is a real second line.
		known.byKey[k] = append(stamps, stamp{ts, src})
		fresh = append(fresh, ev)
		freshChans = append(freshChans, ch)
	}
	if len(fresh) == 0 {
		return nil
	}
	ids, err := db.takeIDs(ctx, db.pool, len(fresh))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	// The new events in importWorkers parts, written at once; each part
	// commits its events with their day counts, so an interrupted import
	// leaves the archive consistent and running it again completes it.
	parts := min(importWorkers, (len(fresh)+999)/1000)
	errs := make(chan error, parts)
	for p := range parts {
		lo, hi := p*len(fresh)/parts, (p+1)*len(fresh)/parts
		go func() {
			err := db.importPart(ctx, fresh[lo:hi], ids[lo:hi], freshChans[lo:hi])
			if err == nil {
				im.added.Add(int64(hi - lo))
			}
			errs <- err
		}()
	}
	for range parts {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return err
}

// importPart writes events in one transaction.
func (db *DB) importPart(ctx context.Context, evs []event.Event, ids, chans []int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("import: begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '"+importWorkMem+"'"); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := db.insertTx(ctx, tx, evs, ids, chans); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("import: commit: %w", err)
	}
	return nil
}

// sameTime reports whether a stored event at stored and an imported one at
// ts (both in ms) can be the same line, the imported file's times being
// exact to tol; a stored time on a whole minute may come from a log that
// writes only HH:MM, so the same line from a log with seconds is up to a
// minute later (the SQLite engine's rule).
func sameTime(stored, ts, tol int64) bool {
	if abs(stored-ts) <= tol {
		return true
	}
	return stored%60000 == 0 && ts-stored >= 0 && ts-stored < 60000
}

// load reads what is stored for the channel on the local day of t (and a
// minute either side).
func (im *Importer) load(ctx context.Context, q querier, channel int64, t time.Time) (*dayEvents, error) {
	start, end := event.DateOf(t, im.db.loc).Bounds(im.db.loc)
	tol := time.Minute // the widest tolerance any format needs
	rows, err := q.Query(ctx, "SELECT ts, kind, nick, text FROM events WHERE channel = $1 AND ts >= $2 AND ts < $3",
		channel, ms(start.Add(-tol)), ms(end.Add(tol)))
	if err != nil {
		return nil, fmt.Errorf("import: read stored events: %w", err)
	}
	defer rows.Close()
	d := &dayEvents{byKey: map[dupKey][]stamp{}}
	for rows.Next() {
		raw := rows.RawValues()
		k := dupKey{kind: event.Kind(int64BE(raw[1])), nick: string(raw[2]), text: string(raw[3])}
		d.byKey[k] = append(d.byKey[k], stamp{ts: int64BE(raw[0])})
	}
	return d, rows.Err()
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
