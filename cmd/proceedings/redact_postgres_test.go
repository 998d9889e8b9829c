package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/event"
	"proceedings/internal/pgserver"
)

// redact works on a PostgreSQL archive as on a SQLite file: it used to
// stat the archive's "path", a postgres:// URL, and answer "no archive at
// postgres://…: nothing to redact" for the dry run and the real run alike.
func TestRedactPostgres(t *testing.T) {
	dsn := pgserver.NewDatabase(t)
	dir := pgCheckConfig(t, dsn)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, archive.Options{Logger: slog.New(slog.DiscardHandler), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)
	for i, text := range []string{"keep this line", "my home address is 221b baker street"} {
		if _, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice", Text: text, Time: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetPublic(ctx, "testnet", "#techrights", true); err != nil {
		t.Fatal(err)
	}
	db.Close()

	q := archive.RedactQuery{Channel: "#techrights", Match: "baker street"}
	out, errOut, code := call(t, redact, redactOptions{global: configIn(dir), query: q, dryRun: true})
	if code != 0 || !strings.Contains(out, "baker street") {
		t.Fatalf("redact --dry-run on PostgreSQL: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := call(t, redact, redactOptions{global: configIn(dir), query: q}); code != 0 {
		t.Fatalf("redact on PostgreSQL: exit %d: %s", code, errOut)
	}
	if got := exportAll(t, dir, "#techrights"); strings.Contains(got, "baker") || !strings.Contains(got, "keep this line") {
		t.Errorf("after redact:\n%s", got)
	}
}
