package bot

import (
	"testing"

	"proceedings/config"
)

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
