package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proceedings/bot"
	"proceedings/bot/commands"
)

// answered counts the lines of ins that got a reply.
func answered(f *fixture, ins ...bot.Incoming) int {
	n := 0
	for _, in := range ins {
		if len(f.router.Handle(context.Background(), in)) > 0 {
			n++
		}
	}
	return n
}

func repeat(in bot.Incoming, n int) []bot.Incoming {
	out := make([]bot.Incoming, n)
	for i := range out {
		out[i] = in
	}
	return out
}

// TestRateLimitPerUser: with 3/10s, a burst of ten commands gets three
// answers; a token comes back every 3⅓ s; other users are not affected.
func TestRateLimitPerUser(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	if got := answered(f, repeat(carol.says("!help"), 10)...); got != 3 {
		t.Fatalf("burst of 10 from one user: %d answered, want 3", got)
	}
	bob := carol
	bob.nick = "bob"
	if got := answered(f, bob.says("!help")); got != 1 {
		t.Errorf("another user in the same channel was refused")
	}
	f.advance(3 * time.Second)
	if got := answered(f, carol.says("!help")); got != 0 {
		t.Errorf("answered before a token came back")
	}
	f.advance(400 * time.Millisecond)
	if got := answered(f, repeat(carol.says("!help"), 3)...); got != 1 {
		t.Errorf("after 3.4 s: %d answered, want 1", got)
	}
	// The same person in a private message shares the bucket.
	if got := answered(f, inPriv.says("help")); got != 0 {
		t.Errorf("a private message escaped the per-user limit")
	}
	// Unknown commands and plain chat use no tokens.
	f.advance(time.Minute)
	answered(f, repeat(carol.says("!nosuchcommand"), 10)...)
	answered(f, repeat(carol.says("hello"), 10)...)
	if got := answered(f, repeat(carol.says("!help"), 3)...); got != 3 {
		t.Errorf("unknown commands used tokens: %d of 3 answered", got)
	}
}

// TestRateLimitByAccount: changing nick does not refill the bucket of a
// logged-in user.
func TestRateLimitByAccount(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	a := carol
	a.account = "carolacct"
	if got := answered(f, repeat(a.says("!help"), 3)...); got != 3 {
		t.Fatalf("%d of 3 answered", got)
	}
	a.nick = "carol_"
	if got := answered(f, a.says("!help")); got != 0 {
		t.Errorf("a new nick of the same account got a fresh bucket")
	}
}

// TestRateLimitPerChannel: with 10/10s, twenty users asking once each get
// ten answers in the channel; private messages are not limited by it.
func TestRateLimitPerChannel(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	var ins []bot.Incoming
	for i := range 20 {
		s := carol
		s.nick = fmt.Sprintf("user%d", i)
		ins = append(ins, s.says("!help"))
	}
	if got := answered(f, ins...); got != 10 {
		t.Fatalf("20 users once each: %d answered, want 10", got)
	}
	if got := answered(f, inPriv.says("help")); got != 1 {
		t.Errorf("a private message was refused by the channel's limit")
	}
	other := carol
	other.channel = "#other"
	if got := answered(f, other.says("!help")); got != 1 {
		t.Errorf("another channel was refused")
	}
	f.advance(time.Second)
	if got := answered(f, ins[15:]...); got != 1 {
		t.Errorf("after 1 s: %d answered, want 1", got)
	}
}

// TestAdminsAreNotRateLimited: the admins keep control during a flood.
func TestAdminsAreNotRateLimited(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	if got := answered(f, repeat(boss.says("!help"), 20)...); got != 20 {
		t.Errorf("admin: %d of 20 answered", got)
	}
}

// TestRateLimitAddsNoDelay: the limit refuses at once instead of waiting,
// so neither a refused command nor the first answer is slowed down: on
// the real clock, a burst of 50 commands is handled well within a second,
// three of them answered.
func TestRateLimitAddsNoDelay(t *testing.T) {
	f := newFixture(t, fixtureOptions{router: func(o *commands.Options) { o.Now = nil }})
	start := time.Now()
	got := answered(f, repeat(carol.says("!help"), 50)...)
	elapsed := time.Since(start)
	if got != 3 {
		t.Errorf("%d answered, want 3", got)
	}
	if elapsed > time.Second {
		t.Errorf("50 commands took %v: the limiter waits instead of refusing", elapsed)
	}
}
