package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"proceedings/archive"
	"proceedings/archive/internal/posts"
	"proceedings/event"
	"strings"
	"time"
)

// SavePost stores a post, or updates the one with the same GUID, or the
// same series part (a part seen in the feed and in the configuration is one
// part). It reports whether the post is new to the archive; a changed title
// of a known GUID is not new.
func (db *DB) SavePost(ctx context.Context, p archive.Post) (archive.Post, bool, error) {
	if err := db.writable(); err != nil {
		return archive.Post{}, false, err
	}
	p, err := p.ToSave(time.Now())
	if err != nil {
		return archive.Post{}, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return archive.Post{}, false, fmt.Errorf("save post: %w", err)
	}
	defer tx.Rollback()

	var seriesID sql.NullInt64
	if p.Series != "" && p.Part > 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO series(name, folded) VALUES(?, ?)
			ON CONFLICT(folded) DO UPDATE SET name = name RETURNING id`, p.Series, posts.FoldSeries(p.Series)).Scan(&id)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("save series %q: %w", p.Series, err)
		}
		seriesID = sql.NullInt64{Int64: id, Valid: true}
	}
	// Which stored post is this one? Same GUID first, then same series part.
	var existing int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM posts WHERE guid = ? OR link = ? ORDER BY guid = ? DESC LIMIT 1", p.GUID, p.Link, p.GUID).Scan(&existing)
	if errors.Is(err, sql.ErrNoRows) && seriesID.Valid {
		err = tx.QueryRowContext(ctx, "SELECT id FROM posts WHERE series = ? AND part = ?", seriesID, p.Part).Scan(&existing)
	}
	part, partOf := posts.Parts(p, seriesID.Valid)
	isNew := false
	switch {
	case errors.Is(err, sql.ErrNoRows):
		isNew = true
		err = tx.QueryRowContext(ctx, `INSERT INTO posts(guid, link, title, published, first_seen, feed, series, part, part_of, subtitle, numeral, announced)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.GUID, p.Link, p.Title, nullTime(p.Published), ms(p.FirstSeen), p.Feed, seriesID, part, partOf,
			p.Subtitle, p.Numeral, nullTime(p.Announced)).Scan(&p.ID)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("save post %q: %w", p.Title, err)
		}
	case err != nil:
		return archive.Post{}, false, fmt.Errorf("save post %q: %w", p.Title, err)
	default:
		// Known post: refresh what the feed says now, keep when it was first
		// seen and whether it was announced. A feed link wins over a
		// hand-declared one.
		_, err = tx.ExecContext(ctx, `UPDATE posts SET title = ?, link = CASE WHEN ? != '' OR feed = '' THEN ? ELSE link END,
			published = coalesce(?, published), feed = CASE WHEN ? != '' THEN ? ELSE feed END,
			series = coalesce(?, series), part = coalesce(?, part), part_of = coalesce(?, part_of),
			subtitle = CASE WHEN ? != '' THEN ? ELSE subtitle END, numeral = CASE WHEN ? != '' THEN ? ELSE numeral END
			WHERE id = ?`,
			p.Title, p.Feed, p.Link, nullTime(p.Published), p.Feed, p.Feed, seriesID, part, partOf,
			p.Subtitle, p.Subtitle, p.Numeral, p.Numeral, existing)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("update post %q: %w", p.Title, err)
		}
		p.ID = existing
	}
	if err := tx.Commit(); err != nil {
		return archive.Post{}, false, fmt.Errorf("save post: %w", err)
	}
	stored, err := db.post(ctx, "p.id = ?", p.ID)
	return stored, isNew, err
}

// MarkAnnounced records that a post was announced.
func (db *DB) MarkAnnounced(ctx context.Context, postID int64, at time.Time) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if _, err := db.rw.ExecContext(ctx, "UPDATE posts SET announced = ? WHERE id = ?", ms(at), postID); err != nil {
		return fmt.Errorf("mark post %d announced: %w", postID, err)
	}
	return nil
}

const postColumns = `p.id, p.guid, p.link, p.title, coalesce(p.published, 0), p.first_seen, p.feed,
	coalesce(s.name, ''), coalesce(p.part, 0), coalesce(p.part_of, 0), p.subtitle, p.numeral, coalesce(p.announced, 0)`

func scanPost(s interface{ Scan(...any) error }) (archive.Post, error) {
	var p archive.Post
	var pub, seen, ann int64
	if err := s.Scan(&p.ID, &p.GUID, &p.Link, &p.Title, &pub, &seen, &p.Feed, &p.Series, &p.Part, &p.PartOf, &p.Subtitle, &p.Numeral, &ann); err != nil {
		return archive.Post{}, err
	}
	return posts.Read(p, pub, seen, ann), nil
}

func (db *DB) post(ctx context.Context, where string, args ...any) (archive.Post, error) {
	p, err := scanPost(db.ro.QueryRowContext(ctx, "SELECT "+postColumns+" FROM posts p LEFT JOIN series s ON s.id = p.series WHERE "+where, args...))
	if err != nil {
		return archive.Post{}, fmt.Errorf("read post: %w", err)
	}
	return p, nil
}

func (db *DB) posts(ctx context.Context, tail string, args ...any) ([]archive.Post, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, "SELECT "+postColumns+" FROM posts p LEFT JOIN series s ON s.id = p.series "+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	defer rows.Close()
	var out []archive.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("read posts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LatestPosts returns the n newest posts, newest first (by publication
// date, else by when they were first seen).
func (db *DB) LatestPosts(ctx context.Context, n int) ([]archive.Post, error) {
	return db.posts(ctx, "ORDER BY coalesce(p.published, p.first_seen) DESC, p.id DESC LIMIT ?", n)
}

// PostByGUID finds a stored post by GUID (or link).
func (db *DB) PostByGUID(ctx context.Context, guid string) (archive.Post, bool, error) {
	ps, err := db.posts(ctx, "WHERE p.guid = ? OR p.link = ? LIMIT 1", guid, guid)
	if err != nil || len(ps) == 0 {
		return archive.Post{}, false, err
	}
	return ps[0], true, nil
}

// newestPartsSQL follows "FROM posts p LEFT JOIN series s ON s.id =
// p.series" to keep the newest part (the highest number) of every series.
const newestPartsSQL = "JOIN (SELECT series, max(part) AS part FROM posts WHERE series IS NOT NULL GROUP BY series) newest " +
	"ON newest.series = p.series AND newest.part = p.part"

// Series lists every known series with its part count and newest part,
// the most recently published first.
func (db *DB) Series(ctx context.Context) ([]archive.SeriesInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, `SELECT s.id, s.name, count(p.id) FROM series s JOIN posts p ON p.series = s.id
		GROUP BY s.id ORDER BY max(coalesce(p.published, p.first_seen)) DESC, s.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	var out []archive.SeriesInfo
	for rows.Next() {
		var info archive.SeriesInfo
		if err := rows.Scan(&info.ID, &info.Name, &info.Parts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list series: %w", err)
		}
		out = append(out, info)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	newest, err := db.posts(ctx, newestPartsSQL)
	if err != nil {
		return nil, err
	}
	if err := posts.SetNewest(out, newest); err != nil {
		return nil, err
	}
	return out, nil
}

// SeriesParts returns the parts of a series (by name, case-insensitive) in
// order.
func (db *DB) SeriesParts(ctx context.Context, name string) ([]archive.Post, error) {
	return db.posts(ctx, "WHERE s.folded = ? ORDER BY p.part", posts.FoldSeries(name))
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// OptOut adds (true) or removes (false) a nick or account from the list of
// people whose lines are not recorded. Keys are compared case-insensitively.
// A key added here has no user@host: use OptOutFrom for a nick.
func (db *DB) OptOut(ctx context.Context, key string, out bool) error {
	if out {
		return db.OptOutFrom(ctx, key, "")
	}
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if _, err := db.rw.ExecContext(ctx, "DELETE FROM optout WHERE key = ?", strings.ToLower(key)); err != nil {
		return fmt.Errorf("update the opt-out list: %w", err)
	}
	return nil
}

// OptOutFrom adds a nick or account to the opt-out list with the user@host
// the request came from: that of a nick (so that only the same nick from
// the same user@host can lift it), "" for an account. A key already on the
// list keeps the user@host it was first added with, so that someone who
// takes the nick later cannot make the opt-out theirs by opting out again.
func (db *DB) OptOutFrom(ctx context.Context, key, userHost string) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO optout(key, userhost) VALUES(?, ?) ON CONFLICT DO NOTHING",
		strings.ToLower(key), userHost); err != nil {
		return fmt.Errorf("update the opt-out list: %w", err)
	}
	return nil
}

// OptOutEntry looks up a key of the opt-out list (case-insensitively): the
// user@host it was added from ("" for an account, and for opt-outs made
// before user@hosts were kept) and whether it is on the list.
func (db *DB) OptOutEntry(ctx context.Context, key string) (userHost string, found bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	err = db.ro.QueryRowContext(ctx, "SELECT userhost FROM optout WHERE key = ?", strings.ToLower(key)).Scan(&userHost)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read the opt-out list: %w", err)
	}
	return userHost, true, nil
}

// OptOuts returns the opt-out list (lower-cased nicks and accounts).
func (db *DB) OptOuts(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, "SELECT key FROM optout ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("read the opt-out list: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// LastSeriesLinked returns the series of the newest post whose link nick
// gave in a channel log (in any log when ref.Name is ""): for the bot's
// nick, the series it announced (or answered about) last there, whether
// recorded live or imported from old logs, so that every process and a
// restarted bot agree on it. It reads at most the nick's newest
// posts.LinkWindow lines; ok is false when none of them links a part of a
// series.
func (db *DB) LastSeriesLinked(ctx context.Context, ref event.ChannelRef, nick string) (series string, ok bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var ch int64 // 0: any channel
	db.mu.Lock()
	ch, known := db.channels[chanKey{ref.Network, event.FoldChannel(ref.Name)}]
	db.mu.Unlock()
	if !known && ref.Name != "" {
		c, err := db.FindChannel(ctx, ref.Network, ref.Name)
		if errors.Is(err, archive.ErrNoChannel) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		ch = c.ID
	}
	// The nick's lines newest first, straight from its index, read only
	// until the first that links a part of a series (usually the first
	// line of the nick with a link in that log).
	rows, err := db.ro.QueryContext(ctx, `SELECT channel, kind, text FROM events INDEXED BY events_nick_ts
		WHERE nick = ? COLLATE NOCASE ORDER BY nick COLLATE NOCASE DESC, ts DESC LIMIT ?`, nick, posts.LinkWindow)
	if err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		var kind event.Kind
		var text string
		if err := rows.Scan(&c, &kind, &text); err != nil {
			return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
		}
		if !posts.MayLink(ch, c, kind, text) {
			continue
		}
		err := db.ro.QueryRowContext(ctx, `SELECT s.name FROM posts p JOIN series s ON s.id = p.series
			WHERE p.link <> '' AND instr(?, p.link) > 0 ORDER BY length(p.link) DESC LIMIT 1`, text).Scan(&series)
		switch {
		case err == nil:
			return series, true, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
		}
	}
	if err := rows.Err(); err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	return "", false, nil
}
