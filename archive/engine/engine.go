// Package engine opens an archive with the engine its location names: a
// postgres:// (or postgresql://) URL opens archive/postgres, anything else
// is a SQLite file for archive/sqlite. It is the one place that choice is
// made, for the command line, the benchmarks and the tests.
package engine

import (
	"context"
	"errors"
	"strings"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/archive/sqlite"
	"proceedings/internal/connstring"
)

// IsURL reports a location that names a PostgreSQL database.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// Open opens the archive at where.
func Open(ctx context.Context, where string, opt archive.Options) (archive.Store, error) {
	if connstring.IsKeywordValue(where) {
		return nil, errors.New(connstring.Refusal)
	}
	if IsURL(where) {
		db, err := postgres.Open(ctx, where, opt)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, where, opt)
	if err != nil {
		return nil, err
	}
	return db, nil
}
