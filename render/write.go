package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// tmpSeq numbers temporary files; tmpPrefix makes their names unique to
// this process.
var (
	tmpSeq    atomic.Uint64
	tmpPrefix = ".tmp-" + strconv.Itoa(os.Getpid()) + "-"
)

// writeNew creates path, which must not exist, with parts in it.
func writeNew(path string, parts [][]byte) error {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	for _, data := range parts {
		for len(data) > 0 {
			n, err := ignoringEINTR(func() (int, error) { return syscall.Write(fd, data) })
			if err != nil {
				syscall.Close(fd)
				return &os.PathError{Op: "write", Path: path, Err: err}
			}
			data = data[n:]
		}
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// files tracks what a render wrote and removed.
type files struct {
	out     string
	mu      sync.Mutex
	dirs    map[string]bool
	written []string
	removed []string
}

// writeFile writes parts, one after the other, to rel (a slash-separated
// path under Out) atomically: into a temporary file in the same directory, then renamed over
// the old one, so that a web server serves either the old page or the new
// one, never half of one. listed says whether the file is reported in
// Stats.Written (bookkeeping files are not).
func (r *renderer) writeFile(rel string, listed bool, parts ...[]byte) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) || strings.Contains(rel, "\\") {
		return fmt.Errorf("render: refusing to write %q outside the output directory", rel)
	}
	path := filepath.Join(r.opt.Out, filepath.FromSlash(rel))
	dir := filepath.Dir(path)
	if err := r.files.mkdir(dir); err != nil {
		return err
	}
	// The temporary name is unique to this process and call, so it needs
	// no random retries: open, write, close, rename. The calls are the
	// system's own: an *os.File would add a poller registration, its
	// failure and a finalizer to each of thousands of files.
	tmp := filepath.Join(dir, tmpPrefix+strconv.FormatUint(tmpSeq.Add(1), 10))
	if err := writeNew(tmp, parts); err != nil {
		syscall.Unlink(tmp)
		return fmt.Errorf("write %s: %w", rel, err)
	}
	// rename(2) itself, without os.Rename's Lstat of the target: the
	// kernel refuses to put a file over a directory all the same.
	if err := syscall.Rename(tmp, path); err != nil {
		syscall.Unlink(tmp)
		return fmt.Errorf("write %s: %w", rel, &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err})
	}
	if listed {
		r.files.mu.Lock()
		r.files.written = append(r.files.written, rel)
		r.files.mu.Unlock()
	}
	return nil
}

func (f *files) mkdir(dir string) error {
	f.mu.Lock()
	ok := f.dirs[dir]
	f.mu.Unlock()
	if ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f.mu.Lock()
	f.dirs[dir] = true
	f.mu.Unlock()
	return nil
}

// removeFile removes rel if it exists.
func (r *renderer) removeFile(rel string) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return fmt.Errorf("render: refusing to remove %q outside the output directory", rel)
	}
	err := os.Remove(filepath.Join(r.opt.Out, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	r.files.mu.Lock()
	r.files.removed = append(r.files.removed, rel)
	r.files.mu.Unlock()
	return nil
}

// removeDir removes a directory the renderer made (a channel's) with
// everything in it, and its parent when that is left empty.
func (r *renderer) removeDir(rel string) error {
	rel = strings.TrimSuffix(rel, "/")
	if !filepath.IsLocal(filepath.FromSlash(rel)) || rel == "" {
		return fmt.Errorf("render: refusing to remove %q", rel)
	}
	root := filepath.Join(r.opt.Out, filepath.FromSlash(rel))
	var gone []string
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if rp, err := filepath.Rel(r.opt.Out, p); err == nil {
				gone = append(gone, filepath.ToSlash(rp))
			}
		}
		return nil
	})
	if err := os.RemoveAll(root); err != nil {
		return fmt.Errorf("remove %s: %w", rel, err)
	}
	os.Remove(filepath.Dir(root)) // the network's directory, when empty
	r.files.mu.Lock()
	r.files.removed = append(r.files.removed, gone...)
	r.files.mu.Unlock()
	return nil
}

func (f *files) lists() (written, removed []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	written = append([]string(nil), f.written...)
	removed = append([]string(nil), f.removed...)
	sort.Strings(written)
	sort.Strings(removed)
	return written, removed
}

// lockFile serialises renders of one output directory (the bot's periodic
// render and a render from the command line, say).
const lockFile = ".proceedings-lock"

// lockOut takes an exclusive lock on the output directory, waiting for a
// render that holds it.
func lockOut(ctx context.Context, out string) (unlock func(), err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("render: create %s: %w", out, err)
	}
	f, err := os.OpenFile(filepath.Join(out, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("render: lock %s: %w", out, err)
	}
	done := make(chan error, 1)
	go func() { done <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("render: lock %s: %w", out, err)
		}
		return func() { f.Close() }, nil // closing releases the lock
	case <-ctx.Done():
		go func() { <-done; f.Close() }()
		return nil, fmt.Errorf("render: waiting for another render of %s: %w", out, ctx.Err())
	}
}
