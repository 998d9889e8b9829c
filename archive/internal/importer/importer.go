// Package importer is the engine-neutral front of a bulk import: it
// buffers events in batches, writes one batch in the background while the
// next fills, keeps each event's tolerance and source file, tells which
// events the archive holds already, and counts. An engine supplies only
// the writing of a batch (its transactions, its statements) and the query
// that reads what a channel-day holds.
package importer

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/event"
)

// BatchSize is how many events one batch holds.
const BatchSize = 25000

// WriteFunc writes one batch: for each event it asks Batch.Fresh whether
// the archive holds it already, stores the fresh ones and counts them with
// Batch.Added.
type WriteFunc func(ctx context.Context, b *Batch) error

// Importer is an archive.Importer for an engine's WriteFunc. Use one
// Importer per import, from one goroutine; call Flush at the end.
type Importer struct {
	write WriteFunc
	// lock keeps other imports into the archive out while this one
	// writes (see LockFunc); unlock, when set, releases it.
	lock   LockFunc
	unlock func()
	loc    *time.Location
	opt    archive.ImportOptions
	buf    []event.Event
	srcs   []int // each buffered event's source file (see StartFile)
	src    int
	// One batch is written in the background while the next one fills:
	// reading and parsing the logs then costs no time of the writer's.
	// writing says the result of the batch being written; spare holds the
	// buffers the last written batch used.
	writing chan error
	spare   buffers
	// known and the counters belong to the batch being written.
	known      map[days.Key]*dayEvents // what is stored, per channel-day, loaded on first use
	batches    int                     // how many batches have been written
	added, dup atomic.Int64
}

var _ archive.Importer = (*Importer)(nil)

// buffers are one batch's events with their source files.
type buffers struct {
	evs  []event.Event
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
	batch int // the last batch that asked about the day
}

type stamp struct {
	ts     int64
	usedBy int // the source file that matched or stored it; 0: none yet
}

// LockFunc takes the archive's import lock, waiting while another import
// (in any process) holds it, and returns what releases it. An import
// holds it from its first batch to its Flush or Stop: it matches each
// batch against what is stored and keeps what it read of a day for the
// next batch, so two imports of the same lines at once would each find
// the other's not yet stored and both store them.
type LockFunc func(ctx context.Context) (unlock func(), err error)

// New starts an import that counts days in loc, writes batches with write
// and holds the archive's import lock while it writes.
func New(loc *time.Location, opt archive.ImportOptions, write WriteFunc, lock LockFunc) *Importer {
	if opt.Tolerance <= 0 {
		opt.Tolerance = time.Second
	}
	return &Importer{write: write, lock: lock, loc: loc, opt: opt, known: map[days.Key]*dayEvents{}, src: 1}
}

// release lets the import lock go, if held.
func (im *Importer) release() {
	if im.unlock != nil {
		im.unlock()
		im.unlock = nil
	}
}

// Add queues one event; full batches are written as they fill, in the
// background. An error of a batch written in the background is returned by
// a later Add or by Flush.
func (im *Importer) Add(ctx context.Context, ev event.Event) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if im.buf == nil {
		im.buf, im.srcs = make([]event.Event, 0, BatchSize), make([]int, 0, BatchSize)
	}
	im.buf = append(im.buf, ev)
	im.srcs = append(im.srcs, im.src)
	if len(im.buf) < BatchSize {
		return nil
	}
	if err := im.wait(); err != nil {
		return err
	}
	b := buffers{im.buf, im.srcs}
	im.buf, im.srcs = im.spare.evs[:0], im.spare.srcs[:0]
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
	im.release()
	clear(im.buf)
	im.buf, im.srcs = im.buf[:0], im.srcs[:0]
	return err
}

// Stats says what was added and skipped so far.
func (im *Importer) Stats() archive.ImportStats {
	return archive.ImportStats{Added: im.added.Load(), Duplicates: im.dup.Load()}
}

// Flush writes the queued events and waits until they are committed. Call
// it at the end of the import.
func (im *Importer) Flush(ctx context.Context) error {
	defer im.release()
	if err := im.wait(); err != nil {
		return err
	}
	if len(im.buf) == 0 {
		return nil
	}
	err := im.writeBatch(ctx, buffers{im.buf, im.srcs})
	clear(im.buf)
	im.buf, im.srcs = im.buf[:0], im.srcs[:0]
	return err
}

// writeBatch writes one batch and then forgets the per-day index of the
// channel-days it did not touch: they are reloaded from the archive (which
// now holds what was written) when needed again, and memory stays bounded
// by two batches whatever the size of the import. The days it touched are
// kept as they are, because the archive does not say which file stored
// an event: a line of a file that continues into the next batch (the
// second of two identical lines in the same second) is then still told
// from the first.
func (im *Importer) writeBatch(ctx context.Context, b buffers) error {
	if im.unlock == nil && im.lock != nil {
		unlock, err := im.lock(ctx)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		// What was read of days before the lock was taken (after an
		// earlier Flush) may have been added to since.
		im.unlock = unlock
		clear(im.known)
	}
	im.batches++
	err := im.write(ctx, &Batch{Events: b.evs, srcs: b.srcs, im: im, days: days.NewCounter(im.loc)})
	maps.DeleteFunc(im.known, func(_ days.Key, d *dayEvents) bool { return d.batch != im.batches || err != nil })
	return err
}

// StartFile says that the events added from now on come from another file.
// Each file is matched against the archive on its own: a line that two
// overlapping files both hold is stored once, and a line one file holds
// twice is stored twice.
func (im *Importer) StartFile() { im.src++ }

// Batch is one batch of an import, as its WriteFunc sees it.
type Batch struct {
	Events []event.Event
	srcs   []int
	im     *Importer
	days   *days.Counter
}

// LoadFunc reads the events stored in a channel in [from, to) and passes
// each to add.
type LoadFunc func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error

// Match reports, for each event of the batch (to be stored in chans[i]),
// whether the archive lacks it: no stored event of the same kind, nick and
// text is at the same time (see sameTime) unless another event of the same
// source file already matched it. A fresh event is remembered as stored,
// so that a second identical line in the same file is a real second line;
// a duplicate is counted. What a channel-day holds is read with load once
// per batch.
//
// Within one file, the lines of the same kind, nick and text are matched
// together (matchGroup): matching each in file order to the first stored
// line it could be took a stored "10:01 <bob> lol" for a file's "10:00
// lol" and stored its "10:01 lol" again.
func (b *Batch) Match(chans []int64, load LoadFunc) ([]bool, error) {
	fresh := make([]bool, len(b.Events))
	type group struct {
		dk days.Key
		k  dupKey
	}
	for start := 0; start < len(b.Events); {
		src := b.srcs[start]
		end := start
		groups := map[group][]int{}
		var order []group
		for ; end < len(b.Events) && b.srcs[end] == src; end++ {
			ev := &b.Events[end]
			dk := days.Key{Channel: chans[end], Day: b.days.DayOf(ev.Time)}
			known := b.im.known[dk]
			if known == nil {
				var err error
				if known, err = b.im.load(chans[end], ev.Time, load); err != nil {
					return nil, err
				}
				b.im.known[dk] = known
			}
			known.batch = b.im.batches
			k := dupKey{ev.Kind, ev.Nick, ev.Text}
			if stamps := known.byKey[k]; !slices.ContainsFunc(stamps, func(st stamp) bool { return st.usedBy != src }) {
				// Nothing stored that it could be (the stamps of this
				// file's own fresh lines are not): fresh, and no other
				// line of the file is matched with it.
				fresh[end] = true
				known.byKey[k] = append(stamps, stamp{ev.Time.UnixMilli(), src})
				continue
			}
			g := group{dk, k}
			if _, ok := groups[g]; !ok {
				order = append(order, g)
			}
			groups[g] = append(groups[g], end)
		}
		for _, g := range order {
			b.matchGroup(b.im.known[g.dk], g.k, groups[g], src, fresh)
		}
		start = end
	}
	return fresh, nil
}

// matchGroup matches the events idx of one file (src), all of key k, to
// the stored events of their channel-day, and marks the events left
// fresh. In time order, each event takes the earliest stored event it can
// be (sameTime) that no other line of the file took: as many lines pair
// up as can, so a log whose clock runs a second ahead of another's pairs
// each line with its twin, not one with a neighbour and the rest with
// nothing.
func (b *Batch) matchGroup(known *dayEvents, k dupKey, idx []int, src int, fresh []bool) {
	stamps := known.byKey[k]
	tol := b.im.opt.Tolerance.Milliseconds()
	ts := func(n int) int64 { return b.Events[n].Time.UnixMilli() }
	inTime := idx
	if len(idx) > 1 {
		inTime = slices.Clone(idx)
		slices.SortStableFunc(inTime, func(x, y int) int { return cmp.Compare(ts(x), ts(y)) })
	}
	for _, n := range inTime {
		best := -1
		for s := range stamps {
			if stamps[s].usedBy != src && sameTime(stamps[s].ts, ts(n), tol) && (best < 0 || stamps[s].ts < stamps[best].ts) {
				best = s
			}
		}
		if best < 0 {
			// Its own stamp is the file's: no later line of it matches it.
			fresh[n] = true
			stamps = append(stamps, stamp{ts(n), src})
			continue
		}
		stamps[best].usedBy = src
		b.im.dup.Add(1)
	}
	known.byKey[k] = stamps
}

// Added counts n events of the batch as stored.
func (b *Batch) Added(n int) { b.im.added.Add(int64(n)) }

// load reads what is stored for the channel on the local day of t, and a
// minute either side.
func (im *Importer) load(channel int64, t time.Time, load LoadFunc) (*dayEvents, error) {
	start, end := event.DateOf(t, im.loc).Bounds(im.loc)
	tol := time.Minute // the widest tolerance any format needs
	d := &dayEvents{byKey: map[dupKey][]stamp{}}
	err := load(channel, start.Add(-tol), end.Add(tol), func(ts int64, kind event.Kind, nick, text string) {
		k := dupKey{kind, nick, text}
		d.byKey[k] = append(d.byKey[k], stamp{ts: ts})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// sameTime reports whether a stored event at stored and an imported one at
// ts (both in ms) can be the same line. A time on a whole minute may come
// from a log that writes only HH:MM (irssi's default), which cuts the
// seconds off: the line was said within that minute, and a log with
// seconds (or the bot) has it there, a second of clock skew either way.
// Two such times are the same only when equal: two HH:MM logs write the
// same line at the same minute, and "10:21 lol" of one is not "10:22 lol"
// of another. Otherwise the times may differ by tol (ImportOptions'
// Tolerance, a second by default). So an irssi folder, a ZNC folder and
// the bot's own export of the same channel store each line once in
// whichever order they are imported.
func sameTime(stored, ts, tol int64) bool {
	const minute, skew = 60000, 1000
	switch sm, tm := stored%minute == 0, ts%minute == 0; {
	case sm && tm:
		return stored == ts
	case tm:
		return stored >= ts-skew && stored < ts+minute+skew
	case sm:
		return ts >= stored-skew && ts < stored+minute+skew
	}
	return abs(stored-ts) <= tol
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
