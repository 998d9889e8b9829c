package pgserver

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// Two tests' databases are separate, on one server.
func TestDatabasesAreSeparate(t *testing.T) {
	ctx := context.Background()
	a, b := NewDatabase(t), NewDatabase(t)
	if a == b {
		t.Fatalf("two tests share %s", a)
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, "CREATE TABLE x (v int); INSERT INTO x VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var found bool
	if err := cb.QueryRow(ctx, "SELECT to_regclass('x') IS NOT NULL").Scan(&found); err != nil || found {
		t.Fatalf("the other database sees table x: %v %v", found, err)
	}
	before, err := Shared(t).CPUTime()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Exec(ctx, "SELECT count(*) FROM generate_series(1, 3000000)"); err != nil {
		t.Fatal(err)
	}
	if after, err := Shared(t).CPUTime(); err != nil || after <= before {
		t.Errorf("the server's CPU time went from %v to %v (%v)", before, after, err)
	}
	var fsync, enc string
	if err := ca.QueryRow(ctx, "SELECT current_setting('fsync'), current_setting('server_encoding')").Scan(&fsync, &enc); err != nil {
		t.Fatal(err)
	}
	if fsync != "on" || enc != "UTF8" {
		t.Errorf("fsync %s, encoding %s; want on and UTF8", fsync, enc)
	}
}

// A server killed with SIGKILL keeps every committed row after a restart.
func TestKillAndRestartKeepCommits(t *testing.T) {
	s := StartTemp(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, err := s.CreateDatabase(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE x (v int); INSERT INTO x SELECT generate_series(1, 1000)"); err != nil {
		t.Fatal(err)
	}
	port := s.Port
	s.Kill()
	conn.Close(ctx)
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.Port != port {
		t.Errorf("restarted on port %d, was %d", s.Port, port)
	}
	conn, err = pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM x").Scan(&n); err != nil || n != 1000 {
		t.Fatalf("after the crash: %d rows, %v", n, err)
	}
}

// TestStandbyFollowsThePrimary starts a streaming replica: it answers
// reads with what the primary committed, later commits included, and
// refuses writes.
func TestStandbyFollowsThePrimary(t *testing.T) {
	ctx := context.Background()
	primary := StartTemp(t, Options{})
	dsn, err := primary.CreateDatabase(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(dsn, sql string) error {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, sql)
		return err
	}
	if err := exec(dsn, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "pgstandby-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	standby, err := primary.StartStandby(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(standby.Stop)
	if err := exec(dsn, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	var sum int
	deadline := time.Now().Add(30 * time.Second)
	for sum != 3 && time.Now().Before(deadline) {
		c, err := pgx.Connect(ctx, standby.DSN("r"))
		if err != nil {
			t.Fatal(err)
		}
		err = c.QueryRow(ctx, "SELECT coalesce(sum(v), 0) FROM t").Scan(&sum)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if sum != 3 {
		t.Fatalf("the standby sums %d, the primary 3", sum)
	}
	if err := exec(standby.DSN("r"), "INSERT INTO t VALUES (3)"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("a write on the standby: %v", err)
	}
}
