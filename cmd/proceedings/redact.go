package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"proceedings/event"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/logs"
	"proceedings/render"
)

func init() {
	var (
		q        archive.RedactQuery
		from, to string
		dryRun   bool
	)
	cmd := &cobra.Command{
		Use:   "redact --channel '#chan' [--nick N] [--from T] [--to T] [--match TEXT] [--dry-run]",
		Short: "Remove lines from the archive and its search index, and re-render the days they were on",
		Long: `redact removes the lines that match every condition given (a nick, a time
range, a piece of text) from one channel's log, takes them out of the search
index, records who removed how many in the archive's audit log (never the
text), and renders the affected days again. --dry-run says what would go,
showing the first 20 lines in the .txt pages' format, and writes nothing.

Times are YYYY-MM-DD (whole days in the site's timezone: --to includes its
day) or RFC 3339 instants (2026-02-02T14:03:00Z: --to excludes it).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if q.From, err = parseWhen(from, cfg.Site.Location, false); err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			if q.To, err = parseWhen(to, cfg.Site.Location, true); err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
				return fmt.Errorf("--to %s is not after --from %s: the range selects nothing", to, from)
			}
			if _, err := os.Stat(cfg.Archive); errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("no archive at %s: nothing to redact (is -c the configuration of the archive you mean?)", cfg.Archive)
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if dryRun {
				return redactDryRun(ctx, cfg, q, out)
			}
			db, err := openArchive(ctx, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()
			if q, err = resolveRedactChannel(ctx, db, q); err != nil {
				return err
			}
			actor := "cli:" + os.Getenv("USER")
			res, err := db.Redact(ctx, q, actor, false)
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("redact interrupted: nothing was removed (the transaction was rolled back): %w", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "removed %d line(s) from %s on %d day(s)\n", res.Events, q.Channel, len(res.Days))
			for _, d := range res.Days {
				fmt.Fprintf(out, "  %s\n", d.Day)
			}
			if res.Events == 0 {
				return nil
			}
			st, err := render.Render(ctx, db, siteOptions(cfg))
			if err != nil {
				return fmt.Errorf("the lines are gone from the archive, but rendering failed (run proceedings render): %w", err)
			}
			fmt.Fprintf(out, "re-rendered %d channel-day(s): %d files written, %d removed\n", st.Days, len(st.Written), len(st.Removed))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Channel, "channel", "", "the channel (required)")
	f.StringVar(&q.Network, "network", "", "the network, when the channel is logged on several")
	f.StringVar(&q.Nick, "nick", "", "only lines by this nick")
	f.StringVar(&from, "from", "", "only lines from this time on")
	f.StringVar(&to, "to", "", "only lines before this time")
	f.StringVar(&q.Match, "match", "", "only lines containing this text (case-insensitive)")
	f.BoolVar(&dryRun, "dry-run", false, "say what would be removed, remove nothing")
	cmd.MarkFlagRequired("channel")
	rootCmd.AddCommand(cmd)
}

// dryRunShown is how many lines a dry run of redact prints.
const dryRunShown = 20

// redactDryRun says what redact would remove, showing the first lines in
// our own text format, without writing to the archive.
func redactDryRun(ctx context.Context, cfg *config.Config, q archive.RedactQuery, out io.Writer) error {
	db, err := openArchive(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if q, err = resolveRedactChannel(ctx, db, q); err != nil {
		return err
	}
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
func resolveRedactChannel(ctx context.Context, db *archive.DB, q archive.RedactQuery) (archive.RedactQuery, error) {
	ch, err := findChannel(ctx, db, q.Network, q.Channel)
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
