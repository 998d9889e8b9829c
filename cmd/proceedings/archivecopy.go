package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/archive/engine"
	"proceedings/config"
	"proceedings/internal/connstring"
)

const archiveCopyHelp = `copy moves a whole archive from one engine to another: a SQLite file to a
PostgreSQL database (postgres://USER@HOST:PORT/DB) or back, or between two of
either. Every event keeps its id, so permalinks (#l-ID) stay the same and a
site rendered from the copy is byte for byte the one rendered from the
original; channels keep their public flag, posts and series their announced
state; the opt-out list, the redaction audit log and what the bot keeps in
the archive's meta (feed state) come along. Day counts are recounted by the
destination.

The destination must be empty (a SQLite path that does not exist yet, or a
database without events); a destination that holds events of its own, or
copied from another archive, or posts, opt-outs or an audit log of its own,
is refused. Nothing else may write to either
archive meanwhile: stop the bot and any import first.

An interrupted copy (Ctrl-C, kill, a lost connection) is continued by running
the same command again; so is a finished one while nothing has written to
the destination since (it then takes the lines the source gained, e.g.
while the bot still recorded into it). Once something has (the bot, an
import, a redaction), the destination is in use: the same command writes
nothing and only compares. At the end both archives are read again and compared:
every channel's counts and a SHA-256 checksum of every event with all its
fields, and the posts, opt-outs, audit log and meta. The exit status is 0
only when they are equal.

A PostgreSQL password never goes on the command line: give it in PGPASSWORD
or ~/.pgpass (PGPASSFILE), as psql takes it. Days are counted in the site's
timezone from the configuration (-c) when there is one, else UTC;
--timezone names another.`

func init() {
	var opts archiveCopyOptions
	archiveCmd := &cobra.Command{
		Use:   "archive",
		Short: "Work on the archive as a whole",
	}
	cmd := &cobra.Command{
		Use:   "copy --from ARCHIVE --to ARCHIVE",
		Short: "Copy a whole archive between SQLite and PostgreSQL, resumable and verified",
		Long:  archiveCopyHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return archiveCopy(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "the archive to copy: a SQLite file or a postgres:// URL (required)")
	f.StringVar(&opts.to, "to", "", "the archive to copy into: a SQLite file or a postgres:// URL (required)")
	f.StringVar(&opts.timezone, "timezone", "", "the timezone days are counted in (default: the configuration's, else UTC)")
	f.IntVar(&opts.batch, "batch", 10000, "events per transaction of the destination")
	cmd.MarkFlagRequired("from")
	cmd.MarkFlagRequired("to")
	archiveCmd.AddCommand(cmd)
	rootCmd.AddCommand(archiveCmd)
}

// archiveCopyOptions are the flags of archive copy.
type archiveCopyOptions struct {
	global   globalOptions
	from, to string
	timezone string
	batch    int
}

// archiveCopy copies opts.from into opts.to and verifies the copy.
func archiveCopy(ctx context.Context, opts archiveCopyOptions, stdout, stderr io.Writer) error {
	loc, logCfg, err := copySettings(opts)
	if err != nil {
		return err
	}
	opts.global.setupLogging(stderr, logCfg)
	source, err := archiveName(opts.from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if _, err := archiveName(opts.to); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if !config.IsArchiveURL(opts.from) {
		if _, err := os.Stat(opts.from); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	from, err := engine.Open(ctx, opts.from, archive.Options{Location: loc, ReadOnly: true})
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := engine.Open(ctx, opts.to, archive.Options{Location: loc})
	if err != nil {
		return err
	}
	defer to.Close()

	start := time.Now()
	copyOpt := archive.CopyOptions{Source: source, Batch: opts.batch, Logger: slog.Default().With("component", "copy")}
	var bar *progressbar.ProgressBar
	var done int64 // events in the destination, as the copy last said
	if isTerminal(stderr) {
		bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("copying events"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("events"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		copyOpt.Progress = func(n, total int64) {
			done = n
			bar.ChangeMax64(total)
			bar.Set64(n)
		}
	} else {
		last := time.Now()
		copyOpt.Progress = func(n, total int64) {
			done = n
			if time.Since(last) >= 10*time.Second {
				last = time.Now()
				slog.Info("copying events", "done", n, "of", total)
			}
		}
	}
	st, err := archive.Copy(ctx, from, to, copyOpt)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("copy interrupted: %d of the source's %d events are in the destination now (%d written by this run, kept); run the same command again to continue it (%w)", done, st.Events, st.Copied, err)
		}
		return err
	}
	if st.Finished != "" {
		fmt.Fprintf(stdout, "the destination holds a copy of this source that finished at %s: nothing was written; verifying it\n", st.Finished)
		return verifyCopy(ctx, from, to, stdout, "the copy finished before, and one of the archives has been written to since "+
			"(the destination is in use: its posts, opt-outs and audit log are its own). Nothing was written; to copy again, copy into an empty archive")
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "copied %d channels, %d events (%d written by this run) in %s (%.0f events/s)\n",
		st.Channels, st.Events, st.Copied, took.Round(time.Millisecond), float64(st.Copied)/took.Seconds())
	return verifyCopy(ctx, from, to, stdout, "if the source changed since the copy began "+
		"(something wrote to it between an interrupted copy and this run), copying again cannot mend it: start over with an empty destination")
}

// verifyCopy compares both archives and says whether they hold the same;
// when they differ, why says what that means.
func verifyCopy(ctx context.Context, from, to archive.Store, stdout io.Writer, why string) error {
	diffs, sum, err := archive.Verify(ctx, from, to)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("verification interrupted: %w; the copy is complete: run the same command again to verify it", err)
		}
		return err
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(stdout, "difference:", d)
		}
		return exitError{1, fmt.Sprintf("the copy differs from the source in %s (listed above); %s", plural(int64(len(diffs)), "way"), why)}
	}
	fmt.Fprintf(stdout, "verified: %d channels, %d events, the same on both sides (checksum %s); posts, opt-outs, audit log and meta equal\n",
		len(sum.Channels), sum.Events, sum.Checksum)
	return nil
}

// copySettings are the timezone and logging of a copy: the configuration's
// when it exists, --timezone over it.
func copySettings(opts archiveCopyOptions) (*time.Location, config.LogConfig, error) {
	loc := time.UTC
	var lc config.LogConfig
	if _, err := os.Stat(opts.global.configPath); err == nil {
		cfg, err := config.Load(opts.global.configPath)
		if err != nil {
			return nil, lc, err
		}
		loc, lc = cfg.Site.Location, cfg.Log
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, lc, err
	}
	if opts.timezone != "" {
		var err error
		if loc, err = time.LoadLocation(opts.timezone); err != nil {
			return nil, lc, fmt.Errorf("--timezone: %w", err)
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	return loc, lc, nil
}

// archiveName is how a copy's destination remembers its source: a SQLite
// file's absolute path, or the URL. A URL with a password is refused: it
// would be seen by everyone who lists processes.
func archiveName(where string) (string, error) {
	if where == "" {
		return "", errors.New("name an archive: a SQLite file or a postgres:// URL")
	}
	if connstring.IsKeywordValue(where) {
		return "", errors.New(connstring.Refusal)
	}
	if !config.IsArchiveURL(where) {
		return filepath.Abs(where)
	}
	u, err := url.Parse(where)
	if err != nil {
		return "", errors.New("the address is not a URL")
	}
	if _, has := u.User.Password(); has || u.Query().Has("password") {
		return "", errors.New("the URL holds a password: give it in PGPASSWORD or ~/.pgpass instead")
	}
	return where, nil
}
