package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// merger merges the search index's pending entries into the index on a
// connection of its own (gin_clean_pending_list), woken by the commits of
// the live writer and of an import, at most once a mergeIdle. Without it
// the inserting connection does the merge itself whenever the pending list
// outgrows gin_pending_list_limit (4MB), and the append waits for it; with
// it the writer and the import raise that limit for themselves to 64MB and
// the merge — a third of the server's work for an event — runs on another
// core beside them, in batches a second long, which cost no more per event
// than the inserts' own (measured in docs/scaling.md; merging every 100 ms
// cost 40% more). Searches read the pending list whole, so it stays a
// second's worth. Only the index's owner may merge it: for any other role
// startMerger starts none and the inserts merge as before (were ownership
// lost while it runs, it stops at its next try and says so once).
type merger struct {
	db   *DB
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

// mergeIdle is how long the merger waits after each merge: the batches it
// merges are that long, and a trickle of appends makes one query a second
// at most.
const mergeIdle = time.Second

// mergerPendingLimit is the gin_pending_list_limit of the connections
// whose inserts the merger merges: far above a second's worth, so that
// they merge only when the merger cannot (a role that does not own the
// index) or falls far behind.
const mergerPendingLimit = "64MB"

// startMerger starts the merger when the role may merge the index (it owns
// it, or is a superuser), else returns nil: the inserts merge as before.
func startMerger(ctx context.Context, db *DB) *merger {
	var owner bool
	err := db.pool.QueryRow(ctx, "SELECT pg_has_role((SELECT relowner FROM pg_class WHERE oid = 'events_tsv'::regclass), 'USAGE')").Scan(&owner)
	switch {
	case err != nil:
		db.log.Debug("could not tell whether the role owns the search index; the appends merge it themselves", "err", err)
		return nil
	case !owner:
		db.log.Info("the appends merge the search index's pending entries themselves: only the index's owner may merge them beside the appends, which is faster")
		return nil
	}
	m := &merger{db: db, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m
}

// poke wakes the merger; it never blocks.
func (m *merger) poke() {
	if m == nil {
		return
	}
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *merger) close() {
	if m == nil {
		return
	}
	close(m.stop)
	<-m.done
}

func (m *merger) run() {
	defer close(m.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.stop:
			cancel()
		case <-m.done:
		}
	}()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for {
		select {
		case <-m.stop:
			return
		case <-m.wake:
		}
		if conn == nil {
			var err error
			if conn, err = m.db.connect(ctx, "proceedings index merger", nil); err != nil {
				if ctx.Err() != nil {
					return
				}
				m.db.log.Debug("the search index merger could not connect; the inserts merge", "err", err)
				continue
			}
		}
		var pages int64
		err := conn.QueryRow(ctx, "SELECT gin_clean_pending_list('events_tsv'::regclass)").Scan(&pages)
		if ctx.Err() != nil {
			return
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42501" { // not the owner
			m.db.log.Info("the appends merge the search index's pending entries themselves from now: only the index's owner may merge them beside the appends, which is faster", "err", err)
			<-m.stop
			return
		}
		if err != nil {
			m.db.log.Debug("the search index merge failed; the inserts merge", "err", err)
			conn.Close(context.Background())
			conn = nil
		}
		select {
		case <-m.stop:
			return
		case <-time.After(mergeIdle):
		}
	}
}
