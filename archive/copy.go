package archive

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"proceedings/event"
)

// Copier is what an engine offers to take a whole archive from another
// (Copy) or to give one: events written with the ids they carry, so that
// permalinks (#l-ID) and rendered pages stay the same, and the rest of an
// archive's state. Callers ask for it with a type assertion.
type Copier interface {
	// CopyEvents stores events with the ids they carry, in one
	// transaction, creating their channels and counting them in their
	// days. None of the ids may be stored already.
	CopyEvents(ctx context.Context, evs []event.Event) error
	// AppMeta returns every key SetMeta stored, with its value.
	AppMeta(ctx context.Context) (map[string]string, error)
	// CompleteCopy replaces the posts (with their ids), opt-outs and
	// audit log by st's, stores st's meta keys, and finishes what storing events by id left
	// to do (the search index, id sequences).
	CompleteCopy(ctx context.Context, st CopyState) error
}

// CopyState is what an archive holds besides its events and channels.
type CopyState struct {
	Posts   []Post            // every post in id order, with its series and announced time
	OptOuts []OptOutRecord    // the opt-out list
	Audit   []AuditEntry      // the audit log, oldest first (in the order it was written)
	Meta    map[string]string // what SetMeta stored
}

// OptOutRecord is one entry of the opt-out list.
type OptOutRecord struct {
	Key      string
	UserHost string
}

// copySourceKey is the meta key under which a destination remembers which
// archive is being copied into it: a copy resumes only from the same source.
const copySourceKey = "archive_copy.source"

// copyFinishedKey is the meta key under which a destination remembers when
// the copy into it finished, and its mark (destinationMark) then. Copying
// the same source again goes on (to take the lines the source gained) only
// while the mark is the same: once anything has written to the
// destination it is in use, its posts, opt-outs and audit log its own, and
// a copy only verifies it.
const copyFinishedKey = "archive_copy.finished"

// CopyOptions tune Copy.
type CopyOptions struct {
	// Source names the source archive (a path or a URL without its
	// password): a destination that holds events copied from another
	// source, or events of its own, is refused.
	Source string
	// Progress, if set, is told the number of events stored (or found
	// stored) after each batch, and the total at the start.
	Progress func(done, total int64)
	// Logger receives a line per channel; nil for none.
	Logger *slog.Logger
	// Batch is how many events one transaction of the destination holds
	// (default 10,000).
	Batch int
}

// CopyStats says what Copy did.
type CopyStats struct {
	Channels int
	Events   int64 // events in the source
	Copied   int64 // events written by this run (the rest were there from an interrupted one)
	// Finished is when an earlier copy of the same source into the
	// destination finished (RFC 3339), when it had: this run then wrote
	// nothing.
	Finished string
}

// Every event lies in [rangeStart, rangeEnd).
var (
	rangeStart = time.UnixMilli(math.MinInt64 / 2)
	rangeEnd   = time.UnixMilli(math.MaxInt64 / 2)
)

// Copy copies the whole archive from into to, which must be empty or hold
// an interrupted copy of the same source: it then continues where that one
// stopped. Events keep their ids. Nothing may write to either archive
// meanwhile. Verify says afterwards whether both hold the same.
func Copy(ctx context.Context, from, to Store, opt CopyOptions) (CopyStats, error) {
	var st CopyStats
	src, ok1 := from.(Copier)
	dst, ok2 := to.(Copier)
	if !ok1 || !ok2 {
		return st, errors.New("copy: this archive engine cannot copy archives")
	}
	if opt.Batch <= 0 {
		opt.Batch = 10000
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	finished, catchUp, err := claimDestination(ctx, to, dst, opt.Source)
	if err != nil {
		return st, err
	}
	chans, err := from.Channels(ctx)
	if err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	for _, c := range chans {
		st.Events += c.Events
	}
	if finished != "" {
		st.Channels, st.Finished = len(chans), finished
		return st, nil
	}
	if err := checkCopied(ctx, from, to); err != nil {
		return st, err
	}
	if err := to.SetMeta(ctx, copyFinishedKey, ""); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	var done int64
	progress := func(n int64) {
		done += n
		if opt.Progress != nil {
			opt.Progress(done, st.Events)
		}
	}
	progress(0)
	for _, c := range chans {
		n, err := copyChannel(ctx, from, to, dst, c, opt.Batch, catchUp, progress)
		st.Copied += n
		if err != nil {
			return st, err
		}
		st.Channels++
		log.Info("channel copied", "network", c.Network, "channel", c.Name, "events", c.Events, "copied", n)
	}
	state, err := readState(ctx, from, src)
	if err != nil {
		return st, err
	}
	if err := dst.CompleteCopy(ctx, state); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	mark, err := destinationMark(ctx, to, dst)
	if err != nil {
		return st, err
	}
	if err := to.SetMeta(ctx, copyFinishedKey, time.Now().UTC().Format(time.RFC3339)+" "+mark); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	return st, nil
}

// destinationMark sums up what writing to an archive changes: its revision
// (events, redactions) and its posts, opt-outs, audit log and meta.
func destinationMark(ctx context.Context, to Store, dst Copier) (string, error) {
	rev, err := to.Revision(ctx)
	if err != nil {
		return "", fmt.Errorf("copy: %w", err)
	}
	st, err := readState(ctx, to, dst)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("copy: %w", err)
	}
	sum := sha256.Sum256(fmt.Appendf(b, "\n%d", rev))
	return hex.EncodeToString(sum[:16]), nil
}

// claimDestination refuses a destination that holds events not copied from
// source, and marks it as a copy of source before anything is written. It
// returns when a copy of source into it finished, if one did and the
// destination has been written to since (see copyFinishedKey), or
// catchUp when one did and it has not.
func claimDestination(ctx context.Context, to Store, dst Copier, source string) (finished string, catchUp bool, err error) {
	if source == "" {
		return "", false, errors.New("copy: name the source archive")
	}
	have, marked, err := to.Meta(ctx, copySourceKey)
	if err != nil {
		return "", false, fmt.Errorf("copy: %w", err)
	}
	if marked && have == source {
		v, _, err := to.Meta(ctx, copyFinishedKey)
		if err != nil {
			return "", false, fmt.Errorf("copy: %w", err)
		}
		at, was, done := strings.Cut(v, " ")
		if !done {
			return "", false, nil // an interrupted copy: go on with it
		}
		mark, err := destinationMark(ctx, to, dst)
		if err != nil || mark != was {
			return at, false, err // in use since: only verify
		}
		return "", true, nil // untouched since: take what the source gained
	}
	chans, err := to.Channels(ctx)
	if err != nil {
		return "", false, fmt.Errorf("copy: %w", err)
	}
	var events int64
	for _, c := range chans {
		events += c.Events
	}
	if events > 0 {
		if marked {
			return "", false, fmt.Errorf("copy: the destination holds %d events copied from %s, not from %s: copy into an empty archive", events, have, source)
		}
		return "", false, fmt.Errorf("copy: the destination already holds %d events of its own: copy into an empty archive", events)
	}
	// Without events it may still hold what a copy replaces: posts (an
	// import-feed), opt-outs, an audit log, the bot's state.
	own, err := readState(ctx, to, dst)
	if err != nil {
		return "", false, err
	}
	if n := len(own.Posts) + len(own.OptOuts) + len(own.Audit) + len(own.Meta); n > 0 {
		return "", false, fmt.Errorf("copy: the destination holds no events but %d posts, %d opt-outs, %d audit entries and %d other records of its own, which a copy would replace: copy into an empty archive",
			len(own.Posts), len(own.OptOuts), len(own.Audit), len(own.Meta))
	}
	if err := to.SetMeta(ctx, copySourceKey, source); err != nil {
		return "", false, fmt.Errorf("copy: %w", err)
	}
	return "", false, nil
}

// checkCopied makes sure that what an earlier run copied into to came from
// the archive from is now: the source named the same may be another
// archive (a file put in the place of the one copied from), whose events
// would then be mixed with the first one's. The newest event of each
// channel copied must be in from as it was copied.
func checkCopied(ctx context.Context, from, to Store) error {
	chans, err := to.Channels(ctx)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	for _, d := range chans {
		if d.Events == 0 {
			continue
		}
		var last event.Event
		err := to.Range(ctx, d.ID, d.Last.Time(to.Location()), rangeEnd, CountFields, func(ev event.Event) error {
			if ev.ID > last.ID {
				last = ev
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copy %s: read what an earlier run copied: %w", d.Name, err)
		}
		src, err := from.Event(ctx, last.ID)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil || !src.Time.Equal(last.Time) || src.Kind != last.Kind || src.Nick != last.Nick || src.Text != last.Text ||
			src.Network != d.Network || event.FoldChannel(src.Channel) != event.FoldChannel(d.Name) {
			return fmt.Errorf("copy %s: the destination's event %d, copied by an earlier run, is not in the source as it was copied "+
				"(another archive in the same place, or lines removed from it since): copy into an empty archive", d.Name, last.ID)
		}
	}
	return nil
}

// copyChannel copies one channel's events in the source's order (time,
// then id) and sets its public flag; it returns how many it wrote. The
// destination holds a prefix of that order from an interrupted run, up to
// within its last day: copying resumes at the start of that day and skips
// the ids stored there. To catch up a finished copy it reads the whole
// channel and skips every id stored.
func copyChannel(ctx context.Context, from, to Store, dst Copier, c Channel, size int, catchUp bool, progress func(int64)) (int64, error) {
	if c.Events == 0 {
		return 0, nil // nothing to copy, nothing a page shows
	}
	start := rangeStart
	var have []int64 // the ids stored from start on, sorted
	if d, err := to.FindChannel(ctx, c.Network, c.Name); err == nil && d.Events > 0 {
		if d.Events == c.Events {
			progress(c.Events)
			return 0, setPublic(ctx, to, c)
		}
		// An interrupted copy holds a prefix of the source's order, up to
		// within its last day; the source of a finished one may have
		// gained lines on any day (an import of older logs), so all of
		// the channel's ids are read.
		if !catchUp {
			start = d.Last.Time(to.Location())
		}
		err := to.Range(ctx, d.ID, start, rangeEnd, CountFields, func(ev event.Event) error {
			have = append(have, ev.ID)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("copy %s: read what an earlier run copied: %w", c.Name, err)
		}
		slices.Sort(have)
		progress(d.Events - int64(len(have)))
	} else if err != nil && !errors.Is(err, ErrNoChannel) {
		return 0, fmt.Errorf("copy %s: %w", c.Name, err)
	}
	// One batch is written while the next one is read; the writes stay in
	// order, one at a time, so the destination keeps holding a prefix.
	w := batchWriter{ctx: ctx, dst: dst, progress: progress}
	batch := make([]event.Event, 0, size)
	err := from.Range(ctx, c.ID, start, rangeEnd, AllFields, func(ev event.Event) error {
		if _, stored := slices.BinarySearch(have, ev.ID); stored {
			progress(1)
			return nil
		}
		batch = append(batch, ev)
		if len(batch) == size {
			var err error
			batch, err = w.write(batch)
			return err
		}
		return ctx.Err()
	})
	if err == nil {
		_, err = w.write(batch)
	}
	if werr := w.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return w.copied, fmt.Errorf("copy %s: %w", c.Name, err)
	}
	return w.copied, setPublic(ctx, to, c)
}

func setPublic(ctx context.Context, to Store, c Channel) error {
	if err := to.SetPublic(ctx, c.Network, c.Name, c.Public); err != nil {
		return fmt.Errorf("copy %s: %w", c.Name, err)
	}
	return nil
}

// readState reads what the source holds besides events.
func readState(ctx context.Context, from Store, src Copier) (CopyState, error) {
	var st CopyState
	var err error
	if st.Posts, err = from.LatestPosts(ctx, math.MaxInt32); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	slices.SortFunc(st.Posts, func(a, b Post) int { return cmp.Compare(a.ID, b.ID) })
	keys, err := from.OptOuts(ctx)
	if err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	for _, k := range keys {
		uh, _, err := from.OptOutEntry(ctx, k)
		if err != nil {
			return st, fmt.Errorf("copy: %w", err)
		}
		st.OptOuts = append(st.OptOuts, OptOutRecord{k, uh})
	}
	if st.Audit, err = from.Audit(ctx); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	slices.Reverse(st.Audit)
	if st.Meta, err = src.AppMeta(ctx); err != nil {
		return st, fmt.Errorf("copy: %w", err)
	}
	delete(st.Meta, copySourceKey) // the source's own copy, not this one
	delete(st.Meta, copyFinishedKey)
	return st, nil
}

// batchWriter writes batches of events in the background, one at a time,
// in the order given.
type batchWriter struct {
	ctx      context.Context
	dst      Copier
	progress func(int64)
	inflight chan error
	n        int64         // events of the batch in flight
	spare    []event.Event // the buffer of the last batch written
	copied   int64
}

// write waits for the batch in flight, starts writing evs, and returns an
// empty buffer for the next batch.
func (w *batchWriter) write(evs []event.Event) ([]event.Event, error) {
	if err := w.wait(); err != nil {
		return evs[:0], err
	}
	if len(evs) == 0 {
		return evs, nil
	}
	w.inflight, w.n = make(chan error, 1), int64(len(evs))
	go func() { w.inflight <- w.dst.CopyEvents(w.ctx, evs) }()
	next := w.spare[:0]
	w.spare = evs
	return next, nil
}

// wait waits for the batch in flight and counts it.
func (w *batchWriter) wait() error {
	if w.inflight == nil {
		return nil
	}
	err := <-w.inflight
	w.inflight = nil
	if err != nil {
		return err
	}
	w.copied += w.n
	w.progress(w.n)
	return nil
}
