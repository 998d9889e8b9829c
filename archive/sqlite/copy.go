package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"proceedings/archive"
	"proceedings/archive/internal/posts"
	"proceedings/event"
)

var _ archive.Copier = (*DB)(nil)

// CopyEvents stores events with the ids they carry, in one transaction,
// counting them in their days. The search index is left to CompleteCopy:
// ids arrive out of order (channel by channel), which the index's
// "everything up to fts_upto" bookkeeping cannot follow.
func (db *DB) CopyEvents(ctx context.Context, evs []event.Event) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	if _, err := db.insert(ctx, evs, true); err != nil {
		return fmt.Errorf("copy events: %w", err)
	}
	return nil
}

// AppMeta returns every key SetMeta stored, with its value.
func (db *DB) AppMeta(ctx context.Context) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, "SELECT substr(key, 5), value FROM meta WHERE key LIKE 'app.%'")
	if err != nil {
		return nil, fmt.Errorf("read meta: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read meta: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// CompleteCopy replaces the posts, series, opt-outs and audit log by st's,
// stores its meta, and rebuilds the search index over every event.
func (db *DB) CompleteCopy(ctx context.Context, st archive.CopyState) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("complete the copy: %w", err)
	}
	defer tx.Rollback()
	if err := copyPosts(ctx, tx, st.Posts); err != nil {
		return fmt.Errorf("complete the copy: %w", err)
	}
	type stmt struct {
		sql  string
		args []any
	}
	stmts := []stmt{{"DELETE FROM optout", nil}, {"DELETE FROM audit", nil}}
	for _, o := range st.OptOuts {
		stmts = append(stmts, stmt{"INSERT INTO optout(key, userhost) VALUES(?, ?)", []any{o.Key, o.UserHost}})
	}
	for _, a := range st.Audit {
		stmts = append(stmts, stmt{"INSERT INTO audit(ts, actor, action, detail, count) VALUES(?, ?, ?, ?, ?)",
			[]any{ms(a.Time), a.Actor, a.Action, a.Detail, a.Count}})
	}
	for _, k := range slices.Sorted(maps.Keys(st.Meta)) {
		stmts = append(stmts, stmt{"INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			[]any{"app." + k, st.Meta[k]}})
	}
	// The whole index at once, as an import builds it.
	stmts = append(stmts, stmt{"INSERT INTO events_fts(events_fts) VALUES('rebuild')", nil},
		stmt{"INSERT INTO meta(key, value) VALUES('fts_upto', (SELECT coalesce(max(id), 0) FROM events)) ON CONFLICT(key) DO UPDATE SET value = excluded.value", nil})
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("complete the copy: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("complete the copy: commit: %w", err)
	}
	return nil
}

// copyPosts replaces the posts and series by ps, keeping the posts' ids.
func copyPosts(ctx context.Context, tx *sql.Tx, ps []archive.Post) error {
	for _, q := range []string{"DELETE FROM posts", "DELETE FROM series"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	series := map[string]int64{}
	for _, p := range ps {
		var sid sql.NullInt64
		if p.Series != "" {
			id, ok := series[posts.FoldSeries(p.Series)]
			if !ok {
				if err := tx.QueryRowContext(ctx, "INSERT INTO series(name, folded) VALUES(?, ?) RETURNING id", p.Series, posts.FoldSeries(p.Series)).Scan(&id); err != nil {
					return fmt.Errorf("series %q: %w", p.Series, err)
				}
				series[posts.FoldSeries(p.Series)] = id
			}
			sid = sql.NullInt64{Int64: id, Valid: true}
		}
		part, partOf := posts.Parts(p, sid.Valid)
		_, err := tx.ExecContext(ctx, `INSERT INTO posts(id, guid, link, title, published, first_seen, feed, series, part, part_of, subtitle, numeral, announced)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.GUID, p.Link, p.Title, nullTime(p.Published), ms(p.FirstSeen), p.Feed, sid, part, partOf,
			p.Subtitle, p.Numeral, nullTime(p.Announced))
		if err != nil {
			return fmt.Errorf("post %q: %w", p.Title, err)
		}
	}
	return nil
}
