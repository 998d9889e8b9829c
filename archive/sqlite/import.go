package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"proceedings/archive"
	"proceedings/archive/internal/importer"
	"proceedings/event"
)

// NewImporter starts a bulk import: events already in the archive
// (recorded live, or imported before) are skipped, so importing the same
// file twice adds nothing. It writes each batch in one large transaction
// and fills the search index in bulk; an interrupted import leaves the
// archive consistent, and running it again completes it.
func (db *DB) NewImporter(opt archive.ImportOptions) (archive.Importer, error) {
	if err := db.writable(); err != nil {
		return nil, err
	}
	return importer.New(db.loc, opt, db.importBatch, db.lockImport), nil
}

// lockImport takes the archive's import lock (importer.LockFunc): an
// exclusive flock(2) of the file beside the archive named after it with
// "-import.lock" (SQLite's own locks are fcntl(2) byte ranges of the
// archive, which flock does not touch). Closing the file, or the end of
// the process, releases it; the file stays, empty.
func (db *DB) lockImport(ctx context.Context) (unlock func(), err error) {
	f, err := os.OpenFile(db.path+"-import.lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("take the import lock: %w", err)
	}
	fd := int(f.Fd())
	var start time.Time
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("take the import lock %s: %w", f.Name(), err)
		}
		if start.IsZero() {
			start = time.Now()
			db.log.Info("another import into this archive is running: waiting for it to finish", "archive", db.path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for another import into %s: %w", db.path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !start.IsZero() {
		db.log.Info("the other import finished", "waited", time.Since(start).Round(time.Millisecond))
	}
	return func() { f.Close() }, nil
}

// importBatch writes the fresh events of one import batch in one
// transaction, with their search index.
func (db *DB) importBatch(ctx context.Context, b *importer.Batch) error {
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import: begin: %w", err)
	}
	defer tx.Rollback()

	load := func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
		return loadStored(ctx, tx, channel, from, to, add)
	}
	ids := map[chanKey]int64{}
	chans := make([]int64, len(b.Events))
	for i, ev := range b.Events {
		ck := chanKey{ev.Network, event.FoldChannel(ev.Channel)}
		ch, ok := ids[ck]
		if !ok {
			if ch, err = db.channelID(ctx, tx, ev.Network, ev.Channel); err != nil {
				return err
			}
			ids[ck] = ch
		}
		chans[i] = ch
	}
	isNew, err := b.Match(chans, load)
	if err != nil {
		return err
	}
	fresh := make([]event.Event, 0, len(b.Events))
	for i, ev := range b.Events {
		if isNew[i] {
			fresh = append(fresh, ev)
		}
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
	b.Added(len(fresh))
	return nil
}

// loadStored passes add the events stored in channel in [from, to), for
// matching an import against them.
func loadStored(ctx context.Context, tx queryer, channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
	rows, err := tx.QueryContext(ctx, "SELECT ts, kind, nick, text FROM events WHERE channel = ? AND ts >= ? AND ts < ?",
		channel, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("import: read stored events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ts int64
		var kind event.Kind
		var nick, text string
		if err := rows.Scan(&ts, &kind, &nick, &text); err != nil {
			return fmt.Errorf("import: read stored events: %w", err)
		}
		add(ts, kind, nick, text)
	}
	return rows.Err()
}
