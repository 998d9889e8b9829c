package bot

import (
	"proceedings/config"
)

// Trust: who the bot believes. A nick is nobody's: anyone can take a free
// nick, so a nick alone never makes a relay (nor an admin: see
// isAdminSender in bot/commands, the one place that decides who is one); a
// services account (when the server reports it) or a hostmask with a real
// host does. A line a relay bot repeated carries the relay's word for who
// spoke, so it never makes an admin.

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
	if rl.Mask != "" && (userHost == "" || !config.MatchHostmask(rl.Mask, nick, userHost)) {
		return false
	}
	if rl.Account != "" && (account == "" || config.FoldName(account) != config.FoldName(rl.Account)) {
		return false
	}
	return true
}
