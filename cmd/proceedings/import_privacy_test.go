package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const liberaConfig = `networks:
  - name: libera
    server: {host: 127.0.0.1, port: 6667, tls: false}
    nick: proceedings
    channels:
      - {name: "#techrights", public: true}
  - name: oftc
    server: {host: 127.0.0.1, port: 6668, tls: false}
    nick: proceedings
    channels:
      - {name: "#techrights", public: true}
archive: data/archive.db
site:
  base_url: "https://irc.example.org/"
  timezone: UTC
`

// irssiLog is an irssi log of one line by me.
func irssiLog(text string) []byte {
	return []byte("--- Log opened Sat Mar 02 10:00:00 2024\n10:00 < me> " + text + "\n")
}

// weechatLog is a WeeChat log of one line by me.
func weechatLog(text string) []byte {
	return []byte("2024-03-02 10:00:00\tme\t" + text + "\n")
}

// leftOutAs checks that the output lists path as left out, saying why.
func leftOutAs(t *testing.T, out, path, why string) {
	t.Helper()
	if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(path) + `: .*` + regexp.QuoteMeta(why)).MatchString(out) {
		t.Errorf("%s is not left out (%s):\n%s", path, why, out)
	}
}

// With --channel, the queries and server buffers found in a folder are
// left out as without it, a query named on the command line is imported
// as asked, a conversation with services never is, and the network is
// --network whatever the path names.
func TestImportChannelLeavesOutQueries(t *testing.T) {
	dir := writeConfig(t, liberaConfig)
	tree := filepath.Join(dir, "t", "libera")
	secret := map[string][]byte{
		"nickserv.log":                   irssiLog("identify hunter2SECRET"),
		"alice.log":                      irssiLog("querysecret to alice"),
		"libera.log":                     irssiLog("networktabsecret"),
		"frank.log":                      irssiLog("franksecret"),
		"irc.libera.alice.weechatlog":    weechatLog("weechatquerysecret"),
		"irc.libera.nickserv.weechatlog": weechatLog("identify weechatSECRET"),
		"irc.libera.chanserv.weechatlog": weechatLog("register chanservSECRET"),
		"irc.libera.*status.weechatlog":  weechatLog("statussecret"),
		"bitlbee/&bitlbee.log":           irssiLog("identify bitlbeeSECRET"),
	}
	for name, data := range secret {
		writeFile(t, filepath.Join(tree, filepath.FromSlash(name)), data)
	}
	writeFile(t, filepath.Join(tree, "#proj.log"), irssiLog("a channel line"))
	writeFile(t, filepath.Join(tree, "irc.oftc.##weelinux.weechatlog"), weechatLog("weelinux line"))

	out, errOut, code := importIn(t, dir, importOptions{networks: []string{"libera"}, channel: "#techrights", timezone: "UTC"}, tree)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, e := range channelEvents(t, dir, "libera", "#techrights") {
		if strings.Contains(strings.ToLower(e.Text), "secret") {
			t.Errorf("#techrights holds %q", e.Text)
		}
	}
	if n := storedEvents(t, dir, "libera", "#techrights"); n != 2 {
		t.Errorf("libera/#techrights holds %d events, want 2 (#proj and ##weelinux)", n)
	}
	for _, net := range []string{"oftc", "bitlbee"} {
		if n := storedEvents(t, dir, net, "#techrights"); n != 0 {
			t.Errorf("%s/#techrights holds %d events: --channel is one channel of one network", net, n)
		}
	}
	for _, f := range []string{"alice.log", "frank.log", "irc.libera.alice.weechatlog"} {
		leftOutAs(t, out, filepath.Join(tree, f), "query")
	}
	for _, f := range []string{"nickserv.log", "irc.libera.nickserv.weechatlog", "irc.libera.chanserv.weechatlog"} {
		leftOutAs(t, out, filepath.Join(tree, f), "")
	}
	leftOutAs(t, out, filepath.Join(tree, "libera.log"), "server buffer of libera")
	leftOutAs(t, out, filepath.Join(tree, "irc.libera.*status.weechatlog"), "ZNC's *status window")
	leftOutAs(t, out, filepath.Join(tree, "bitlbee", "&bitlbee.log"), "BitlBee's control channel")

	// Named on the command line: a query is imported as asked, a
	// conversation with services never.
	out, errOut, code = importIn(t, dir, importOptions{networks: []string{"libera"}, channel: "#techrights", timezone: "UTC"}, filepath.Join(tree, "alice.log"))
	if code != 0 || !strings.Contains(out, "added: 1,") {
		t.Fatalf("a query named alone: exit %d\n%s%s", code, out, errOut)
	}
	for _, f := range []string{"nickserv.log", "irc.libera.nickserv.weechatlog", "irc.libera.chanserv.weechatlog"} {
		out, errOut, code = importIn(t, dir, importOptions{networks: []string{"libera"}, channel: "#techrights", timezone: "UTC"}, filepath.Join(tree, f))
		if code != 1 || !strings.Contains(out+errOut, "a conversation with services") {
			t.Errorf("%s named alone: exit %d\n%s%s", f, code, out, errOut)
		}
	}
	for _, e := range channelEvents(t, dir, "libera", "#techrights") {
		if strings.Contains(e.Text, "SECRET") {
			t.Errorf("#techrights holds %q", e.Text)
		}
	}
}

// Archives are skipped saying to unpack them; other files that are no
// client's log are read and skipped as no log, never taken for a server
// buffer; an empty file, a file of blank lines and an empty .gz are all
// left out as empty.
func TestImportArchivesAndStrayFiles(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	tree := filepath.Join(dir, "irclogs")
	writeFile(t, filepath.Join(tree, "testnet", "#techrights.log"), irssiLog("hello"))
	archives := []string{"old-logs.tar", "old-logs.tar.gz", "old-logs.tgz", "old-logs.zip", "old-logs.7z", "old-logs.rar", "old-logs.tar.xz"}
	for _, a := range archives {
		writeFile(t, filepath.Join(tree, a), []byte("PK\x03\x04 not a log\n"))
	}
	stray := []string{"README.md", "index.html", "Thumbs.db", "desktop.ini", "bot.yaml", "a.db", "scrub.sh"}
	for _, s := range stray {
		writeFile(t, filepath.Join(tree, s), []byte("something that is not a log\n"))
	}
	writeFile(t, filepath.Join(tree, "testnet", "#empty.log"), nil)
	writeFile(t, filepath.Join(tree, "testnet", "#blank.log"), []byte("\n  \n\t\r\n"))
	writeFile(t, filepath.Join(tree, "testnet", "#empty.log.gz"), gzipped(t, nil))

	out, errOut, code := importIn(t, dir, importOptions{timezone: "UTC"}, tree)
	if code != exitSkipped {
		t.Errorf("import: exit %d, want %d\n%s%s", code, exitSkipped, out, errOut)
	}
	for _, a := range archives {
		if !strings.Contains(out, filepath.Join(tree, a)+": an archive: unpack it and import the folder") {
			t.Errorf("%s is not skipped as an archive:\n%s", a, out)
		}
	}
	for _, s := range stray {
		if !strings.Contains(out, filepath.Join(tree, s)+": not a log in any known format") {
			t.Errorf("%s is not skipped as no log:\n%s", s, out)
		}
	}
	if strings.Contains(out, "buffer of the server") {
		t.Errorf("a file is taken for a server buffer:\n%s", out)
	}
	for _, e := range []string{"#empty.log", "#blank.log", "#empty.log.gz"} {
		leftOutAs(t, out, filepath.Join(tree, "testnet", e), "empty file")
	}
	if !strings.Contains(out, fmt.Sprintf("skipped, could not be read (%d):", len(archives)+len(stray))) {
		t.Errorf("the skipped count is wrong:\n%s", out)
	}
}

// A file name with terminal escapes or a line break is printed escaped,
// and a channel name from a path that IRC does not allow is skipped.
func TestImportEscapesFileNames(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	tree := filepath.Join(dir, "irclogs")
	bad := []string{"#esc\x1b[31mRED\x1b[0m\x1b]0;pwned\a.log", "#new\nline.log", "#with space.log", "#comma,chan.log", "#bad\xff.log"}
	for _, b := range bad {
		writeFile(t, filepath.Join(tree, "testnet", b), irssiLog("hello"))
	}
	writeFile(t, filepath.Join(tree, "testnet", "\x1b]0;title\a.log"), irssiLog("a query"))
	writeFile(t, filepath.Join(tree, "testnet", "#ok.log"), irssiLog("fine"))
	for _, opts := range []importOptions{{timezone: "UTC", dryRun: true}, {timezone: "UTC", verbose: true}} {
		out, errOut, code := importIn(t, dir, opts, tree)
		if code != exitSkipped {
			t.Errorf("%+v: exit %d\n%s%s", opts, code, out, errOut)
		}
		if r, ok := terminalActive(strings.ReplaceAll(out+errOut, "\n", "")); ok {
			t.Errorf("%+v: the output holds %U:\n%q", opts, r, out)
		}
		for _, b := range bad {
			path := filepath.Join(tree, "testnet", b)
			if _, active := terminalActive(path); active || strings.ContainsRune(path, '\n') {
				path = fmt.Sprintf("%q", path) // escaped, quoted
			}
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(path) + `: .*not a valid IRC channel name`).MatchString(out) {
				t.Errorf("%+v: %q is not listed, escaped, as no valid channel:\n%s", opts, b, out)
			}
		}
		if strings.Count(out, "\n") != strings.Count(strings.ReplaceAll(out, "\\n", ""), "\n") {
			t.Errorf("%+v: a name splits a line", opts)
		}
	}
	if n := storedEvents(t, dir, "testnet", "#ok"); n != 1 {
		t.Errorf("#ok holds %d events", n)
	}
	for _, b := range bad {
		ch := strings.TrimSuffix(b, ".log")
		if n := storedEvents(t, dir, "testnet", ch); n != 0 {
			t.Errorf("%q holds %d events", ch, n)
		}
	}
	if _, err := os.Stat(tree); err != nil {
		t.Fatal(err)
	}
}

// ZNC's global module names USER_NETWORK_#chan_DATE: the configured
// network in it is the network. A folder that is no configured network
// gives way to --network NAME, and the import names the networks bot.yaml
// does not configure.
func TestImportNetworkRule(t *testing.T) {
	dir := writeConfig(t, liberaConfig)
	tree := filepath.Join(dir, "logs")
	writeFile(t, filepath.Join(tree, "moddata", "log", "me_libera_#glob_20240302.log"), []byte("[10:00:00] <me> global module\n"))
	writeFile(t, filepath.Join(tree, "ChannelLogger", "oldflat", "#oldsup.log"), irssiLog("old support"))
	out, errOut, code := importIn(t, dir, importOptions{networks: []string{"libera"}, timezone: "UTC"}, tree)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	if n := storedEvents(t, dir, "libera", "#glob"); n != 1 {
		t.Errorf("libera/#glob holds %d events, want 1\n%s", n, out)
	}
	if n := storedEvents(t, dir, "libera", "#oldsup"); n != 1 {
		t.Errorf("libera/#oldsup holds %d events, want 1 (--network libera wins over the folder oldflat)\n%s", n, out)
	}

	// Without --network NAME, the folder names the network, and the
	// import (not only the dry run) says bot.yaml lacks it.
	dir = writeConfig(t, liberaConfig)
	out, errOut, code = importIn(t, dir, importOptions{timezone: "UTC"}, tree)
	if code != 0 || !strings.Contains(out, "networks not in bot.yaml: oldflat") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	if n := storedEvents(t, dir, "oldflat", "#oldsup"); n != 1 {
		t.Errorf("oldflat/#oldsup holds %d events, want 1", n)
	}
	if n := storedEvents(t, dir, "libera", "#glob"); n != 1 {
		t.Errorf("libera/#glob holds %d events, want 1", n)
	}
}

// However the folders of a client are reached with --channel — a window's
// folder named on the command line, a network folder given itself, a dated
// query beside dated channel logs, ZNC's flat names — services, queries and
// server buffers stay out of the channel (the second tester's layouts).
func TestImportChannelLeavesOutQueriesInEveryLayout(t *testing.T) {
	dir := writeConfig(t, liberaConfig)
	znc := func(text string) []byte { return []byte("[10:00:00] <me> " + text + "\n") }
	log := filepath.Join(dir, "znc", "moddata", "log")
	files := map[string][]byte{
		"znc/moddata/log/#techrights/2024-03-02.log":     znc("a channel line from ZNC"),
		"znc/moddata/log/nickserv/2024-03-02.log":        znc("identify zncSECRET"),
		"znc/moddata/log/alice/2024-03-02.log":           znc("alice querySECRET"),
		"znc/moddata/log/irc.libera.chat/2024-03-02.log": znc("serverSECRET"),
		"znc/moddata/log/*controlpanel/2024-03-02.log":   znc("controlSECRET"),
		"d/libera/#techrights.2024-03-02.log":            irssiLog("a channel line from a dated irssi log"),
		"d/libera/alice.2024-03-02.log":                  irssiLog("dated querySECRET"),
		"d/libera/nickserv.2024-03-02.log":               irssiLog("identify datedSECRET"),
		"g/libera/#techrights.log":                       irssiLog("a channel line from irssi"),
		"g/libera/chanserv.2024-03-02.log":               irssiLog("register chanservSECRET"),
		"c/libera_nickserv_20240302.log":                 znc("identify flatSECRET"),
		"c/nickserv_20240302.log":                        znc("identify flat2SECRET"),
	}
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	for _, path := range []string{
		filepath.Join(log, "nickserv"), filepath.Join(log, "alice"), filepath.Join(log, "irc.libera.chat"),
		filepath.Join(log, "*controlpanel"), log,
		filepath.Join(dir, "d", "libera"), filepath.Join(dir, "g", "libera"),
		filepath.Join(dir, "c", "libera_nickserv_20240302.log"), filepath.Join(dir, "c", "nickserv_20240302.log"),
	} {
		out, errOut, _ := importIn(t, dir, importOptions{networks: []string{"libera"}, channel: "#techrights", timezone: "UTC"}, path)
		if strings.Contains(out, "SECRET") && !strings.Contains(out, "left out") {
			t.Errorf("import %s:\n%s%s", path, out, errOut)
		}
	}
	for _, e := range channelEvents(t, dir, "libera", "#techrights") {
		if strings.Contains(e.Text, "SECRET") {
			t.Errorf("#techrights holds %q", e.Text)
		}
	}
	// The plan says where --channel puts a file whose path names another
	// channel.
	writeFile(t, filepath.Join(dir, "p", "libera", "#proj.log"), irssiLog("a line of #proj"))
	out, errOut, _ := importIn(t, dir, importOptions{networks: []string{"libera"}, dryRun: true, channel: "#techrights"}, filepath.Join(dir, "p"))
	if !strings.Contains(out, "-> libera/#techrights") || !strings.Contains(out, "(the path names #proj)") {
		t.Errorf("the plan does not say that the path names #proj:\n%s%s", out, errOut)
	}
	if n := storedEvents(t, dir, "libera", "#techrights"); n != 3 {
		t.Errorf("libera/#techrights holds %d events, want 3 (one channel line from each tree)", n)
	}
}
