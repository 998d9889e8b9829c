package pgserver

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The server shared by the tests of one test binary.
var shared struct {
	once sync.Once
	srv  *Server
	dir  string
	err  error
}

// Main runs the tests of a package (call it from TestMain), then stops the
// shared server, if a test started it, removes its data directory, and
// exits.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit, for a TestMain with more to clean up: it
// returns the tests' exit code.
func Run(m *testing.M) int {
	code := m.Run()
	stopShared()
	return code
}

func stopShared() {
	if shared.srv != nil {
		shared.srv.Stop()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
}

// Shared returns the test binary's server, starting it on first use. It
// calls t.Fatal when the server cannot be started.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() {
		// Not under t.TempDir(): that belongs to one test, and its
		// parents are private to root when postgres runs as nobody.
		shared.dir, shared.err = os.MkdirTemp("", "pgserver-")
		if shared.err != nil {
			return
		}
		shared.srv, shared.err = Start(shared.dir, Options{})
	})
	if shared.err != nil {
		t.Fatalf("pgserver: %v", shared.err)
	}
	return shared.srv
}

// NewDatabase creates an empty database on the shared server for this test
// and returns its DSN. The database is dropped when the test ends (after
// the cleanups registered later, which close what uses it).
func NewDatabase(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("t_%d", s.dbs)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, err := s.CreateDatabase(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.DropDatabase(ctx, name); err != nil {
			t.Errorf("%v", err)
		}
	})
	return dsn
}

// StartTemp starts a server of its own in a new temporary directory, for a
// test that stops, kills or restarts it; it is stopped and its directory
// removed when the test ends.
func StartTemp(t testing.TB, opt Options) *Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgserver-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s, err := Start(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// NewRole creates the role named after dsn's database and suffix
// ("t_3_ro"), with the role attributes given (e.g. "LOGIN", "NOLOGIN"),
// runs the statements then (grants; "%s" in them is the role's name) as
// the superuser on that database, and returns dsn logging in as the role.
// Roles belong to the whole server; the name keeps tests apart.
func NewRole(t testing.TB, dsn, suffix, attrs string, then ...string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	role := strings.TrimPrefix(u.Path, "/") + "_" + suffix
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, stmt := range append([]string{"CREATE ROLE %s " + attrs}, then...) {
		if _, err := conn.Exec(ctx, strings.ReplaceAll(stmt, "%s", role)); err != nil {
			t.Fatal(err)
		}
	}
	u.User = url.User(role)
	return u.String()
}
