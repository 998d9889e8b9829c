package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/internal/pgserver"
)

// checkPassword is the archive password the check tests give in a file:
// check must never print it.
const checkPassword = "pw-never-printed-7x2q"

// pgCheckConfig writes a configuration whose archive is the PostgreSQL
// URL dsn, with its password in a file, and returns its directory.
func pgCheckConfig(t *testing.T, dsn string) string {
	t.Helper()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "archive.pw")
	if err := os.WriteFile(pwFile, []byte(checkPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(minimalConfig, "archive: data/archive.db", "archive: "+dsn+"\narchive_password_file: "+pwFile, 1)
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// check of a PostgreSQL archive: a reachable, fresh database is ok with a
// warning that it holds no archive yet and run creates it; a schema newer
// than the binary is a problem; a server that does not listen is a problem
// that names the archive. The password given in archive_password_file is never printed.
func TestCheckPostgresArchive(t *testing.T) {
	fresh := pgserver.NewDatabase(t)
	newer := pgserver.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, newer, archive.Options{Logger: slog.New(slog.DiscardHandler)}) // migrates it
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := pgx.Connect(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE schema_version SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	// A role the server refuses to let in (as it refuses a wrong password).
	refused := pgserver.NewRole(t, fresh, "nologin", "NOLOGIN")
	down := "postgres://proceedings@" + freeAddr(t) + "/logs?sslmode=disable"

	for _, c := range []struct {
		name, dsn string
		code      int
		out       []string // in stdout, each
		errOut    []string // in stderr, each
	}{
		{"fresh", fresh, 0, []string{"ok"}, []string{"archive: ", "holds no archive yet", "creates its tables"}},
		{"newer schema", newer, 1, []string{"bot.yaml:7: archive: ", "newer version of proceedings", "upgrade proceedings"}, []string{"1 problem(s)"}},
		{"server down", down, 1, []string{"bot.yaml:7: archive: cannot be opened", strings.TrimSuffix(down, "?sslmode=disable")}, []string{"1 problem(s)"}},
		{"login refused", refused, 1, []string{"bot.yaml:7: archive: cannot be opened", "the server refused", "not permitted to log in", "archive_password_env", "PGPASSWORD"}, []string{"1 problem(s)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := pgCheckConfig(t, c.dsn)
			out, errOut, code := run(t, dir, "check")
			if code != c.code {
				t.Errorf("check exited %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			for _, want := range c.out {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			for _, want := range c.errOut {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if strings.Contains(out+errOut, checkPassword) {
				t.Errorf("check printed the archive password:\n%s\n%s", out, errOut)
			}
		})
	}
	// Refused with no password given anywhere: said so, not taken for a
	// wrong one.
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))
	dir := t.TempDir()
	body := strings.Replace(minimalConfig, "archive: data/archive.db", "archive: "+refused, 1)
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := run(t, dir, "check"); code != 1 || !strings.Contains(out, "bot.yaml:7: archive: cannot be opened") || !strings.Contains(out, "no password was given") {
		t.Errorf("check without a password: exit %d\n%s%s", code, out, errOut)
	}
}
