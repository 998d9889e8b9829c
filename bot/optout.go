package bot

import (
	"strings"

	"proceedings/config"
)

// OptOutKey is the one rule of whose opt-out a line falls under, and so the
// key that !optout stores and the recorder looks up: a relayed person's nick
// as the relay gave it, else a logged-in sender's services account, else the
// sender's nick, each on one network. Keys of one kind never cover another
// (a nick's opt-out never silences an account, nor a relayed name a local
// person) and never another network's people, so nobody can opt out someone
// else by taking a free nick, registering an account named after a nick, or
// speaking through a relay.
func OptOutKey(network, nick, account string, relayed bool) string {
	network = strings.ToLower(network)
	switch {
	case relayed:
		return "relayed:" + network + ":" + config.FoldName(nick)
	case account != "":
		return "account:" + network + ":" + strings.ToLower(account)
	default:
		return "nick:" + network + ":" + config.FoldName(nick)
	}
}

// OptOutKind is the kind of an opt-out key ("account", "nick" or
// "relayed"), "" for a bare key (a nick or account without a kind, as
// bot.yaml's optout list and older archives hold them), which covers both
// on every network.
func OptOutKind(key string) string {
	kind, _, ok := strings.Cut(key, ":")
	if !ok {
		return ""
	}
	return kind
}

// OptOutName is the nick or account an opt-out key names.
func OptOutName(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// optedOut reports whether a line of nick (with account, relayed or not) on
// network is on an opt-out list: the configuration's (bare nicks and
// accounts, anywhere), the archive's under the line's OptOutKey, or a bare
// key in the archive (a nick or account without a kind).
func (b *Bot) optedOut(r *recRules, network, nick, account string, relayed bool) bool {
	db := *b.optouts.Load()
	if len(db) == 0 && len(r.optout) == 0 {
		return false
	}
	f, a := config.FoldName(nick), strings.ToLower(account)
	if nick != "" && (r.optout[f] || db[f]) || account != "" && (r.optout[a] || db[a]) {
		return true
	}
	return nick+account != "" && db[OptOutKey(network, nick, account, relayed)]
}
