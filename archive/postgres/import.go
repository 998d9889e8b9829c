package postgres

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"proceedings/archive"
	"proceedings/archive/internal/importer"
	"proceedings/event"
)

// NewImporter starts a bulk import: events already in the archive are
// skipped, as archive/internal/importer matches them for both engines.
// The new events of a batch go in with COPY, their search index with
// them, written by importWorkers connections at once, each part in a
// transaction of its own (the SQLite engine writes a batch in one).
//
// What is already stored is read per channel-day when the batch is
// written: an event another process (a live recorder) commits after that
// is not seen as a duplicate.
func (db *DB) NewImporter(opt archive.ImportOptions) (archive.Importer, error) {
	if err := db.writable(); err != nil {
		return nil, err
	}
	return &bulkImporter{Importer: importer.New(db.loc, opt, db.importBatch, db.lockImport), db: db}, nil
}

// vacuumAfter is how many events an import adds before its Flush vacuums
// and analyzes the events table.
const vacuumAfter = 100_000

// bulkImporter is the shared importer, and at its Flush, after a large
// import, a VACUUM (ANALYZE) of the events table: what PostgreSQL's
// manual advises after loading much data, and what autovacuum would
// otherwise start at once, while the site renders or people search. It
// marks the new rows visible to all (a count then skips the table),
// merges the search index's pending entries into it, and gives the
// planner the new words' frequencies. Measured on the bench corpus
// (1,000,000 events), common-word search right after an import: 22 ms
// p50 while autovacuum ran, 12 ms once vacuumed.
type bulkImporter struct {
	*importer.Importer
	db       *DB
	vacuumed int64 // Stats().Added at the last vacuum
}

func (im *bulkImporter) Flush(ctx context.Context) error {
	if err := im.Importer.Flush(ctx); err != nil {
		return err
	}
	added := im.Stats().Added
	if added-im.vacuumed < vacuumAfter {
		return nil
	}
	im.db.vacuumEvents(ctx)
	im.vacuumed = added
	return nil
}

// vacuumEvents runs VACUUM (ANALYZE) on the events table after a bulk load
// (an import, a copy; see bulkImporter), on a connection of its own, and
// logs how long it took. The events are committed by then, so a vacuum
// that fails or is interrupted, or that the server skips (it only warns
// when the role does not own the table), is logged as a warning saying
// so, not returned: autovacuum does the same work later.
func (db *DB) vacuumEvents(ctx context.Context) {
	start := time.Now()
	var skipped []string
	conn, err := db.connect(ctx, "proceedings vacuum", func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if cmp.Or(n.SeverityUnlocalized, n.Severity) == "WARNING" {
			skipped = append(skipped, n.Message)
		}
	})
	if err == nil {
		_, err = conn.Exec(ctx, "VACUUM (ANALYZE) events")
		conn.Close(context.Background())
	}
	const later = "the events are stored; autovacuum will do it later, or run VACUUM (ANALYZE) events as the table's owner"
	switch {
	case err != nil:
		db.log.Warn("the events table was not vacuumed after a bulk load: "+later, "err", err)
	case len(skipped) > 0:
		db.log.Warn("the server skipped the vacuum of the events table after a bulk load: "+later, "server", strings.Join(skipped, "; "))
	default:
		db.log.Info("vacuumed and analyzed the events table after a bulk load", "took", time.Since(start).Round(time.Millisecond))
	}
}

// importWorkers is how many connections write one batch's new events at
// once, each in a transaction of its own: PostgreSQL writes a table and
// its indexes on one core per connection, and the search index is most of
// an import's work.
const importWorkers = 2

// importWorkMem is the memory an import transaction gives PostgreSQL for
// merging the search index's pending entries into the index.
const importWorkMem = "64MB"

// importBatch matches one import batch against the archive and writes its
// fresh events (writeImport).
func (db *DB) importBatch(ctx context.Context, b *importer.Batch) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	chans, err := db.ensureChannels(ctx, b.Events)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	load := func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
		return db.loadStored(ctx, channel, from, to, add)
	}
	isNew, err := b.Match(chans, load)
	if err != nil {
		return err
	}
	fresh := make([]event.Event, 0, len(b.Events))
	freshChans := make([]int64, 0, len(b.Events))
	for i, ev := range b.Events {
		if isNew[i] {
			fresh = append(fresh, ev)
			freshChans = append(freshChans, chans[i])
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	return db.writeImport(ctx, b, fresh, freshChans)
}

// writeImport writes an import batch's fresh events, in channels chans,
// and counts them with b.Added as their transactions commit.
func (db *DB) writeImport(ctx context.Context, b *importer.Batch, fresh []event.Event, chans []int64) error {
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
			err := db.importPart(ctx, fresh[lo:hi], ids[lo:hi], chans[lo:hi])
			if err == nil {
				b.Added(hi - lo)
				db.w.merge.poke()
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
	if db.w.merge != nil {
		if _, err := tx.Exec(ctx, "SET LOCAL gin_pending_list_limit = '"+mergerPendingLimit+"'"); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	if err := db.insertTx(ctx, tx, evs, ids, chans); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("import: commit: %w", err)
	}
	return nil
}

// loadStored passes add the events stored in channel in [from, to), for
// matching an import against them.
func (db *DB) loadStored(ctx context.Context, channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
	rows, err := db.pool.Query(ctx, "SELECT ts, kind, nick, text FROM events WHERE channel = $1 AND ts >= $2 AND ts < $3",
		channel, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("import: read stored events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		raw := rows.RawValues()
		add(int64BE(raw[0]), event.Kind(int64BE(raw[1])), string(raw[2]), string(raw[3]))
	}
	return rows.Err()
}
