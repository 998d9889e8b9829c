// Package postgres is the archive's PostgreSQL engine (pgx): the same
// events, channels, day counts, search, posts and series as the SQLite
// engine (package archive), with the same methods and the same answers, in
// a database that several processes on several machines share — bots on
// different networks, web servers, a renderer.
//
// It knows nothing of IRC and nothing of HTML, as the SQLite engine. Time
// is kept in UTC milliseconds and every string exactly as given, as bytes
// (bytea: PostgreSQL's text holds neither NUL nor invalid UTF-8), so that
// ordering and equality are those of the SQLite engine. Names compare as
// SQLite's BINARY and NOCASE do (bytes; ASCII-only case folding).
//
// What several processes need, beyond the SQLite engine:
//   - the schema is migrated under an advisory lock, so processes started
//     together do not both migrate;
//   - day counts are upserts and the revision comes from a sequence,
//     assigned and committed in order under an advisory lock, so that no
//     count is lost and a renderer that read revision N has seen every day
//     changed up to N;
//   - LockRender takes the render lock (a session advisory lock) and
//     Changes delivers revisions as other processes commit (LISTEN/NOTIFY).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"proceedings/archive"
	"proceedings/archive/internal/channels"
	"proceedings/event"
)

// queryTimeout bounds every single query, as in the SQLite engine.
const queryTimeout = 30 * time.Second

// cancelGrace is how long a query whose context ended may take to answer
// its cancel request before its connection is closed.
const cancelGrace = 5 * time.Second

// maxConns is the size of a handle's connection pool: ranges hold a
// connection while they stream, and a render reads several at once.
const maxConns = 16

// DB is an open archive in a PostgreSQL database. It is safe for
// concurrent use, and any number of DBs, in any number of processes, may
// use one database at once.
type DB struct {
	pool     *pgxpool.Pool
	conf     *pgxpool.Config // for connections of their own (LockRender, Changes)
	where    string          // the server and database, without credentials, for messages
	loc      *time.Location
	log      *slog.Logger
	readOnly bool
	replica  bool // the server is a hot standby (opened read-only)

	mu       sync.Mutex
	channels map[chanKey]int64 // network + folded name → channel id
	names    map[int64]chanName
	view     channels.View // the channels this handle treats as public (SetPublicView)

	w *writer // nil when read-only

	// stop ends what runs in the background for Changes when the archive
	// is closed.
	stop     context.Context
	stopFunc context.CancelFunc
}

type chanKey struct{ network, folded string }

type chanName struct{ network, name string }

// Open connects to the archive at dsn (a postgres:// URL or a libpq
// key=value string; the password may come from PGPASSWORD or .pgpass),
// applies pending migrations and starts the group-commit writer, as
// archive.Open does for a file.
func Open(ctx context.Context, dsn string, opt archive.Options) (*DB, error) {
	opt = opt.WithDefaults()
	conf, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The DSN may hold a password: never repeat it.
		return nil, errors.New("open archive: the PostgreSQL address is not a postgres:// URL or key=value list pgx can read")
	}
	// How messages name the archive: never with its password.
	where := fmt.Sprintf("postgres://%s@%s:%d/%s", conf.ConnConfig.User, conf.ConnConfig.Host, conf.ConnConfig.Port, conf.ConnConfig.Database)
	conf.MaxConns = maxConns
	conf.ConnConfig.RuntimeParams["application_name"] = "proceedings"
	if opt.ReadOnly {
		conf.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	// A query whose context ends is cancelled on the server (a cancel
	// request) before the call returns, as libpq's PQcancel does: pgx's
	// default only closes the connection, and a statement waiting for a
	// lock (a VACUUM, pg_advisory_lock) then goes on running, and finishes,
	// after the process has given up on it or exited.
	conf.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	conf.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		registerTypes(c.TypeMap())
		return nil
	}
	db := &DB{conf: conf, where: where, loc: opt.Location, log: opt.Logger.With("component", "archive"), readOnly: opt.ReadOnly,
		channels: map[chanKey]int64{}, names: map[int64]chanName{}}
	db.stop, db.stopFunc = context.WithCancel(context.Background())
	if db.pool, err = pgxpool.NewWithConfig(ctx, conf); err != nil {
		return nil, fmt.Errorf("open archive %s: %w", where, err)
	}
	fail := func(err error) (*DB, error) {
		db.pool.Close()
		db.stopFunc()
		return nil, fmt.Errorf("open archive %s: %w", where, err)
	}
	pctx, cancel := context.WithTimeout(ctx, queryTimeout)
	err = db.pool.Ping(pctx)
	cancel()
	if err != nil {
		return fail(connectFailure(err))
	}
	if db.replica, err = db.isStandby(ctx); err != nil {
		return fail(err)
	}
	switch {
	case opt.ReadOnly:
		err = db.checkGrants(ctx, false)
		if err == nil {
			err = db.checkVersion(ctx)
		}
		if err == nil {
			err = db.checkWordRules(ctx)
		}
	case db.replica:
		err = errStandby
	default:
		err = db.checkGrants(ctx, true)
		if err == nil {
			err = db.migrate(ctx)
		}
		if err == nil {
			err = db.syncWordRules(ctx)
		}
	}
	if err != nil {
		return fail(err)
	}
	if err := db.loadChannels(ctx); err != nil {
		return fail(err)
	}
	if !opt.ReadOnly {
		db.w = startWriter(db, opt.QueueSize, startMerger(ctx, db))
	}
	return db, nil
}

// isStandby asks whether the server is a hot standby: a replica answers
// reads (serve, render) but every write needs the primary.
func (db *DB) isStandby(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var standby bool
	if err := db.pool.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil {
		return false, fmt.Errorf("ask whether the server is a standby: %w", err)
	}
	return standby, nil
}

// errStandby is why a hot standby cannot be opened read-write.
var errStandby = errors.New("the server is a standby (a read-only replica): recording, importing and every other write need the primary; serve and render can read from a standby")

// CheckWrite says why a read-write Open of this archive would be refused:
// the server is a standby, or the role may not write every table.
func (db *DB) CheckWrite(ctx context.Context) error {
	if db.replica {
		return errStandby
	}
	return db.checkGrants(ctx, true)
}

// registerTypes teaches a connection to send tsvectors built here as they
// are (see tsvectorCodec).
func registerTypes(m *pgtype.Map) {
	m.RegisterType(&pgtype.Type{Name: "tsvector", OID: pgtype.TSVectorOID, Codec: tsvectorCodec{}})
}

// tsvectorCodec is pgx's tsvector codec that also sends a tsvector value,
// already in PostgreSQL's binary format, as it is.
type tsvectorCodec struct{ pgtype.TSVectorCodec }

func (c tsvectorCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(tsvector); ok && format == pgtype.BinaryFormatCode {
		return encodeTSVector{}
	}
	return c.TSVectorCodec.PlanEncode(m, oid, format, value)
}

type encodeTSVector struct{}

func (encodeTSVector) Encode(value any, buf []byte) ([]byte, error) {
	v := value.(tsvector)
	if v == nil {
		return nil, nil // NULL: an event the index leaves out
	}
	return append(buf, v...), nil
}

// Location is the timezone days are counted in.
func (db *DB) Location() *time.Location { return db.loc }

// Close flushes pending events and closes the connections.
func (db *DB) Close() error {
	if db.w != nil {
		db.w.Close()
	}
	db.stopFunc()
	db.pool.Close()
	return nil
}

func (db *DB) writable() error {
	if db.readOnly {
		return errors.New("the archive was opened read-only")
	}
	return nil
}

// Meta returns a value the application stored with SetMeta.
func (db *DB) Meta(ctx context.Context, key string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var v []byte
	err := db.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", []byte("app."+key)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s from the archive: %w", key, err)
	}
	return string(v), true, nil
}

// SetMeta stores a small application value (feed state, what was announced).
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	_, err := db.pool.Exec(ctx, "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
		[]byte("app."+key), notNull(value))
	if err != nil {
		return fmt.Errorf("store %s in the archive: %w", key, err)
	}
	return nil
}

// loadChannels fills the channel-id cache.
func (db *DB) loadChannels(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT id, network, name, folded FROM channels")
	if err != nil {
		return fmt.Errorf("read channels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var network, name, folded []byte
		if err := rows.Scan(&id, &network, &name, &folded); err != nil {
			return fmt.Errorf("read channels: %w", err)
		}
		db.cacheChannel(id, string(network), string(name))
	}
	return rows.Err()
}

// cacheChannel remembers a channel's id and names. A channel's id, network
// and name never change once it is stored, whichever process stored it.
func (db *DB) cacheChannel(id int64, network, name string) {
	db.mu.Lock()
	db.channels[chanKey{network, event.FoldChannel(name)}] = id
	if _, ok := db.names[id]; !ok {
		db.names[id] = chanName{network, name}
	}
	db.mu.Unlock()
}

// knownChannel returns the id of a channel in the cache, or reads it from
// the database (another process may have added it).
func (db *DB) knownChannel(ctx context.Context, network, name string) (int64, bool, error) {
	k := chanKey{network, event.FoldChannel(name)}
	db.mu.Lock()
	id, ok := db.channels[k]
	db.mu.Unlock()
	if ok {
		return id, true, nil
	}
	var n []byte
	err := db.pool.QueryRow(ctx, "SELECT id, name FROM channels WHERE network = $1 AND folded = $2", notNull(network), notNull(k.folded)).Scan(&id, &n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up channel %s: %w", name, err)
	}
	db.cacheChannel(id, network, string(n))
	return id, true, nil
}

// channelName returns the network and name of a channel id (ErrNoChannel
// when there is none).
func (db *DB) channelName(ctx context.Context, q querier, id int64) (chanName, error) {
	db.mu.Lock()
	n, ok := db.names[id]
	db.mu.Unlock()
	if ok {
		return n, nil
	}
	var network, name []byte
	err := q.QueryRow(ctx, "SELECT network, name FROM channels WHERE id = $1", id).Scan(&network, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return chanName{}, fmt.Errorf("%w: id %d", archive.ErrNoChannel, id)
	}
	if err != nil {
		return chanName{}, err
	}
	db.cacheChannel(id, string(network), string(name))
	return chanName{string(network), string(name)}, nil
}

// ensureChannels returns the ids of the channels of evs, adding the new
// ones. It commits each new channel at once, in a statement of its own, so
// that no write transaction holds a channel's row: processes appending to
// the same new channel do not wait on each other.
func (db *DB) ensureChannels(ctx context.Context, evs []event.Event) ([]int64, error) {
	ids := make([]int64, len(evs))
	local := map[chanKey]int64{}
	for i := range evs {
		ev := &evs[i]
		k := chanKey{ev.Network, event.FoldChannel(ev.Channel)}
		id, ok := local[k]
		if !ok {
			db.mu.Lock()
			id, ok = db.channels[k]
			db.mu.Unlock()
			if !ok {
				var err error
				if id, err = db.addChannel(ctx, ev.Network, ev.Channel, k.folded); err != nil {
					return nil, err
				}
			}
			local[k] = id
		}
		ids[i] = id
	}
	return ids, nil
}

// addChannel stores a channel (or finds the one another process stored)
// and caches it.
func (db *DB) addChannel(ctx context.Context, network, name, folded string) (int64, error) {
	var id int64
	var stored []byte
	err := db.pool.QueryRow(ctx, `INSERT INTO channels(network, name, folded) VALUES($1, $2, $3)
		ON CONFLICT (network, folded) DO UPDATE SET name = channels.name RETURNING id, name`,
		notNull(network), notNull(name), notNull(folded)).Scan(&id, &stored)
	if err != nil {
		return 0, fmt.Errorf("add channel %s: %w", name, err)
	}
	db.cacheChannel(id, network, string(stored))
	return id, nil
}

// querier is what a pool, a connection and a transaction offer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// notNull is s as bytes for a NOT NULL bytea column ("" is ”, not NULL).
func notNull(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return []byte(s)
}

// nullable is s as bytes for a nullable bytea column: "" is NULL, as in
// the SQLite engine.
func nullable(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// Advisory locks: a namespace of this program's, and one key per purpose.
// Locks are per database, so archives in other databases of the same
// server do not share them.
const (
	lockNamespace = 0x70726f63 // "proc"
	lockMigrate   = 1          // migrations and the timezone recount
	lockRevision  = 2          // assigning and committing a revision
	lockRender    = 3          // one render at a time (LockRender)
	lockPosts     = 4          // SavePost: which post is new
	lockWords     = 5          // rebuilding the search index (syncWordRules)
	lockImportKey = 6          // one import at a time (lockImport)
)

// notifyChannel is the LISTEN/NOTIFY channel revisions are announced on.
const notifyChannel = "proceedings_revision"

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

var (
	_ archive.Store        = (*DB)(nil)
	_ archive.WriteChecker = (*DB)(nil)
)

// connectFailure says why a connection failed: the server's own refusal
// (a wrong password, a database that does not exist) when it answered, and
// pgx's account of every attempt otherwise (unreachable, refused). With
// sslmode=prefer (the default) pgx first asks for TLS, and its error then
// lists the server's "no" to that before the real refusal.
func connectFailure(err error) error {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return fmt.Errorf("connect: the server refused: %w", pgErr)
	}
	return fmt.Errorf("connect: %w", err)
}

// IsLoginRefused reports whether err is the server refusing a login: a
// wrong or missing password, or a role that may not log in.
func IsLoginRefused(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "28P01" || pgErr.Code == "28000")
}
