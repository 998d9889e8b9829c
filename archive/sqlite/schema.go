package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/event"
	"strings"
	"time"
)

// migrations are applied in order; PRAGMA user_version holds how many have
// been applied. Never edit a released migration: append a new one.
var migrations = []string{
	// 1: events, channels, per-day counts, full-text index, posts and series.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE channels (
	id      INTEGER PRIMARY KEY,
	network TEXT NOT NULL,
	name    TEXT NOT NULL,
	folded  TEXT NOT NULL,
	public  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (network, folded)
);

CREATE TABLE events (
	id       INTEGER PRIMARY KEY,
	channel  INTEGER NOT NULL REFERENCES channels(id),
	ts       INTEGER NOT NULL,
	kind     INTEGER NOT NULL,
	nick     TEXT NOT NULL,
	text     TEXT NOT NULL,
	target   TEXT,
	userhost TEXT,
	account  TEXT,
	msgid    TEXT,
	via      TEXT,
	flags    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_channel_ts ON events (channel, ts);
CREATE INDEX events_nick_ts ON events (nick COLLATE NOCASE, ts);

CREATE VIRTUAL TABLE events_fts USING fts5 (
	text,
	content = 'events',
	content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
	WHEN old.kind IN (1, 2, 3, 9) AND old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto') BEGIN
	INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE days (
	channel  INTEGER NOT NULL REFERENCES channels(id),
	day      TEXT NOT NULL,
	events   INTEGER NOT NULL,
	lines    INTEGER NOT NULL,
	first_id INTEGER NOT NULL,
	last_id  INTEGER NOT NULL,
	rev      INTEGER NOT NULL,
	PRIMARY KEY (channel, day)
) WITHOUT ROWID;

CREATE TABLE series (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL,
	folded TEXT NOT NULL UNIQUE
);

CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	guid       TEXT NOT NULL UNIQUE,
	link       TEXT NOT NULL,
	title      TEXT NOT NULL,
	published  INTEGER,
	first_seen INTEGER NOT NULL,
	feed       TEXT NOT NULL DEFAULT '',
	series     INTEGER REFERENCES series(id),
	part       INTEGER,
	part_of    INTEGER,
	subtitle   TEXT NOT NULL DEFAULT '',
	numeral    TEXT NOT NULL DEFAULT '',
	announced  INTEGER
);
CREATE UNIQUE INDEX posts_series_part ON posts (series, part) WHERE series IS NOT NULL;
CREATE INDEX posts_published ON posts (published);

CREATE TABLE optout (
	key TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY,
	ts     INTEGER NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL,
	count  INTEGER NOT NULL
);
`,
	// 2: the search index reads the text of lines with colour codes (^C,
	// ^D) without formatting codes, as readers see it: a word right after
	// a colour code ("\x0304red") was indexed with the code's digits
	// ("04red") and could not be found. Such lines carry flagColoured (the
	// top bit of flags, set when they are inserted and never shown), so
	// the index tests a bit, not the text; other codes are word separators
	// to the tokenizer already.
	`
UPDATE events SET flags = flags | 2147483648 WHERE instr(text, char(3)) OR instr(text, char(4));

DROP TRIGGER events_fts_delete;
DROP TABLE events_fts;

CREATE VIEW events_text AS
	SELECT id, kind, CASE WHEN flags & 2147483648 THEN plain_text(text) ELSE text END AS text
	FROM events;

CREATE VIRTUAL TABLE events_fts USING fts5 (
	text,
	content = 'events_text',
	content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
	WHEN old.kind IN (1, 2, 3, 9) AND old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto') BEGIN
	INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id,
		CASE WHEN old.flags & 2147483648 THEN plain_text(old.text) ELSE old.text END);
END;

INSERT INTO events_fts (rowid, text)
	SELECT id, text FROM events_text
	WHERE kind IN (1, 2, 3, 9) AND id <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'), 0);
`,
	// 3: a nick's opt-out keeps the user@host it was asked from, so that
	// only the same person (or an admin) can lift it; an account's opt-out,
	// and every opt-out made before, has ''.
	`
ALTER TABLE optout ADD COLUMN userhost TEXT NOT NULL DEFAULT '';
`,
}

// queryer is what both *sql.DB and *sql.Tx offer for reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SchemaVersion is the number of migrations this binary knows.
func SchemaVersion() int { return len(migrations) }

func (db *DB) migrate(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w (is this an SQLite file?)", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("%w: schema version %d, this binary knows up to %d; upgrade proceedings", archive.ErrNewerSchema, version, len(migrations))
	}
	if version == len(migrations) {
		return nil
	}
	if version > 0 {
		// An archive in use: a migration may rebuild the search index,
		// which takes minutes on years of logs.
		db.log.Info("migrating the archive schema; on a large archive this can take minutes", "from", version, "to", len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("apply migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	db.log.Info("archive schema migrated", "from", version, "to", len(migrations))
	return nil
}

func (db *DB) checkVersion(ctx context.Context) error {
	var version int
	if err := db.ro.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w (is this an SQLite file?)", err)
	}
	switch {
	case version > len(migrations):
		return fmt.Errorf("%w: schema version %d, this binary knows up to %d; upgrade proceedings", archive.ErrNewerSchema, version, len(migrations))
	case version < len(migrations):
		return fmt.Errorf("the archive has schema version %d and needs %d: open it once read-write (proceedings check or run) to migrate it", version, len(migrations))
	}
	return nil
}

// syncTimezone recounts the days table when the archive is opened with
// another timezone than the one the counts were made in.
func (db *DB) syncTimezone(ctx context.Context) error {
	var have string
	err := db.rw.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'timezone'").Scan(&have)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("read the archive's timezone: %w", err)
	}
	want := db.loc.String()
	if have == want {
		return nil
	}
	start := time.Now()
	if err := db.recountDays(ctx); err != nil {
		return err
	}
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES('timezone', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", want); err != nil {
		return fmt.Errorf("record the archive's timezone: %w", err)
	}
	if have != "" {
		db.log.Info("recounted days for a new timezone", "from", have, "to", want, "took", time.Since(start))
	}
	return nil
}

// recountDays rebuilds the days table from the events table.
func (db *DB) recountDays(ctx context.Context) error {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("recount days: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM days"); err != nil {
		return fmt.Errorf("recount days: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, channel, ts, kind FROM events ORDER BY id")
	if err != nil {
		return fmt.Errorf("recount days: %w", err)
	}
	agg := days.NewCounter(db.loc)
	for rows.Next() {
		var id, ch, ts int64
		var kind event.Kind
		if err := rows.Scan(&id, &ch, &ts, &kind); err != nil {
			rows.Close()
			return fmt.Errorf("recount days: %w", err)
		}
		agg.Add(ch, fromMS(ts), kind, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("recount days: %w", err)
	}
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return err
	}
	if err := flushDays(ctx, tx, agg, rev); err != nil {
		return err
	}
	return tx.Commit()
}

// nextRev bumps and returns the archive's change counter. Every day touched
// by a commit is stamped with it, so a renderer can ask what changed since
// the revision it last saw.
func nextRev(ctx context.Context, tx *sql.Tx) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, `INSERT INTO meta(key, value) VALUES('rev', '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)`).Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("bump the archive revision: %w", err)
	}
	return rev, nil
}

// flushDays adds the counts of agg to the days table, stamping each day
// with rev, and clears agg.
func flushDays(ctx context.Context, tx *sql.Tx, agg *days.Counter, rev int64) error {
	if len(agg.Days) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO days(channel, day, events, lines, first_id, last_id, rev) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(channel, day) DO UPDATE SET events = events + excluded.events, lines = lines + excluded.lines,
		first_id = min(first_id, excluded.first_id), last_id = max(last_id, excluded.last_id), rev = excluded.rev`)
	if err != nil {
		return fmt.Errorf("count days: %w", err)
	}
	defer stmt.Close()
	for k, c := range agg.Days {
		if _, err := stmt.ExecContext(ctx, k.Channel, k.Day, c.Events, c.Lines, c.FirstID, c.LastID, rev); err != nil {
			return fmt.Errorf("count day %s: %w", k.Day, err)
		}
	}
	clear(agg.Days)
	return nil
}

// loadChannels fills the channel-id cache.
func (db *DB) loadChannels(ctx context.Context) error {
	rows, err := db.ro.QueryContext(ctx, "SELECT id, network, folded FROM channels")
	if err != nil {
		return fmt.Errorf("read channels: %w", err)
	}
	defer rows.Close()
	db.mu.Lock()
	defer db.mu.Unlock()
	for rows.Next() {
		var id int64
		var k chanKey
		if err := rows.Scan(&id, &k.network, &k.folded); err != nil {
			return fmt.Errorf("read channels: %w", err)
		}
		db.channels[k] = id
	}
	return rows.Err()
}

// channelID returns the id of a channel, creating it inside tx when new.
func (db *DB) channelID(ctx context.Context, tx *sql.Tx, network, name string) (int64, error) {
	k := chanKey{network, event.FoldChannel(name)}
	db.mu.Lock()
	id, ok := db.channels[k]
	db.mu.Unlock()
	if ok {
		return id, nil
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO channels(network, name, folded) VALUES(?, ?, ?)
		ON CONFLICT(network, folded) DO UPDATE SET name = name RETURNING id`, network, name, k.folded).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add channel %s: %w", name, err)
	}
	// Cached only after the transaction commits: see writer.commit.
	return id, nil
}

func (db *DB) cacheChannel(network, name string, id int64) {
	db.mu.Lock()
	db.channels[chanKey{network, event.FoldChannel(name)}] = id
	db.mu.Unlock()
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
