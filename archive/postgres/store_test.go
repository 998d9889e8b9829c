package postgres

import (
	"context"
	"log/slog"
	"testing"

	"proceedings/archive"
	"proceedings/archive/storetest"
	"proceedings/internal/pgserver"
)

func TestMain(m *testing.M) { pgserver.Main(m) }

// pgStore is the PostgreSQL engine as the conformance suite sees it.
type pgStore struct{ *DB }

func (s pgStore) NewImporter(opt archive.ImportOptions) (storetest.Importer, error) {
	im, err := s.DB.NewImporter(opt)
	if err != nil {
		return nil, err
	}
	return im, nil
}

// TestStore runs the archive conformance suite (archive/storetest) on
// PostgreSQL, each test in a database of its own; package archive runs the
// same suite on SQLite.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		dsn := pgserver.NewDatabase(t)
		return func(t *testing.T, opt archive.Options) (storetest.Store, error) {
			if opt.Logger == nil {
				opt.Logger = slog.New(slog.DiscardHandler)
			}
			db, err := Open(context.Background(), dsn, opt)
			if err != nil {
				return nil, err
			}
			return pgStore{db}, nil
		}
	})
}
