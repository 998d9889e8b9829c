package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot/announce"
	"proceedings/config"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the configuration file and print ok or every problem with its line",
		Long: `check reads the configuration (-c, default ./bot.yaml) strictly and prints
"ok", or every problem it finds, one per line, as FILE:LINE: KEY: MESSAGE.
It also tries every secret the file names (password_env, password_file) and
warns, on standard error, about each one that cannot be read here (run needs
them); it never prints a secret's value. Entries that load but weaken the
bot's trust (an admin named by nick alone, a mask that matches every host)
are warned about there too, with their line and what to write instead.
It also makes sure that the archive and site.out can be written or created
here (it creates and removes a probe file in their directory); a PostgreSQL
archive is connected to, read-only, and its schema compared with this
binary's (a newer schema is a problem, an older one a warning: run migrates
it; a read-only replica is a warning: serve and render can use it, run
cannot). The password is never printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return checkConfig(globals.configPath, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	})
}

// checkConfig prints "ok" or every problem of the configuration file at
// path to stdout, and warnings to stderr. Problems end it with an
// exitError. It sets up no logging: the file may be what is wrong.
func checkConfig(path string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(path)
	var cerr *config.Error
	if errors.As(err, &cerr) {
		fmt.Fprintln(stdout, cerr.Error())
		return exitError{code: 1, msg: fmt.Sprintf("%s has %d problem(s)", path, len(cerr.Problems()))}
	}
	if err != nil {
		return err
	}
	bad := 0
	for i, f := range cfg.Feeds {
		if err := announce.CheckFeedFormat(f.Format); err != nil {
			fmt.Fprintf(stdout, "%s: feeds[%d].format: %v\n", path, i, err)
			bad++
		}
	}
	for _, p := range cfg.CheckPaths() {
		fmt.Fprintf(stdout, "%s:%s\n", path, p)
		bad++
	}
	if config.IsArchiveURL(cfg.Archive) && cfg.CheckSecrets() == nil {
		problem, warning := checkDatabase(cfg)
		at := fmt.Sprintf("%s:%d: archive", path, cfg.ArchiveLine())
		if problem != "" {
			fmt.Fprintf(stdout, "%s: %s\n", at, problem)
			bad++
		}
		if warning != "" {
			fmt.Fprintf(stderr, "warning: %s: %s\n", at, warning)
		}
	}
	if bad > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%s has %d problem(s)", path, bad)}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "warning: %s:%s\n", path, w)
	}
	// A secret this shell cannot read may be there for the service (its
	// environment, its user, its credentials directory), so it is a
	// warning; run itself stops at it.
	if err := cfg.CheckSecrets(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "warning:", line+" (run will not start unless it can read it)")
		}
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// checkDatabase connects to a PostgreSQL archive read-only, as serve would,
// and says what would stop the bot (a problem) or what run will do first
// (a warning).
func checkDatabase(cfg *config.Config) (problem, warning string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	db, err := openArchive(ctx, cfg, archive.Options{ReadOnly: true, Location: cfg.Site.Location, Logger: slog.New(slog.DiscardHandler)})
	switch {
	case err == nil:
		defer db.Close()
		if w, ok := db.(archive.WriteChecker); ok {
			if err := w.CheckWrite(ctx); err != nil {
				return "", err.Error()
			}
		}
		return "", ""
	case errors.Is(err, archive.ErrNewerSchema):
		return err.Error(), ""
	case errors.Is(err, archive.ErrOlderSchema):
		return "", err.Error()
	}
	return "cannot be opened: " + err.Error(), ""
}
