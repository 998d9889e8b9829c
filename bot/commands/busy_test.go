package commands

import (
	"context"
	"testing"
	"time"

	"proceedings/bot"
	"proceedings/internal/bottest"
)

// TestBusyRefusesRecentAskers: while the bot is busy on a network, the
// router refuses the commands of those who had one taken within the last
// minute, and still answers newcomers and admins; on another network, or
// once the bot is no longer busy, everyone is answered.
func TestBusyRefusesRecentAskers(t *testing.T) {
	cfg := bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet("127.0.0.1:6667", "procbot", "#c")+`admins: ["boss!*@trusted.example.org"]
`)
	busy := false
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	r := NewRouter(cfg, nil, Options{Busy: func(network string) bool { return busy && network == "test" }, Now: func() time.Time { return now }})
	ask := func(network, nick, host string) bool {
		return len(r.Handle(context.Background(), bot.Incoming{Network: network, Channel: "#c", Nick: nick, UserHost: "u@" + host, Text: "!help seen"})) > 0
	}
	if !ask("test", "flooder", "h") {
		t.Fatal("a command was refused while the bot was not busy")
	}
	busy = true
	now = now.Add(10 * time.Second)
	for _, tc := range []struct {
		network, nick, host string
		want                bool
	}{
		{"test", "flooder", "h", false},               // asked 10 s ago
		{"test", "newcomer", "h", true},               // never asked
		{"test", "newcomer", "h", false},              // just asked
		{"test", "boss", "trusted.example.org", true}, // an admin
		{"test", "boss", "trusted.example.org", true},
		{"other", "flooder", "h", true}, // not busy there
	} {
		if got := ask(tc.network, tc.nick, tc.host); got != tc.want {
			t.Errorf("busy: %s on %s answered %v, want %v", tc.nick, tc.network, got, tc.want)
		}
	}
	now = now.Add(recentFor)
	if !ask("test", "flooder", "h") {
		t.Error("busy: a command a minute after the last was refused")
	}
	busy = false
	if !ask("test", "newcomer", "h") {
		t.Error("not busy any more: a command was refused")
	}
}
