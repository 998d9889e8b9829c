package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckPaths reports each path the bot writes to (the archive, site.out)
// that cannot be written or created here, with its key, its line and why.
// It creates and removes a probe file in the nearest directory that exists;
// it changes nothing else.
func (c *Config) CheckPaths() []Problem {
	var ps []Problem
	for _, w := range c.writes {
		if err := writable(w.path, w.dir); err != nil {
			msg := err.Error()
			if w.line == 0 {
				msg += " (the default; set " + w.key + " to another path)"
			}
			ps = append(ps, Problem{Line: w.line, Key: w.key, Msg: msg})
		}
	}
	return ps
}

// writable says why path (a directory when dir, else a file) cannot be
// written, or created with the directories above it; nil when it can.
func writable(path string, dir bool) error {
	info, err := os.Stat(path)
	switch {
	case err == nil:
		switch {
		case dir && !info.IsDir():
			return fmt.Errorf("%s is not a directory", path)
		case dir:
			if err := probe(path); err != nil {
				return fmt.Errorf("%s cannot be written: %w", path, err)
			}
			return nil
		case !info.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s cannot be written: %w", path, cause(err))
		}
		f.Close()
		// SQLite writes its -wal and -shm files beside the archive.
		if err := probe(filepath.Dir(path)); err != nil {
			return fmt.Errorf("%s: its directory cannot be written (the archive keeps its -wal and -shm files there): %w", path, err)
		}
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", path, cause(err))
	}
	for parent := filepath.Dir(path); ; parent = filepath.Dir(parent) {
		info, err := os.Stat(parent)
		switch {
		case err == nil && !info.IsDir():
			return fmt.Errorf("%s cannot be created: %s is not a directory", path, parent)
		case err == nil:
			if err := probe(parent); err != nil {
				return fmt.Errorf("%s cannot be created: nothing can be created in %s: %w", path, parent, err)
			}
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%s cannot be created: %w", path, cause(err))
		case filepath.Dir(parent) == parent:
			return fmt.Errorf("%s cannot be created: %w", path, cause(err))
		}
	}
}

// probe creates and removes a file in dir.
func probe(dir string) error {
	f, err := os.CreateTemp(dir, ".proceedings-check-*")
	if err != nil {
		return cause(err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// cause is the reason of a path error without the path, which the
// message names already.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
