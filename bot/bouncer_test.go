package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// TestBouncerPlayback runs the bot behind a real ZNC, in ZNC's default mode
// (a channel's buffer holds what was said while no client was attached and
// is played back once) and in the mode that keeps each channel's last 500
// lines and plays them all back whenever a client attaches. A line said
// while the bot was not attached is recorded once, at the time it was
// said; a line the bot recorded live is not recorded again when it is
// played back; ZNC's own voices ("***", *status) are never recorded.
func TestBouncerPlayback(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("KeepBuffer=%v", keep), func(t *testing.T) {
			t.Parallel()
			testBouncerPlayback(t, keep)
		})
	}
}

func testBouncerPlayback(t *testing.T, keep bool) {
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	znc := ircserver.StartZNC(t, srv, ircserver.BouncerOptions{Nick: "logbot", Channels: []string{"#c"}, KeepBuffer: keep})
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#c")
	alice.Send("PRIVMSG #c :said before the bot ever attached")
	alice.Send("PRIVMSG #c :\x01ACTION waves before the bot attached\x01")

	dir := t.TempDir()
	pass := filepath.Join(dir, "znc-password")
	if err := os.WriteFile(pass, []byte(znc.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := bottest.ParseConfig(t, dir, fmt.Sprintf("network: test\nserver: {host: %s, port: %d, tls: false, password_file: %q}\nnick: logbot\nchannels:\n  - {name: \"#c\", public: true}\n",
		znc.Host, znc.Port, pass))

	// First attach: the buffer so far is new to the archive.
	h := startBot(t, cfg, nil)
	h.WaitText("said before the bot ever attached")
	alice.Send("PRIVMSG #c :said live")
	h.WaitText("said live")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	firstRun := len(h.Committed())

	// Detached: ZNC alone hears this line.
	said := time.Now()
	alice.Send("PRIVMSG #c :said while the bot was away")
	time.Sleep(500 * time.Millisecond)

	// Second attach: ZNC plays back the line said while the bot was away
	// (and, keeping its buffer, the others again).
	h2 := startBot(t, cfg, nil)
	h2.WaitText("said while the bot was away")
	alice.Send("PRIVMSG #c :said live again")
	h2.WaitText("said live again")
	if err := h2.Stop(); err != nil {
		t.Fatal(err)
	}

	evs := archived(t, h2.DB, "test", "#c")
	var lines []string
	times := map[string]int{}
	var away event.Event
	for _, ev := range evs {
		lines = append(lines, bottest.Describe(ev))
		if strings.HasPrefix(ev.Nick, "*") {
			t.Errorf("recorded the bouncer's own line: %s", bottest.Describe(ev))
		}
		if ev.Kind.IsSpeech() && ev.Nick == "alice" {
			times[ev.Text]++
		}
		if ev.Text == "said while the bot was away" {
			away = ev
		}
	}
	for _, text := range []string{"said before the bot ever attached", "waves before the bot attached", "said live", "said while the bot was away", "said live again"} {
		if times[text] != 1 {
			t.Errorf("%q recorded %d times, want once", text, times[text])
		}
	}
	if len(times) != 5 {
		t.Errorf("alice's lines: %v, want the five she said", times)
	}
	// Recorded at the time ZNC heard it, not when the bot attached again.
	if d := away.Time.Sub(said); d < -time.Second || d > time.Second {
		t.Errorf("the line said while the bot was away is stamped %v, %v from when it was said", away.Time, d)
	}
	// ZNC played back at least alice's three lines of the first run.
	if st := h2.B.Status(); keep && st.Replayed < 3 {
		t.Errorf("Status().Replayed = %d after a playback of at least 3 known lines", st.Replayed)
	}
	if t.Failed() {
		t.Logf("first run committed %d events; the archive:\n%s", firstRun, strings.Join(lines, "\n"))
	}
}
