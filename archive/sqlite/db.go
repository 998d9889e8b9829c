package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"proceedings/archive"
	"proceedings/archive/internal/channels"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// queryTimeout bounds every single query so a wedged disk or a runaway
// search cannot hang a caller forever.
const queryTimeout = 30 * time.Second

// bulkTimeout bounds one transaction over many rows: a migration, a batch
// of an import, a redaction.
const bulkTimeout = 10 * time.Minute

// DB is an open archive. It is safe for concurrent use.
type DB struct {
	path string
	loc  *time.Location
	log  *slog.Logger
	rw   *sql.DB // one connection: every write goes through it
	ro   *sql.DB // a pool of read-only connections
	// readers are the read-only connections that read ranges of events
	// (scan.go).
	readers *scanners

	mu       sync.Mutex
	channels map[chanKey]int64 // network + folded name → channel id
	view     channels.View     // the channels this handle treats as public (SetPublicView)

	w *writer // nil when read-only
}

type chanKey struct{ network, folded string }

// Open opens (creating when needed) the archive at path, applies pending
// migrations and starts the group-commit writer.
func Open(ctx context.Context, path string, opt archive.Options) (*DB, error) {
	opt = opt.WithDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if opt.ReadOnly {
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("open archive %s: %w (has the bot or an import created it yet?)", path, err)
		}
	} else if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("open archive %s: create its directory: %w", path, err)
	}
	db := &DB{path: abs, loc: opt.Location, log: opt.Logger.With("component", "archive"), channels: map[chanKey]int64{},
		readers: newScanners(abs)}

	if !opt.ReadOnly {
		db.rw, err = sql.Open("sqlite", dsn(abs, false))
		if err != nil {
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
		db.rw.SetMaxOpenConns(1)
		db.rw.SetConnMaxIdleTime(0)
		db.rw.SetConnMaxLifetime(0)
		if err := db.migrate(ctx); err != nil {
			db.rw.Close()
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
	}
	db.ro, err = sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		db.closeHandles()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	db.ro.SetMaxOpenConns(8)
	if opt.ReadOnly {
		if err := db.checkVersion(ctx); err != nil {
			db.closeHandles()
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
	} else {
		if err := db.syncTimezone(ctx); err != nil {
			db.closeHandles()
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
		// Lines committed but not yet indexed when the last process ended.
		if err := db.index(ctx); err != nil {
			db.closeHandles()
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
		db.w = startWriter(db, opt.QueueSize)
	}
	if err := db.loadChannels(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return db, nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	// Statement journals (a multi-row INSERT has one) and sorts stay in
	// memory instead of temporary files.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL: a commit is on disk before Append returns, so an
		// acknowledged event survives a crash of the machine, not only of
		// the process.
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path is the archive file's absolute path.
func (db *DB) Path() string { return db.path }

// Location is the timezone days are counted in.
func (db *DB) Location() *time.Location { return db.loc }

// Close flushes pending events and closes the database.
func (db *DB) Close() error {
	if db.w != nil {
		db.w.Close()
	}
	return db.closeHandles()
}

func (db *DB) closeHandles() error {
	var errs []error
	db.readers.close()
	if db.ro != nil {
		errs = append(errs, db.ro.Close())
	}
	if db.rw != nil {
		errs = append(errs, db.rw.Close())
	}
	return errors.Join(errs...)
}

func (db *DB) writable() error {
	if db.rw == nil {
		return errors.New("the archive was opened read-only")
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its findings as an
// error ("ok" means nil). It runs on a connection of its own: the FTS5 part
// of the check reads the search index's structure as a connection cached
// it, and a pooled connection's cache from before another connection (the
// bot, in another process) merged the index reports sound data as
// "corruption found reading blob".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	conn, err := sql.Open("sqlite", dsn(db.path, true))
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %v", problems)
	}
	return nil
}

// Checkpoint copies the write-ahead log into the database file and
// truncates it, so that the file's size is the archive's size.
func (db *DB) Checkpoint(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	if err := db.Flush(ctx); err != nil {
		return err
	}
	if _, err := db.rw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint the archive: %w", err)
	}
	return nil
}

// SetMaxPageCount caps the size of the archive at pages database pages
// (PRAGMA max_page_count on the writing connection) until it is closed, and
// returns the cap now in force: SQLite never sets it below the current size,
// so 1 means "no more than now". Writes past the cap fail as on a full disk:
// the writer keeps the events queued, in order, and retries until the cap
// is raised again. Tests use it to fill the disk without filling a disk.
func (db *DB) SetMaxPageCount(ctx context.Context, pages int) (int, error) {
	if err := db.writable(); err != nil {
		return 0, err
	}
	if pages < 1 {
		return 0, fmt.Errorf("set the archive's page cap: %d pages is not a size", pages)
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var got int
	if err := db.rw.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&got); err != nil {
		return 0, fmt.Errorf("set the archive's page cap: %w", err)
	}
	return got, nil
}

// Meta returns a value the application stored with SetMeta.
func (db *DB) Meta(ctx context.Context, key string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var v string
	err := db.ro.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", "app."+key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s from the archive: %w", key, err)
	}
	return v, true, nil
}

// SetMeta stores a small application value (feed state, what was announced).
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	_, err := db.rw.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "app."+key, value)
	if err != nil {
		return fmt.Errorf("store %s in the archive: %w", key, err)
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

var (
	_ archive.Store      = (*DB)(nil)
	_ archive.Maintainer = (*DB)(nil)
)
