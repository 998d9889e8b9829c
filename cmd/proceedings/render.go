package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/bot"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/event"
	"proceedings/render"
)

func init() {
	var opts renderOptions
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Write the static site into site.out (only what changed since the last render)",
		Long: `render turns the archive into the static site: a page per public channel and
day with .txt and .gmi twins, calendars, stats, daily indexes, series pages,
the front page and an Atom feed, in the directory site.out names.

It is incremental: the state of the last render is kept in
site.out/.proceedings-state.json, and only the days that changed since (and
the pages that list them) are written again. --full renders everything.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return renderSite(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().BoolVar(&opts.full, "full", false, "render every page again, not only what changed")
	rootCmd.AddCommand(cmd)
}

// renderOptions are the flags of render.
type renderOptions struct {
	global globalOptions
	full   bool // --full
}

// renderSite writes the site of the configured archive and says what it
// wrote; a progress bar goes to stderr when that is a terminal.
func renderSite(ctx context.Context, opts renderOptions, stdout, stderr io.Writer) error {
	s, err := openSession(ctx, opts.global, stderr, readOnly)
	if err != nil {
		return err
	}
	defer s.close()
	opt := siteOptions(s.cfg)
	opt.Full = opts.full
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		opt.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("rendering days"), progressbar.OptionShowCount(),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	st, err := render.Render(ctx, s.db, opt)
	if bar != nil {
		bar.Finish()
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("render interrupted after writing %d file(s), each one complete; the next render writes the rest: %w", len(st.Written), err)
	}
	if err != nil {
		return err
	}
	printRendered(stdout, st, opt.Out)
	return nil
}

// printRendered says what a render wrote into out.
func printRendered(w io.Writer, st render.Stats, out string) {
	if len(st.Written) == 0 && len(st.Removed) == 0 {
		fmt.Fprintf(w, "nothing changed since the last render (archive revision %d); %s is up to date\n", st.Revision, out)
		return
	}
	what := "changed"
	if st.Full {
		what = "every"
	}
	fmt.Fprintf(w, "rendered %s day: %d channel-days, %d lines, %d files written, %d removed, into %s in %s",
		what, st.Days, st.Events, len(st.Written), len(st.Removed), out, st.Duration.Round(time.Millisecond))
	if st.Events > 0 {
		fmt.Fprintf(w, " (%.0f lines/s)", st.LinesPerSecond())
	}
	fmt.Fprintln(w)
}

// siteOptions turns the configuration into the renderer's options; the
// render command, the bot's periodic render and serve share it.
func siteOptions(cfg *config.Config) render.Options {
	opt := render.Options{
		Out:        cfg.Site.Out,
		Title:      cfg.Site.Title,
		Location:   cfg.Site.Location,
		ContentDir: cfg.Site.Content,
		Pages:      map[string][]byte{"commands": commands.Doc}, // the page !help links
		Channels:   []render.ChannelOptions{},
		ShowHosts:  cfg.Site.ShowHosts,
		BaseURL:    siteBaseURL(cfg),
	}
	// A bridged channel is published as its bridge's merged log.
	public := map[event.ChannelRef]bool{}
	for _, ref := range bot.PublicLogs(cfg) {
		public[ref] = true
	}
	seen := map[event.ChannelRef]bool{}
	for _, n := range cfg.Networks {
		for _, ch := range n.Channels {
			ref, _ := bot.LogRef(cfg, n.Name, ch.Name)
			if seen[ref] {
				continue
			}
			seen[ref] = true
			opt.Channels = append(opt.Channels, render.ChannelOptions{
				Network:     ref.Network,
				Name:        ref.Name,
				Public:      public[ref],
				NoIndex:     ch.NoIndex,
				Description: ch.Description,
			})
		}
	}
	return opt
}
