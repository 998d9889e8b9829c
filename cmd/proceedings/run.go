package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/bot/announce"
	"proceedings/bot/commands"
	"proceedings/bot/titles"
	"proceedings/config"
	"proceedings/web"
)

func init() {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Connect to IRC and record every public event; announce the feeds and answer commands",
		Long: `run connects to every network of the configuration, joins its channels and
records every public event into the archive, in the order the server sent
them, until it is stopped. It also announces new posts of the feeds, prints
the titles of pasted URLs where asked, and answers commands.

Signals:
  SIGINT, SIGTERM  QUIT every network, flush the archive, exit 0 (a second
                   signal exits at once, with 130 or 143)
  SIGHUP           read the configuration again: channels added are joined,
                   channels removed are parted; a file with problems is
                   refused and the running configuration kept

The site is rendered into site.out every site.render_interval and just after
each local midnight; channels with announce_logs then get the link of the
day that ended. On a PostgreSQL archive it is rendered when a process has
committed new events (LISTEN/NOTIFY), at most once per render_interval, and
one render runs at a time across every process on the archive. With
site.render false the bot renders nothing (another process renders the
site) and only announces the ended days. --serve ADDR also serves the site
with search and the JSON API, as proceedings serve does.

--status-addr (or status_addr in the file) serves /healthz (JSON, 503 while
a network is disconnected) and /metrics (Prometheus text format).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.global = globals
			return runBot(cmd.Context(), opts, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&opts.serveAddr, "serve", "", "also serve the site with search here, e.g. 127.0.0.1:8080")
	cmd.Flags().StringVar(&opts.statusAddr, "status-addr", "", "serve /healthz and /metrics here, e.g. 127.0.0.1:9102 (default: the config's status_addr; \"\" with neither: off)")
	rootCmd.AddCommand(cmd)
}

// runOptions are the flags of run.
type runOptions struct {
	global     globalOptions
	serveAddr  string // --serve: "" serves no site
	statusAddr string // --status-addr: "" takes the configuration's
}

// runBot records, announces and answers until ctx ends, with the site
// rendered in the background and served when asked. It writes only logs,
// to stderr.
func runBot(ctx context.Context, opts runOptions, stderr io.Writer) error {
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(cfg *config.Config) (archiveAccess, error) {
		return readWrite, checkRunnable(cfg, opts.global.configPath)
	}))
	if err != nil {
		return err
	}
	log := slog.Default()
	defer func() {
		if err := s.close(); err != nil {
			log.Error("closing the archive failed", "err", err)
		}
	}()
	rb, err := newRunningBot(s.cfg, s.db, log)
	if err != nil {
		return err
	}
	// What runs beside the bot stops with it, and is waited for.
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if opts.serveAddr != "" {
		if err := rb.serveSite(ctx, &wg, opts.serveAddr); err != nil {
			return err
		}
	}
	statusAddr := cmp.Or(opts.statusAddr, s.cfg.StatusAddr)
	if statusAddr != "" {
		stopStatus, err := serveStatus(statusAddr, rb.b.StatusHandler(), log)
		if err != nil {
			return err
		}
		defer stopStatus()
	}
	rb.startBeside(ctx, &wg)
	log.Info("proceedings is running", "networks", len(s.cfg.Networks), "archive", s.cfg.Archive, "status", statusAddr)
	return rb.b.Run(ctx)
}

// checkRunnable warns about the configuration's weak entries and refuses
// one the bot cannot run with; configPath names it in messages.
func checkRunnable(cfg *config.Config, configPath string) error {
	for _, w := range cfg.Warnings {
		slog.Warn("the configuration has a weak entry", "file", configPath, "problem", w.String())
	}
	if len(cfg.Networks) == 0 {
		return fmt.Errorf("%s names no IRC network: add server, nick and channels (see the documented sample bot.yaml)", configPath)
	}
	if err := cfg.CheckSecrets(); err != nil {
		return fmt.Errorf("%w\n(proceedings check -c %s lists every problem)", err, configPath)
	}
	return nil
}

// newRunningBot puts together the bot on the archive db: its command
// router, the URL title fetcher and the feed announcer.
func newRunningBot(cfg *config.Config, db archive.Store, log *slog.Logger) (*runningBot, error) {
	b, err := bot.New(cfg, db, bot.Options{Logger: log, IsCommand: commands.IsCommand})
	if err != nil {
		return nil, err
	}
	live := &atomic.Pointer[config.Config]{}
	live.Store(cfg)
	rb := &runningBot{b: b, db: db, live: live, log: log}
	rb.router = commands.NewRouter(cfg, db, commands.Options{
		Nick:     b.Nick,
		Sender:   b.Answers(),
		Busy:     b.Busy,
		Admin:    rb,
		OnOptOut: func(string, bool) { rb.refreshOptOuts() },
		Logger:   log,
	})
	b.AddListener(rb.router)
	fetcher, err := titles.NewTitleFetcher(titles.Options{
		Titles: cfg.Titles,
		Enabled: func(network, channel string) bool {
			ch, ok := live.Load().Channel(network, channel)
			return ok && ch.Titles
		},
		Sayer:  b.Answers(), // a title minutes late is noise
		Logger: log,
	})
	if err != nil {
		return nil, err
	}
	b.AddListener(fetcher)
	rb.announcer, err = announce.NewAnnouncer(announce.Options{
		Feeds:      cfg.Feeds,
		Series:     cfg.Series,
		Store:      db,
		Sayer:      b,
		OnAnnounce: func(string, string, archive.Post) { rb.router.PostsChanged() },
		Logger:     log,
	})
	if err != nil {
		return nil, err
	}
	return rb, nil
}

// refreshOptOuts has the bot read the opt-out list again, after !optout
// or !optin changed it.
func (rb *runningBot) refreshOptOuts() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rb.b.RefreshOptOuts(ctx); err != nil {
		rb.log.Warn("could not re-read the opt-out list", "err", err)
	}
}

// serveSite serves the site with search on addr, as proceedings serve
// does, until ctx ends.
func (rb *runningBot) serveSite(ctx context.Context, wg *sync.WaitGroup, addr string) error {
	site, err := newSiteServer(rb.live.Load(), rb.db, web.Options{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--serve: %w", web.ListenError(addr, err))
	}
	rb.log.Info("serving the site", "url", web.ListenerURL(ln))
	wg.Go(func() {
		if err := web.Serve(ctx, ln, site); err != nil {
			rb.log.Error("the site server stopped", "err", err)
		}
	})
	return nil
}

// startBeside starts what runs beside the bot until ctx ends: the site's
// renders, the configuration's reload on SIGHUP and the feed announcer.
func (rb *runningBot) startBeside(ctx context.Context, wg *sync.WaitGroup) {
	wg.Go(func() { siteLoop(ctx, rb.live, rb.db, rb.b.Say, rb.log) })
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Go(func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				rb.log.Info("SIGHUP: reloading the configuration", "file", rb.live.Load().Path)
				_ = rb.Reload(ctx)
			}
		}
	})
	wg.Go(func() {
		if err := rb.announcer.Run(ctx); err != nil {
			rb.log.Error("the feed announcer stopped", "err", err)
		}
	})
}

// serveStatus serves the status handler on addr until stop is called.
func serveStatus(addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("status endpoint: %w (choose another --status-addr)", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the status endpoint stopped", "err", err)
		}
	}()
	log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}, nil
}

// runningBot is the bot of proceedings run with what works beside it; it
// carries out the admin commands and SIGHUP.
type runningBot struct {
	b         *bot.Bot
	announcer *announce.Announcer
	db        archive.Store
	router    *commands.Router
	live      *atomic.Pointer[config.Config]
	log       *slog.Logger
	mu        sync.Mutex // one reload at a time
}

var _ commands.Admin = (*runningBot)(nil)

func (rb *runningBot) Join(network, channel string) error { return rb.b.Join(network, channel) }
func (rb *runningBot) Part(network, channel string) error { return rb.b.Part(network, channel) }
func (rb *runningBot) Say(network, target, text string) error {
	return rb.b.Say(network, target, text)
}

// Reload reads the configuration file again and applies it to the bot, the
// router and the archive's list of published channels. A file with
// problems changes nothing.
func (rb *runningBot) Reload(ctx context.Context) error {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	path := rb.live.Load().Path
	next, err := config.Load(path)
	if err == nil {
		err = next.CheckSecrets()
	}
	if err != nil {
		rb.log.Error("the configuration was not reloaded; the running one is kept", "file", path, "err", err)
		return fmt.Errorf("the configuration was not reloaded: %w", err)
	}
	if err := rb.db.SetPublicOnly(ctx, bot.LogNetworks(next), bot.PublicLogs(next)); err != nil {
		rb.log.Error("the configuration was not reloaded; the running one is kept", "file", path, "err", err)
		return err
	}
	rb.live.Store(next)
	rb.b.Reload(next)
	if rb.router != nil {
		rb.router.SetConfig(next)
	}
	if rb.announcer != nil {
		if err := rb.announcer.Reload(next.Feeds); err != nil {
			rb.log.Error("the feeds were not reloaded", "err", err)
		}
	}
	return nil
}

// SetAnnounce turns feed announcements on or off in a channel until the
// next reload.
func (rb *runningBot) SetAnnounce(network, channel string, on bool) error {
	if rb.announcer == nil {
		return errors.New("no feed is configured")
	}
	return rb.announcer.SetAnnounce(network, channel, on)
}
