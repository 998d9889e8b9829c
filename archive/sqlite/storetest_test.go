package sqlite_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"proceedings/archive"
	"proceedings/archive/sqlite"
	"proceedings/archive/storetest"
)

// newArchive makes a fresh archive file for one test or benchmark.
func newArchive(t testing.TB) storetest.Opener {
	path := filepath.Join(t.TempDir(), "a.db")
	return func(t testing.TB, opt archive.Options) (archive.Store, error) {
		if opt.Logger == nil {
			opt.Logger = slog.New(slog.DiscardHandler)
		}
		db, err := sqlite.Open(context.Background(), path, opt)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
}

// TestStore runs the archive conformance suite (archive/storetest) on the
// SQLite engine; archive/postgres runs the same suite on PostgreSQL.
func TestStore(t *testing.T) { storetest.Run(t, newArchive) }

// BenchmarkStore measures the SQLite engine on the work
// archive/postgres's BenchmarkStore measures PostgreSQL on.
func BenchmarkStore(b *testing.B) { storetest.Bench(b, newArchive, storetest.BenchOptions{}) }
