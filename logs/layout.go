package logs

import (
	"path/filepath"
	"proceedings/internal/ircname"
	"strings"
	"time"
)

// PlaceKind says what a log file is a log of.
type PlaceKind uint8

const (
	// PlaceUnnamed: the path names no window (a file named only by its
	// date, in no folder below root that names one).
	PlaceUnnamed PlaceKind = iota
	// PlaceChannel: a channel's log.
	PlaceChannel
	// PlaceQuery: a private conversation; Window is the nick.
	PlaceQuery
	// PlaceServer: a server, status, core or plugin buffer of the client,
	// or a client's control channel (BitlBee's &bitlbee).
	PlaceServer
	// PlaceArchive: an archive of files (.tar, .zip, .7z…), not a log.
	PlaceArchive
)

// Place is what the path of a log file says about it.
type Place struct {
	Kind PlaceKind
	// Window is the window the path names: the channel for PlaceChannel,
	// the nick for PlaceQuery, the buffer for PlaceServer; "" for
	// PlaceUnnamed.
	Window string
	// Network is the network the path names, as the client wrote it (a
	// folder's name or part of the file's name); "" when it names none.
	Network string
	// Why says, for a file that is not a channel's log, what it is, e.g.
	// "WeeChat's server buffer".
	Why string
	// Compression is "gzip", "zstd", "bzip2" or "xz" when the name ends in
	// .gz, .zst, .bz2 or .xz; "" otherwise.
	Compression string
	// ZNCPrefix: Network is the prefix of ZNC's old flat name
	// PREFIX_#chan_YYYYMMDD, which is NETWORK (the user module) or
	// USER_NETWORK (the global module), as written. Only the
	// configuration tells the two apart: see NetworkOfPrefix.
	ZNCPrefix bool
}

// Channel returns the channel the path names, "" when it is not a
// channel's log.
func (p Place) Channel() string {
	if p.Kind != PlaceChannel {
		return ""
	}
	return p.Window
}

// compressions maps file name suffixes to compression names.
var compressions = []struct{ ext, name string }{
	{".gz", "gzip"}, {".zst", "zstd"}, {".bz2", "bzip2"}, {".xz", "xz"},
}

// backupSuffixes end the names of copies of a log that editors and people
// make.
var backupSuffixes = []string{"~", ".orig", ".bak", ".old", ".save"}

// archiveExts are the extensions of archives of files: a folder packed,
// not a log.
var archiveExts = []string{
	".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
	".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".zip", ".7z", ".rar",
}

// serviceNicks are the nicks of network services and bouncer modules a
// user talks to, folded to lower case: a conversation with one holds
// passwords (IDENTIFY, REGISTER, AUTH), so it is never a channel's lines.
var serviceNicks = map[string]bool{
	"nickserv": true, "chanserv": true, "memoserv": true, "operserv": true, "hostserv": true,
	"botserv": true, "saslserv": true, "authserv": true, "q": true, "x": true,
}

// IsService reports whether nick is a network service (NickServ,
// ChanServ, MemoServ, OperServ, HostServ, BotServ, SaslServ, AuthServ,
// QuakeNet's Q, Undernet's X) or one of ZNC's modules (*status and any
// other *module).
func IsService(nick string) bool {
	return serviceNicks[strings.ToLower(nick)] || len(nick) > 1 && nick[0] == '*'
}

// ServiceWindow reports whether the path of a log names a conversation
// with a service or a ZNC module anywhere from root's own name down: a
// folder or file that is not a channel's and whose name, or a word of it
// (split at "_", "." and "-"), is one (irssi's libera/nickserv.log and
// libera/nickserv/DATE.log, ZNC's nickserv/DATE.log named on the command
// line, libera_nickserv_20240302.log, WeeChat's irc.libera.nickserv). Q and
// X count only as a whole name. Passwords are typed there, so such a file
// is never a channel's log, however it is reached.
func ServiceWindow(root, path string) (string, bool) {
	rel, err := filepath.Rel(filepath.Dir(filepath.Clean(root)), filepath.Clean(path))
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(path)
	}
	for _, comp := range strings.Split(filepath.ToSlash(rel), "/") {
		if startsChannel(comp) {
			continue
		}
		if IsService(comp) {
			return comp, true
		}
		for _, w := range strings.FieldsFunc(comp, func(r rune) bool { return r == '_' || r == '.' || r == '-' }) {
			if len(w) > 1 && IsService(w) {
				return w, true
			}
		}
	}
	return "", false
}

// NetworkOfPrefix returns the network a ZNC prefix (see Place.ZNCPrefix)
// names, given the configured networks: the prefix itself when it is one
// of them (case aside), else a configured network the prefix ends with
// after an underscore (USER_NETWORK, the longest such), else the part after
// the first underscore (ZNC's global module, USER_NETWORK), else the prefix.
func NetworkOfPrefix(prefix string, configured []string) string {
	best := ""
	for _, n := range configured {
		switch {
		case strings.EqualFold(n, prefix):
			return n
		case len(n) > len(best) && len(prefix) > len(n) && prefix[len(prefix)-len(n)-1] == '_' &&
			strings.EqualFold(prefix[len(prefix)-len(n):], n):
			best = n
		}
	}
	if best != "" {
		return best
	}
	if _, after, ok := strings.Cut(prefix, "_"); ok && after != "" {
		return after
	}
	return prefix
}

// logExts are the extensions of log files, stripped from a window's name.
var logExts = []string{".weechatlog", ".log", ".txt"}

// clientFolders are the clients' own folder names, never a network.
var clientFolders = map[string]bool{
	"irclogs": true, "logs": true, "log": true, "moddata": true, "channellogger": true,
	"users": true, "networks": true, "irc": true, "weechat": true, "hexchat": true,
	"xchat2": true, "xchat": true, "znc": true, "irssi": true, "limnoria": true, "supybot": true,
}

// months are the folder names of Limnoria's directories.timestamp (%B).
var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
}

// PlaceOf reads what the path of a log file says about it. root is the path
// given on the command line that led to the file: the file itself, or a
// folder above it, which is never taken as a network. It knows the layouts
// the supported clients write by default and the common custom ones, tried
// in turn: WeeChat's $plugin.$name, a file named by its date in its
// window's folder, and a file that names its window (with a date or not,
// ZNC's old [USER_][NETWORK_]WINDOW_YYYYMMDD among them); the network is
// the one the name gives, else the nearest folder below root that can be
// one. The clients' escaping of names is not undone. docs/log-formats.md
// lists the layouts and the rules.
func PlaceOf(root, path string) Place {
	f, ok := splitLogPath(root, path)
	if !ok {
		return Place{} // no file's name
	}
	if f.archive {
		return Place{Kind: PlaceArchive, Window: f.base, Why: "an archive: unpack it and import the folder"}
	}
	p := Place{Compression: f.compression}
	// WeeChat's $plugin.$name: irc.NETWORK.#chan, irc.server.NETWORK,
	// core.weechat, irc.irc_raw, script.scripts…
	if !weechatName(&p, f.stem, f.ext) {
		w := windowOf(&f)
		if w.zncFlat && w.name != "" && !startsChannel(w.name) {
			zncFlatPrefix(&p, &w)
		}
		if p.Network == "" {
			p.Network = networkFolder(f.inside)
		}
		p.Window = w.name
		windowKind(&p, w, &f)
	}
	controlWindow(&p)
	return p
}

// logPath is a log's path taken apart.
type logPath struct {
	inside      []string // the folders strictly below root, outermost first
	base        string   // the file's name
	archive     bool     // the name is an archive's
	stem        string   // the name without backup suffix, compression, log extension and rotation number
	ext         string   // the log extension of the name, "" for none
	compression string   // Place.Compression
	parent      string   // the name of the folder holding the file
}

// splitLogPath takes a log's path apart; false when it has no file's name.
func splitLogPath(root, path string) (logPath, bool) {
	path = filepath.Clean(path)
	root = filepath.Clean(root)
	f := logPath{base: filepath.Base(path), parent: filepath.Base(filepath.Dir(path))}
	if rel, err := filepath.Rel(root, path); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		parts := strings.Split(filepath.ToSlash(rel), "/")
		f.inside = parts[:len(parts)-1]
	}
	if f.base == "." || f.base == ".." || strings.ContainsRune(f.base, filepath.Separator) {
		return f, false
	}
	for _, e := range archiveExts {
		if s, ok := cutSuffixFold(f.base, e); ok && s != "" {
			f.archive = true
			return f, true
		}
	}
	stem := f.base
	// An editor's or a person's copy (#chan.log~, #chan.log.orig,
	// #chan.log.bak) is a copy of the log it names: the same window.
	for _, b := range backupSuffixes {
		if s, ok := cutSuffixFold(stem, b); ok && s != "" {
			stem = s
			break
		}
	}
	for _, c := range compressions {
		if s, ok := cutSuffixFold(stem, c.ext); ok && s != "" {
			stem, f.compression = s, c.name
			break
		}
	}
	f.stem, f.ext = cutLogExt(stem)
	return f, true
}

// window is the window a log's name or folder names, and how.
type window struct {
	name      string
	dated     bool // the file is named by its date alone: the window is its folder
	nameDated bool // the file's name is the window's with a date after it
	zncFlat   bool // the date follows an underscore: ZNC's [USER_][NETWORK_]WINDOW_YYYYMMDD
}

// windowOf finds the window of a log not named the WeeChat way: the folder
// of a file named by its date (YYYY-MM-DD.log, which leaves that folder
// out of f.inside), else the file's name without a date that ends it.
func windowOf(f *logPath) window {
	if !isDate(f.stem) {
		if w, sep, ok := cutDateSuffix(f.stem); ok {
			return window{name: w, nameDated: true, zncFlat: sep == '_'}
		}
		return window{name: f.stem}
	}
	if n := len(f.inside); n > 0 {
		w := window{name: f.inside[n-1], dated: true}
		f.inside = f.inside[:n-1]
		return w
	}
	if startsChannel(f.parent) {
		// The channel's own folder, given on the command line: a channel
		// prefix leaves no doubt.
		return window{name: f.parent, dated: true}
	}
	return window{dated: true}
}

// zncFlatPrefix reads the prefix of ZNC's [USER_][NETWORK_]WINDOW of a
// window that is no channel: the channel after the prefix, ZNC's status
// window ("NETWORK_status") or a module's ("NETWORK_*status").
func zncFlatPrefix(p *Place, w *window) {
	if i := channelAfterUnderscore(w.name); i > 0 {
		p.Network, w.name, p.ZNCPrefix = w.name[:i-1], w.name[i:], true
	} else if strings.HasSuffix(strings.ToLower(w.name), "_status") {
		p.Network, w.name = w.name[:len(w.name)-len("_status")], "status"
	} else if i := strings.Index(w.name, "_*"); i > 0 {
		p.Network, w.name = w.name[:i], w.name[i+1:]
	}
}

// windowKind says what the window of p is, from its name and the layout
// it was found in.
func windowKind(p *Place, w window, f *logPath) {
	switch lw := strings.ToLower(w.name); {
	case w.name == "":
		p.Kind = PlaceUnnamed
	case startsChannel(w.name):
		p.Kind = PlaceChannel
	case w.name[0] == '*':
		p.Kind, p.Why = PlaceServer, "ZNC's "+w.name+" window"
	case lw == "status" && (w.dated || w.zncFlat):
		p.Kind, p.Why = PlaceServer, "ZNC's status window"
	case lw == "server" && f.ext == ".log":
		p.Kind, p.Why = PlaceServer, "HexChat's server tab"
	case lw == "(notices)" || lw == "(snotices)":
		p.Kind, p.Why = PlaceServer, "HexChat's "+lw+" tab"
	case p.Network != "" && strings.EqualFold(w.name, p.Network):
		p.Kind, p.Why = PlaceServer, "the server buffer of "+p.Network
	case !w.dated && strings.EqualFold(w.name, f.parent):
		// Named after the folder holding it, even the path given (the
		// network's tab of HexChat, the server buffer of WeeChat's
		// irc/$server/$channel mask): no query is kept in a folder of
		// the nick's name.
		p.Kind, p.Why = PlaceServer, "the server buffer of "+w.name
	case strings.Contains(w.name, ".") && f.ext == ".log":
		// A nick has no dot: a server's name (xchat's server tab). Only
		// a name the clients write: README.md, a.db, index.html are not.
		p.Kind, p.Why = PlaceServer, "the buffer of the server "+w.name
	case queryWindow(w, p.Network != ""):
		p.Kind, p.Why = PlaceQuery, "a private conversation (query) with "+w.name
	default:
		// Not a nick ("2005-01-08-notes"), or a name with a date in no
		// client's layout ("techrights.2024-01-01.log", a flat folder of
		// one channel's logs): the path names no channel.
		p.Kind, p.Window = PlaceUnnamed, ""
	}
}

// queryWindow reports whether a window names a private conversation: its
// name can be a nick, and the layout is a client's (the window is a
// folder, or the name carries no date, or the file is in a network's
// folder, or the name is ZNC's NETWORK_nick_YYYYMMDD).
func queryWindow(w window, inNetwork bool) bool {
	// A nick does not start with a digit (RFC 2812), so a dated name such
	// as "2005-01-08-test1" is not one. (ZNC's NETWORK_nick_YYYYMMDD.log:
	// an underscore inside says NETWORK_.)
	return isNick(w.name) && !isDigit(w.name[0]) &&
		(w.dated || !w.nameDated || inNetwork || w.zncFlat && strings.Contains(w.name, "_"))
}

// controlWindow makes the windows the path names as a channel or a query
// that are a client's control windows server buffers: BitlBee's &bitlbee,
// where passwords are typed, and ZNC's *module windows in any client's
// layout (irc.NETWORK.*status.weechatlog).
func controlWindow(p *Place) {
	switch {
	case p.Kind == PlaceChannel && strings.EqualFold(p.Window, "&bitlbee"):
		p.Kind, p.Why = PlaceServer, "BitlBee's control channel &bitlbee (where its passwords are typed)"
	case p.Kind == PlaceQuery && len(p.Window) > 1 && p.Window[0] == '*':
		p.Kind, p.Why = PlaceServer, "ZNC's "+p.Window+" window"
	}
}

// weechatName reads WeeChat's default names, $plugin.$name: true when stem
// is one.
func weechatName(p *Place, stem, ext string) bool {
	lower := strings.ToLower(stem)
	switch {
	case lower == "core.weechat":
		p.Kind, p.Window, p.Why = PlaceServer, stem, "WeeChat's core buffer"
		return true
	case strings.HasPrefix(lower, "irc.server."):
		p.Kind, p.Window, p.Network = PlaceServer, stem, stem[len("irc.server."):]
		p.Why = "WeeChat's server buffer"
		return true
	case lower == "irc.irc_raw":
		p.Kind, p.Window, p.Why = PlaceServer, stem, "WeeChat's raw IRC buffer"
		return true
	case strings.HasPrefix(lower, "irc."):
		rest := stem[len("irc."):]
		// The server's name may hold dots; the channel starts at the
		// first dot followed by a channel prefix.
		for i := 1; i+1 < len(rest); i++ {
			if rest[i] == '.' && startsChannel(rest[i+1:]) {
				p.Kind, p.Network, p.Window = PlaceChannel, rest[:i], rest[i+1:]
				return true
			}
		}
		// irc.NETWORK.nick: a nick has no dot.
		if i := strings.LastIndexByte(rest, '.'); ext == ".weechatlog" && i > 0 && i+1 < len(rest) {
			p.Kind, p.Network, p.Window = PlaceQuery, rest[:i], rest[i+1:]
			p.Why = "a private conversation (query) with " + p.Window
			return true
		}
	case ext == ".weechatlog" && strings.Contains(stem, ".") && !startsChannel(stem):
		// script.scripts, fset.fset, relay.relay.list, python.…
		plugin, _, _ := strings.Cut(stem, ".")
		if plugin != "" {
			p.Kind, p.Window, p.Why = PlaceServer, stem, "WeeChat's "+plugin+" buffer"
			return true
		}
	}
	return false
}

// networkFolder returns the network folder among the folders below root
// (outermost first) for a file held by the last of them, "" when none is.
func networkFolder(inside []string) string {
	i := len(inside) - 1
	for i >= 0 && (startsChannel(inside[i]) || isDateFolder(inside[i])) {
		i--
	}
	if i < 0 {
		return ""
	}
	// ZNC's network module: networks/NETWORK/moddata/log/…
	if strings.EqualFold(inside[i], "log") && i >= 3 && strings.EqualFold(inside[i-1], "moddata") &&
		strings.EqualFold(inside[i-3], "networks") {
		return inside[i-2]
	}
	if clientFolders[strings.ToLower(strings.TrimPrefix(inside[i], "."))] {
		return ""
	}
	return inside[i]
}

// startsChannel reports whether s starts with a channel prefix and has more.
func startsChannel(s string) bool {
	return len(s) > 1 && strings.IndexByte(ircname.ChannelPrefixes, s[0]) >= 0
}

// channelAfterUnderscore returns the index of the first channel name in s
// that follows an underscore, -1 when there is none.
func channelAfterUnderscore(s string) int {
	for i := 1; i+1 < len(s); i++ {
		if s[i-1] == '_' && startsChannel(s[i:]) {
			return i
		}
	}
	return -1
}

// cutLogExt removes the log extensions (and a rotation number after one:
// .weechatlog.1, .log.2; and a .txt after .log, as copies get named) from a
// file's name. ext is the first one of the name.
func cutLogExt(name string) (stem, ext string) {
	s := name
	if i := strings.LastIndexByte(s, '.'); i > 0 && i+1 < len(s) && allDigits(s[i+1:]) {
		s = s[:i]
	}
	stem = name
	for cut := true; cut; {
		cut = false
		for _, e := range logExts {
			if st, ok := cutSuffixFold(s, e); ok && st != "" {
				s, stem, ext, cut = st, st, e, true
				break
			}
		}
	}
	return stem, ext
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// isDate reports whether s is a date, YYYY-MM-DD or YYYYMMDD.
func isDate(s string) bool {
	_, _, _, ok := parseDate(s)
	return ok
}

// parseDate reads s as a date, YYYY-MM-DD or YYYYMMDD.
func parseDate(s string) (int, time.Month, int, bool) {
	switch {
	case len(s) == 10:
		return ymd(s, 0)
	case len(s) == 8 && allDigits(s):
		return checkDate(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
	}
	return 0, 0, 0, false
}

// cutDateSuffix removes a date that ends s after a separator (. _ -):
// "#chan.2026-02-02", "#chan_20260202".
func cutDateSuffix(s string) (rest string, sep byte, ok bool) {
	for _, n := range []int{10, 8} {
		if len(s) > n+1 && isDate(s[len(s)-n:]) && strings.IndexByte("._-", s[len(s)-n-1]) >= 0 {
			return s[:len(s)-n-1], s[len(s)-n-1], true
		}
	}
	return s, 0, false
}

// isDateFolder reports whether a folder's name is a date or part of one:
// digits (2026, 02, 20260202), YYYY-MM, YYYY-MM-DD or a month's name.
func isDateFolder(s string) bool {
	if allDigits(s) || isDate(s) || months[strings.ToLower(s)] {
		return true
	}
	return len(s) == 7 && s[4] == '-' && allDigits(s[:4]) && allDigits(s[5:])
}
