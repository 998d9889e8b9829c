package commands

import (
	"context"
	"log/slog"
	mathrand "math/rand/v2"
	"os"
	"proceedings/event"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
	"proceedings/internal/archivetest"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// ircTimeout bounds every wait for a reply in the round-trip tests.
const ircTimeout = 10 * time.Second

// startBot runs the bot on cfg, recording commands as the runner has it
// record them (commands marked), and follows what its archive commits. The
// bot's lines keep the pace of commands.output.
func startBot(t testing.TB, cfg *config.Config) *bottest.Harness[*bot.Bot] {
	return bottest.Start(t, cfg, func(db archive.Store, log *slog.Logger, hook bottest.Hook) (*bot.Bot, error) {
		return bot.New(cfg, db, bot.Options{Logger: log, OnRecorded: hook, IsCommand: IsCommand})
	})
}

// commandBot runs the real bot with the command router as its listener
// (wired the way the runner wires it) against a real ngIRCd.
type commandBot struct {
	h      *bottest.Harness[*bot.Bot]
	router *Router
	srv    *ircserver.Server

	mu        sync.Mutex
	reloads   int
	announces []string
}

func startCommandBot(t testing.TB) *commandBot {
	return startCommandBotWith(t, nil)
}

// startCommandBotWith calls seed with the archive's location (a path or a
// URL) before the bot opens it.
func startCommandBotWith(t testing.TB, seed func(path string)) *commandBot {
	t.Helper()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	body := bottest.SingleNet(srv.Addr(), "procbot", "#techrights") + `admins: ["boss!*@127.0.0.1"]
commands: {rate: {per_user: 1000000/1s, per_channel: 1000000/1s}}
`
	cfg := bottest.ParseConfig(t, dir, body)
	if seed != nil {
		seed(cfg.Archive)
	}
	h := startBot(t, cfg)
	// Twenty replies should take milliseconds, not 1.5 s each.
	h.B.SetSendPace(5*time.Millisecond, 100)
	ctx := context.Background()
	if err := h.DB.SetPublicOnly(ctx, bot.LogNetworks(cfg), bot.PublicLogs(cfg)); err != nil { // as the runner does
		t.Fatal(err)
	}
	for _, p := range []archive.Post{
		{Link: "https://example.org/ix", Title: "From Belarus With Love — Part IX: The End of “Peaceful Coexistence”?",
			Series: "From Belarus With Love", Part: 9, Numeral: "IX", Published: time.Now().Add(-48 * time.Hour)},
		{Link: "https://example.org/x", Title: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
			Series: "From Belarus With Love", Part: 10, Numeral: "X", Subtitle: "From “High-Tech Hub” to “No-Go Zone”", Published: time.Now().Add(-time.Hour)},
		{Link: "https://example.org/evil", Title: "Evil — Part 1: a\r\nQUIT :gone\r\nPRIVMSG #techrights :injected",
			Series: "Evil", Part: 1, Published: time.Now().Add(-72 * time.Hour)},
	} {
		if _, _, err := h.DB.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cb := &commandBot{h: h, srv: srv}
	cb.router = NewRouter(cfg, h.DB, Options{
		Nick:   h.B.Nick,
		Sender: h.B,
		Admin: BotAdmin{Bot: h.B,
			ReloadFunc: func(ctx context.Context) error {
				cb.mu.Lock()
				cb.reloads++
				cb.mu.Unlock()
				h.B.Reload(cfg)
				cb.router.SetConfig(cfg)
				return nil
			},
			AnnounceFunc: func(network, channel string, on bool) error {
				cb.mu.Lock()
				defer cb.mu.Unlock()
				cb.announces = append(cb.announces, network+" "+channel+" "+map[bool]string{true: "on", false: "off"}[on])
				return nil
			},
		},
		OnOptOut: func(string, bool) { _ = h.B.RefreshOptOuts(context.Background()) },
		Logger:   bottest.Logger(t),
	})
	h.B.AddListener(cb.router)
	h.WaitSelfJoins(1)
	return cb
}

// expectFrom waits for a PRIVMSG or NOTICE from the bot to target and
// returns its text.
func expectFrom(c *ircserver.Client, command, target string, match func(text string) bool) string {
	var text string
	c.Expect(ircTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err != nil || msg.Command != command || len(msg.Params) != 2 || msg.Params[0] != target || !strings.HasPrefix(msg.Source, "procbot!") {
			return false
		}
		if match(msg.Params[1]) {
			text = msg.Params[1]
			return true
		}
		return false
	})
	return text
}

// expectAll waits for lines from the bot, in any order, each given as
// "COMMAND PARAM" or "COMMAND PARAM :TEXT".
func expectAll(c *ircserver.Client, wants ...string) {
	left := append([]string(nil), wants...)
	for len(left) > 0 {
		c.Expect(ircTimeout, func(line string) bool {
			msg, err := ircmsg.ParseLine(line)
			if err != nil || !strings.HasPrefix(msg.Source, "procbot!") || len(msg.Params) == 0 {
				return false
			}
			got := msg.Command + " " + msg.Params[0]
			if len(msg.Params) > 1 {
				got += " :" + msg.Params[1]
			}
			for i, w := range left {
				if got == w || (msg.Command == "JOIN" || msg.Command == "PART") && strings.HasPrefix(got, w+" :") {
					left = append(left[:i], left[i+1:]...)
					return true
				}
			}
			return false
		})
	}
}

func equals(want string) func(string) bool { return func(s string) bool { return s == want } }

func hasPrefix(want string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, want) }
}

// TestCommandsOverIRC: every command once through a real server — the
// line goes from a client through ngIRCd to the bot, through the router
// and back as PRIVMSG or NOTICE.
func TestCommandsOverIRC(t *testing.T) {
	cb := startCommandBot(t)
	addr := cb.srv.Addr()
	alice := ircserver.Dial(t, addr, "alice")
	alice.Join("#techrights")
	alice.Send("PRIVMSG #techrights :hello from minsk")
	said := cb.h.WaitText("hello from minsk")
	// Committed is not yet indexed: the writer indexes right after the
	// commit that acknowledged the line; Flush waits for the index.
	if err := cb.h.DB.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	today := event.DateOf(said.Time, time.UTC).String()
	dayName := said.Time.UTC().Format("Monday, January 02, 2006")

	partX := "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — https://example.org/x"
	channel := []struct {
		line string
		want func(string) bool
	}{
		{"!part 10", equals(partX)},
		{"!part X belarus", equals(partX)},
		{"procbot: part 10", equals(partX)},
		{"!part 11", equals("From Belarus With Love has parts IX–X (9–10); part 11 is not out yet.")},
		{"!part 99999999999999999999", hasPrefix("Part number must be 1–100000")},
		{"!part 1 evil", equals("Evil — Part 1: a QUIT :gone PRIVMSG #techrights :injected — https://example.org/evil")},
		{"!series", hasPrefix("2 series: From Belarus With Love (2 parts, newest: Part X) · Evil (1 part, newest: Part I).")},
		{"!series belarus", equals("From Belarus With Love, parts IX–X (9–10): IX The End of “Peaceful Coexistence”? · X From “High-Tech Hub” to “No-Go Zone”")},
		{"!latest 1", equals(partX)},
		{"!logs today", equals("#techrights, " + dayName + ": http://localhost/test/techrights/" + today + ".html")},
		// The command line itself may be recorded (and counted) by the time
		// it is answered, but is never shown as a hit.
		{"!search minsk", func(s string) bool {
			hit := today + " #techrights <alice> hello from minsk http://localhost/test/techrights/" + today + ".html#l-" + strconv.FormatInt(said.ID, 10)
			return s == "1 line matches “minsk”: "+hit || s == "2 lines match “minsk”; the best: "+hit
		}},
		{"!seen alice", hasPrefix("alice was last seen in #techrights just now (")},
		{"!help", hasPrefix("Commands: !part N [series words] · ")},
	}
	for _, tc := range channel {
		t.Run(tc.line, func(t *testing.T) {
			alice.Send("PRIVMSG #techrights :%s", tc.line)
			expectFrom(alice, "PRIVMSG", "#techrights", tc.want)
		})
	}

	t.Run("private message", func(t *testing.T) {
		// "part 10" without series words means the series the bot linked
		// last, as the archive has it: the answer to !latest 1 above,
		// which reached alice before it was committed (CI under load
		// answered with the series linked before it).
		if err := cb.h.DB.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		alice.Send("PRIVMSG procbot :part 10")
		expectFrom(alice, "PRIVMSG", "alice", equals(partX))
	})
	t.Run("optout and optin", func(t *testing.T) {
		alice.Send("PRIVMSG #techrights :!optout")
		expectFrom(alice, "NOTICE", "alice", hasPrefix("Done: I no longer record what the nick alice from ~alice@127.0.0.1 says."))
		alice.Send("PRIVMSG #techrights :!optin")
		expectFrom(alice, "NOTICE", "alice", equals("Done: I record what the nick alice from ~alice@127.0.0.1 says again."))
	})
	t.Run("unknown commands get no reply", func(t *testing.T) {
		alice.Send("PRIVMSG #techrights :!nosuchcommand")
		alice.Send("PRIVMSG #techrights :!join #x") // alice is no admin
		alice.Send("PRIVMSG #techrights :!part 9")
		// The reply to the third line is the first thing the bot says.
		got := expectFrom(alice, "PRIVMSG", "#techrights", func(string) bool { return true })
		if !strings.Contains(got, "Part IX") {
			t.Errorf("the bot answered %q before the reply to !part 9", got)
		}
	})

	// Admin commands, by hostmask.
	boss := ircserver.Dial(t, addr, "boss")
	boss.Join("#techrights")
	t.Run("join and part-channel", func(t *testing.T) {
		boss.Join("#new")
		boss.Send("PRIVMSG #techrights :!join #new")
		expectAll(boss, "NOTICE boss :Joining #new.", "JOIN #new")
		boss.Send("PRIVMSG procbot :part-channel #new")
		expectAll(boss, "PRIVMSG boss :Leaving #new.", "PART #new")
	})
	t.Run("say", func(t *testing.T) {
		boss.Send("PRIVMSG #techrights :!say #techrights hello, \x02all\x02")
		expectFrom(alice, "PRIVMSG", "#techrights", equals("hello, all"))
	})
	t.Run("reload", func(t *testing.T) {
		boss.Send("PRIVMSG #techrights :!reload")
		expectFrom(boss, "NOTICE", "boss", equals("Reloaded the configuration."))
		cb.mu.Lock()
		defer cb.mu.Unlock()
		if cb.reloads != 1 {
			t.Errorf("%d reloads", cb.reloads)
		}
	})
	t.Run("announce", func(t *testing.T) {
		boss.Send("PRIVMSG #techrights :!announce off")
		expectFrom(boss, "NOTICE", "boss", equals("Announcements are off in #techrights."))
		cb.mu.Lock()
		defer cb.mu.Unlock()
		if len(cb.announces) != 1 || cb.announces[0] != "test #techrights off" {
			t.Errorf("announce calls %q", cb.announces)
		}
	})
}

// TestRateLimitOverIRC: a flood from one user gets three answers and
// then silence, while another user is still answered at once.
func TestRateLimitOverIRC(t *testing.T) {
	cb := startCommandBot(t)
	cfg := *cb.h.Cfg
	cfg.Commands.PerUser = config.Rate{N: 3, Per: time.Hour}
	cb.router.SetConfig(&cfg)
	addr := cb.srv.Addr()
	flood := ircserver.Dial(t, addr, "flood")
	flood.Join("#techrights")
	other := ircserver.Dial(t, addr, "other")
	other.Join("#techrights")
	for range 10 {
		flood.Send("PRIVMSG #techrights :!part 10")
	}
	// The bot hands lines to the router in the order it records them.
	cb.h.WaitFor(ircTimeout, "the flood recorded", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Nick == "flood" && ev.Text == "!part 10" }) == 10
	})
	other.Send("PRIVMSG #techrights :!part 9")
	// other sees three answers to flood, then its own, and nothing more for
	// flood: the bot answers in order, so had a fourth answer been sent it
	// would come before the answer to other.
	for i := range 3 {
		if got := expectFrom(other, "PRIVMSG", "#techrights", func(string) bool { return true }); !strings.Contains(got, "Part X") {
			t.Fatalf("answer %d: %q", i+1, got)
		}
	}
	if got := expectFrom(other, "PRIVMSG", "#techrights", func(string) bool { return true }); !strings.Contains(got, "Part IX") {
		t.Fatalf("after three answers to the flood the bot said %q", got)
	}
}

// BenchmarkIRCReplyLatency measures what a user sees: the time from
// sending "!part 10" or "!search minsk" to ngIRCd until the reply arrives,
// one request at a time, on an archive of PROCEEDINGS_BENCH_LINES lines
// (default 200,000). The bot's output pacing (its flood protection, like
// Limnoria's throttle) is switched off, as in the reference.
func BenchmarkIRCReplyLatency(b *testing.B) {
	lines := 200_000
	if s := os.Getenv("PROCEEDINGS_BENCH_LINES"); s != "" {
		var err error
		if lines, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	cb := startCommandBotWith(b, func(path string) { seedBenchArchive(b, path, lines) })
	cb.h.B.SetSendPace(0, 1)
	alice := ircserver.Dial(b, cb.srv.Addr(), "alice")
	alice.Join("#techrights")
	// The first line of each reply (a long reply has more, which the next
	// wait skips).
	first := map[string]func(string) bool{
		"!part 10":      hasPrefix("From Belarus With Love — Part X"),
		"!search minsk": regexp.MustCompile(`^(More than \d+ lines match|\d+ lines match) “minsk”`).MatchString,
	}
	// In the channel, every search adds its command and its answer to the
	// archive (the bot's answers are recorded as its own lines), so 1,000
	// searches would end up searching mostly themselves; private messages
	// are not recorded. !part is asked both ways.
	for _, tc := range []struct{ name, target, line, replyTo string }{
		{"!part 10 in the channel", "#techrights", "!part 10", "#techrights"},
		{"!part 10 privately", "procbot", "!part 10", "alice"},
		{"!search minsk privately", "procbot", "!search minsk", "alice"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				alice.Send("PRIVMSG %s :%s", tc.target, tc.line)
				expectFrom(alice, "PRIVMSG", tc.replyTo, first[tc.line])
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// seedBenchArchive creates the archive at where with n chat lines over two
// years, about one in fifty with "minsk", through the bulk importer.
func seedBenchArchive(b *testing.B, where string, n int) {
	ctx := context.Background()
	db, err := archivetest.Dial(ctx, where, archive.Options{Logger: bottest.Logger(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	vocab := strings.Fields("the a to and of is in it that for you on with this be are not have was but they at so what can do " +
		"patent office epo software freedom linux gnu free code kernel release bug fix build server techrights article series belarus minsk")
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	start := time.Now().Add(-2 * 365 * 24 * time.Hour)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n+1)
	for i := range n {
		words := make([]string, 4+rng.IntN(10))
		for k := range words {
			words[k] = vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64())]
		}
		if err := im.Add(ctx, event.Event{Network: "test", Channel: "#techrights", Kind: event.KindMessage,
			Nick: "user" + strconv.Itoa(rng.IntN(200)), Text: strings.Join(words, " "), Time: start.Add(time.Duration(i) * step)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}
