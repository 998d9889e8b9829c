package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
	"proceedings/event"
	"proceedings/web"
)

func init() {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the rendered site and live search over HTTP",
		Long: `serve publishes site.out as the renderer wrote it, with the same URLs as a
static host ("/x" finds x.html, "/dir/" finds dir/index.html), plus live search
at /search and a JSON API under /api/ (docs/api.md). Only channels that the
configuration publishes are searchable.

It opens the archive read-only, so it runs beside the bot (proceedings run)
without slowing its recording; new files written by proceedings render are
served as soon as they are there. Before the first render, / says so and
search already works.

Put a reverse proxy in front for TLS. Searches are rate-limited per client
address; behind a proxy, --trust-proxy counts clients by the last address
of X-Forwarded-For instead of the proxy's own.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return serve(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "the address to listen on (port 0 picks a free one)")
	f.Float64Var(&opts.web.SearchRate, "search-rate", web.DefaultSearchRate, "searches per second one client may make, sustained (negative: no limit)")
	f.IntVar(&opts.web.SearchBurst, "search-burst", web.DefaultSearchBurst, "searches one client may make at once")
	f.BoolVar(&opts.web.TrustProxy, "trust-proxy", false, "take the client address from X-Forwarded-For (only behind a proxy that sets it)")
	rootCmd.AddCommand(cmd)
}

// serveOptions are the flags of serve.
type serveOptions struct {
	global globalOptions
	addr   string      // --addr
	web    web.Options // the tuning: --search-rate, --search-burst, --trust-proxy
}

// serve serves the site and search until ctx ends, after saying where on
// stdout.
func serve(ctx context.Context, opts serveOptions, stdout, stderr io.Writer) error {
	s, err := openSession(ctx, opts.global, stderr, readOnly)
	if err != nil {
		return err
	}
	defer s.close()
	site, err := newSiteServer(s.cfg, s.db, opts.web)
	if err != nil {
		return err
	}
	return web.ListenAndServe(ctx, opts.addr, site, func(url string) {
		fmt.Fprintf(stdout, "serving %s and search on %s  (Ctrl-C to stop)\n", s.cfg.Site.Out, url)
	})
}

// newSiteServer is the HTTP side of a configuration: the rendered site,
// search and the API over db (opened read-only is enough). serve calls it;
// run --serve can too. opt carries the tuning (rate limit, proxy); the rest
// comes from the configuration.
func newSiteServer(cfg *config.Config, db archive.Store, opt web.Options) (*web.Server, error) {
	opt.Archive = db
	opt.SiteDir = cfg.Site.Out
	opt.Title = cfg.Site.Title
	opt.BaseURL = siteBaseURL(cfg)
	opt.Published = publishedBy(cfg)
	return web.New(opt)
}

// publishedBy reports whether the configuration publishes a channel log.
func publishedBy(cfg *config.Config) func(network, channel string) bool {
	type key struct{ network, folded string }
	pub := map[key]bool{}
	for _, c := range bot.PublicLogs(cfg) {
		pub[key{c.Network, event.FoldChannel(c.Name)}] = true
	}
	return func(network, channel string) bool { return pub[key{network, event.FoldChannel(channel)}] }
}
