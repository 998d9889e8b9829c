package bot

import (
	"testing"

	"proceedings/config"
)

// TestOptOutKeysCoverOnlyTheirKind: an opt-out under one kind of key (a
// nick from a user@host, an account, a relayed nick, on one network) never
// silences another person: not a logged-in account because someone took
// its nick, not a nick from another user@host because someone took it
// there, not a nick because someone registered an account of that name,
// not a local person because someone spoke through a relay, not another
// network's people. Bare keys (a nick or account without a kind) cover the
// nick and the account anywhere; a nick's key without a user@host (stored
// before user@hosts were part of the key) covers the nick from any host.
func TestOptOutKeysCoverOnlyTheirKind(t *testing.T) {
	b := &Bot{}
	set := func(keys ...string) {
		m := optOutSet(keys)
		b.optouts.Store(&m)
	}
	r := buildRules(&config.Config{})
	type line struct {
		network, nick, userHost, account string
		relayed                          bool
	}
	const home, away = "~bob@home.example", "~m@evil.example"
	for _, tc := range []struct {
		name string
		key  string
		line line
		want bool
	}{
		{"a nick's own line", OptOutKey("libera", "Bob", home, "", false), line{"libera", "bob", home, "", false}, true},
		{"a nick's line in another case", OptOutKey("libera", "bob[", "~Bob@Home.Example", "", false), line{"Libera", "BOB{", home, "", false}, true},
		{"the nick from another user@host", OptOutKey("libera", "bob", away, "", false), line{"libera", "bob", home, "", false}, false},
		{"the nick named without a user@host (a kick, a mode)", OptOutKey("libera", "bob", home, "", false), line{"libera", "bob", "", "", false}, true},
		{"the nick logged in to an account", OptOutKey("libera", "bob", home, "", false), line{"libera", "bob", home, "bob", false}, false},
		{"another network", OptOutKey("libera", "bob", home, "", false), line{"oftc", "bob", home, "", false}, false},
		{"an old nick key: any user@host", OptOutKey("libera", "bob", "", "", false), line{"libera", "bob", away, "", false}, true},
		{"an account's line", OptOutKey("libera", "x", home, "Frank", false), line{"libera", "anynick", away, "frank", false}, true},
		{"a nick named like the account", OptOutKey("libera", "x", "", "frank", false), line{"libera", "frank", home, "", false}, false},
		{"a relayed name", OptOutKey("libera", "carol", "", "", true), line{"libera", "carol", "", "", true}, true},
		{"a local carol after a relayed opt-out", OptOutKey("libera", "carol", "", "", true), line{"libera", "carol", home, "", false}, false},
		{"a logged-in carol after a relayed opt-out", OptOutKey("libera", "carol", "", "", true), line{"libera", "carol", home, "carol", false}, false},
		{"a relayed carol after a local opt-out", OptOutKey("libera", "carol", home, "", false), line{"libera", "carol", "", "", true}, false},
		{"an old bare key: the nick", "dave", line{"oftc", "Dave", home, "", false}, true},
		{"an old bare key: the account", "dave", line{"libera", "someone", home, "dave", false}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set(tc.key)
			if got := b.optedOut(r, tc.line.network, tc.line.nick, tc.line.userHost, tc.line.account, tc.line.relayed); got != tc.want {
				t.Errorf("key %q, line %+v: opted out %v, want %v", tc.key, tc.line, got, tc.want)
			}
		})
	}
	for key, want := range map[string][2]string{
		"nick:libera:bob[":                {"nick", "bob["},
		"nick:libera:bob[!~b@2001:db8::1": {"nick", "bob["},
		"account:oftc:frank":              {"account", "frank"},
		"relayed:x:carol":                 {"relayed", "carol"},
		"dave":                            {"", "dave"},
	} {
		if kind, name := OptOutKind(key), OptOutName(key); kind != want[0] || name != want[1] {
			t.Errorf("%q: kind %q name %q, want %q %q", key, kind, name, want[0], want[1])
		}
	}
}
