package bot

import (
	"strings"

	"proceedings/config"
)

// Trust: who the bot believes. Every decision about who someone is lives
// here. A nick is nobody's: anyone can take a free nick, so a nick alone
// never makes an admin or a relay; a services account (when the server
// reports it) or a hostmask with a real host does. A line a relay bot
// repeated carries the relay's word for who spoke, so it never makes an
// admin.

// isAdminSender reports whether the sender of a line is one of the
// configured admins: "account:NAME" (the services account the server
// reported) or a hostmask "nick!user@host" with * and ? wildcards whose host
// part names a host, compared by IRC case mapping. A mask whose host part is
// only wildcards (or a bare nick) matches nobody, and a relayed line is
// never an admin's.
func isAdminSender(admins []string, in Incoming) bool {
	if in.Relay != "" {
		return false
	}
	mask := config.FoldName(in.Nick + "!" + in.UserHost)
	for _, a := range admins {
		if name, ok := strings.CutPrefix(a, "account:"); ok {
			if in.Account != "" && config.FoldName(name) == config.FoldName(in.Account) {
				return true
			}
			continue
		}
		if in.UserHost != "" && !config.MaskMatchesAnyHost(a) && config.MatchHostmask(config.FoldName(a), mask) {
			return true
		}
	}
	return false
}

// relayMatches reports whether the sender of a line is the relay bot rl
// describes: the nick is the relay's (by IRC case mapping), and, when rl
// has them, nick!userHost matches its mask and account is its services
// account (case-insensitively). With both, both must hold; without either
// (which the configuration refuses) nobody matches.
func relayMatches(rl config.Relay, nick, userHost, account string) bool {
	if rl.Mask == "" && rl.Account == "" {
		return false
	}
	if nick == "" || config.FoldName(nick) != config.FoldName(rl.Nick) {
		return false
	}
	if rl.Mask != "" && (userHost == "" || !config.MatchHostmask(config.FoldName(rl.Mask), config.FoldName(nick+"!"+userHost))) {
		return false
	}
	if rl.Account != "" && (account == "" || config.FoldName(account) != config.FoldName(rl.Account)) {
		return false
	}
	return true
}
