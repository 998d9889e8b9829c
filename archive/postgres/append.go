package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/archive/internal/groupcommit"
	"proceedings/event"
	"proceedings/internal/casemap"
)

// ErrClosed is archive.ErrClosed, which appends return after Close.
var ErrClosed = archive.ErrClosed

// writer commits the live appends of a groupcommit.Queue: each batch in
// one transaction (one COPY, one upsert of the days it touches, one
// commit) on the writer's own connection. A committed event is searchable:
// its tsvector is written with it.
type writer struct {
	*groupcommit.Queue
	db *DB

	failures atomic.Int64 // commits that failed and were retried

	conn  *pgx.Conn // the writer's own connection (see connection); nil: none open
	merge *merger   // merges the search index's pending entries beside the writer
}

func startWriter(db *DB, size int, merge *merger) *writer {
	w := &writer{Queue: groupcommit.New(size), db: db, merge: merge}
	go w.Run(w)
	return w
}

// Append stores ev and returns once it is durably committed and
// searchable, with the id it was given.
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
		return r.id, r.err
	case <-ctx.Done():
		return 0, fmt.Errorf("append to the archive: %w (the event is still queued)", ctx.Err())
	}
}

// AppendAsync queues ev behind every event queued before it and returns at
// once. done, if not nil, is called from the writer goroutine after the
// event is durably committed (err nil) or refused (err says why); it must
// not block. Events are stored in the order they were queued, with
// increasing ids. Past Options.QueueSize waiting events it returns
// archive.ErrQueueFull.
func (db *DB) AppendAsync(ev event.Event, done func(id int64, err error)) error {
	if db.w == nil {
		return db.writable()
	}
	return db.w.Enqueue(ev, done)
}

// Flush waits until every event queued before it is committed.
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

// Commit writes a batch (groupcommit.Committer).
func (w *writer) Commit(batch []*groupcommit.Pending, closing bool) {
	w.commitRetrying(batch, closing)
}

// Drained closes the writer's connection and stops its merger.
func (w *writer) Drained() {
	w.merge.close()
	if w.conn != nil {
		w.conn.Close(context.Background())
	}
}

// commitRetrying writes a batch, retrying with backoff while the server
// refuses (gone, restarting, out of disk). Events stay queued in order
// meanwhile; when closing it gives up after a few tries and reports the
// error. A retry after a commit whose outcome was lost (the connection
// broke during COMMIT) writes nothing twice: the batch keeps the ids it
// was given, and a retry first looks for them.
func (w *writer) commitRetrying(batch []*groupcommit.Pending, closing bool) {
	evs := make([]event.Event, 0, len(batch))
	for _, p := range batch {
		if !p.IsFlush() {
			evs = append(evs, p.Event)
		}
	}
	if len(evs) == 0 {
		return
	}
	var ids []int64
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		var err error
		ids, err = w.commit(evs, ids, attempt > 1)
		if err == nil {
			w.Count(len(evs))
			w.merge.poke()
			j := 0
			for _, p := range batch {
				if !p.IsFlush() {
					if p.Done != nil {
						p.Done(ids[j], nil)
					}
					j++
				}
			}
			return
		}
		w.failures.Add(1)
		if refused(err) {
			// The server will never take one of these events: write them
			// one at a time, and refuse only the one it will not take, so
			// that it does not hold up every event behind it.
			if len(evs) == 1 {
				w.db.log.Error("the archive refused an event", "channel", evs[0].Channel, "kind", evs[0].Kind, "err", err)
				for _, p := range batch {
					if !p.IsFlush() && p.Done != nil {
						p.Done(0, fmt.Errorf("append to the archive: %w", err))
					}
				}
				return
			}
			for _, p := range batch {
				if !p.IsFlush() {
					w.commitRetrying([]*groupcommit.Pending{p}, closing)
				}
			}
			return
		}
		w.db.log.Error("writing to the archive failed; keeping the events and retrying", "events", len(evs), "attempt", attempt, "err", err)
		if (closing || w.Stopping()) && attempt >= 3 {
			for _, p := range batch {
				if !p.IsFlush() && p.Done != nil {
					p.Done(0, err)
				}
			}
			return
		}
		time.Sleep(backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

// commit writes evs in one transaction with the given ids, taking ids
// first when it has none; it returns the ids. retry says that an earlier
// attempt with these ids may have committed.
func (w *writer) commit(evs []event.Event, ids []int64, retry bool) (_ []int64, err error) {
	db := w.db
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	conn, err := w.connection(ctx)
	if err != nil {
		return ids, err
	}
	defer func() {
		if err != nil { // the connection's state is unknown: start afresh
			w.conn = nil
			conn.Close(context.Background())
		}
	}()
	if ids == nil {
		if ids, err = db.takeIDs(ctx, conn, len(evs)); err != nil {
			return nil, err
		}
	} else if retry {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM events WHERE id = ANY($1)", ids).Scan(&n); err != nil {
			return ids, fmt.Errorf("look for a batch that may have been committed: %w", err)
		}
		switch n {
		case len(ids):
			return ids, nil // the earlier attempt committed
		case 0:
		default:
			return ids, fmt.Errorf("%d of a batch of %d events are stored: the archive is inconsistent", n, len(ids))
		}
	}
	chans, err := db.ensureChannels(ctx, evs)
	if err != nil {
		return ids, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return ids, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := db.insertTx(ctx, tx, evs, ids, chans); err != nil {
		return ids, err
	}
	if err := tx.Commit(ctx); err != nil {
		return ids, fmt.Errorf("commit: %w", err)
	}
	return ids, nil
}

// writerWorkMem is the memory the writer's connection gives PostgreSQL for
// merging the search index's pending entries into the index, which an
// insert does now and then: a tenth less work than with the default 4MB.
const writerWorkMem = "64MB"

// connection returns the writer's own connection, opening it when there
// is none: one connection, so that batches commit in order, with the
// memory its merges want.
func (w *writer) connection(ctx context.Context) (*pgx.Conn, error) {
	if w.conn != nil {
		return w.conn, nil
	}
	conf := w.db.conf.ConnConfig.Copy()
	conf.RuntimeParams["application_name"] = "proceedings writer"
	conf.RuntimeParams["work_mem"] = writerWorkMem
	if w.merge != nil {
		conf.RuntimeParams["gin_pending_list_limit"] = mergerPendingLimit // the merger merges
	}
	conn, err := pgx.ConnectConfig(ctx, conf)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	registerTypes(conn.TypeMap())
	w.conn = conn
	return conn, nil
}

// refused reports an error that says the server will not take the data,
// however often it is asked: a data exception (class 22), a constraint the
// data breaks (class 23, but for a taken id, which a retry explains), a
// value past a limit (54000), or a tsvector it will not read.
func refused(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch {
	case strings.HasPrefix(pgErr.Code, "22"), pgErr.Code == "54000":
		return true
	case strings.HasPrefix(pgErr.Code, "23"):
		return pgErr.Code != "23505"
	}
	return pgErr.Code == "XX000" && strings.Contains(pgErr.Message, "tsvector")
}

// takeIDs takes n event ids from the sequence, in increasing order.
func (db *DB) takeIDs(ctx context.Context, q querier, n int) ([]int64, error) {
	rows, err := q.Query(ctx, "SELECT nextval('events_id_seq') FROM generate_series(1, $1)", n)
	if err != nil {
		return nil, fmt.Errorf("take event ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("take event ids: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("take event ids: got %d of %d", len(ids), n)
	}
	slices.Sort(ids)
	return ids, nil
}

// eventColumns are the columns a COPY of events fills, in eventRows'
// order.
var eventColumns = []string{"id", "channel", "ts", "flags", "kind", "nick", "nick_lower", "text", "target", "userhost", "account", "msgid", "via", "tsv"}

// flagStorage is the top bit of the flags, the SQLite engine's own (see
// event.Flags): never stored here, never read back.
const flagStorage event.Flags = 1 << 31

// searchable reports the kinds in the search index: what people say, and
// topics (the SQLite engine's searchableKinds).
func searchable(k event.Kind) bool { return k.IsSpeech() || k == event.KindTopic }

// eventRows feeds events to COPY.
type eventRows struct {
	evs   []event.Event
	ids   []int64
	chans []int64
	i     int
	vals  []any
	sc    tsScratch
	tsv   []byte // the current row's tsvector (COPY encodes a row before asking for the next)
	sat   bool   // a row's tsvector carries saturatedTag or truncatedTag
}

func (r *eventRows) Next() bool {
	r.i++
	return r.i <= len(r.evs)
}

func (r *eventRows) Values() ([]any, error) {
	i := r.i - 1
	ev := &r.evs[i]
	var tsv tsvector
	if searchable(ev.Kind) {
		r.tsv = r.sc.appendTSVector(r.tsv[:0], ev.Text, r.ids[i])
		tsv = r.tsv
		r.sat = r.sat || r.sc.saturated
	}
	r.vals = append(r.vals[:0], r.ids[i], r.chans[i], ms(ev.Time), int64(ev.Flags&^flagStorage), int16(ev.Kind),
		notNull(ev.Nick), notNull(casemap.FoldASCII(ev.Nick)), notNull(ev.Text),
		nullable(ev.Target), nullable(ev.UserHost), nullable(ev.Account), nullable(ev.MsgID), nullable(ev.Via), tsv)
	return r.vals, nil
}

func (r *eventRows) Err() error { return nil }

// insertTx writes events with the given ids into channels chans, and
// counts them in their days, inside tx. The caller commits at once (the
// revision lock is held from the count to the commit).
func (db *DB) insertTx(ctx context.Context, tx pgx.Tx, evs []event.Event, ids, chans []int64) error {
	rows := &eventRows{evs: evs, ids: ids, chans: chans}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventColumns, rows)
	if err != nil {
		return fmt.Errorf("insert %d events: %w", len(evs), err)
	}
	if int(n) != len(evs) {
		return fmt.Errorf("insert %d events: %d written", len(evs), n)
	}
	if rows.sat {
		if err := markSaturated(ctx, tx); err != nil {
			return err
		}
	}
	agg := days.NewCounter(db.loc)
	for i := range evs {
		agg.Add(chans[i], evs[i].Time, evs[i].Kind, ids[i])
	}
	_, err = db.bumpRevision(ctx, tx, agg)
	return err
}

// markSaturated records, inside tx, that the archive holds events marked
// saturatedTag or truncatedTag (meta saturatedKey: search reads them only
// then).
func markSaturated(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "INSERT INTO meta(key, value) VALUES($1, '') ON CONFLICT (key) DO NOTHING", []byte(saturatedKey)); err != nil {
		return fmt.Errorf("record the saturated tag: %w", err)
	}
	return nil
}
