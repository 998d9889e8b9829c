package archive_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"proceedings/archive"
	"proceedings/archive/storetest"
)

// sqliteStore is the SQLite engine as the conformance suite sees it.
type sqliteStore struct{ *archive.DB }

func (s sqliteStore) NewImporter(opt archive.ImportOptions) (storetest.Importer, error) {
	im, err := s.DB.NewImporter(opt)
	if err != nil {
		return nil, err
	}
	return im, nil
}

// newArchive makes a fresh archive file for one test or benchmark.
func newArchive(t testing.TB) storetest.Opener {
	path := filepath.Join(t.TempDir(), "a.db")
	return func(t testing.TB, opt archive.Options) (storetest.Store, error) {
		if opt.Logger == nil {
			opt.Logger = slog.New(slog.DiscardHandler)
		}
		db, err := archive.Open(context.Background(), path, opt)
		if err != nil {
			return nil, err
		}
		return sqliteStore{db}, nil
	}
}

// TestStore runs the archive conformance suite (archive/storetest) on the
// SQLite engine; archive/postgres runs the same suite on PostgreSQL.
func TestStore(t *testing.T) { storetest.Run(t, newArchive) }

// BenchmarkStore measures the SQLite engine on the work
// archive/postgres's BenchmarkStore measures PostgreSQL on.
func BenchmarkStore(b *testing.B) { storetest.Bench(b, newArchive, storetest.BenchOptions{}) }
