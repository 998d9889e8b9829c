package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	msqlite "modernc.org/sqlite"

	"proceedings/internal/irctext"
)

// The full-text index is filled behind the durable commit, not inside it.
// An appended event is acknowledged as soon as it is on disk; the writer
// indexes what it committed when the queue is idle, or at least every
// indexInterval under load, in one statement for many rows, which costs a
// fraction of indexing row by row in every small commit. meta 'fts_upto'
// is the id up to which every searchable event is indexed; Open indexes
// whatever a crash left above it.

// The SQL function plain_text(text) is irctext.Strip: the index reads a line
// with colour codes through the view events_text (migration 2) without its
// formatting codes, as readers see it, because a colour code's digits would
// otherwise stick to the word after them and the word could not be found.
// FTS5 takes a deleted row out of the index only when given the very text
// it indexed, and the trigger events_fts_delete gives it plain_text of the
// stored text again: so plain_text must never change what it returns for a
// stored text, unless a migration rebuilds the index.
func init() {
	err := msqlite.RegisterDeterministicScalarFunction("plain_text", 1, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return irctext.Strip(v), nil
		case []byte:
			return irctext.Strip(string(v)), nil
		}
		return args[0], nil
	})
	if err != nil {
		panic("archive: register plain_text: " + err.Error())
	}
}

// indexPending adds to the search index every searchable event above
// fts_upto, inside tx.
func indexPending(ctx context.Context, tx *sql.Tx) error {
	var upto, top int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'), 0), coalesce((SELECT max(id) FROM events), 0)").Scan(&upto, &top); err != nil {
		return fmt.Errorf("index new lines: %w", err)
	}
	if top <= upto {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO events_fts(rowid, text) SELECT id, text FROM events_text WHERE id > ? AND id <= ? AND kind IN "+searchableKinds, upto, top); err != nil {
		return fmt.Errorf("index new lines: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES('fts_upto', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", top); err != nil {
		return fmt.Errorf("index new lines: %w", err)
	}
	return nil
}

// index runs indexPending in its own transaction.
func (db *DB) index(ctx context.Context) error {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index new lines: %w", err)
	}
	defer tx.Rollback()
	if err := indexPending(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
