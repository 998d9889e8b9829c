package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
	"proceedings/archive/internal/posts"
	"proceedings/event"
	"proceedings/internal/casemap"
)

// SavePost stores a post, or updates the one with the same GUID, or the
// same series part. It reports whether the post is new to the archive. Two
// processes saving the same new post at once (two bots reading one feed)
// take turns: one of them is told it is new.
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return archive.Post{}, false, fmt.Errorf("save post: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockNamespace, lockPosts); err != nil {
		return archive.Post{}, false, fmt.Errorf("save post: %w", err)
	}

	var seriesID *int64
	if p.Series != "" && p.Part > 0 {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO series(name, folded) VALUES($1, $2)
			ON CONFLICT (folded) DO UPDATE SET name = series.name RETURNING id`, notNull(p.Series), notNull(posts.FoldSeries(p.Series))).Scan(&id)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("save series %q: %w", p.Series, err)
		}
		seriesID = &id
	}
	// Which stored post is this one? Same GUID first, then same series part.
	var existing int64
	err = tx.QueryRow(ctx, "SELECT id FROM posts WHERE guid = $1 OR link = $2 ORDER BY guid = $1 DESC, id LIMIT 1",
		notNull(p.GUID), notNull(p.Link)).Scan(&existing)
	if errors.Is(err, pgx.ErrNoRows) && seriesID != nil {
		err = tx.QueryRow(ctx, "SELECT id FROM posts WHERE series = $1 AND part = $2", *seriesID, p.Part).Scan(&existing)
	}
	part, partOf := posts.Parts(p, seriesID != nil)
	isNew := false
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		isNew = true
		err = tx.QueryRow(ctx, `INSERT INTO posts(guid, link, title, published, first_seen, feed, series, part, part_of, subtitle, numeral, announced)
			VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			notNull(p.GUID), notNull(p.Link), notNull(p.Title), nullTime(p.Published), ms(p.FirstSeen), notNull(p.Feed), seriesID, part,
			partOf, notNull(p.Subtitle), notNull(p.Numeral), nullTime(p.Announced)).Scan(&p.ID)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("save post %q: %w", p.Title, err)
		}
	case err != nil:
		return archive.Post{}, false, fmt.Errorf("save post %q: %w", p.Title, err)
	default:
		// Known post: refresh what the feed says now, keep when it was first
		// seen and whether it was announced. A feed link wins over a
		// hand-declared one.
		_, err = tx.Exec(ctx, `UPDATE posts SET title = $1, link = CASE WHEN $2 OR feed = ''::bytea THEN $3 ELSE link END,
			published = coalesce($4, published), feed = CASE WHEN $2 THEN $5 ELSE feed END,
			series = coalesce($6, series), part = coalesce($7, part), part_of = coalesce($8, part_of),
			subtitle = CASE WHEN $9 THEN $10 ELSE subtitle END, numeral = CASE WHEN $11 THEN $12 ELSE numeral END
			WHERE id = $13`,
			notNull(p.Title), p.Feed != "", notNull(p.Link), nullTime(p.Published), notNull(p.Feed), seriesID, part,
			partOf, p.Subtitle != "", notNull(p.Subtitle), p.Numeral != "", notNull(p.Numeral), existing)
		if err != nil {
			return archive.Post{}, false, fmt.Errorf("update post %q: %w", p.Title, err)
		}
		p.ID = existing
	}
	if err := tx.Commit(ctx); err != nil {
		return archive.Post{}, false, fmt.Errorf("save post: %w", err)
	}
	stored, err := db.posts(ctx, "WHERE p.id = $1", p.ID)
	if err != nil {
		return archive.Post{}, false, err
	}
	if len(stored) == 0 {
		return archive.Post{}, false, fmt.Errorf("read post: %w", pgx.ErrNoRows)
	}
	return stored[0], isNew, nil
}

// MarkAnnounced records that a post was announced.
func (db *DB) MarkAnnounced(ctx context.Context, postID int64, at time.Time) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if _, err := db.pool.Exec(ctx, "UPDATE posts SET announced = $1 WHERE id = $2", ms(at), postID); err != nil {
		return fmt.Errorf("mark post %d announced: %w", postID, err)
	}
	return nil
}

const postColumns = `p.id, p.guid, p.link, p.title, coalesce(p.published, 0), p.first_seen, p.feed,
	coalesce(s.name, ''::bytea), coalesce(p.part, 0), coalesce(p.part_of, 0), p.subtitle, p.numeral, coalesce(p.announced, 0)`

func (db *DB) posts(ctx context.Context, tail string, args ...any) ([]archive.Post, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT "+postColumns+" FROM posts p LEFT JOIN series s ON s.id = p.series "+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	defer rows.Close()
	var out []archive.Post
	for rows.Next() {
		var p archive.Post
		var guid, link, title, feed, series, subtitle, numeral []byte
		var pub, seen, ann int64
		if err := rows.Scan(&p.ID, &guid, &link, &title, &pub, &seen, &feed, &series, &p.Part, &p.PartOf, &subtitle, &numeral, &ann); err != nil {
			return nil, fmt.Errorf("read posts: %w", err)
		}
		p.GUID, p.Link, p.Title, p.Feed, p.Series, p.Subtitle, p.Numeral = string(guid), string(link), string(title), string(feed), string(series), string(subtitle), string(numeral)
		out = append(out, posts.Read(p, pub, seen, ann))
	}
	return out, rows.Err()
}

// LatestPosts returns the n newest posts, newest first (by publication
// date, else by when they were first seen).
func (db *DB) LatestPosts(ctx context.Context, n int) ([]archive.Post, error) {
	return db.posts(ctx, "ORDER BY coalesce(p.published, p.first_seen) DESC, p.id DESC LIMIT $1", n)
}

// PostByGUID finds a stored post by GUID (or link).
func (db *DB) PostByGUID(ctx context.Context, guid string) (archive.Post, bool, error) {
	ps, err := db.posts(ctx, "WHERE p.guid = $1 OR p.link = $1 ORDER BY p.id LIMIT 1", notNull(guid))
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
	rows, err := db.pool.Query(ctx, `SELECT s.id, s.name, count(p.id) FROM series s JOIN posts p ON p.series = s.id
		GROUP BY s.id ORDER BY max(coalesce(p.published, p.first_seen)) DESC, s.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	var out []archive.SeriesInfo
	for rows.Next() {
		var info archive.SeriesInfo
		var name []byte
		if err := rows.Scan(&info.ID, &name, &info.Parts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list series: %w", err)
		}
		info.Name = string(name)
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
	return db.posts(ctx, "WHERE s.folded = $1 ORDER BY p.part", notNull(posts.FoldSeries(name)))
}

func nullTime(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := ms(t)
	return &v
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
	if _, err := db.pool.Exec(ctx, "DELETE FROM optout WHERE key = $1", notNull(strings.ToLower(key))); err != nil {
		return fmt.Errorf("update the opt-out list: %w", err)
	}
	return nil
}

// OptOutFrom adds a nick or account to the opt-out list with the user@host
// the request came from ("" for an account). A key already on the list
// keeps the user@host it was first added with.
func (db *DB) OptOutFrom(ctx context.Context, key, userHost string) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if _, err := db.pool.Exec(ctx, "INSERT INTO optout(key, userhost) VALUES($1, $2) ON CONFLICT DO NOTHING",
		notNull(strings.ToLower(key)), notNull(userHost)); err != nil {
		return fmt.Errorf("update the opt-out list: %w", err)
	}
	return nil
}

// OptOutEntry looks up a key of the opt-out list (case-insensitively): the
// user@host it was added from and whether it is on the list.
func (db *DB) OptOutEntry(ctx context.Context, key string) (userHost string, found bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var uh []byte
	err = db.pool.QueryRow(ctx, "SELECT userhost FROM optout WHERE key = $1", notNull(strings.ToLower(key))).Scan(&uh)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read the opt-out list: %w", err)
	}
	return string(uh), true, nil
}

// OptOuts returns the opt-out list (lower-cased nicks and accounts), in
// byte order.
func (db *DB) OptOuts(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT key FROM optout ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("read the opt-out list: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, string(k))
	}
	return out, rows.Err()
}

// LastSeriesLinked returns the series of the newest post whose link nick
// gave in a channel log (in any log when ref.Name is ""), reading at most
// the nick's newest posts.LinkWindow lines, as the SQLite engine does.
func (db *DB) LastSeriesLinked(ctx context.Context, ref event.ChannelRef, nick string) (series string, ok bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var ch int64 // 0: any channel
	if ref.Name != "" {
		id, known, err := db.knownChannel(ctx, ref.Network, ref.Name)
		if err != nil {
			return "", false, err
		}
		if !known {
			c, err := db.FindChannel(ctx, ref.Network, ref.Name)
			if errors.Is(err, archive.ErrNoChannel) {
				return "", false, nil
			}
			if err != nil {
				return "", false, err
			}
			id = c.ID
		}
		ch = id
	}
	// The links of the parts of series, longest first (a link that holds
	// another is the better match), as the SQLite engine's
	// ORDER BY length(p.link) DESC counts them: in characters.
	rows, err := db.pool.Query(ctx, `SELECT p.link, s.name FROM posts p JOIN series s ON s.id = p.series WHERE p.link <> ''::bytea ORDER BY p.id`)
	if err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	type link struct{ link, series string }
	var links []link
	for rows.Next() {
		var l, s []byte
		if err := rows.Scan(&l, &s); err != nil {
			rows.Close()
			return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
		}
		links = append(links, link{string(l), string(s)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	if len(links) == 0 {
		return "", false, nil
	}
	// The nick's lines newest first, read only until the first that links
	// a part of a series.
	rows, err = db.pool.Query(ctx, `SELECT channel, kind, text FROM events WHERE nick_lower = $1
		ORDER BY nick_lower DESC, ts DESC, id DESC LIMIT $2`, notNull(casemap.FoldASCII(nick)), posts.LinkWindow)
	if err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		var kind int16
		var text []byte
		if err := rows.Scan(&c, &kind, &text); err != nil {
			return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
		}
		if !posts.MayLink(ch, c, event.Kind(kind), string(text)) {
			continue
		}
		best, bestLen := "", -1
		for _, l := range links {
			if n := utf8.RuneCountInString(l.link); n > bestLen && strings.Contains(string(text), l.link) {
				best, bestLen = l.series, n
			}
		}
		if bestLen >= 0 {
			return best, true, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", false, fmt.Errorf("find the series %s linked last: %w", nick, err)
	}
	return "", false, nil
}
