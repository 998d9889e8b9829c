package bot

import "proceedings/config"

// relayMatches is replaced by the trust branch's version at merge.
func relayMatches(rl config.Relay, nick, userHost, account string) bool {
	return config.FoldName(rl.Nick) == config.FoldName(nick)
}
