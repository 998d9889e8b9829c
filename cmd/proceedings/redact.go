package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/event"
	"proceedings/logs"
	"proceedings/render"
)

func init() {
	var opts redactOptions
	cmd := &cobra.Command{
		Use:   "redact --channel '#chan' [--nick N] [--from T] [--to T] [--match TEXT] [--dry-run]",
		Short: "Remove lines from the archive and its search index, and re-render the days they were on",
		Long: `redact removes the lines that match every condition given (a nick, a time
range, a piece of text) from one channel's log, takes them out of the search
index, records who removed how many in the archive's audit log (never the
text), and renders the affected days again (with site.render false, the
process that renders the site does so at its next render). --dry-run says what would go,
showing the first 20 lines in the .txt pages' format, and writes nothing.

Times are YYYY-MM-DD (whole days in the site's timezone: --to includes its
day) or RFC 3339 instants (2026-02-02T14:03:00Z: --to excludes it).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return redact(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.query.Channel, "channel", "", "the channel (required)")
	f.StringVar(&opts.query.Network, "network", "", "the network, when the channel is logged on several")
	f.StringVar(&opts.query.Nick, "nick", "", "only lines by this nick")
	f.StringVar(&opts.from, "from", "", "only lines from this time on")
	f.StringVar(&opts.to, "to", "", "only lines before this time")
	f.StringVar(&opts.query.Match, "match", "", "only lines containing this text (case-insensitive)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "say what would be removed, remove nothing")
	cmd.MarkFlagRequired("channel")
	rootCmd.AddCommand(cmd)
}

// redactOptions are the flags of redact.
type redactOptions struct {
	global   globalOptions
	query    archive.RedactQuery // all but the times
	from, to string              // a day or an RFC 3339 time; see parseWhen
	dryRun   bool
}

// redact removes the lines opts selects and renders their days again, or
// on a dry run says what it would remove.
func redact(ctx context.Context, opts redactOptions, stdout, stderr io.Writer) error {
	q := opts.query
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(cfg *config.Config) (archiveAccess, error) {
		var err error
		if q.From, q.To, err = redactRange(opts.from, opts.to, cfg.Site.Location); err != nil {
			return noArchive, err
		}
		// A PostgreSQL archive is a URL, never a file: opening it says
		// whether it is there.
		if _, err := os.Stat(cfg.Archive); errors.Is(err, fs.ErrNotExist) && !config.IsArchiveURL(cfg.Archive) {
			return noArchive, fmt.Errorf("no archive at %s: nothing to redact (is -c the configuration of the archive you mean?)", cfg.Archive)
		}
		if opts.dryRun {
			return readOnly, nil
		}
		return readWrite, nil
	}))
	if err != nil {
		return err
	}
	defer s.close()
	if q, err = resolveRedactChannel(ctx, s.db, q); err != nil {
		return err
	}
	if opts.dryRun {
		return redactDryRun(ctx, s.db, q, stdout)
	}
	res, err := s.db.Redact(ctx, q, "cli:"+os.Getenv("USER"), false)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("redact interrupted: nothing was removed (the transaction was rolled back): %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d line(s) from %s on %d day(s)\n", res.Events, q.Channel, len(res.Days))
	for _, d := range res.Days {
		fmt.Fprintf(stdout, "  %s\n", d.Day)
	}
	if res.Events == 0 {
		return nil
	}
	if !s.cfg.Site.Render {
		fmt.Fprintln(stdout, "site.render is false: the process that renders the site rewrites those days at its next render")
		return nil
	}
	st, err := render.Render(ctx, s.db, siteOptions(s.cfg))
	if err != nil {
		return fmt.Errorf("the lines are gone from the archive, but rendering failed (run proceedings render): %w", err)
	}
	fmt.Fprintf(stdout, "re-rendered %d channel-day(s): %d files written, %d removed\n", st.Days, len(st.Written), len(st.Removed))
	return nil
}

// redactRange reads --from and --to in loc; a range that selects nothing
// is refused.
func redactRange(from, to string, loc *time.Location) (start, end time.Time, err error) {
	if start, err = parseWhen(from, loc, false); err != nil {
		return start, end, fmt.Errorf("--from: %w", err)
	}
	if end, err = parseWhen(to, loc, true); err != nil {
		return start, end, fmt.Errorf("--to: %w", err)
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		return start, end, fmt.Errorf("--to %s is not after --from %s: the range selects nothing", to, from)
	}
	return start, end, nil
}

// dryRunShown is how many lines a dry run of redact prints.
const dryRunShown = 20

// redactDryRun says what redact would remove, showing the first lines in
// our own text format, without writing to the archive.
func redactDryRun(ctx context.Context, db archive.Store, q archive.RedactQuery, out io.Writer) error {
	var lines []string
	res, err := db.RedactMatches(ctx, q, func(ev event.Event) error {
		if len(lines) < dryRunShown {
			lines = append(lines, event.DateOf(ev.Time, db.Location()).String()+" "+logs.FormatLine(ev, db.Location()))
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "would remove %d line(s) from %s on %d day(s)\n", res.Events, q.Channel, len(res.Days))
	for _, d := range res.Days {
		fmt.Fprintf(out, "  %s (%d)\n", d.Day, d.Events)
	}
	if len(lines) > 0 {
		fmt.Fprintln(out, "the lines:")
	}
	for _, l := range lines {
		fmt.Fprintf(out, "  %s\n", l)
	}
	if more := res.Events - len(lines); more > 0 {
		fmt.Fprintf(out, "  and %d more\n", more)
	}
	return nil
}

// resolveRedactChannel names q's channel as the archive does (it may be
// given without its prefix).
func resolveRedactChannel(ctx context.Context, db archive.Store, q archive.RedactQuery) (archive.RedactQuery, error) {
	ch, err := findChannel(ctx, db, q.Network, q.Channel, nil)
	if err != nil {
		return q, fmt.Errorf("redact: %w", err)
	}
	q.Network, q.Channel = ch.Network, ch.Name
	return q, nil
}

// parseWhen reads YYYY-MM-DD (the start of that day, or with end the start
// of the next) or an RFC 3339 time; "" is the zero time.
func parseWhen(s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := event.ParseDate(s); err == nil {
		start, next := d.Bounds(loc)
		if end {
			return next, nil
		}
		return start, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date like 2026-02-02 nor a time like 2026-02-02T14:03:00Z", s)
	}
	return t, nil
}
