// Package archivetest opens archives for the tests of the packages that use
// one (render, web, bot and its rooms), on the engine the environment names,
// so that the same tests run on SQLite and on PostgreSQL.
//
// By default a test's archive is a SQLite file in its temporary directory.
// With PROCEEDINGS_TEST_ENGINE=postgres it is a fresh database on the test
// binary's PostgreSQL server (internal/pgserver), started on first use; a
// package whose tests use this one calls [Main] from its TestMain so that
// the server is stopped when the tests end.
//
// Tests about SQLite itself (its file, a full disk, kill -9 of the file's
// writer, the integrity check) open SQLite directly and say why.
//
// It owns only the choice of engine and the place of a test's archive; it
// knows nothing of what the tests store.
package archivetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/internal/pgserver"
)

// EngineVar is the environment variable that chooses the engine: "sqlite"
// (or unset) or "postgres".
const EngineVar = "PROCEEDINGS_TEST_ENGINE"

// The engines EngineVar names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Engine is the engine the tests run on. An unknown name panics: a typo
// must not quietly run everything on SQLite again.
func Engine() string {
	switch e := os.Getenv(EngineVar); e {
	case "", SQLite:
		return SQLite
	case Postgres:
		return Postgres
	default:
		panic(fmt.Sprintf("%s=%q: want %q or %q", EngineVar, e, SQLite, Postgres))
	}
}

// Main runs a package's tests (call it from TestMain) and stops the
// PostgreSQL server if a test started one.
func Main(m *testing.M) { pgserver.Main(m) }

// Location is where a new, empty archive for this test lives: a file in
// dir (SQLite; a new temporary directory when dir is "") or the URL of a
// fresh database, dropped when the test ends (PostgreSQL). It is the form
// bot.yaml's archive: takes.
func Location(t testing.TB, dir string) string {
	t.Helper()
	if Engine() == Postgres {
		return pgserver.NewDatabase(t)
	}
	if dir == "" {
		dir = t.TempDir()
	}
	return filepath.Join(dir, "archive.db")
}

// Open opens a new, empty archive for this test and closes it when the test
// ends.
func Open(t testing.TB, opt archive.Options) archive.Store {
	t.Helper()
	return OpenAt(t, Location(t, ""), opt)
}

// OpenAt opens the archive at where (a file path or a postgres:// URL, as
// from Location) and closes it when the test ends; several handles on one
// archive (a writer and a read-only reader) are opened with the same where.
func OpenAt(t testing.TB, where string, opt archive.Options) archive.Store {
	t.Helper()
	db, err := Dial(context.Background(), where, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Dial opens the archive at where without tying it to a test, for a test
// that closes it itself (or a benchmark's helper that reopens it). With no
// Logger in opt, the archive logs nothing.
func Dial(ctx context.Context, where string, opt archive.Options) (archive.Store, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return engine.Open(ctx, where, opt)
}
