package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// TestPartAfterRestartOverIRC: "!part 10" without series words names the
// series the bot announced last in the channel, also after the bot was
// restarted, when another series was announced more recently elsewhere
// (what a bot that kept the announcement only in memory answered).
func TestPartAfterRestartOverIRC(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "procbot", "#techrights", "#other"))
	ctx := context.Background()

	run := func() *bottest.Harness[*bot.Bot] {
		h := startBot(t, cfg)
		h.B.SetSendPace(5*time.Millisecond, 100)
		r := NewRouter(cfg, h.DB, Options{Nick: h.B.Nick, Sender: h.B, Logger: bottest.Logger(t)})
		h.B.AddListener(r)
		h.WaitSelfJoins(2)
		return h
	}
	h := run()
	for _, p := range []archive.Post{
		{Link: "https://example.org/x", Title: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
			Series: "From Belarus With Love", Part: 10, Numeral: "X", Subtitle: "From “High-Tech Hub” to “No-Go Zone”", Published: time.Now().Add(-2 * time.Hour)},
		{Link: "https://example.org/worms-2", Title: "A Can of WORMS — Part II: Opened", Series: "A Can of WORMS", Part: 2,
			Numeral: "II", Published: time.Now().Add(-time.Hour)},
	} {
		stored, _, err := h.DB.SavePost(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.DB.MarkAnnounced(ctx, stored.ID, p.Published); err != nil {
			t.Fatal(err)
		}
	}
	// The announcements, as the announcer says them: Belarus here, the
	// newer WORMS in another channel.
	if err := h.B.Say("test", "#techrights", "New: From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — https://example.org/x"); err != nil {
		t.Fatal(err)
	}
	if err := h.B.Say("test", "#other", "New: A Can of WORMS — Part II: Opened — https://example.org/worms-2"); err != nil {
		t.Fatal(err)
	}
	h.WaitText("New: A Can of WORMS — Part II: Opened — https://example.org/worms-2")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}

	run()
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#techrights")
	alice.Send("PRIVMSG #techrights :!part 10")
	got := expectFrom(alice, "PRIVMSG", "#techrights", func(string) bool { return true })
	if !strings.HasPrefix(got, "From Belarus With Love — Part X") {
		t.Errorf("!part 10 in #techrights after a restart: %q, want the series announced last there", got)
	}
}
