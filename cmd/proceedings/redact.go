package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
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
text), and renders the affected days again. --dry-run says what would go.

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
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()
			actor := "cli:" + os.Getenv("USER")
			res, err := db.Redact(ctx, q, actor, dryRun)
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("redact interrupted: nothing was removed (the transaction was rolled back): %w", err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			verb := "removed"
			if dryRun {
				verb = "would remove"
			}
			fmt.Fprintf(out, "%s %d line(s) from %s on %d day(s)\n", verb, res.Events, q.Channel, len(res.Days))
			for _, d := range res.Days {
				fmt.Fprintf(out, "  %s\n", d.Day)
			}
			if dryRun || res.Events == 0 {
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

// parseWhen reads YYYY-MM-DD (the start of that day, or with end the start
// of the next) or an RFC 3339 time; "" is the zero time.
func parseWhen(s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := archive.ParseDate(s); err == nil {
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
