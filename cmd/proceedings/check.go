package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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
here (it creates and removes a probe file in their directory).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(flagConfig)
			var cerr *config.Error
			if errors.As(err, &cerr) {
				fmt.Fprintln(cmd.OutOrStdout(), cerr.Error())
				return exitError{code: 1, msg: fmt.Sprintf("%s has %d problem(s)", flagConfig, len(cerr.Problems()))}
			}
			if err != nil {
				return err
			}
			bad := 0
			for i, f := range cfg.Feeds {
				if err := announce.CheckFeedFormat(f.Format); err != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: feeds[%d].format: %v\n", flagConfig, i, err)
					bad++
				}
			}
			for _, p := range cfg.CheckPaths() {
				fmt.Fprintf(cmd.OutOrStdout(), "%s:%s\n", flagConfig, p)
				bad++
			}
			if bad > 0 {
				return exitError{code: 1, msg: fmt.Sprintf("%s has %d problem(s)", flagConfig, bad)}
			}
			for _, w := range cfg.Warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s:%s\n", flagConfig, w)
			}
			if err := cfg.CheckSecrets(); err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					fmt.Fprintln(cmd.ErrOrStderr(), "warning:", line)
				}
			}
			fmt.Fprintln(cmd.OutOrStdout(), "ok")
			return nil
		},
	})
}
