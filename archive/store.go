package archive

import (
	"context"
	"time"

	"proceedings/event"
)

// Store is an open archive, whatever engine keeps it: every method the bot,
// the renderer, the web server and the command line call. It is safe for
// concurrent use. The engines are archive/sqlite (one file, the default)
// and archive/postgres (one database that several processes share); the
// same behaviour is asked of both by archive/storetest.
type Store interface {
	// Location is the site's timezone, in which the archive counts days.
	Location() *time.Location
	// Close flushes what was appended and releases the archive.
	Close() error

	// Append stores one event durably and returns its id.
	Append(ctx context.Context, ev event.Event) (int64, error)
	// AppendAsync queues an event; done is called once it is durable (or
	// failed). ErrQueueFull when more events wait than the queue holds.
	AppendAsync(ev event.Event, done func(id int64, err error)) error
	// Flush waits until everything queued before it is durable and indexed.
	Flush(ctx context.Context) error
	// QueueDepth is how many appended events wait for the disk.
	QueueDepth() int
	// Committed counts the events this handle has made durable.
	Committed() int64
	// NewImporter starts a bulk load of events read from old logs.
	NewImporter(opt ImportOptions) (Importer, error)

	Channels(ctx context.Context) ([]Channel, error)
	FindChannel(ctx context.Context, network, name string) (Channel, error)
	SetPublic(ctx context.Context, network, name string, public bool) error
	// SetPublicOnly marks the listed channels public and every other
	// channel of the given networks private, in one transaction: what a
	// configuration says of the networks it names. The channels of other
	// networks keep their flags: another process's configuration (another
	// bot on the same archive) decides them.
	SetPublicOnly(ctx context.Context, networks []string, public []event.ChannelRef) error
	SetPublicView(public []event.ChannelRef)

	Range(ctx context.Context, channelID int64, from, to time.Time, fields Fields, fn func(event.Event) error) error
	Day(ctx context.Context, channelID int64, day event.Date) ([]event.Event, error)
	Calendar(ctx context.Context, channelID int64) ([]DayInfo, error)
	ChangedDays(ctx context.Context, since int64) ([]DayInfo, int64, error)
	AllDays(ctx context.Context) ([]DayInfo, error)
	Revision(ctx context.Context) (int64, error)
	Seen(ctx context.Context, nick string, channelIDs []int64) (event.Event, bool, error)
	Contains(ctx context.Context, ev event.Event, tol time.Duration) (bool, error)
	Event(ctx context.Context, id int64) (event.Event, error)
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)

	Redact(ctx context.Context, q RedactQuery, actor string, dryRun bool) (RedactResult, error)
	RedactMatches(ctx context.Context, q RedactQuery, fn func(event.Event) error) (RedactResult, error)
	Audit(ctx context.Context) ([]AuditEntry, error)

	Meta(ctx context.Context, key string) (string, bool, error)
	SetMeta(ctx context.Context, key, value string) error

	SavePost(ctx context.Context, p Post) (Post, bool, error)
	MarkAnnounced(ctx context.Context, postID int64, at time.Time) error
	LatestPosts(ctx context.Context, n int) ([]Post, error)
	PostByGUID(ctx context.Context, guid string) (Post, bool, error)
	Series(ctx context.Context) ([]SeriesInfo, error)
	SeriesParts(ctx context.Context, name string) ([]Post, error)
	LastSeriesLinked(ctx context.Context, ref event.ChannelRef, nick string) (series string, ok bool, err error)

	OptOut(ctx context.Context, key string, out bool) error
	OptOutFrom(ctx context.Context, key, userHost string) error
	OptOutEntry(ctx context.Context, key string) (userHost string, found bool, err error)
	OptOuts(ctx context.Context) ([]string, error)
}

// Importer bulk-loads events read from old logs. Events already in the
// archive (recorded live, or imported before) are skipped, so importing the
// same file twice adds nothing. Use one Importer per import, from one
// goroutine; call Flush at the end.
type Importer interface {
	// Add buffers an event; full buffers are written in large transactions.
	Add(ctx context.Context, ev event.Event) error
	// Flush writes what is buffered and fills the search index.
	Flush(ctx context.Context) error
	// Stop drops what is still buffered, after an error or an interrupt;
	// running the same import again completes it.
	Stop() error
	Stats() ImportStats
	// StartFile says that the events added from now on come from another
	// file: a line two overlapping files hold is stored once, a line one
	// file holds twice is stored twice.
	StartFile()
}

// Maintainer is what only a single-file engine has: a file to check,
// checkpoint and bound. Callers ask for it with a type assertion.
type Maintainer interface {
	// Path is the archive's file.
	Path() string
	IntegrityCheck(ctx context.Context) error
	Checkpoint(ctx context.Context) error
	SetMaxPageCount(ctx context.Context, pages int) (int, error)
}

// RenderLocker is what an archive that several processes share has: a
// lock that lets one render of the site run at a time, whichever machine
// it runs on. The renderer asks for it with a type assertion; an archive
// one process owns (SQLite) needs none.
type RenderLocker interface {
	// LockRender waits for the render lock until ctx ends; unlock
	// releases it.
	LockRender(ctx context.Context) (unlock func(), err error)
}

// ChangeNotifier is what an archive that other processes write has: word
// of their commits, so that a renderer waits for new events instead of
// asking again and again. Callers ask for it with a type assertion.
type ChangeNotifier interface {
	// Changes delivers the current revision, then each newer one (the
	// latest when the reader is slow); it is closed when ctx ends or the
	// archive is closed.
	Changes(ctx context.Context) <-chan int64
}

// WriteChecker is what an archive has whose read-only Open succeeds where
// a read-write one would be refused (a PostgreSQL hot standby, a role
// without the rights to write): check asks it whether run could record
// into it. Callers ask for it with a type assertion.
type WriteChecker interface {
	// CheckWrite says why a read-write Open of the same archive would be
	// refused, or nil.
	CheckWrite(ctx context.Context) error
}
