// Package pgserver starts a real PostgreSQL server from Debian (package
// "postgresql", version 15) for tests and benchmarks, as internal/ircserver
// starts IRC servers.
//
// It owns only test plumbing: a data directory made by initdb, one postgres
// process listening on a free loopback port with its socket in the data
// directory, and fresh databases on it. It knows nothing of the archive.
//
// # Tests
//
// One server serves a whole test binary; every test gets a database of its
// own, created from template0, so tests stay independent:
//
//	func TestMain(m *testing.M) { pgserver.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dsn := pgserver.NewDatabase(t) // postgres://proceedings@127.0.0.1:PORT/t_1?sslmode=disable
//		…
//	}
//
// Main runs the tests and then stops the server and removes its directory.
// The server is started on the first NewDatabase (or Shared), so a test
// binary whose selected tests need no PostgreSQL never starts one.
//
// # Elsewhere (bench)
//
// [Start] initialises a data directory when it has none and starts a
// server on it; [Server.Stop] stops it. [Server.CreateDatabase] makes a
// database and returns its DSN. [Server.StartStandby] starts a read-only
// streaming replica of a server.
//
// # Settings
//
// The server is durable (fsync, synchronous_commit and full_page_writes
// stay on: tests kill processes and expect acknowledged commits to be
// there) but small: shared_buffers 64MB, no parallel query workers, only
// warnings logged. [Options.Settings] overrides or adds any setting.
//
// initdb and postgres refuse to run as root: when the test runs as root
// they run as "nobody" (setpriv, from util-linux), and the data directory
// is given to nobody. Either way the server gets SIGINT (a fast shutdown)
// when the process that started it dies, so no server outlives a crashed
// test.
package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir is where Debian's postgresql-15 puts initdb and postgres.
const BinDir = "/usr/lib/postgresql/15/bin"

// User is the superuser initdb creates; connections need no password
// (trust authentication, on loopback only).
const User = "proceedings"

const (
	// startTimeout bounds initdb and the start of the server; a healthy
	// start takes about 0.5 s after initdb's 2 s.
	startTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
	// startAttempts bounds retries when the chosen port was taken between
	// choosing it and the server binding it.
	startAttempts = 5
	// outputLimit caps the server output kept for error messages.
	outputLimit = 1 << 20
)

// Options tune Start.
type Options struct {
	// Settings are postgres settings (-c name=value) on top of the
	// defaults described in the package documentation; they win.
	Settings map[string]string
	// Port is the TCP port to listen on; 0 picks a free one.
	Port int
}

// defaultSettings suit tests: durable, small, quiet.
var defaultSettings = map[string]string{
	"fsync":                           "on",
	"synchronous_commit":              "on",
	"full_page_writes":                "on",
	"shared_buffers":                  "64MB",
	"max_connections":                 "100",
	"max_parallel_workers_per_gather": "0",
	"log_min_messages":                "warning",
	"log_min_error_statement":         "panic",
	"logging_collector":               "off",
}

// BenchSettings are the settings benchmarks add to the defaults: as
// durable as the tests' server (fsync, synchronous commits), with the
// write-ahead log room of a small production server, and PostgreSQL's own
// default shared_buffers. Each server process maps the shared buffers it
// touches page by page, and `proceedings render` starts fresh
// connections: with 512MB it rendered the 5,000,000-line bench site in
// 13.3–15.8 s, with 128MB in 9.5–12.3 s (the same archive, alternating),
// while an import of it took the same 77 s with either; the operating
// system's page cache holds the rest of the archive, as it does for SQLite.
var BenchSettings = map[string]string{
	"shared_buffers":     "128MB",
	"max_wal_size":       "8GB",
	"checkpoint_timeout": "30min",
	"wal_buffers":        "32MB",
}

// Server is a running PostgreSQL server.
type Server struct {
	// Dir is the data directory; the server's socket is there too.
	Dir  string
	Host string
	Port int

	settings map[string]string
	asNobody bool

	mu   sync.Mutex
	proc *process // nil when stopped
	dbs  int      // databases made by NewDatabase
}

// Start starts a server on the data directory dir, running initdb first
// when dir holds no cluster yet (dir may not exist). It returns once the
// server accepts connections. Stop it with Stop.
func Start(dir string, opt Options) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	for _, bin := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(BinDir, bin)); err != nil {
			return nil, fmt.Errorf("pgserver: %s is not installed (apt-get install postgresql): %w", filepath.Join(BinDir, bin), err)
		}
	}
	s := &Server{Dir: abs, Host: "127.0.0.1", settings: map[string]string{}, asNobody: os.Geteuid() == 0}
	for k, v := range defaultSettings {
		s.settings[k] = v
	}
	for k, v := range opt.Settings {
		s.settings[k] = v
	}
	if err := s.initdb(); err != nil {
		return nil, err
	}
	var lastErr error
	for range startAttempts {
		port := opt.Port
		if port == 0 {
			if port, err = freePort(s.Host); err != nil {
				return nil, fmt.Errorf("pgserver: %w", err)
			}
		}
		err = s.launch(port)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) || opt.Port != 0 {
			break
		}
	}
	return nil, fmt.Errorf("pgserver: start postgres on %s: %w", s.Dir, lastErr)
}

// StartStandby makes dir a streaming replica of s (pg_basebackup, which
// writes the standby's connection to s) and starts it as a hot standby:
// it answers read-only queries and follows s's commits. dir must not
// exist or be empty. Stop it with Stop, before s.
func (s *Server) StartStandby(dir string, opt Options) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("pgserver: create %s: %w", abs, err)
	}
	if s.asNobody {
		if err := giveToNobody(abs); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	port := s.Port
	s.mu.Unlock()
	args := []string{"-h", s.Host, "-p", strconv.Itoa(port), "-U", User, "-D", abs, "--write-recovery-conf",
		"--wal-method=stream", "--checkpoint=fast", "--no-sync"}
	if out, err := s.command(filepath.Join(BinDir, "pg_basebackup"), args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgserver: pg_basebackup into %s: %w; output:\n%s", abs, err, tail(string(out)))
	}
	return Start(abs, opt)
}

// initdb makes a cluster in s.Dir unless there is one.
func (s *Server) initdb() error {
	if _, err := os.Stat(filepath.Join(s.Dir, "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("pgserver: create %s: %w", s.Dir, err)
	}
	if s.asNobody {
		if err := giveToNobody(s.Dir); err != nil {
			return err
		}
	}
	// --no-sync: initdb's own files are not flushed (a crash of the
	// machine during a test is not a case to survive); the server that
	// runs on them syncs every commit.
	args := []string{"-D", s.Dir, "--auth=trust", "-U", User, "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"}
	out, err := s.command(filepath.Join(BinDir, "initdb"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgserver: initdb %s: %w; output:\n%s", s.Dir, err, tail(string(out)))
	}
	return nil
}

// command runs a PostgreSQL program, as nobody when we are root.
func (s *Server) command(bin string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if s.asNobody {
		cmd = exec.Command("setpriv", append([]string{"--reuid=nobody", "--regid=nogroup", "--clear-groups", "--pdeathsig", "INT", "--", bin}, args...)...)
	} else {
		cmd = exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
	}
	cmd.Dir = s.Dir
	// The server's messages in English, whatever the machine's locale.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd
}

// giveToNobody makes dir belong to nobody and checks that nobody can reach
// it.
func giveToNobody(dir string) error {
	u, err := user.Lookup("nobody")
	if err != nil {
		return fmt.Errorf("pgserver: running as root, postgres must run as nobody: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(path, uid, gid)
	}); err != nil {
		return fmt.Errorf("pgserver: give %s to nobody: %w", dir, err)
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgserver: postgres runs as nobody, who cannot enter %s (mode %v): put the data directory elsewhere (os.MkdirTemp(\"\", …), not t.TempDir())", p, fi.Mode().Perm())
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

var errPortInUse = errors.New("port already in use")

// freePort asks the kernel for a free port on host and releases it.
func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// socketDir is where the server puts its Unix socket: the data directory,
// or none when its path is too long for a socket address (the tests
// connect over TCP).
func (s *Server) socketDir() string {
	if len(s.Dir)+len("/.s.PGSQL.65535.lock") < 100 {
		return s.Dir
	}
	return ""
}

// launch starts postgres on port and waits until it accepts connections.
func (s *Server) launch(port int) error {
	args := []string{"-D", s.Dir, "-p", strconv.Itoa(port), "-h", s.Host, "-k", s.socketDir()}
	names := make([]string, 0, len(s.settings))
	for k := range s.settings {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		args = append(args, "-c", k+"="+s.settings[k])
	}
	p := &process{out: newOutput(), exited: make(chan struct{})}
	p.cmd = s.command(filepath.Join(BinDir, "postgres"), args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("run postgres: %w", err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	deadline := time.Now().Add(startTimeout)
	dsn := dsnFor(s.Host, port, "postgres")
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			s.mu.Lock()
			s.Port, s.proc = port, p
			s.mu.Unlock()
			return nil
		}
		out := p.out.String()
		if strings.Contains(out, "could not bind") || strings.Contains(out, "Address already in use") {
			p.stop()
			return fmt.Errorf("listen on %s:%d: %w; server output:\n%s", s.Host, port, errPortInUse, tail(out))
		}
		select {
		case <-p.exited:
			out := p.out.String()
			if strings.Contains(out, "could not bind") || strings.Contains(out, "Address already in use") {
				return fmt.Errorf("listen on %s:%d: %w; server output:\n%s", s.Host, port, errPortInUse, tail(out))
			}
			return fmt.Errorf("postgres exited during start (%v); output:\n%s", p.waitErr, tail(out))
		case <-p.out.changed:
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return fmt.Errorf("postgres did not accept connections on %s:%d within %v (last error: %v); output:\n%s", s.Host, port, startTimeout, err, tail(p.out.String()))
		}
	}
}

func dsnFor(host string, port int, db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(User), Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// DSN is the URL of database db on the server:
// postgres://proceedings@127.0.0.1:PORT/db?sslmode=disable.
func (s *Server) DSN(db string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return dsnFor(s.Host, s.Port, db)
}

// CreateDatabase creates database name (from template0, UTF8, C locale)
// and returns its DSN.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	if err := s.exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0"); err != nil {
		return "", fmt.Errorf("pgserver: create database %s: %w", name, err)
	}
	return s.DSN(name), nil
}

// DropDatabase drops database name, closing the connections still open
// to it.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgserver: drop database %s: %w", name, err)
	}
	return nil
}

// exec runs one statement on the maintenance database.
func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// Stop shuts the server down (fast shutdown: SIGINT, then SIGKILL if it
// has not exited within 30 s) and waits for it to exit. Calling it again
// does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.stop()
	}
}

// Kill kills the server with SIGKILL, as a crash would, and waits for it
// to exit. Its backends notice and exit too; Restart recovers from the
// write-ahead log.
func (s *Server) Kill() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	// The backends exit when they notice the postmaster is gone; the
	// next start waits for them (it refuses to start while they hold
	// the shared memory), retrying below.
}

// Restart starts the server again on the same port and data directory
// (after Stop or Kill), and waits until it accepts connections.
func (s *Server) Restart() error {
	s.Stop()
	var err error
	deadline := time.Now().Add(startTimeout)
	for {
		err = s.launch(s.Port)
		if err == nil || time.Now().After(deadline) {
			break
		}
		// Backends of a killed server may still hold the port or the
		// shared memory for a moment; there is no event to wait for.
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("pgserver: restart postgres on port %d: %w", s.Port, err)
	}
	return nil
}

// Output is what the server printed so far (the last megabyte).
func (s *Server) Output() string {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return ""
	}
	return p.out.String()
}

// process is one run of postgres.
type process struct {
	cmd      *exec.Cmd
	out      *output
	exited   chan struct{} // closed after Wait returned
	waitErr  error         // valid after exited is closed
	stopOnce sync.Once
}

// stop asks for a fast shutdown, then kills after stopTimeout, and waits.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.exited:
			return
		case <-time.After(stopTimeout):
		}
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
}

// output collects a process's output, keeping the last outputLimit bytes,
// and signals every write on changed.
type output struct {
	mu      sync.Mutex
	buf     []byte
	changed chan struct{} // capacity 1: "something was written"
}

func newOutput() *output { return &output{changed: make(chan struct{}, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.buf = append(o.buf, p...)
	if over := len(o.buf) - outputLimit; over > 0 {
		o.buf = append(o.buf[:0], o.buf[over:]...)
	}
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// tail returns the end of a server's output, short enough for an error.
func tail(out string) string {
	const max = 8 << 10
	if len(out) <= max {
		return out
	}
	return "…" + out[len(out)-max:]
}

// CPUTime is the processor time the server has used since it started:
// the postmaster, its running processes (backends, WAL writer,
// checkpointer, autovacuum) and those that have exited, user and system.
// Benchmarks read it before and after some work to know what the work
// cost the server, whatever else the machine was busy with.
func (s *Server) CPUTime() (time.Duration, error) {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return 0, errors.New("pgserver: the server is not running")
	}
	pid := p.cmd.Process.Pid
	total, err := procCPU(pid, true)
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if ppid, err := procParent(child); err == nil && ppid == pid {
			if t, err := procCPU(child, false); err == nil {
				total += t
			}
		}
	}
	return total, nil
}

// procStat returns the fields of /proc/pid/stat after the command name.
func procStat(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, fmt.Errorf("pgserver: /proc/%d/stat: %q", pid, s)
	}
	return strings.Fields(s[i+1:]), nil
}

func procParent(pid int) (int, error) {
	f, err := procStat(pid)
	if err != nil || len(f) < 2 {
		return 0, fmt.Errorf("pgserver: read the parent of %d: %v", pid, err)
	}
	return strconv.Atoi(f[1])
}

// procCPU is a process's user and system time (and its reaped children's,
// when children is set), from clock ticks of 1/100 s (Linux's USER_HZ).
func procCPU(pid int, children bool) (time.Duration, error) {
	f, err := procStat(pid)
	if err != nil || len(f) < 15 {
		return 0, fmt.Errorf("pgserver: read the CPU time of %d: %v", pid, err)
	}
	fields := f[11:13] // utime, stime
	if children {
		fields = f[11:15] // and cutime, cstime
	}
	var ticks int64
	for _, v := range fields {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
