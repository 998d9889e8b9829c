package archive

import (
	"errors"
	"log/slog"
	"time"
)

// ErrQueueFull is returned by AppendAsync when more events wait for the disk
// than the queue holds (the disk is full or far too slow).
var ErrQueueFull = errors.New("archive write queue is full: events are arriving faster than the disk takes them")

// ErrClosed is returned by appends after Close.
var ErrClosed = errors.New("the archive is closed")

// ErrNewerSchema is returned by Open for a database written by a newer
// version of proceedings.
var ErrNewerSchema = errors.New("the archive was written by a newer version of proceedings")

// ErrOlderSchema is returned by a read-only open of an archive that a
// writer has yet to migrate to this binary's schema.
var ErrOlderSchema = errors.New("the archive's schema is older than this version of proceedings")

// Options tune Open.
type Options struct {
	// Location is the site's timezone: the archive keeps per-day line
	// counts in it. Nil means UTC. Opening with another zone than last time
	// recounts the days once.
	Location *time.Location
	// ReadOnly opens for queries only (serve, search, render): no writer
	// goroutine is started and every write method fails.
	ReadOnly bool
	// QueueSize bounds how many appended events may wait for the disk
	// (default 65536). Past it, AppendAsync reports ErrQueueFull.
	QueueSize int
	// Logger receives warnings (write errors that are being retried).
	Logger *slog.Logger
}

// WithDefaults is opt as an engine opens with it: UTC, the default logger
// and queue size where opt leaves them unset.
func (opt Options) WithDefaults() Options {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = 1 << 16
	}
	return opt
}
