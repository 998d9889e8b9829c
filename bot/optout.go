package bot

import (
	"strings"

	"proceedings/config"
)

// OptOutKey is the one rule of whose opt-out a line falls under, and so the
// key that !optout stores and the recorder looks up: a relayed person's nick
// as the relay gave it, else a logged-in sender's services account, else the
// sender's nick with the user@host it came from, each on one network. Keys
// of one kind never cover another (a nick's opt-out never silences an
// account, nor a relayed name a local person) and never another network's
// people, and a nick's covers that nick from that user@host only, so nobody
// can opt out someone else by taking a free nick (from their own host),
// registering an account named after a nick, or speaking through a relay.
// A nick without a user@host ("" — bot.yaml-less tools, opt-outs stored
// before user@hosts were part of the key) covers the nick from any host.
func OptOutKey(network, nick, userHost, account string, relayed bool) string {
	network = strings.ToLower(network)
	switch {
	case relayed:
		return "relayed:" + network + ":" + config.FoldName(nick)
	case account != "":
		return "account:" + network + ":" + strings.ToLower(account)
	case userHost != "":
		return "nick:" + network + ":" + config.FoldName(nick) + "!" + strings.ToLower(userHost)
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

// OptOutName is the nick or account an opt-out key names, without the
// user@host of a nick's key.
func OptOutName(key string) string {
	if _, rest, ok := strings.Cut(key, ":"); ok {
		_, key, _ = strings.Cut(rest, ":") // past the network; a host may hold colons (IPv6)
	}
	name, _, _ := strings.Cut(key, "!")
	return name
}

// anyHost is the lookup key, beside a nick's opt-out key, that says some
// user@host of that nick opted out: a nick named without its user@host (a
// kicked nick, a mode's argument) is then treated as opted out.
func anyHost(nickKey string) string {
	if i := strings.IndexByte(nickKey, '!'); i >= 0 {
		nickKey = nickKey[:i]
	}
	return nickKey + "!*"
}

// optedOut reports whether a line of nick (from userHost, with account,
// relayed or not) on network is on an opt-out list: the configuration's
// (bare nicks and accounts, anywhere), the archive's under the line's
// OptOutKey or under the nick's key without a user@host, or a bare key in
// the archive (a nick or account without a kind). A nick named without
// its user@host (userHost "") is opted out when any user@host of it is.
func (b *Bot) optedOut(r *recRules, network, nick, userHost, account string, relayed bool) bool {
	db := *b.optouts.Load()
	if len(db) == 0 && len(r.optout) == 0 {
		return false
	}
	f, a := config.FoldName(nick), strings.ToLower(account)
	if nick != "" && (r.optout[f] || db[f]) || account != "" && (r.optout[a] || db[a]) {
		return true
	}
	if nick+account == "" {
		return false
	}
	anyNick := OptOutKey(network, nick, "", account, relayed)
	switch {
	case db[anyNick]:
		return true
	case relayed || account != "":
		return false
	case userHost == "":
		return db[anyHost(anyNick)]
	}
	return db[OptOutKey(network, nick, userHost, "", false)]
}
