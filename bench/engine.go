package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"proceedings/internal/pgserver"
)

// storeEngine is an archive engine the archive, search and site areas run
// on: SQLite (a file in the scratch directory) or PostgreSQL (a database on
// a server the run starts for itself).
type storeEngine struct {
	key  string // suffix of the area keys ("" for SQLite, the default)
	name string // as the report says it
	// fresh returns the location (bot.yaml's archive:) of a new, empty
	// archive called name.
	fresh func(ctx context.Context, e *env, name string) (string, error)
	// bytes is the archive's size on disk.
	bytes func(ctx context.Context, e *env, where string) (int64, error)
	// remove deletes the archive.
	remove func(ctx context.Context, e *env, where string) error
	// settle, when set, does the upkeep a server runs on its own after
	// much has been written (PostgreSQL: VACUUM (ANALYZE), which
	// autovacuum starts after a large load), so that reads are measured
	// on a settled archive and not beside that work.
	settle func(ctx context.Context, where string) error
	// flush, when set, writes out what the engine holds in memory that a
	// sync of the file system would not (PostgreSQL: CHECKPOINT).
	flush func(ctx context.Context, where string) error
}

var (
	sqliteEngine = &storeEngine{
		name: "SQLite",
		fresh: func(_ context.Context, e *env, name string) (string, error) {
			return filepath.Join(e.workDir, name+".db"), nil
		},
		bytes: func(_ context.Context, _ *env, where string) (int64, error) { return dbSize(where) },
		remove: func(_ context.Context, _ *env, where string) error {
			for _, p := range []string{where, where + "-wal", where + "-shm"} {
				if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			return nil
		},
	}
	postgresEngine = &storeEngine{
		key:  "postgres",
		name: "PostgreSQL",
		fresh: func(ctx context.Context, e *env, name string) (string, error) {
			srv, err := e.postgres()
			if err != nil {
				return "", err
			}
			return srv.CreateDatabase(ctx, name)
		},
		bytes: func(ctx context.Context, _ *env, where string) (int64, error) {
			conn, err := pgx.Connect(ctx, where)
			if err != nil {
				return 0, fmt.Errorf("measure the archive: %w", err)
			}
			defer conn.Close(context.Background())
			var n int64
			if err := conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n); err != nil {
				return 0, fmt.Errorf("measure the archive: %w", err)
			}
			return n, nil
		},
		settle: func(ctx context.Context, where string) error {
			return execOn(ctx, where, "vacuum the archive", "VACUUM (ANALYZE)")
		},
		flush: func(ctx context.Context, where string) error {
			return execOn(ctx, where, "checkpoint", "CHECKPOINT")
		},
		remove: func(ctx context.Context, e *env, where string) error {
			u, err := url.Parse(where)
			if err != nil {
				return err
			}
			srv, err := e.postgres()
			if err != nil {
				return err
			}
			return srv.DropDatabase(ctx, strings.TrimPrefix(u.Path, "/"))
		},
	}
)

// execOn runs the statement sql on a connection of its own to the
// database at where; what names the step in an error.
func execOn(ctx context.Context, where, what, sql string) error {
	conn, err := pgx.Connect(ctx, where)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// pg is the PostgreSQL server of a run, started on first use.
type pg struct {
	once sync.Once
	dir  string
	srv  *pgserver.Server
	err  error
}

// postgres returns the run's PostgreSQL server, starting it on first use:
// Debian's PostgreSQL 15 in a data directory of its own, durable (fsync,
// synchronous commits) with pgserver.BenchSettings.
func (e *env) postgres() (*pgserver.Server, error) {
	e.pg.once.Do(func() {
		// Not under the scratch directory: when the run is root, the server
		// runs as nobody, who must be able to reach its data directory.
		e.pg.dir, e.pg.err = os.MkdirTemp("", "proceedings-bench-pg-")
		if e.pg.err != nil {
			return
		}
		e.log.Info("starting PostgreSQL", "dir", e.pg.dir)
		e.pg.srv, e.pg.err = pgserver.Start(e.pg.dir, pgserver.Options{Settings: pgserver.BenchSettings})
	})
	return e.pg.srv, e.pg.err
}

// serverCPU is the processor time the run's PostgreSQL server has used, or
// zero when it is not running.
func (e *env) serverCPU() time.Duration {
	if e.pg.srv == nil {
		return 0
	}
	d, err := e.pg.srv.CPUTime()
	if err != nil {
		e.log.Warn("read the PostgreSQL server's CPU time", "err", err)
		return 0
	}
	return d
}

// close stops what the run started.
func (e *env) close() {
	if e.pg.srv != nil {
		e.pg.srv.Stop()
	}
	if e.pg.dir != "" {
		os.RemoveAll(e.pg.dir)
	}
}

// onPostgres is area a run on the PostgreSQL engine: its key gains
// "-postgres", and every row that the SQLite run of a measured in this run
// gets that figure as its reference, so the two engines stand side by side.
func onPostgres(a area, title, method string) area {
	run := a.runOn
	return area{
		key:    a.key + "-" + postgresEngine.key,
		title:  title,
		method: method,
		run: func(ctx context.Context, e *env) ([]result, error) {
			rows, err := run(ctx, e, postgresEngine)
			besideSQLite(rows, e.rowsOf(a.key))
			return rows, err
		},
	}
}

// besideSQLite makes SQLite's figure of the same metric, measured in this
// run, the reference of each row. The reference tools' figures are in
// SQLite's tables; a ratio to another engine has no floor, except where an
// issue sets one (the render: at most 1.5× SQLite's time).
func besideSQLite(rows, sqlite []result) {
	byMetric := map[string]result{}
	for _, r := range sqlite {
		byMetric[r.Metric] = r
	}
	for i := range rows {
		r := &rows[i]
		r.Reference, r.RefTool, r.MinRatio = nil, "", nil
		s, ok := byMetric[r.Metric]
		if !ok || s.Ours == nil {
			continue
		}
		r.Reference, r.RefTool = ptr(*s.Ours), "SQLite, same run"
		if strings.HasPrefix(r.Metric, "Render the whole site") && strings.HasSuffix(r.Metric, "wall time") {
			r.MinRatio = ptr(1 / 1.5)
		}
	}
}

// pgSettings lists the settings the run's server gets on top of
// internal/pgserver's, for the report.
func pgSettings() string {
	var s []string
	for k, v := range pgserver.BenchSettings {
		s = append(s, k+"="+v)
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}
