package logs

import (
	"io"
	"os"
	"path/filepath"
	"proceedings/event"
	"regexp"
	"strings"
	"testing"
)

// The logs under testdata/real-world are real users' logs (MANIFEST says
// where each comes from). Each is checked against counts taken here from
// the file's own columns with regular expressions, not from the reader:
// joins, parts and quits are all kept, and no event has a prefix as its
// nick.

// weechatRealWorld describes one WeeChat log: the prefixes its user chose.
type weechatRealWorld struct {
	file           string
	join, quit     string // prefix columns, spaces trimmed
	action         string
	nickChange     *regexp.Regexp // a network line that is a nick change
	part, kick     *regexp.Regexp // the message of a quit-prefix line that is a part, a kick
	wantNotUnderst int            // lines the reader may not understand
}

var (
	nickColumn = regexp.MustCompile("^[@+%~&]?[A-Za-z_`^|{}\\[\\]\\\\][-A-Za-z0-9_`^|{}\\[\\]\\\\]*$")
	weechatRW  = []weechatRealWorld{
		{
			file: "weechat-de/irc.freenode.#weechat.weechatlog", join: "-->", quit: "<--", action: "*",
			nickChange: regexp.MustCompile(`^\S+ (ist nun als \S+ bekannt|is now known as \S+)$`),
			part:       regexp.MustCompile(`^\S+ \([^)]*\) (verließ|has left) #`),
			kick:       regexp.MustCompile(`^\S+ (hat \S+ gekickt|has kicked)`),
		},
		{
			file: "weechat-fr/irc.freenode.#bepo.weechatlog", join: "-->", quit: "<--", action: "*",
			nickChange: regexp.MustCompile(`^\S+ (est maintenant connu sous le nom|is now known as) \S+$`),
			part:       regexp.MustCompile(`^\S+ \([^)]*\) (a quitté|has left) #`),
			kick:       regexp.MustCompile(`^\S+ (a éjecté|has kicked) `),
		},
		{
			file: "weechat-prefixes/irc.freenode.#ansible.weechatlog", join: ">", quit: "<<<", action: "*",
			nickChange: regexp.MustCompile(`^\S+ is now known as \S+$`),
			part:       regexp.MustCompile(`^\S+ \([^)]*\) has left #`),
			kick:       regexp.MustCompile(`^\S+ has kicked `),
		},
		{
			file: "weechat-prefixes-znc/irc.rizon.#rice.weechatlog", join: ">", quit: "<", action: "|",
			nickChange: regexp.MustCompile(`^\S+ is now known as \S+$`),
			part:       regexp.MustCompile(`^\S+( \([^)]*\))? has left #`),
			kick:       regexp.MustCompile(`^\S+ has kicked `),
		},
	}
)

func TestRealWorldWeechat(t *testing.T) {
	for _, tc := range weechatRW {
		t.Run(filepath.Dir(tc.file), func(t *testing.T) {
			path := filepath.Join("testdata", "real-world", tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[event.Kind]int{}
			for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
				f := strings.SplitN(l, "\t", 3)
				if len(f) != 3 {
					t.Fatalf("not a WeeChat line: %q", l)
				}
				p, msg := strings.TrimSpace(f[1]), f[2]
				switch {
				case p == tc.join:
					want[event.KindJoin]++
				case p == tc.quit && tc.part.MatchString(msg):
					want[event.KindPart]++
				case p == tc.quit && tc.kick.MatchString(msg):
					want[event.KindKick]++
				case p == tc.quit:
					want[event.KindQuit]++
				case p == tc.action:
					want[event.KindAction]++
				case nickColumn.MatchString(p):
					want[event.KindMessage]++
				case tc.nickChange.MatchString(msg):
					want[event.KindNick]++
				}
			}
			got, r := readRealWorld(t, path, "weechat")
			for _, k := range []event.Kind{event.KindJoin, event.KindPart, event.KindQuit, event.KindKick,
				event.KindAction, event.KindMessage, event.KindNick} {
				if got[k] != want[k] {
					t.Errorf("%s: read %d, the file's columns have %d", k, got[k], want[k])
				}
			}
			if want[event.KindJoin] == 0 || want[event.KindQuit] == 0 {
				t.Errorf("the sample has no joins or quits: %v", want)
			}
			if n := r.WarningCount(); n != tc.wantNotUnderst {
				t.Errorf("%d lines not understood, want %d: %v", n, tc.wantNotUnderst, r.Warnings())
			}
		})
	}
}

// TestRealWorldIrssiThemes reads logs irssi wrote with autolog_colors on
// and two themes of irssi-import/themes: its format codes around every
// column, a themed stamp, nick column and line_start.
func TestRealWorldIrssiThemes(t *testing.T) {
	codes := regexp.MustCompile("\x04(?:#[\\s\\S]{4}|[\x60-\x7f]|[\\s\\S]{2})")
	for _, tc := range []struct {
		dir     string
		message *regexp.Regexp // a message line, codes removed
	}{
		{"irssi-h3rbz", regexp.MustCompile(`^\[\d\d:\d\d:\d\d\] [@+ ]?\s*[^\s:]+: `)},
		{"irssi-ectobar", regexp.MustCompile(`^\S+ \S+ \[[@+ ]?[^\]\s]+\]: `)},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			path := filepath.Join("testdata", "real-world", tc.dir, "#chan.log")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[event.Kind]int{}
			for _, l := range strings.Split(string(data), "\n") {
				l = codes.ReplaceAllString(l, "")
				switch {
				case strings.Contains(l, " has joined #"):
					want[event.KindJoin]++
				case strings.Contains(l, " has left #"):
					want[event.KindPart]++
				case strings.Contains(l, " has quit "):
					want[event.KindQuit]++
				case strings.Contains(l, " is now known as "), strings.Contains(l, "You're now known as "):
					want[event.KindNick]++
				case strings.Contains(l, " changed the topic of "):
					want[event.KindTopic]++
				case strings.Contains(l, " mode/#"):
					want[event.KindMode]++
				case strings.Contains(l, " * "):
					want[event.KindAction]++
				case strings.Contains(l, ":#chan- "), strings.Contains(l, "[notice(#chan)] "):
					want[event.KindNotice]++
				case tc.message.MatchString(l):
					want[event.KindMessage]++
				}
			}
			got, r := readRealWorld(t, path, "")
			if r.Format() != "irssi" {
				t.Errorf("detected %s", r.Format())
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%s: read %d, the file has %d", k, got[k], n)
				}
			}
			if len(got) != len(want) || want[event.KindMessage] == 0 {
				t.Errorf("read %v, the file has %v", got, want)
			}
			if r.WarningCount() != 0 {
				t.Errorf("warnings: %v", r.Warnings())
			}
		})
	}
}

// readRealWorld reads a log (detecting its format when format is "") and
// counts its events by kind; it fails on an event whose nick is a prefix
// or a symbol, and checks the logger's own nick changes.
func readRealWorld(t *testing.T, path, format string) (map[event.Kind]int, *Reader) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, Options{Channel: "#chan", Network: "net", FileName: path, Format: format})
	if err != nil {
		t.Fatal(err)
	}
	got := map[event.Kind]int{}
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[ev.Kind]++
		for _, n := range []string{ev.Nick, ev.Target} {
			if n != "" && !columnNick(n) && !isServerName(n) {
				t.Errorf("%q as a nick: %s", n, show(ev))
			}
		}
		if ev.Kind != event.KindTopic && ev.Kind != event.KindMode && ev.Nick == "" {
			t.Errorf("no nick: %s", show(ev))
		}
		if ev.Flags&event.FlagSelf != 0 && (ev.Kind != event.KindNick && ev.Kind != event.KindNotice) {
			t.Errorf("self flag on %s", show(ev))
		}
	}
	return got, r
}
