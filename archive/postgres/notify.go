package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"proceedings/internal/backoff"
)

// LockRender takes the archive's render lock, waiting while another
// process (on any machine) holds it, so that one render of the site runs at
// a time. It is a session advisory lock on a connection of its own:
// unlock, or the end of the process, releases it. It gives up when ctx
// ends. A holder whose connection to the server breaks loses the lock
// without being told.
func (db *DB) LockRender(ctx context.Context) (unlock func(), err error) {
	return db.sessionLock(ctx, lockRender, "render")
}

// lockImport takes the archive's import lock (importer.LockFunc), as
// LockRender takes the render lock: two imports at once would each match
// their lines against what the other had not stored yet.
func (db *DB) lockImport(ctx context.Context) (unlock func(), err error) {
	return db.sessionLock(ctx, lockImportKey, "import")
}

// sessionLock takes the advisory lock key on a connection of its own,
// saying in the log when it has to wait for another process's work (what)
// to finish; closing the connection releases it.
func (db *DB) sessionLock(ctx context.Context, key int32, what string) (unlock func(), err error) {
	conn, err := db.connect(ctx, "proceedings "+what+" lock", nil)
	if err != nil {
		return nil, fmt.Errorf("take the %s lock on %s: %w", what, db.where, err)
	}
	var got bool
	err = conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockNamespace, key).Scan(&got)
	if err == nil && !got {
		start := time.Now()
		db.log.Info("another "+what+" of this archive is running: waiting for it to finish", "archive", db.where)
		_, err = conn.Exec(ctx, "SELECT pg_advisory_lock($1, $2)", lockNamespace, key)
		if err == nil {
			db.log.Info("the other "+what+" finished", "waited", time.Since(start).Round(time.Millisecond))
		}
	}
	if err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("wait for another %s of %s: %w", what, db.where, err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn.Close(ctx) // ending the session releases the lock
	}, nil
}

// Changes delivers the archive's revision whenever a process commits
// events, a redaction or a recount (through LISTEN/NOTIFY): first the
// current revision once it listens, then each new one. A slow reader gets
// the latest revision, not every one; a lost connection is reopened, and
// the revision read again then, so nothing committed meanwhile goes
// unnoticed. The channel is closed when ctx ends or the archive is closed.
// A renderer waits on it and calls ChangedDays with the revision it last
// rendered.
func (db *DB) Changes(ctx context.Context) <-chan int64 {
	out := make(chan int64, 1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(db.stop, cancel)
	go func() {
		defer close(out)
		defer stop()
		defer cancel()
		latest := int64(-1)
		send := func(rev int64) {
			if rev <= latest {
				return
			}
			latest = rev
			select { // replace an unread older revision
			case <-out:
			default:
			}
			out <- rev
		}
		for failures := 0; ctx.Err() == nil; failures++ {
			err := db.listen(ctx, send)
			if ctx.Err() != nil {
				return
			}
			db.log.Warn("listening for new events failed; listening again", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff.Delay(100*time.Millisecond, 10*time.Second, failures, 0.5, rand.Float64())):
			}
		}
	}()
	return out
}

// listen listens on a connection of its own until it fails or ctx ends.
func (db *DB) listen(ctx context.Context, send func(int64)) error {
	conn, err := db.connect(ctx, "proceedings changes", nil)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	var rev int64
	if err := conn.QueryRow(ctx, "SELECT rev FROM revision").Scan(&rev); err != nil {
		return err
	}
	send(rev)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if v, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			send(v)
		}
	}
}

// connect opens a connection of its own, outside the pool, named in
// pg_stat_activity; onNotice, when not nil, hears the server's notices.
func (db *DB) connect(ctx context.Context, name string, onNotice pgconn.NoticeHandler) (*pgx.Conn, error) {
	conf := db.conf.ConnConfig.Copy()
	conf.RuntimeParams["application_name"] = name
	conf.OnNotice = onNotice
	return pgx.ConnectConfig(ctx, conf)
}
