package postgres

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/storetest"
	"proceedings/internal/pgserver"
)

func TestMain(m *testing.M) {
	code := pgserver.Run(m)
	if bench.srv != nil {
		bench.srv.Stop()
		os.RemoveAll(bench.srv.Dir)
	}
	os.Exit(code)
}

// opener opens the archive in the database at dsn.
func opener(dsn string) storetest.Opener {
	return func(t testing.TB, opt archive.Options) (archive.Store, error) {
		if opt.Logger == nil {
			opt.Logger = slog.New(slog.DiscardHandler)
		}
		db, err := Open(context.Background(), dsn, opt)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
}

// TestStore runs the archive conformance suite (archive/storetest) on
// PostgreSQL, each test in a database of its own; archive/sqlite runs the
// same suite on SQLite.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Opener { return opener(pgserver.NewDatabase(t)) })
}

// The server the benchmarks use, with pgserver.BenchSettings.
var bench struct {
	once sync.Once
	srv  *pgserver.Server
	err  error
	dbs  int
}

func benchDatabase(t testing.TB) string {
	bench.once.Do(func() {
		dir, err := os.MkdirTemp("", "pgbench-")
		if err != nil {
			bench.err = err
			return
		}
		bench.srv, bench.err = pgserver.Start(dir, pgserver.Options{Settings: pgserver.BenchSettings})
	})
	if bench.err != nil {
		t.Fatal(bench.err)
	}
	bench.dbs++
	name := "b_" + itoa(int64(bench.dbs))
	dsn, err := bench.srv.CreateDatabase(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bench.srv.DropDatabase(context.Background(), name) })
	return dsn
}

// BenchmarkStore measures the PostgreSQL engine on the work package
// archive's BenchmarkStore measures SQLite on. The corpus is vacuumed and
// analysed once imported, as autovacuum would have done by then.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(t testing.TB) storetest.Opener { return opener(benchDatabase(t)) }, storetest.BenchOptions{
		Settle: func(b *testing.B, s archive.Store) {
			if _, err := s.(*DB).pool.Exec(context.Background(), "VACUUM ANALYZE events"); err != nil {
				b.Fatal(err)
			}
		},
		ServerCPU: func() (time.Duration, error) { return bench.srv.CPUTime() },
	})
}

// TestStoreAsATableUser runs the conformance suite as a role that may only
// read and write the archive's tables (docs/scaling.md, "Roles"): the
// owner creates the schema, every other process runs with the grants the
// documentation gives and nothing more.
func TestStoreAsATableUser(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Opener {
		dsn := pgserver.NewDatabase(t)
		owner, err := Open(context.Background(), dsn, archive.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		owner.Close()
		return opener(tableUser(t, dsn, false))
	})
}

// tableUser creates a role with the grants docs/scaling.md gives a process
// that writes the archive (or, readOnly, one that only reads it) on the
// tables of the archive at dsn, which must exist, and returns the DSN that
// logs in as that role.
func tableUser(t testing.TB, dsn string, readOnly bool) string {
	t.Helper()
	if readOnly {
		return pgserver.NewRole(t, dsn, "ro", "LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s")
	}
	return pgserver.NewRole(t, dsn, "rw", "LOGIN", "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s",
		"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %s")
}
