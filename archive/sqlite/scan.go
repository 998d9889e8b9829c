package sqlite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"proceedings/archive"
	"strings"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Reading a range of events is what rendering and exporting spend their
// time on: a year of a busy channel is a million rows. Through
// database/sql, modernc's driver asks SQLite for each column's type and
// then its value, each call taking the connection's mutex, and converts it
// through interfaces. A scanner reads the same rows through modernc's
// SQLite library directly, on a connection of its own opened read-only and
// without the per-call mutex (SQLITE_OPEN_NOMUTEX), and copies the text
// columns straight into Go memory, for a fraction of the cost of a row
// (BenchmarkDay measures it). It is the only code here that touches SQLite
// below database/sql.
//
// A scanner belongs to one goroutine at a time: DB.scan takes one from the
// archive's pool (DB.readers) for the length of a call and gives it back.

// scanner is a read-only SQLite connection with its prepared statements.
type scanner struct {
	tls   *libc.TLS
	db    uintptr            // sqlite3*
	stmts map[string]uintptr // sqlite3_stmt* by SQL text
}

// scanners is the archive's pool of scanners: at most maxScanners open at
// once (like the database/sql pool of read-only connections), of which it
// keeps up to maxIdleScanners open between uses.
type scanners struct {
	path   string
	slots  chan struct{} // one per scanner in use
	mu     sync.Mutex
	idle   []*scanner
	closed bool
}

const (
	maxScanners     = 8
	maxIdleScanners = 4
)

func newScanners(path string) *scanners {
	return &scanners{path: path, slots: make(chan struct{}, maxScanners)}
}

// get returns a scanner, waiting while maxScanners are in use.
func (p *scanners) get(ctx context.Context) (*scanner, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.slots
		return nil, archive.ErrClosed
	}
	if n := len(p.idle); n > 0 {
		s := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return s, nil
	}
	p.mu.Unlock()
	s, err := openScanner(p.path)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return s, nil
}

func (p *scanners) put(s *scanner) {
	p.mu.Lock()
	if !p.closed && len(p.idle) < maxIdleScanners {
		p.idle = append(p.idle, s)
		s = nil
	}
	p.mu.Unlock()
	if s != nil {
		s.close()
	}
	<-p.slots
}

func (p *scanners) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, s := range idle {
		s.close()
	}
}

// openScanner opens the archive at path read-only.
func openScanner(path string) (*scanner, error) {
	s := &scanner{tls: libc.NewTLS(), stmts: map[string]uintptr{}}
	name, err := libc.CString("file:" + (&url.URL{Path: path}).EscapedPath())
	if err != nil {
		s.tls.Close()
		return nil, err
	}
	pdb := libc.Xcalloc(s.tls, 1, 8)
	if pdb == 0 {
		libc.Xfree(s.tls, name)
		s.tls.Close()
		return nil, errors.New("archive: out of memory opening a reader")
	}
	rc := sqlite3.Xsqlite3_open_v2(s.tls, name, pdb,
		sqlite3.SQLITE_OPEN_READONLY|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	s.db = libc.AtomicLoadPUintptr(pdb)
	libc.Xfree(s.tls, pdb)
	libc.Xfree(s.tls, name)
	if rc != sqlite3.SQLITE_OK {
		err := s.error(rc)
		s.close()
		return nil, fmt.Errorf("open a reader: %w", err)
	}
	sqlite3.Xsqlite3_busy_timeout(s.tls, s.db, 10000)
	return s, nil
}

func (s *scanner) close() {
	for _, st := range s.stmts {
		sqlite3.Xsqlite3_finalize(s.tls, st)
	}
	clear(s.stmts)
	if s.db != 0 {
		sqlite3.Xsqlite3_close_v2(s.tls, s.db)
		s.db = 0
	}
	s.tls.Close()
}

// error is SQLite's message for the last call on the connection.
func (s *scanner) error(rc int32) error {
	if s.db == 0 {
		return fmt.Errorf("sqlite: %s (%d)", libc.GoString(sqlite3.Xsqlite3_errstr(s.tls, rc)), rc)
	}
	return fmt.Errorf("sqlite: %s (%d)", libc.GoString(sqlite3.Xsqlite3_errmsg(s.tls, s.db)), rc)
}

// prepare returns the statement for query, prepared once per scanner, reset
// and with args bound.
func (s *scanner) prepare(query string, args ...int64) (uintptr, error) {
	st, ok := s.stmts[query]
	if !ok {
		q, err := libc.CString(query)
		if err != nil {
			return 0, err
		}
		defer libc.Xfree(s.tls, q)
		pst := libc.Xcalloc(s.tls, 1, 8)
		if pst == 0 {
			return 0, errors.New("archive: out of memory preparing a query")
		}
		defer libc.Xfree(s.tls, pst)
		if rc := sqlite3.Xsqlite3_prepare_v3(s.tls, s.db, q, -1, sqlite3.SQLITE_PREPARE_PERSISTENT, pst, 0); rc != sqlite3.SQLITE_OK {
			return 0, s.error(rc)
		}
		st = libc.AtomicLoadPUintptr(pst)
		s.stmts[query] = st
	}
	sqlite3.Xsqlite3_reset(s.tls, st)
	for i, a := range args {
		if rc := sqlite3.Xsqlite3_bind_int64(s.tls, st, int32(i+1), a); rc != sqlite3.SQLITE_OK {
			return 0, s.error(rc)
		}
	}
	return st, nil
}

// step advances st: true with a row, false when done.
func (s *scanner) step(st uintptr) (bool, error) {
	switch rc := sqlite3.Xsqlite3_step(s.tls, st); rc {
	case sqlite3.SQLITE_ROW:
		return true, nil
	case sqlite3.SQLITE_DONE:
		return false, nil
	default:
		err := s.error(rc)
		sqlite3.Xsqlite3_reset(s.tls, st)
		return false, err
	}
}

func (s *scanner) int64(st uintptr, col int32) int64 {
	return sqlite3.Xsqlite3_column_int64(s.tls, st, col)
}

// texts copies the text columns from, from+1, … of the current row into
// dst (at most 8), in one allocation per row; NULL reads as "".
func (s *scanner) texts(st uintptr, from int32, dst ...*string) {
	var ps [8]uintptr
	var ns [8]int
	total := 0
	for i := range dst {
		col := from + int32(i)
		if ps[i] = sqlite3.Xsqlite3_column_text(s.tls, st, col); ps[i] != 0 {
			ns[i] = int(sqlite3.Xsqlite3_column_bytes(s.tls, st, col))
			total += ns[i]
		}
	}
	if total == 0 {
		for _, d := range dst {
			*d = ""
		}
		return
	}
	// A Builder's buffer is not zeroed first, and String does not copy it.
	var b strings.Builder
	b.Grow(total)
	for i := range dst {
		if ns[i] > 0 {
			b.Write(cBytes(ps[i], ns[i]))
		}
	}
	all, off := b.String(), 0
	for i, d := range dst {
		*d = all[off : off+ns[i]]
		off += ns[i]
	}
}

// cBytes is the n bytes at p in SQLite's memory, which is the C heap of
// modernc's libc, outside Go's: the rules for converting a uintptr that
// holds a Go pointer do not apply. The slice is valid until the next call
// on the statement.
func cBytes(p uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), n)
}

// scan calls fn with a scanner from the pool, and puts it back after.
func (db *DB) scan(ctx context.Context, fn func(s *scanner) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, err := db.readers.get(ctx)
	if err != nil {
		return err
	}
	defer db.readers.put(s)
	return fn(s)
}

// query runs a query, calling row for each row until it returns an error.
// It checks ctx every few hundred rows.
func (s *scanner) query(ctx context.Context, query string, args []int64, row func(st uintptr) error) error {
	st, err := s.prepare(query, args...)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_reset(s.tls, st)
	for n := 1; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ok, err := s.step(st)
		if err != nil || !ok {
			return err
		}
		if err := row(st); err != nil {
			return err
		}
	}
}
