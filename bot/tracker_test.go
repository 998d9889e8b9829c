package bot

import (
	"testing"
	"time"
)

// TestTrustRule: the sender has an account only when the line carries it,
// or (without account-tag) the tracker holds it for a nick that shares a
// channel while account-notify is on. Nothing is remembered of a nick out
// of sight.
func TestTrustRule(t *testing.T) {
	line := func(raw string) *message {
		m, ok := parseMessage([]byte(raw), time.Now())
		if !ok {
			t.Fatalf("cannot parse %q", raw)
		}
		return m
	}
	setup := func(caps ...string) *tracker {
		var tr tracker
		tr.reset()
		for _, c := range caps {
			tr.caps[c] = true
		}
		tr.join("#c", "alice")
		return &tr
	}
	for _, tc := range []struct {
		name  string
		caps  []string
		steps []string // lines whose account tags or ACCOUNT change the tracker
		line  string
		want  string
	}{
		{"tag", []string{"account-tag"}, nil, "@account=acct :alice!a@h PRIVMSG #c :x", "acct"},
		{"tag says not logged in", []string{"account-tag"}, nil, "@account=* :alice!a@h PRIVMSG #c :x", ""},
		{"no tag with account-tag means not logged in", []string{"account-tag", "account-notify"},
			[]string{":alice!a@h ACCOUNT acct"}, ":alice!a@h PRIVMSG #c :x", ""},
		{"account-notify in a shared channel", []string{"account-notify"},
			[]string{":alice!a@h ACCOUNT acct"}, ":alice!a@h PRIVMSG #c :x", "acct"},
		{"without account-notify the tracker is not trusted", nil,
			[]string{":alice!a@h ACCOUNT acct"}, ":alice!a@h PRIVMSG #c :x", ""},
		{"a tagged private line teaches nothing of the nick", []string{"account-notify"},
			[]string{"@account=admin :mallory!m@h PRIVMSG logbot :x"}, ":mallory!m@h PRIVMSG logbot :x", ""},
		{"a nick out of sight has no account", []string{"account-notify"},
			[]string{":bob!b@h ACCOUNT acct"}, ":bob!b@h PRIVMSG logbot :x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := setup(tc.caps...)
			for _, s := range tc.steps {
				m := line(s)
				if a, ok := m.tag("account"); ok {
					tr.noteAccount(m.src.Name, a)
				}
				if m.Command == "ACCOUNT" {
					tr.noteAccount(m.src.Name, m.Params[0])
				}
			}
			if got := tr.account(line(tc.line)); got != tc.want {
				t.Errorf("account = %q, want %q", got, tc.want)
			}
		})
	}

	// Leaving every shared channel, quitting or a nick change forgets or
	// moves the account with the nick.
	tr := setup("account-notify")
	tr.join("#d", "alice")
	tr.noteAccount("alice", "acct")
	tr.leave("#c", "alice")
	if got := tr.account(line(":alice!a@h PRIVMSG logbot :x")); got != "acct" {
		t.Errorf("alice still in #d: account %q", got)
	}
	tr.rename("alice", "alice2")
	if got := tr.account(line(":alice!a@h PRIVMSG logbot :x")); got != "" {
		t.Errorf("the nick alice after alice changed nick: account %q", got)
	}
	if got := tr.account(line(":alice2!a@h PRIVMSG logbot :x")); got != "acct" {
		t.Errorf("alice2 after the nick change: account %q", got)
	}
	tr.leave("#d", "alice2")
	tr.join("#d", "alice2") // back, but the account may have changed unseen
	if got := tr.account(line(":alice2!a@h PRIVMSG logbot :x")); got != "" {
		t.Errorf("alice2 after leaving every shared channel and coming back: account %q", got)
	}
	tr.noteAccount("alice2", "acct")
	tr.gone("alice2")
	if len(tr.accounts) != 0 {
		t.Errorf("accounts after a quit: %v", tr.accounts)
	}
}
