package main

import (
	"fmt"
	"proceedings/event"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"proceedings/bot"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/render"
)

func init() {
	var full bool
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
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer db.Close()
			opt := siteOptions(cfg)
			opt.Full = full
			var bar *progressbar.ProgressBar
			if isTerminal(cmd.ErrOrStderr()) {
				opt.Progress = func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
							progressbar.OptionSetDescription("rendering days"), progressbar.OptionShowCount(),
							progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
					}
					bar.Set(done)
				}
			}
			st, err := render.Render(ctx, db, opt)
			if bar != nil {
				bar.Finish()
			}
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("render interrupted after writing %d file(s), each one complete; the next render writes the rest: %w", len(st.Written), err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(st.Written) == 0 && len(st.Removed) == 0 {
				fmt.Fprintf(out, "nothing changed since the last render (archive revision %d); %s is up to date\n", st.Revision, opt.Out)
				return nil
			}
			what := "changed"
			if st.Full {
				what = "every"
			}
			fmt.Fprintf(out, "rendered %s day: %d channel-days, %d lines, %d files written, %d removed, into %s in %s",
				what, st.Days, st.Events, len(st.Written), len(st.Removed), opt.Out, st.Duration.Round(time.Millisecond))
			if st.Events > 0 {
				fmt.Fprintf(out, " (%.0f lines/s)", st.LinesPerSecond())
			}
			fmt.Fprintln(out)
			return nil
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "render every page again, not only what changed")
	rootCmd.AddCommand(cmd)
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
	}
	if cfg.Site.BaseURL != nil {
		opt.BaseURL = cfg.Site.BaseURL.String()
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
