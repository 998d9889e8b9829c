package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"proceedings/bot"
	"proceedings/bot/commands"
	"proceedings/config"
)

func init() {
	var network, channel, nick, userhost, account string
	cmd := &cobra.Command{
		Use:   "ask LINE…",
		Short: "Answer a command line offline, against the archive, exactly as the bot would",
		Long: `ask runs one line through the bot's command router against the archive and
prints the lines the bot would say, one per line, nothing else. Several
arguments are joined with spaces into one line (ask !part 10). Without
--channel the line counts as a private message (so "part 10" works without
the prefix); with --channel it counts as said in that channel.

  proceedings ask '!part 10'
  proceedings ask '!logs yesterday' --channel '#techrights'
  proceedings ask '!search minsk'

Lines the bot would not answer (not a command, an unknown command, an admin
command from someone who is not an admin) print nothing; a note goes to
stderr. Admin commands need the running bot. The archive is opened
read-only, except for !optout and !optin, which change it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			net, err := askNetwork(cfg, network)
			if err != nil {
				return err
			}
			line := strings.Join(args, " ") // ask !part 10 without quotes is one line
			c, isCmd := commands.ParseCommand(line, cfg.Commands.Prefix, net.Nick, channel == "")
			readOnly := !isCmd || (c.Name != "optout" && c.Name != "optin")
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, readOnly)
			if err != nil {
				return err
			}
			defer db.Close()
			r := commands.NewRouter(cfg, db, commands.Options{Nick: func(string) string { return net.Nick }})
			replies := r.Handle(ctx, bot.Incoming{
				Network: net.Name, Channel: channel, Nick: nick, UserHost: userhost, Account: account,
				Text: line, Time: time.Now(),
			})
			if len(replies) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "(no reply: the bot does not answer %q)\n", line)
				return nil
			}
			for _, rep := range replies {
				fmt.Fprintln(cmd.OutOrStdout(), rep.Text)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&channel, "channel", "", `the channel the line is said in, e.g. '#techrights' (default: a private message to the bot)`)
	f.StringVar(&nick, "nick", "console", "the nick saying the line")
	f.StringVar(&userhost, "userhost", "console@localhost", "the user@host of the nick (admins by hostmask)")
	f.StringVar(&account, "account", "", "the services account of the nick (admins and !optout by account)")
	f.StringVar(&network, "network", "", "the network, by its configured name (default: the only or the first one)")
	rootCmd.AddCommand(cmd)
}

// askNetwork picks the configured network a line is said on.
func askNetwork(cfg *config.Config, name string) (config.Network, error) {
	if len(cfg.Networks) == 0 {
		return config.Network{}, fmt.Errorf("the configuration names no IRC network: add server, nick and channels to %s", flagConfig)
	}
	if name == "" {
		return cfg.Networks[0], nil
	}
	names := make([]string, len(cfg.Networks))
	for i, n := range cfg.Networks {
		if strings.EqualFold(n.Name, name) {
			return n, nil
		}
		names[i] = n.Name
	}
	return config.Network{}, fmt.Errorf("--network %s: no such network in %s (configured: %s)", name, flagConfig, strings.Join(names, ", "))
}
