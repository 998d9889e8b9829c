// Command proceedings is the one binary of the project: the IRC bot, the
// site renderer and server, and the archive's command-line tools. Each
// subcommand only wires the configuration to the packages that do the work.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
)

var rootCmd = &cobra.Command{
	Use:   "proceedings",
	Short: "An IRC bot that records channels and publishes them as dated log pages",
	Long: `proceedings records IRC channels into a SQLite archive, announces a site's
new posts, answers commands such as !part 10, and publishes every day of
every public channel as an "IRC Proceedings" page with plain-text and
Gemini twins.

Start with:  proceedings demo`,
	SilenceUsage:  true,
	SilenceErrors: true,
	PersistentPreRunE: func(*cobra.Command, []string) error {
		return checkLogFlags()
	},
}

// checkLogFlags refuses --log-format and --log-level values the logger
// does not have, naming the ones it has.
func checkLogFlags() error {
	switch flagLogFormat {
	case "", "text", "json":
	default:
		return fmt.Errorf("--log-format %q: use text or json", flagLogFormat)
	}
	if flagLogLevel != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(flagLogLevel)); err != nil {
			return fmt.Errorf("--log-level %q: use debug, info, warn or error", flagLogLevel)
		}
	}
	return nil
}

var (
	flagConfig    string
	flagLogFormat string
	flagLogLevel  string
)

func init() {
	rootCmd.PersistentFlags().StringVarP(&flagConfig, "config", "c", "bot.yaml", "the configuration file")
	rootCmd.PersistentFlags().StringVar(&flagLogFormat, "log-format", "", "log format: text or json (default: the config's log.format; text on a terminal)")
	rootCmd.PersistentFlags().StringVar(&flagLogLevel, "log-level", "", "log level: debug, info, warn or error (default: the config's log.level)")
}

func main() {
	ctx, stopped := stopOnSignals(context.Background())
	err := rootCmd.ExecuteContext(ctx)
	if err == nil {
		return
	}
	if sig := stopped(); sig != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "proceedings: stopped by %s: %v\n", signalName(sig), err)
	} else {
		fmt.Fprintln(os.Stderr, "proceedings:", err)
	}
	var ee exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	os.Exit(1)
}

// stopOnSignals returns a context that SIGINT or SIGTERM cancels, for every
// subcommand: the first signal asks the command to stop cleanly (finish or
// roll back what it is writing and say what was done); a second one ends the
// process at once with 128 + the signal's number (130 for SIGINT, 143 for
// SIGTERM), as a shell reports a process killed by it. stopped says which
// signal came first, nil while none has. Both are logged (the command has
// set up logging by then), so --log-format json stays JSON.
func stopOnSignals(parent context.Context) (ctx context.Context, stopped func() os.Signal) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var first atomic.Value
	go func() {
		sig := <-sigs
		first.Store(sig)
		slog.Warn("stopping cleanly; send the signal again to exit at once", "signal", signalName(sig))
		cancel()
		sig = <-sigs
		slog.Warn("second signal: exiting at once", "signal", signalName(sig))
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
	return ctx, func() os.Signal {
		sig, _ := first.Load().(os.Signal)
		return sig
	}
}

// signalName is SIGINT or SIGTERM, as people write them.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// loadConfig reads the file named by --config and sets up logging from it.
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	cfg, err := config.Load(flagConfig)
	if err != nil {
		return nil, err
	}
	setupLogging(cmd.ErrOrStderr(), cfg.Log)
	return cfg, nil
}

// setupLogging installs the process logger: text on a terminal, JSON when
// asked (flag first, then the config).
func setupLogging(w io.Writer, lc config.LogConfig) {
	format := lc.Format
	if flagLogFormat != "" {
		format = flagLogFormat
	}
	level := lc.Level
	if flagLogLevel != "" {
		_ = level.UnmarshalText([]byte(flagLogLevel)) // checked by checkLogFlags
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}

// isTerminal reports whether w is a terminal (for progress bars and colour).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// openArchive opens the configured archive in the site's timezone. The
// configuration says which channels are public, never the flags stored in
// the archive, which only a writer refreshes: the handle is given the
// configuration's view, and opened for writing it also records it.
func openArchive(ctx context.Context, cfg *config.Config, readOnly bool) (*archive.DB, error) {
	db, err := archive.Open(ctx, cfg.Archive, archive.Options{Location: cfg.Site.Location, ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	public := bot.PublicLogs(cfg)
	db.SetPublicView(public)
	if !readOnly {
		if err := db.SetPublicOnly(ctx, public); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// exitError ends the program with a status and a short message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
