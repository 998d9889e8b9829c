package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// wordRules names the rules the search index's words are cut and folded
// by (text.go): the revision of the code that reads text (readFTS5,
// foldTokens, searchText, the saturated tag: raise it when they change) and
// the tables read from SQLite.
// The archive's meta key "words" holds the rules its index was built by;
// an archive without it was built by the rules of Go's unicode package,
// before these.
const wordRules = "5 " + fts5TablesDigest

// rebuildBatch is how many events one transaction of a rebuild reads.
const rebuildBatch = 5000

// syncWordRules rebuilds the search index of the events whose words the
// rules the archive's index was built by may cut or fold otherwise than
// wordRules: those whose text has a byte past ASCII (ASCII is read the
// same by every revision), a NUL (read otherwise since revision 4) or is
// long enough to need saturatedTag. It runs when a writer opens the archive, under
// an advisory lock, so that a second process opening the archive at the
// same time waits and then finds nothing to do; each batch is a
// transaction of its own, so that writers are not held up, and a rebuild
// cut short is done again from the start at the next open.
func (db *DB) syncWordRules(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, $2)", lockNamespace, lockWords); err != nil {
		return fmt.Errorf("wait for the search index lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1, $2)", lockNamespace, lockWords)
	var have []byte
	err = conn.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'words'").Scan(&have)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read the search index's word rules: %w", err)
	}
	if string(have) == wordRules {
		return nil
	}
	var hasEvents bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM events)").Scan(&hasEvents); err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	if hasEvents {
		from := string(have)
		if from == "" {
			from = "1 (Go's unicode tables)"
		}
		db.log.Info("rebuilding the search index of lines with non-ASCII text or long lines for new word rules; on a large archive this can take minutes", "from", from, "to", wordRules)
		start := time.Now()
		read, rebuilt, err := db.rebuildWords(ctx, conn.Conn())
		if err != nil {
			return err
		}
		db.log.Info("search index rebuilt for new word rules", "events", read, "rebuilt", rebuilt, "took", time.Since(start).Round(time.Millisecond))
	}
	if _, err := conn.Exec(ctx, "INSERT INTO meta(key, value) VALUES('words', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", []byte(wordRules)); err != nil {
		return fmt.Errorf("record the search index's word rules: %w", err)
	}
	return nil
}

// checkWordRules is what a read-only handle does instead of
// syncWordRules: it warns when the index was built by other rules, as
// searches for words these rules read otherwise miss lines until a writer
// opens the archive.
func (db *DB) checkWordRules(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var have []byte
	err := db.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'words'").Scan(&have)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read the search index's word rules: %w", err)
	}
	if string(have) != wordRules {
		db.log.Warn("the search index was built by other word rules: searches may miss lines with non-ASCII text until a writer (proceedings run or import) opens the archive and rebuilds it",
			"index", string(have), "this binary", wordRules)
	}
	return nil
}

// rebuildWords writes the tsvector of every indexed event whose text has
// a byte past ASCII, a NUL (searchText) or minSaturated bytes or more again, in batches, and
// returns how many indexed events it read and how many it wrote.
func (db *DB) rebuildWords(ctx context.Context, conn *pgx.Conn) (read, rebuilt int, err error) {
	var sc tsScratch
	after := int64(-1 << 63)
	for {
		n := 0
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			ctx, cancel := context.WithTimeout(ctx, queryTimeout)
			defer cancel()
			rows, err := tx.Query(ctx, "SELECT id, text FROM events WHERE id > $1 AND tsv IS NOT NULL ORDER BY id LIMIT $2", after, rebuildBatch)
			if err != nil {
				return err
			}
			b := &pgx.Batch{}
			sat := false
			for rows.Next() {
				var id int64
				var text []byte
				if err := rows.Scan(&id, &text); err != nil {
					rows.Close()
					return err
				}
				n++
				after = id
				if isASCII(text) && len(text) < minSaturated && bytes.IndexByte(text, 0) < 0 {
					continue
				}
				// An event is never changed once written (a redacted one
				// is deleted): its tsvector is its text's.
				b.Queue("UPDATE events SET tsv = $2 WHERE id = $1", id, tsvector(sc.appendTSVector(nil, string(text), id)))
				sat = sat || sc.saturated
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if sat {
				if err := markSaturated(ctx, tx); err != nil {
					return err
				}
			}
			rebuilt += b.Len()
			return tx.SendBatch(ctx, b).Close()
		})
		if err != nil {
			return read, rebuilt, fmt.Errorf("rebuild the search index: %w", err)
		}
		read += n
		if n < rebuildBatch {
			return read, rebuilt, nil
		}
	}
}

// isASCII reports whether b holds only ASCII bytes.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
