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

	"github.com/spf13/cobra"
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
		return globals.checkLogFlags()
	},
}

// globals holds the global flags as cobra parses them; each subcommand's
// RunE hands them to its function.
var globals globalOptions

func init() {
	f := rootCmd.PersistentFlags()
	f.StringVarP(&globals.configPath, "config", "c", "bot.yaml", "the configuration file")
	f.StringVar(&globals.logFormat, "log-format", "", "log format: text or json (default: the config's log.format; text on a terminal)")
	f.StringVar(&globals.logLevel, "log-level", "", "log level: debug, info, warn or error (default: the config's log.level)")
}

func main() {
	ctx, stopped := stopOnSignals(context.Background())
	err := rootCmd.ExecuteContext(ctx)
	if err == nil {
		return
	}
	reportError(os.Stderr, err, stopped())
	os.Exit(exitStatus(err))
}

// reportError says on w why the command failed: sig is the signal that
// stopped it, nil when none did.
func reportError(w io.Writer, err error, sig os.Signal) {
	if sig != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(w, "proceedings: stopped by %s: %v\n", signalName(sig), err)
		return
	}
	fmt.Fprintln(w, "proceedings:", err)
}

// exitStatus is the status the process ends with after err: an
// exitError's own, else 1.
func exitStatus(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
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

// exitError ends the program with a status and a short message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
