package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"github.com/mattn/go-isatty"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/archive/postgres"
	"proceedings/bot"
	"proceedings/config"
)

// globalOptions are the flags every subcommand takes.
type globalOptions struct {
	configPath string // --config
	logFormat  string // --log-format; "" takes the configuration's
	logLevel   string // --log-level; "" takes the configuration's
}

// checkLogFlags refuses --log-format and --log-level values the logger
// does not have, naming the ones it has.
func (g globalOptions) checkLogFlags() error {
	switch g.logFormat {
	case "", "text", "json":
	default:
		return fmt.Errorf("--log-format %q: use text or json", g.logFormat)
	}
	if g.logLevel != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(g.logLevel)); err != nil {
			return fmt.Errorf("--log-level %q: use debug, info, warn or error", g.logLevel)
		}
	}
	return nil
}

// setupLogging installs the process logger, writing to w: text unless
// JSON is asked for, the flags first, then lc.
func (g globalOptions) setupLogging(w io.Writer, lc config.LogConfig) {
	format := lc.Format
	if g.logFormat != "" {
		format = g.logFormat
	}
	level := lc.Level
	if g.logLevel != "" {
		_ = level.UnmarshalText([]byte(g.logLevel)) // checked by checkLogFlags
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}

// archiveAccess is how a command opens the archive.
type archiveAccess int

const (
	noArchive archiveAccess = iota // not at all (a dry run, nothing to do)
	readOnly                       // for queries: beside the running bot, without slowing it
	readWrite                      // for changes; also records which channels are public
)

// archiveUse says how a command uses the archive, once the configuration
// is read: it may first check the command's options against the
// configuration, or do the work that decides it (import's plan), and
// refuse to go on. An archiveAccess is the use of a command that has
// nothing to check.
type archiveUse interface {
	use(cfg *config.Config) (archiveAccess, error)
}

func (a archiveAccess) use(*config.Config) (archiveAccess, error) { return a, nil }

// useFunc is an archiveUse that checks.
type useFunc func(cfg *config.Config) (archiveAccess, error)

func (f useFunc) use(cfg *config.Config) (archiveAccess, error) { return f(cfg) }

// session is what a subcommand works with: the configuration and the
// archive it names.
type session struct {
	cfg *config.Config
	db  archive.Store // nil when the command's use opened none
}

// openSession reads the configuration g names and sets up logging (to
// stderr) from it and g; then, as use says, opens its archive in the
// site's timezone. The configuration says which channels are public, never
// the flags stored in the archive, which only a writer refreshes: the
// archive is given the configuration's view, and opened for writing it
// also records it. The caller closes the session.
func openSession(ctx context.Context, g globalOptions, stderr io.Writer, use archiveUse) (*session, error) {
	cfg, err := config.Load(g.configPath)
	if err != nil {
		return nil, err
	}
	g.setupLogging(stderr, cfg.Log)
	access, err := use.use(cfg)
	if err != nil {
		return nil, err
	}
	if access == noArchive {
		return &session{cfg: cfg}, nil
	}
	db, err := openArchive(ctx, cfg, archive.Options{Location: cfg.Site.Location, ReadOnly: access == readOnly})
	if err != nil {
		return nil, err
	}
	public := bot.PublicLogs(cfg)
	db.SetPublicView(public)
	if access == readWrite {
		if err := db.SetPublicOnly(ctx, bot.LogNetworks(cfg), public); err != nil {
			db.Close()
			return nil, err
		}
	}
	return &session{cfg: cfg, db: db}, nil
}

// openArchive opens the configured archive with the engine its location
// names: a postgres:// URL (the password put in from archive_password_env
// or archive_password_file) or a SQLite file.
func openArchive(ctx context.Context, cfg *config.Config, opt archive.Options) (archive.Store, error) {
	where, err := cfg.ArchiveLocation()
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(ctx, where, opt)
	if postgres.IsLoginRefused(err) {
		if !passwordGiven(where) {
			return nil, fmt.Errorf("%w (no password was given: set archive_password_env or archive_password_file in %s, or PostgreSQL's PGPASSWORD or ~/.pgpass)", err, cfg.Path)
		}
		return nil, fmt.Errorf("%w (the password comes from archive_password_env or archive_password_file in %s, or from PostgreSQL's PGPASSWORD or ~/.pgpass)", err, cfg.Path)
	}
	return db, err
}

// passwordGiven reports whether a PostgreSQL login to the URL where has a
// password to give: in the URL (put there from archive_password_env or
// _file), in PGPASSWORD, or in a password file (PGPASSFILE, ~/.pgpass).
func passwordGiven(where string) bool {
	if u, err := url.Parse(where); err == nil {
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	if os.Getenv("PGPASSWORD") != "" {
		return true
	}
	file := os.Getenv("PGPASSFILE")
	if file == "" {
		if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, ".pgpass")
		}
	}
	_, err := os.Stat(file)
	return file != "" && err == nil
}

// close closes the archive, when one is open.
func (s *session) close() error {
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}

// siteBaseURL is the configured site.base_url as a string, "" when none is.
func siteBaseURL(cfg *config.Config) string {
	if cfg.Site.BaseURL == nil {
		return ""
	}
	return cfg.Site.BaseURL.String()
}

// isTerminal reports whether w is a terminal (for progress bars and colour).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
