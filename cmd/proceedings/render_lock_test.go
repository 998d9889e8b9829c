package main

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/event"
	"proceedings/internal/pgserver"
	"proceedings/sitepath"
)

// proceedings render on a PostgreSQL archive waits while another process
// holds the archive's render lock, and renders once it is released.
func TestRenderWaitsForTheRenderLock(t *testing.T) {
	dsn := pgserver.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, dsn, archive.Options{Location: time.UTC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	if _, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice", Text: "rendered after the lock", Time: at}); err != nil {
		t.Fatal(err)
	}
	unlock, err := db.LockRender(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeConfig(t, strings.Replace(minimalConfig, "archive: data/archive.db", "archive: "+dsn, 1))
	cmd := exec.Command(binary, "render", "-c", "bot.yaml")
	cmd.Dir = dir
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		unlock()
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// The render's session waits for the advisory lock in the server.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		unlock()
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for waiting := false; !waiting; {
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)`).Scan(&waiting)
		if err != nil {
			unlock()
			t.Fatalf("waiting for the render to wait for the lock: %v\n%s", err, out.String())
		}
		select {
		case err := <-exited:
			unlock()
			t.Fatalf("render ended while another held the render lock: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	unlock()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("render after the lock was released: %v\n%s", err, out.String())
		}
	case <-ctx.Done():
		t.Fatalf("render did not end once the lock was released\n%s", out.String())
	}
	page, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(sitepath.DayPath("testnet", "#techrights", event.DateOf(at, time.UTC)))))
	if err != nil || !strings.Contains(string(page), "rendered after the lock") {
		t.Errorf("the day page after the lock: %v\n%s", err, out.String())
	}
}
