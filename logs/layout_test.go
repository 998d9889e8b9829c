package logs

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlaceOf(t *testing.T) {
	type want struct {
		kind             PlaceKind
		window, network  string
		compression, why string // why: a part of Place.Why
	}
	for _, tc := range []struct {
		root, path string
		want
	}{
		// irssi: autolog_path ~/irclogs/$tag/$0.log and the custom forms.
		{"irclogs", "irclogs/libera/#chan.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan.log.gz", want{PlaceChannel, "#chan", "libera", "gzip", ""}},
		{"irclogs", "irclogs/libera/##c++.log", want{PlaceChannel, "##c++", "libera", "", ""}},
		{"irclogs", "irclogs/libera/&local.log", want{PlaceChannel, "&local", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan/2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan.2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/2026/libera/#chan.02-02.log", want{PlaceChannel, "#chan.02-02", "libera", "", ""}},
		{"irclogs", "irclogs/libera/nickserv.log", want{PlaceQuery, "nickserv", "libera", "", "query"}},
		{"irclogs", "irclogs/libera/#chan.log.1", want{PlaceChannel, "#chan", "libera", "", ""}},
		// Copies editors and people make are copies of the log they name.
		{"irclogs", "irclogs/libera/#chan.log~", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan.log.orig", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan.log.bak", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"irclogs", "irclogs/libera/#chan.log.gz.old", want{PlaceChannel, "#chan", "libera", "gzip", ""}},
		// The root itself never names the network; below it, a client's
		// own folder does not either.
		{"irclogs/libera", "irclogs/libera/#chan.log", want{PlaceChannel, "#chan", "", "", ""}},
		{"home", "home/irclogs/#chan.log", want{PlaceChannel, "#chan", "", "", ""}},
		{"irclogs/libera/#chan.log", "irclogs/libera/#chan.log", want{PlaceChannel, "#chan", "", "", ""}},
		{"/", "/home/u/irclogs/libera/#chan.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		// WeeChat: $plugin.$name.weechatlog, by date, by server folder.
		{"logs", "logs/irc.libera.#weechat.weechatlog", want{PlaceChannel, "#weechat", "libera", "", ""}},
		{"logs", "logs/irc.irc.libera.chat.#weechat.weechatlog", want{PlaceChannel, "#weechat", "irc.libera.chat", "", ""}},
		{"logs", "logs/2010/11/irc.libera.#weechat.weechatlog", want{PlaceChannel, "#weechat", "libera", "", ""}},
		{"logs", "logs/irc.libera.#weechat.weechatlog.1.gz", want{PlaceChannel, "#weechat", "libera", "gzip", ""}},
		{"logs", "logs/irc.server.libera.weechatlog", want{PlaceServer, "irc.server.libera", "libera", "", "server buffer"}},
		{"logs", "logs/core.weechat.weechatlog", want{PlaceServer, "core.weechat", "", "", "core buffer"}},
		{"logs", "logs/irc.irc_raw.weechatlog", want{PlaceServer, "irc.irc_raw", "", "", "raw"}},
		{"logs", "logs/script.scripts.weechatlog", want{PlaceServer, "script.scripts", "", "", "script buffer"}},
		{"logs", "logs/irc.libera.alice.weechatlog", want{PlaceQuery, "alice", "libera", "", "query"}},
		{"logs", "logs/irc/libera/#weechat.weechatlog", want{PlaceChannel, "#weechat", "libera", "", ""}},
		{"logs", "logs/irc/libera/libera.weechatlog", want{PlaceServer, "libera", "libera", "", "server buffer of libera"}},
		{"logs", "logs/libera/#weechat/2026-02-02.weechatlog", want{PlaceChannel, "#weechat", "libera", "", ""}},
		// ZNC: the log module's three forms, old and new.
		{"znc", "znc/users/alice/networks/libera/moddata/log/#chan/2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"znc", "znc/users/alice/moddata/log/libera/#chan/2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"znc", "znc/moddata/log/alice/libera/#chan/2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"log", "log/libera/#chan/2026-02-02.log.gz", want{PlaceChannel, "#chan", "libera", "gzip", ""}},
		{"log", "log/libera/status/2026-02-02.log", want{PlaceServer, "status", "libera", "", "status window"}},
		{"log", "log/libera/*status/2026-02-02.log", want{PlaceServer, "*status", "libera", "", "*status window"}},
		{"log", "log/libera/*controlpanel/2026-02-02.log", want{PlaceServer, "*controlpanel", "libera", "", "ZNC"}},
		{"log", "log/libera/bob/2026-02-02.log", want{PlaceQuery, "bob", "libera", "", "query"}},
		{"log", "log/#chan_20260202.log", want{PlaceChannel, "#chan", "", "", ""}},
		{"x", "x/networks/libera/moddata/log/#chan_20260202.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"log", "log/libera_#chan_20260202.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"log", "log/alice_libera_#my_chan_20260202.log", want{PlaceChannel, "#my_chan", "alice_libera", "", ""}},
		{"log", "log/libera_status_20260202.log", want{PlaceServer, "status", "libera", "", "status window"}},
		{"log", "log/libera_*status_20260202.log", want{PlaceServer, "*status", "libera", "", "*status"}},
		{"log", "log/libera_bob_20260202.log", want{PlaceQuery, "libera_bob", "", "", "query"}},
		// The channel's folder given on the command line.
		{"log/libera/#chan", "log/libera/#chan/2026-02-02.log", want{PlaceChannel, "#chan", "", "", ""}},
		{"log/libera/bob", "log/libera/bob/2026-02-02.log", want{PlaceUnnamed, "", "", "", ""}},
		{"old", "old/2026-02-02.txt", want{PlaceUnnamed, "", "", "", ""}},
		// HexChat: %n/%c.log, lower-cased.
		{"logs", "logs/libera.chat/#hexchat.log", want{PlaceChannel, "#hexchat", "libera.chat", "", ""}},
		{"logs", "logs/libera.chat/server.log", want{PlaceServer, "server", "libera.chat", "", "server tab"}},
		{"logs", "logs/libera.chat/(notices).log", want{PlaceServer, "(notices)", "libera.chat", "", "notices"}},
		{"logs", "logs/NETWORK/irc.example.org.log", want{PlaceServer, "irc.example.org", "NETWORK", "", "server"}},
		{"logs", "logs/libera.chat/nickserv.log", want{PlaceQuery, "nickserv", "libera.chat", "", "query"}},
		// Limnoria: NETWORK/#chan/#chan[.DATE].log, month folders.
		{"ChannelLogger", "ChannelLogger/libera/#chan/#chan.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"ChannelLogger", "ChannelLogger/libera/#chan/#chan.2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"ChannelLogger", "ChannelLogger/libera/#chan/February/#chan.2026-02-02.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"x", "x/logs/ChannelLogger/libera/#chan/#chan.log", want{PlaceChannel, "#chan", "libera", "", ""}},
		{"x", "x/logs/ChannelLogger/#chan.log", want{PlaceChannel, "#chan", "", "", ""}},
		// Names that are no window, other compressions.
		{"x", "x/README", want{PlaceQuery, "README", "", "", "query"}},
		{"x", "x/techrights.2024-01-01.log", want{PlaceUnnamed, "", "", "", ""}},
		{"x", "x/libera/techrights.2024-01-01.log", want{PlaceQuery, "techrights", "libera", "", "query"}},
		{"x", "x/libera/nickserv.log", want{PlaceQuery, "nickserv", "libera", "", "query"}},
		{"x", "x/nickserv.log", want{PlaceQuery, "nickserv", "", "", "query"}},
		{"x", "x/supybot-pov/2005-01-08-test1.log", want{PlaceUnnamed, "", "supybot-pov", "", ""}},
		{"x", "x/my notes.log", want{PlaceUnnamed, "", "", "", ""}},
		{"x", "x/[Lu]_k{a}.log", want{PlaceQuery, "[Lu]_k{a}", "", "", "query"}},
		{"x", "x/znc-qtox/#qtox_20160827.log.txt", want{PlaceChannel, "#qtox", "znc-qtox", "", ""}},
		{"x", "x/libera/#chan.log.txt.gz", want{PlaceChannel, "#chan", "libera", "gzip", ""}},
		{"x", "x/libera/#chan.log.zst", want{PlaceChannel, "#chan", "libera", "zstd", ""}},
		{"x", "x/libera/#chan.log.XZ", want{PlaceChannel, "#chan", "libera", "xz", ""}},
		// Archives, and files no client writes, are no server buffer.
		{"irclogs", "irclogs/old-logs.tar", want{PlaceArchive, "old-logs.tar", "", "", "an archive: unpack it"}},
		{"irclogs", "irclogs/old-logs.tar.gz", want{PlaceArchive, "old-logs.tar.gz", "", "", "archive"}},
		{"irclogs", "irclogs/old-logs.TGZ", want{PlaceArchive, "old-logs.TGZ", "", "", "archive"}},
		{"irclogs", "irclogs/old-logs.zip", want{PlaceArchive, "old-logs.zip", "", "", "archive"}},
		{"irclogs", "irclogs/libera/old.7z", want{PlaceArchive, "old.7z", "", "", "archive"}},
		{"irclogs", "irclogs/old.rar", want{PlaceArchive, "old.rar", "", "", "archive"}},
		{"irclogs", "irclogs/old.tar.xz", want{PlaceArchive, "old.tar.xz", "", "", "archive"}},
		{"irclogs", "irclogs/README.md", want{PlaceUnnamed, "", "", "", ""}},
		{"irclogs", "irclogs/index.html", want{PlaceUnnamed, "", "", "", ""}},
		{"irclogs", "irclogs/libera/Thumbs.db", want{PlaceUnnamed, "", "libera", "", ""}},
		{"irclogs", "irclogs/desktop.ini", want{PlaceUnnamed, "", "", "", ""}},
		{"irclogs", "irclogs/bot.yaml", want{PlaceUnnamed, "", "", "", ""}},
		{"irclogs", "irclogs/scrub.sh", want{PlaceUnnamed, "", "", "", ""}},
		// A file named after the folder holding it, even the path given,
		// is that network's tab.
		{"t/libera", "t/libera/libera.log", want{PlaceServer, "libera", "", "", "server buffer of libera"}},
		{"t/libera", "t/libera/Libera.log", want{PlaceServer, "Libera", "", "", "server buffer of Libera"}},
		// Client control windows: BitlBee's &bitlbee, ZNC's *module in
		// WeeChat's names.
		{"t", "t/bitlbee/&bitlbee.log", want{PlaceServer, "&bitlbee", "bitlbee", "", "BitlBee's control channel"}},
		{"t", "t/irc.bitlbee.&bitlbee.weechatlog", want{PlaceServer, "&bitlbee", "bitlbee", "", "BitlBee"}},
		{"t", "t/irc.libera.*status.weechatlog", want{PlaceServer, "*status", "libera", "", "ZNC's *status window"}},
		{"t", "t/irc.libera.*controlpanel.weechatlog", want{PlaceServer, "*controlpanel", "libera", "", "ZNC's"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := PlaceOf(filepath.FromSlash(tc.root), filepath.FromSlash(tc.path))
			if got.Kind != tc.kind || got.Window != tc.window || got.Network != tc.network || got.Compression != tc.compression {
				t.Errorf("PlaceOf(%q, %q) = %+v, want kind %d window %q network %q compression %q",
					tc.root, tc.path, got, tc.kind, tc.window, tc.network, tc.compression)
			}
			if tc.kind == PlaceChannel || tc.kind == PlaceUnnamed {
				if got.Why != "" {
					t.Errorf("a channel's log has a reason not to import it: %q", got.Why)
				}
			} else if got.Why == "" || !strings.Contains(got.Why, tc.why) {
				t.Errorf("Why = %q, want it to say %q", got.Why, tc.why)
			}
			if (got.Channel() != "") != (tc.kind == PlaceChannel) {
				t.Errorf("Channel() = %q for kind %d", got.Channel(), got.Kind)
			}
		})
	}
}

// ZNC's old flat names: the prefix before the channel is NETWORK or
// USER_NETWORK, told apart by the configured networks.
func TestPlaceZNCPrefix(t *testing.T) {
	p := PlaceOf("moddata", "moddata/log/me_libera_#glob_20240302.log")
	if p.Kind != PlaceChannel || p.Window != "#glob" || p.Network != "me_libera" || !p.ZNCPrefix {
		t.Fatalf("PlaceOf = %+v", p)
	}
	if q := PlaceOf("irclogs", "irclogs/libera/#chan.log"); q.ZNCPrefix {
		t.Errorf("a network folder is no ZNC prefix: %+v", q)
	}
	for _, tc := range []struct {
		prefix     string
		configured []string
		want       string
	}{
		{"me_libera", []string{"libera"}, "libera"},
		{"me_libera", []string{"Libera", "oftc"}, "Libera"},
		{"me_libera", nil, "libera"},
		{"libera", []string{"libera"}, "libera"},
		{"LIBERA", []string{"libera"}, "libera"},
		{"my_net", []string{"my_net"}, "my_net"},
		{"me_my_net", []string{"my_net", "net"}, "my_net"},
		{"me_my_net", nil, "my_net"},
		{"libera", nil, "libera"},
		{"xlibera", []string{"libera"}, "xlibera"},
	} {
		if got := NetworkOfPrefix(tc.prefix, tc.configured); got != tc.want {
			t.Errorf("NetworkOfPrefix(%q, %q) = %q, want %q", tc.prefix, tc.configured, got, tc.want)
		}
	}
}

func TestIsService(t *testing.T) {
	for _, n := range []string{"NickServ", "nickserv", "ChanServ", "MemoServ", "OperServ", "HostServ", "BotServ", "SaslServ", "AuthServ", "Q", "x", "*status", "*controlpanel"} {
		if !IsService(n) {
			t.Errorf("IsService(%q) = false", n)
		}
	}
	for _, n := range []string{"alice", "qq", "nickserv2", "*", ""} {
		if IsService(n) {
			t.Errorf("IsService(%q) = true", n)
		}
	}
}

func FuzzPlaceOf(f *testing.F) {
	for _, s := range []string{
		"irclogs/libera/#chan.log", "logs/irc.libera.#weechat.weechatlog.1.gz", "logs/irc.server.libera.weechatlog",
		"x/networks/libera/moddata/log/#chan/2026-02-02.log", "log/alice_libera_#c_20260202.log", "log/libera_*status_20260202.log",
		"logs/libera.chat/server.log", "a/b/2026-02-02.log", "irc.", "irc.#", ".gz", "_#_20260202", "#", "/", "",
	} {
		f.Add("irclogs", s)
	}
	f.Fuzz(func(t *testing.T, root, path string) {
		p := PlaceOf(root, path)
		switch p.Kind {
		case PlaceChannel:
			if !startsChannel(p.Window) || p.Why != "" {
				t.Fatalf("channel %q (why %q) from %q", p.Window, p.Why, path)
			}
		case PlaceUnnamed:
			if p.Window != "" || p.Why != "" {
				t.Fatalf("unnamed with window %q, why %q", p.Window, p.Why)
			}
		case PlaceQuery, PlaceServer, PlaceArchive:
			if p.Why == "" || p.Window == "" {
				t.Fatalf("kind %d without a window or a reason: %+v", p.Kind, p)
			}
		default:
			t.Fatalf("unknown kind %d", p.Kind)
		}
		if p.Kind != PlaceChannel && p.Channel() != "" {
			t.Fatalf("Channel() %q of a kind %d", p.Channel(), p.Kind)
		}
		// What the path names comes from the path: no separator, and
		// valid UTF-8 when the path is.
		for _, s := range []string{p.Window, p.Network} {
			if strings.ContainsRune(s, filepath.Separator) {
				t.Fatalf("%q holds a path separator (%+v from %q)", s, p, path)
			}
			if utf8.ValidString(path) && !utf8.ValidString(s) {
				t.Fatalf("%q is not valid UTF-8", s)
			}
		}
		if !strings.Contains(path, p.Window) || !strings.Contains(path, p.Network) {
			t.Fatalf("%+v names what %q does not hold", p, path)
		}
	})
}

func TestServiceWindow(t *testing.T) {
	for _, tc := range []struct {
		root, path string
		want       bool
	}{
		{"d", "d/libera/nickserv.log", true},
		{"d/libera", "d/libera/nickserv.2024-03-02.log", true},
		{"log/nickserv", "log/nickserv/2024-03-02.log", true}, // the window folder named on the command line
		{"log", "log/NickServ/2024-03-02.log", true},
		{"c", "c/libera_nickserv_20240302.log", true},
		{"c/nickserv_20240302.log", "c/nickserv_20240302.log", true},
		{"w", "w/irc.libera.chanserv.weechatlog", true},
		{"z", "z/*status/2024-03-02.log", true},
		{"z/*controlpanel", "z/*controlpanel/2024-03-02.log", true},
		{"q", "q/libera/Q.log", true},
		{"d", "d/libera/#nickserv-fans.log", false},
		{"d", "d/libera/#chan/2024-03-02.log", false},
		{"old", "old/techrights.log", false},
		{"old", "old/x-files.log", false},
		{"d", "d/libera/alice.log", false},
	} {
		if _, got := ServiceWindow(tc.root, tc.path); got != tc.want {
			t.Errorf("ServiceWindow(%q, %q) = %v, want %v", tc.root, tc.path, got, tc.want)
		}
	}
}
