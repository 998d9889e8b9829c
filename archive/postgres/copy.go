package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"proceedings/archive"
	"proceedings/archive/internal/posts"
	"proceedings/event"
)

var _ archive.Copier = (*DB)(nil)

// CopyEvents stores events with the ids they carry, in one transaction
// (COPY, as an import writes), counting them in their days. The id
// sequence is moved past them by CompleteCopy.
func (db *DB) CopyEvents(ctx context.Context, evs []event.Event) error {
	if err := db.writable(); err != nil {
		return err
	}
	chans, err := db.ensureChannels(ctx, evs)
	if err != nil {
		return fmt.Errorf("copy events: %w", err)
	}
	ids := make([]int64, len(evs))
	for i := range evs {
		ids[i] = evs[i].ID
	}
	// importPart writes given ids into given channels in one transaction.
	return db.importPart(ctx, evs, ids, chans)
}

// AppMeta returns every key SetMeta stored, with its value.
func (db *DB) AppMeta(ctx context.Context) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT substring(key FROM 5), value FROM meta WHERE substring(key FOR 4) = 'app.'::bytea")
	if err != nil {
		return nil, fmt.Errorf("read meta: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read meta: %w", err)
		}
		out[string(k)] = string(v)
	}
	return out, rows.Err()
}

// CompleteCopy replaces the posts, series, opt-outs and audit log by st's,
// stores its meta, and moves the id sequences past the ids copied; then,
// the events being a bulk load, it vacuums and analyzes their table as an
// import does (bulkImporter).
func (db *DB) CompleteCopy(ctx context.Context, st archive.CopyState) error {
	if err := db.completeCopy(ctx, st); err != nil {
		return err
	}
	db.vacuumEvents(ctx)
	return nil
}

func (db *DB) completeCopy(ctx context.Context, st archive.CopyState) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("complete the copy: %w", err)
	}
	defer tx.Rollback(context.Background())
	type stmt struct {
		sql  string
		args []any
	}
	stmts := []stmt{{"DELETE FROM posts", nil}, {"DELETE FROM series", nil}, {"DELETE FROM optout", nil}, {"DELETE FROM audit", nil}}
	// Series get ids in the order of their first post, as SavePost gives them.
	series := map[string]bool{}
	for _, p := range st.Posts {
		var sid []byte // nil: no series
		if p.Series != "" {
			folded := posts.FoldSeries(p.Series)
			if !series[folded] {
				series[folded] = true
				stmts = append(stmts, stmt{"INSERT INTO series(name, folded) VALUES($1, $2)", []any{notNull(p.Series), notNull(folded)}})
			}
			sid = []byte(folded)
		}
		part, partOf := posts.Parts(p, sid != nil)
		stmts = append(stmts, stmt{`INSERT INTO posts(id, guid, link, title, published, first_seen, feed, series, part, part_of, subtitle, numeral, announced)
			VALUES($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM series WHERE folded = $8::bytea), $9, $10, $11, $12, $13)`,
			[]any{p.ID, notNull(p.GUID), notNull(p.Link), notNull(p.Title), nullTime(p.Published), ms(p.FirstSeen), notNull(p.Feed),
				sid, part, partOf, notNull(p.Subtitle), notNull(p.Numeral), nullTime(p.Announced)}})
	}
	for _, o := range st.OptOuts {
		stmts = append(stmts, stmt{"INSERT INTO optout(key, userhost) VALUES($1, $2)", []any{notNull(o.Key), notNull(o.UserHost)}})
	}
	for _, a := range st.Audit {
		stmts = append(stmts, stmt{"INSERT INTO audit(ts, actor, action, detail, count) VALUES($1, $2, $3, $4, $5)",
			[]any{ms(a.Time), notNull(a.Actor), notNull(a.Action), notNull(a.Detail), a.Count}})
	}
	for _, k := range slices.Sorted(maps.Keys(st.Meta)) {
		stmts = append(stmts, stmt{"INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
			[]any{[]byte("app." + k), notNull(st.Meta[k])}})
	}
	// The next id each table hands out comes after the copied ones.
	for _, t := range []string{"events", "posts", "series", "audit"} {
		stmts = append(stmts, stmt{"SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + t, nil})
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("complete the copy: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("complete the copy: commit: %w", err)
	}
	return nil
}
