package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"proceedings/archive/internal/days"
	"proceedings/archive/internal/groupcommit"
	"proceedings/event"
	"strings"
	"sync/atomic"
	"time"
)

// writer commits the live appends of a groupcommit.Queue: each batch in
// one transaction with one fsync, and the search index filled apart, when
// a Flush asks for it, when nothing else waits, or when committed lines
// have waited indexInterval.
type writer struct {
	*groupcommit.Queue
	db *DB

	failures atomic.Int64 // commits that failed and were retried

	// Owned by the loop: dirty says committed lines wait for the index.
	dirty     bool
	lastIndex time.Time
}

func startWriter(db *DB, size int) *writer {
	w := &writer{Queue: groupcommit.New(size), db: db, lastIndex: time.Now()}
	go w.Run(w)
	return w
}

// Append stores ev and returns once it is durably committed and
// searchable, with the id it was given. The bot's hot path is AppendAsync,
// which acknowledges at the durable commit, before the search index.
func (db *DB) Append(ctx context.Context, ev event.Event) (int64, error) {
	type result struct {
		id  int64
		err error
	}
	ch := make(chan result, 1)
	if err := db.AppendAsync(ev, func(id int64, err error) { ch <- result{id, err} }); err != nil {
		return 0, err
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return 0, r.err
		}
		return r.id, db.Flush(ctx)
	case <-ctx.Done():
		return 0, fmt.Errorf("append to the archive: %w (the event is still queued)", ctx.Err())
	}
}

// AppendAsync queues ev behind every event queued before it and returns at
// once. done, if not nil, is called from the writer goroutine after the
// event is durably committed (err nil) or refused (err says why); it must
// not block. Events are stored in the order they were queued.
func (db *DB) AppendAsync(ev event.Event, done func(id int64, err error)) error {
	if db.w == nil {
		return db.writable()
	}
	return db.w.Enqueue(ev, done)
}

// Flush waits until every event queued before it is committed and
// searchable.
func (db *DB) Flush(ctx context.Context) error {
	if db.w == nil {
		return nil
	}
	return db.w.Queue.Flush(ctx)
}

// QueueDepth is how many events wait to be written.
func (db *DB) QueueDepth() int {
	if db.w == nil {
		return 0
	}
	return db.w.Depth()
}

// Committed is how many events were written since Open.
func (db *DB) Committed() int64 {
	if db.w == nil {
		return 0
	}
	return db.w.Queue.Committed()
}

// indexInterval is the longest the writer lets committed lines wait for
// the search index while events keep arriving.
const indexInterval = 200 * time.Millisecond

// Commit writes a batch (groupcommit.Committer).
func (w *writer) Commit(batch []*groupcommit.Pending, closing bool) {
	if w.commitRetrying(batch, closing) {
		w.dirty = true
	}
}

// Settle indexes when asked to (Flush), when nothing else waits, or when
// the lines have waited long enough (groupcommit.Settler).
func (w *writer) Settle(flush bool) {
	if w.dirty && (flush || w.Depth() == 0 || time.Since(w.lastIndex) >= indexInterval) {
		w.dirty = !w.index()
		w.lastIndex = time.Now()
	}
}

// IdleAfter lets committed lines wait at most indexInterval for the index
// while no event comes.
func (w *writer) IdleAfter() time.Duration {
	if w.dirty {
		return indexInterval
	}
	return 0
}

// Idle indexes what waits.
func (w *writer) Idle() {
	w.dirty = !w.index()
	w.lastIndex = time.Now()
}

// Drained indexes what the last batches committed.
func (w *writer) Drained() { w.index() }

// index fills the search index with what was committed; it reports
// success. A failure is logged and retried on the next round.
func (w *writer) index() bool {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := w.db.index(ctx); err != nil {
		w.db.log.Error("indexing new lines for search failed; will retry", "err", err)
		return false
	}
	return true
}

// commitRetrying writes a batch, retrying with backoff while the disk
// refuses (full, locked, read-only). Events stay queued in order meanwhile;
// when closing it gives up after a few tries and reports the error. It
// reports whether events were committed. Flush markers are left to the
// caller.
func (w *writer) commitRetrying(batch []*groupcommit.Pending, closing bool) bool {
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		ids, n, err := w.commit(batch)
		if err == nil {
			for i, p := range batch {
				if !p.IsFlush() && p.Done != nil {
					p.Done(ids[i], nil)
				}
			}
			return n > 0
		}
		w.failures.Add(1)
		w.db.log.Error("writing to the archive failed; keeping the events and retrying", "events", len(batch), "attempt", attempt, "err", err)
		if (closing || w.Stopping()) && attempt >= 3 {
			for _, p := range batch {
				if !p.IsFlush() && p.Done != nil {
					p.Done(0, err)
				}
			}
			return false
		}
		time.Sleep(backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (w *writer) commit(batch []*groupcommit.Pending) ([]int64, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	evs := make([]event.Event, 0, len(batch))
	for _, p := range batch {
		if !p.IsFlush() {
			evs = append(evs, p.Event)
		}
	}
	ids := make([]int64, len(batch))
	if len(evs) == 0 {
		return ids, 0, nil
	}
	got, err := w.db.insert(ctx, evs, false)
	if err != nil {
		return nil, 0, err
	}
	j := 0
	for i, p := range batch {
		if !p.IsFlush() {
			ids[i] = got[j]
			j++
		}
	}
	w.Count(len(evs))
	return ids, len(evs), nil
}

// insert writes events in one transaction and returns their ids: new
// ones, or with keepIDs the ids the events carry (a copy of an archive).
func (db *DB) insert(ctx context.Context, evs []event.Event, keepIDs bool) ([]int64, error) {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	ids, newChans, err := db.insertTx(ctx, tx, evs, keepIDs)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	for _, c := range newChans {
		db.cacheChannel(c.network, c.name, c.id)
	}
	return ids, nil
}

type newChan struct {
	network, name string
	id            int64
}

// insertRows is how many events one INSERT statement carries: the driver's
// cost per statement (binding, a context watcher, a round through
// database/sql) is paid once per chunk instead of once per event.
const insertRows = 256

// insertSQL returns the INSERT statement for n events, with their ids
// when keepIDs.
func insertSQL(n int, keepIDs bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO events(")
	row := "(?,?,?,?,?,?,?,?,?,?,?)"
	if keepIDs {
		b.WriteString("id, ")
		row = "(?,?,?,?,?,?,?,?,?,?,?,?)"
	}
	b.WriteString("channel, ts, kind, nick, text, target, userhost, account, msgid, via, flags) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

var (
	fullInsertSQL = insertSQL(insertRows, false)
	fullCopySQL   = insertSQL(insertRows, true)
)

func (db *DB) insertTx(ctx context.Context, tx *sql.Tx, evs []event.Event, keepIDs bool) ([]int64, []newChan, error) {
	ids := make([]int64, len(evs))
	agg := days.NewCounter(db.loc)
	var created []newChan
	local := map[chanKey]int64{}
	chans := make([]int64, len(evs))
	for i, ev := range evs {
		k := chanKey{ev.Network, event.FoldChannel(ev.Channel)}
		ch, ok := local[k]
		if !ok {
			var err error
			if ch, err = db.channelID(ctx, tx, ev.Network, ev.Channel); err != nil {
				return nil, nil, err
			}
			local[k] = ch
			created = append(created, newChan{ev.Network, ev.Channel, ch})
		}
		chans[i] = ch
	}
	var full *sql.Stmt
	args := make([]any, 0, 12*insertRows)
	for start := 0; start < len(evs); start += insertRows {
		end := min(start+insertRows, len(evs))
		args = args[:0]
		for i := start; i < end; i++ {
			ev := &evs[i]
			if keepIDs {
				args = append(args, ev.ID)
			}
			flags := ev.Flags &^ flagColoured
			if strings.ContainsAny(ev.Text, "\x03\x04") {
				flags |= flagColoured
			}
			args = append(args, chans[i], ms(ev.Time), int64(ev.Kind), ev.Nick, ev.Text,
				nullable(ev.Target), nullable(ev.UserHost), nullable(ev.Account), nullable(ev.MsgID), nullable(ev.Via), int64(flags))
		}
		var res sql.Result
		var err error
		if end-start == insertRows {
			if full == nil {
				q := fullInsertSQL
				if keepIDs {
					q = fullCopySQL
				}
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return nil, nil, fmt.Errorf("prepare insert: %w", err)
				}
				defer full.Close()
			}
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, insertSQL(end-start, keepIDs), args...)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("insert %d events from %s: %w", end-start, evs[start].Kind, err)
		}
		// One statement's rows get consecutive ids: each new row's id is one
		// more than the largest in the table, and this transaction is the
		// only writer.
		var last int64
		if !keepIDs {
			if last, err = res.LastInsertId(); err != nil {
				return nil, nil, err
			}
		}
		for i := start; i < end; i++ {
			if ids[i] = last - int64(end-1-i); keepIDs {
				ids[i] = evs[i].ID
			}
			agg.Add(chans[i], evs[i].Time, evs[i].Kind, ids[i])
		}
	}
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if err := flushDays(ctx, tx, agg, rev); err != nil {
		return nil, nil, err
	}
	return ids, created, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// flagColoured, stored and never read back, marks text with colour codes
// (^C, ^D): the search index reads such text through plain_text (see
// migration 2). The top bit, out of the way of the flags event defines.
const flagColoured event.Flags = 1 << 31
