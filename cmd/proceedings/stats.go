package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"proceedings/render"
)

func init() {
	var opts statsOptions
	cmd := &cobra.Command{
		Use:   "stats --channel '#chan' [--network NET] [--from DAY] [--to DAY] [--top N] [--json] [--all]",
		Short: "Print the numbers behind a channel's stats page",
		Long: `stats prints what the channel's stats page shows, computed from the archive by
the same code: lines, active days, speakers, the top talkers, the busiest hours
and weekdays (site timezone) and the most shared link hosts. --from and --to
(days, inclusive) narrow it to a period; --json prints one JSON object
(lower-case keys like the web API's; weekdays are indexed from Sunday = 0).

Only published channels are counted, as on the site. --all allows any
channel in the archive, private ones included: it is for the archive's admin
on the machine that holds it, never for output that is published.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return stats(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	opts.addFlags(f, false)
	f.IntVar(&opts.top, "top", 10, "how many talkers and hosts to list")
	f.BoolVar(&opts.asJSON, "json", false, "print JSON")
	f.BoolVar(&opts.all, "all", false, "allow a private channel (local admin use only)")
	cmd.MarkFlagRequired("channel")
	rootCmd.AddCommand(cmd)
}

// statsOptions are the flags of stats.
type statsOptions struct {
	global globalOptions
	channelDays
	top    int  // how many talkers and hosts
	asJSON bool // --json
	all    bool // --all: private channels too
}

// stats prints the numbers of a channel's stats page, as text or JSON.
func stats(ctx context.Context, opts statsOptions, stdout, stderr io.Writer) error {
	s, err := opts.open(ctx, opts.global, stderr, func() error {
		if opts.top < 1 || opts.top > 1000 {
			return fmt.Errorf("--top %d: give a number from 1 to 1000", opts.top)
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer s.close()
	if !opts.all && !(s.ch.Public && publishedBy(s.cfg)(s.ch.Network, s.ch.Name)) {
		return fmt.Errorf("%s is not published: its stats need --all (for the archive's admin only)", s.ch.Name)
	}
	st, err := render.ComputeStats(ctx, s.db, s.ch.ID, s.first, s.last, opts.top)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	if opts.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return err
		}
	} else {
		printStats(out, st, s.db.Location())
	}
	return out.Flush()
}

// printStats writes the numbers as aligned text with bar charts.
func printStats(w *bufio.Writer, st render.ChannelStats, loc *time.Location) {
	span := "no days"
	if !st.First.IsZero() {
		span = st.First.String() + " to " + st.Last.String()
	}
	fmt.Fprintf(w, "%s on %s, %s (times are %s)\n\n", termSafe(st.Channel), termSafe(st.Network), span, loc)
	for _, row := range []struct {
		name string
		n    int
	}{{"lines", st.Lines}, {"events", st.Events}, {"active days", st.ActiveDays}, {"speakers", st.Speakers}, {"links", st.Links}} {
		fmt.Fprintf(w, "%-12s %d\n", row.name, row.n)
	}
	fmt.Fprintf(w, "\n%-16s %7s %7s\n", "top talkers", "lines", "words")
	for i, t := range st.TopTalkers {
		fmt.Fprintf(w, "%3d %-12s %7d %7d\n", i+1, termSafe(t.Nick), t.Lines, t.Words)
	}
	fmt.Fprintf(w, "\nlines by hour\n")
	maxH := 0
	for _, n := range st.Hours {
		maxH = max(maxH, n)
	}
	for h, n := range st.Hours {
		fmt.Fprintf(w, "  %02d %-30s %d\n", h, bar(n, maxH, 30), n)
	}
	fmt.Fprintf(w, "\nlines by weekday\n")
	maxD := 0
	for _, n := range st.Weekdays {
		maxD = max(maxD, n)
	}
	for i := range 7 {
		d := time.Weekday((i + 1) % 7) // Monday first
		fmt.Fprintf(w, "  %s %-30s %d\n", d.String()[:3], bar(st.Weekdays[d], maxD, 30), st.Weekdays[d])
	}
	fmt.Fprintf(w, "\nmost shared hosts\n")
	for _, h := range st.Hosts {
		fmt.Fprintf(w, "  %-30s %d\n", termSafe(h.Host), h.Links)
	}
}

// bar is n's bar of # in a chart whose longest, for most, is width long
// (rounded up: any n above 0 shows).
func bar(n, most, width int) string {
	if most == 0 {
		return ""
	}
	return strings.Repeat("#", (n*width+most-1)/most)
}
