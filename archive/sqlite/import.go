package sqlite

import (
	"context"
	"fmt"
	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/event"
	"sync/atomic"
	"time"
)

// importBatch is how many events one import transaction holds.
const importBatch = 25000

// Importer bulk-loads events read from old logs. Events already in the
// archive (recorded live, or imported before) are skipped, so importing the
// same file twice adds nothing. It writes in large transactions and fills
// the search index in bulk; an interrupted import leaves the archive
// consistent, and running it again completes it. Use one Importer per
// import, from one goroutine; call Flush at the end.
type Importer struct {
	db   *DB
	opt  archive.ImportOptions
	buf  []event.Event
	tols []int64 // each buffered event's tolerance, in ms
	srcs []int   // each buffered event's source file (see StartFile)
	src  int
	// One batch is written in the background while the next one fills:
	// reading and parsing the logs then costs no time of the writer's.
	// writing says the result of the batch being written; spare holds the
	// buffers the last written batch used.
	writing chan error
	spare   batch
	// known and the counters belong to the batch being written.
	known      map[days.Key]*dayEvents // what is stored, per channel-day, loaded on first use
	added, dup atomic.Int64
}

// batch is one transaction's worth of events with their tolerances and
// source files.
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
// drops what is still queued. Call it when giving an import up (after an
// error or an interrupt) before closing the archive; running the same import
// again completes it.
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

// Flush writes the queued events and waits until they are committed. Call
// it at the end of the import.
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

// writeBatch writes one batch and then forgets the per-day index: it is
// reloaded from the archive (which now holds what was written) when needed
// again, and memory stays bounded by two batches whatever the size of the
// import.
func (im *Importer) writeBatch(ctx context.Context, b batch) error {
	err := im.write(ctx, b.evs, b.tols, b.srcs)
	clear(im.known)
	return err
}

// SetTolerance changes ImportOptions.Tolerance for the events added from
// now on, so that one Importer (one transaction per batch) can read files of
// several formats in a row.
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

func (im *Importer) write(ctx context.Context, evs []event.Event, tols []int64, srcs []int) error {
	db := im.db
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import: begin: %w", err)
	}
	defer tx.Rollback()

	fresh := make([]event.Event, 0, len(evs))
	agg := days.NewCounter(db.loc)
	chans := map[chanKey]int64{}
	for i, ev := range evs {
		tol, src := tols[i], srcs[i]
		ck := chanKey{ev.Network, event.FoldChannel(ev.Channel)}
		ch, ok := chans[ck]
		if !ok {
			if ch, err = db.channelID(ctx, tx, ev.Network, ev.Channel); err != nil {
				return err
			}
			chans[ck] = ch
		}
		dk := days.Key{Channel: ch, Day: agg.DayOf(ev.Time)}
		known := im.known[dk]
		if known == nil {
			if known, err = im.load(ctx, tx, ch, ev.Time); err != nil {
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
	}
	if len(fresh) == 0 {
		return tx.Commit()
	}
	_, created, err := db.insertTx(ctx, tx, fresh, false)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	// One statement indexes the whole batch (and anything the live writer
	// left unindexed): far cheaper than row by row.
	if err := indexPending(ctx, tx); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import: commit: %w", err)
	}
	for _, c := range created {
		db.cacheChannel(c.network, c.name, c.id)
	}
	im.added.Add(int64(len(fresh)))
	return nil
}

// sameTime reports whether a stored event at stored and an imported one at
// ts (both in ms) can be the same line, the imported file's times being
// exact to tol. A stored time on a whole minute may come from a log that
// writes only HH:MM (irssi's default), which cuts the seconds off: the same
// line from a log with seconds is then up to a minute later. So an irssi
// folder and a ZNC folder of the same channel store each line once in
// whichever order they are imported.
func sameTime(stored, ts, tol int64) bool {
	if abs(stored-ts) <= tol {
		return true
	}
	return stored%60000 == 0 && ts-stored >= 0 && ts-stored < 60000
}

// load reads what is stored for the channel on the local day of t.
func (im *Importer) load(ctx context.Context, tx queryer, channel int64, t time.Time) (*dayEvents, error) {
	start, end := event.DateOf(t, im.db.loc).Bounds(im.db.loc)
	tol := time.Minute // the widest tolerance any format needs
	rows, err := tx.QueryContext(ctx, "SELECT ts, kind, nick, text FROM events WHERE channel = ? AND ts >= ? AND ts < ?",
		channel, ms(start.Add(-tol)), ms(end.Add(tol)))
	if err != nil {
		return nil, fmt.Errorf("import: read stored events: %w", err)
	}
	defer rows.Close()
	d := &dayEvents{byKey: map[dupKey][]stamp{}}
	for rows.Next() {
		var k dupKey
		var ts int64
		if err := rows.Scan(&ts, &k.kind, &k.nick, &k.text); err != nil {
			return nil, fmt.Errorf("import: read stored events: %w", err)
		}
		d.byKey[k] = append(d.byKey[k], stamp{ts: ts})
	}
	return d, rows.Err()
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
