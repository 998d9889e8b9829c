package main

import (
	"context"
	"errors"
	"fmt"
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
	var statusAddr, serveAddr string
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
day that ended. --serve ADDR also serves the site with search and the JSON
API, as proceedings serve does.

--status-addr (or status_addr in the file) serves /healthz (JSON, 503 while
a network is disconnected) and /metrics (Prometheus text format).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBot(cmd, statusAddr, serveAddr)
		},
	}
	cmd.Flags().StringVar(&serveAddr, "serve", "", "also serve the site with search here, e.g. 127.0.0.1:8080")
	cmd.Flags().StringVar(&statusAddr, "status-addr", "", "serve /healthz and /metrics here, e.g. 127.0.0.1:9102 (default: the config's status_addr; \"\" with neither: off)")
	rootCmd.AddCommand(cmd)
}

func runBot(cmd *cobra.Command, statusAddr, serveAddr string) error {
	ctx := cmd.Context()
	cfg, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	log := slog.Default()
	for _, w := range cfg.Warnings {
		log.Warn("the configuration has a weak entry", "file", flagConfig, "problem", w.String())
	}
	if len(cfg.Networks) == 0 {
		return fmt.Errorf("%s names no IRC network: add server, nick and channels (see the documented sample bot.yaml)", flagConfig)
	}
	if err := cfg.CheckSecrets(); err != nil {
		return fmt.Errorf("%w\n(proceedings check -c %s lists every problem)", err, flagConfig)
	}
	db, err := openArchive(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing the archive failed", "err", err)
		}
	}()
	if err := db.SetPublicOnly(ctx, bot.PublicLogs(cfg)); err != nil {
		return err
	}
	b, err := bot.New(cfg, db, bot.Options{Logger: log, IsCommand: commands.IsCommand})
	if err != nil {
		return err
	}

	live := &atomic.Pointer[config.Config]{}
	live.Store(cfg)
	glue := &runGlue{b: b, db: db, live: live, log: log}
	router := commands.NewRouter(cfg, db, commands.Options{
		Nick:   b.Nick,
		Sender: b.Answers(),
		Busy:   b.Busy,
		Admin:  glue,
		OnOptOut: func(string, bool) {
			rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := b.RefreshOptOuts(rctx); err != nil {
				log.Warn("could not re-read the opt-out list", "err", err)
			}
		},
		Logger: log,
	})
	glue.router = router
	b.AddListener(router)
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
		return err
	}
	b.AddListener(fetcher)
	announcer, err := announce.NewAnnouncer(announce.Options{
		Feeds:      cfg.Feeds,
		Series:     cfg.Series,
		Store:      db,
		Sayer:      b,
		OnAnnounce: func(string, string, archive.Post) { router.PostsChanged() },
		Logger:     log,
	})
	if err != nil {
		return err
	}
	glue.announcer = announcer

	var wg sync.WaitGroup
	defer wg.Wait()
	if serveAddr != "" {
		site, err := newSiteServer(cfg, db, web.Options{})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", serveAddr)
		if err != nil {
			return fmt.Errorf("--serve: %w", web.ListenError(serveAddr, err))
		}
		log.Info("serving the site", "url", web.ListenerURL(ln))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := web.Serve(ctx, ln, site); err != nil {
				log.Error("the site server stopped", "err", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		siteLoop(ctx, live, db, b.Say, log)
	}()
	if statusAddr == "" {
		statusAddr = cfg.StatusAddr
	}
	if statusAddr != "" {
		stop, err := serveStatus(statusAddr, b.StatusHandler(), log)
		if err != nil {
			return err
		}
		defer stop()
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading the configuration", "file", cfg.Path)
				_ = glue.Reload(ctx)
			}
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := announcer.Run(ctx); err != nil {
			log.Error("the feed announcer stopped", "err", err)
		}
	}()

	log.Info("proceedings is running", "networks", len(cfg.Networks), "archive", db.Path(), "status", statusAddr)
	return b.Run(ctx)
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

// runGlue carries out the admin commands and SIGHUP for the running bot.
type runGlue struct {
	b         *bot.Bot
	announcer *announce.Announcer
	db        *archive.DB
	router    *commands.Router
	live      *atomic.Pointer[config.Config]
	log       *slog.Logger
	mu        sync.Mutex // one reload at a time
}

var _ commands.Admin = (*runGlue)(nil)

func (g *runGlue) Join(network, channel string) error { return g.b.Join(network, channel) }
func (g *runGlue) Part(network, channel string) error { return g.b.Part(network, channel) }
func (g *runGlue) Say(network, target, text string) error {
	return g.b.Say(network, target, text)
}

// Reload reads the configuration file again and applies it to the bot, the
// router and the archive's list of published channels. A file with
// problems changes nothing.
func (g *runGlue) Reload(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	path := g.live.Load().Path
	next, err := config.Load(path)
	if err == nil {
		err = next.CheckSecrets()
	}
	if err != nil {
		g.log.Error("the configuration was not reloaded; the running one is kept", "file", path, "err", err)
		return fmt.Errorf("the configuration was not reloaded: %w", err)
	}
	if err := g.db.SetPublicOnly(ctx, bot.PublicLogs(next)); err != nil {
		g.log.Error("the configuration was not reloaded; the running one is kept", "file", path, "err", err)
		return err
	}
	g.live.Store(next)
	g.b.Reload(next)
	if g.router != nil {
		g.router.SetConfig(next)
	}
	if g.announcer != nil {
		if err := g.announcer.Reload(next.Feeds); err != nil {
			g.log.Error("the feeds were not reloaded", "err", err)
		}
	}
	return nil
}

// SetAnnounce turns feed announcements on or off in a channel until the
// next reload.
func (g *runGlue) SetAnnounce(network, channel string, on bool) error {
	if g.announcer == nil {
		return errors.New("no feed is configured")
	}
	return g.announcer.SetAnnounce(network, channel, on)
}
