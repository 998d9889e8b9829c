package bot

import (
	"testing"

	"proceedings/config"
)

func TestIsAdminSender(t *testing.T) {
	admins := []string{"account:Boss", "*!*@Trusted.Host", "alice!*@*", "bob", "*!*@*.*", "carol!~c@?*", "dave!*@*.example.org"}
	tests := []struct {
		name string
		in   Incoming
		want bool
	}{
		{"account", Incoming{Nick: "x", UserHost: "u@h", Account: "boss"}, true},
		{"a nick is not an account", Incoming{Nick: "boss", UserHost: "u@h"}, false},
		{"mask with a host", Incoming{Nick: "t", UserHost: "t@trusted.host"}, true},
		{"another host", Incoming{Nick: "t", UserHost: "t@trusted.host.evil"}, false},
		{"unknown host never matches a mask", Incoming{Nick: "t"}, false},
		{"nick-only mask", Incoming{Nick: "alice", UserHost: "a@anywhere.example"}, false},
		{"bare nick", Incoming{Nick: "bob", UserHost: "b@anywhere.example"}, false},
		{"mask of every host", Incoming{Nick: "eve", UserHost: "e@evil.example"}, false},
		{"mask of every host with ?", Incoming{Nick: "carol", UserHost: "~c@x"}, false},
		{"mask with a wildcard domain", Incoming{Nick: "dave", UserHost: "d@home.example.org"}, true},
		{"relayed line with an admin's host", Incoming{Nick: "t", UserHost: "t@trusted.host", Relay: "relaybot"}, false},
		{"relayed line with an admin's account", Incoming{Nick: "x", UserHost: "u@h", Account: "boss", Relay: "relaybot"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isAdminSender(admins, tc.in); got != tc.want {
				t.Errorf("isAdminSender(%+v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	if isAdminSender([]string{"*!*@*"}, Incoming{Nick: "x"}) {
		t.Error("a wildcard mask matched a sender without user@host")
	}
}

func TestRelayMatches(t *testing.T) {
	byMask := config.Relay{Nick: "RelayBot", Mask: "relaybot!*@bridge.example.org"}
	byAccount := config.Relay{Nick: "relaybot", Account: "RelayAcct"}
	byBoth := config.Relay{Nick: "relaybot", Mask: "relaybot!~r@*.example.org", Account: "relayacct"}
	byNick := config.Relay{Nick: "relaybot"}
	tests := []struct {
		name                    string
		rl                      config.Relay
		nick, userHost, account string
		want                    bool
	}{
		{"mask", byMask, "relaybot", "~r@bridge.example.org", "", true},
		{"mask, nick in another case", byMask, "RELAYBOT", "r@Bridge.Example.Org", "", true},
		{"mask, another host", byMask, "relaybot", "r@evil.example", "", false},
		{"mask, another nick from the host", byMask, "other", "r@bridge.example.org", "", false},
		{"mask, unknown host", byMask, "relaybot", "", "", false},
		{"mask, an account does not replace the host", byMask, "relaybot", "r@evil.example", "relaybot", false},
		{"account", byAccount, "relaybot", "r@anywhere", "relayacct", true},
		{"account, another account", byAccount, "relaybot", "r@anywhere", "someone", false},
		{"account, none", byAccount, "relaybot", "r@anywhere", "", false},
		{"account, another nick", byAccount, "relaybot_", "r@anywhere", "relayacct", false},
		{"both", byBoth, "relaybot", "~r@bridge.example.org", "RelayAcct", true},
		{"both, host only", byBoth, "relaybot", "~r@bridge.example.org", "", false},
		{"both, account only", byBoth, "relaybot", "~x@evil.example", "relayacct", false},
		{"nick alone never matches", byNick, "relaybot", "r@bridge.example.org", "relayacct", false},
		{"no nick", byMask, "", "r@bridge.example.org", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := relayMatches(tc.rl, tc.nick, tc.userHost, tc.account); got != tc.want {
				t.Errorf("relayMatches(%+v, %q, %q, %q) = %v, want %v", tc.rl, tc.nick, tc.userHost, tc.account, got, tc.want)
			}
		})
	}
}
