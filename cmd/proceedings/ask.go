package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"proceedings/bot"
	"proceedings/bot/commands"
	"proceedings/config"
)

func init() {
	var opts askOptions
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
		RunE: func(cmd *cobra.Command, words []string) error {
			opts.global, opts.words = globals, words
			return ask(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.channel, "channel", "", `the channel the line is said in, e.g. '#techrights' (default: a private message to the bot)`)
	f.StringVar(&opts.nick, "nick", "console", "the nick saying the line")
	f.StringVar(&opts.userhost, "userhost", "console@localhost", "the user@host of the nick (admins by hostmask)")
	f.StringVar(&opts.account, "account", "", "the services account of the nick (admins and !optout by account)")
	f.StringVar(&opts.network, "network", "", "the network, by its configured name (default: the only or the first one)")
	rootCmd.AddCommand(cmd)
}

// askOptions are the flags and words of ask.
type askOptions struct {
	global                  globalOptions
	network                 string // a configured network's name; "" the first
	channel                 string // "": a private message to the bot
	nick, userhost, account string
	words                   []string // joined with spaces into the line
}

// ask prints what the bot would answer to the line, one reply a line.
func ask(ctx context.Context, opts askOptions, stdout, stderr io.Writer) error {
	line := strings.Join(opts.words, " ") // ask !part 10 without quotes is one line
	var net config.Network
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(cfg *config.Config) (archiveAccess, error) {
		var err error
		if net, err = askNetwork(cfg, opts.global.configPath, opts.network); err != nil {
			return noArchive, err
		}
		c, isCmd := commands.ParseCommand(line, cfg.Commands.Prefix, net.Nick, opts.channel == "")
		if isCmd && (c.Name == "optout" || c.Name == "optin") {
			return readWrite, nil
		}
		return readOnly, nil
	}))
	if err != nil {
		return err
	}
	defer s.close()
	r := commands.NewRouter(s.cfg, s.db, commands.Options{Nick: func(string) string { return net.Nick }})
	replies := r.Handle(ctx, bot.Incoming{
		Network: net.Name, Channel: opts.channel, Nick: opts.nick, UserHost: opts.userhost, Account: opts.account,
		Text: line, Time: time.Now(),
	})
	if len(replies) == 0 {
		fmt.Fprintf(stderr, "(no reply: the bot does not answer %q)\n", line)
		return nil
	}
	for _, rep := range replies {
		fmt.Fprintln(stdout, rep.Text)
	}
	return nil
}

// askNetwork picks the configured network a line is said on; configPath
// names the configuration in messages.
func askNetwork(cfg *config.Config, configPath, name string) (config.Network, error) {
	if len(cfg.Networks) == 0 {
		return config.Network{}, fmt.Errorf("the configuration names no IRC network: add server, nick and channels to %s", configPath)
	}
	if name == "" {
		return cfg.Networks[0], nil
	}
	for _, n := range cfg.Networks {
		if strings.EqualFold(n.Name, name) {
			return n, nil
		}
	}
	return config.Network{}, fmt.Errorf("--network %s: no such network in %s (configured: %s)", name, configPath, strings.Join(cfg.NetworkNames(), ", "))
}
