package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid file; the tests below build on it.
const minimal = `server:
  host: irc.example.org
nick: proceedings
channels:
  - name: "#chan"
archive: data/a.db
site:
  base_url: https://irc.example.org/logs
`

// problemsOf parses data and returns its problems, failing the test when
// the error is not an *Error.
func problemsOf(t *testing.T, data string) []Problem {
	t.Helper()
	_, err := Parse([]byte(data), "bot.yaml")
	if err == nil {
		return nil
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("Parse error is %T, want *config.Error: %v", err, err)
	}
	return ce.Problems()
}

func TestShippedSampleLoads(t *testing.T) {
	c, err := Load("../bot.yaml")
	if err != nil {
		t.Fatalf("the sample bot.yaml has problems:\n%v", err)
	}
	if len(c.Networks) != 1 || c.Networks[0].Name != "libera" {
		t.Fatalf("networks = %+v, want one network named libera", c.Networks)
	}
	n := c.Networks[0]
	if n.SASL == nil || n.SASL.Mechanism != "PLAIN" || n.SASL.Password == nil || n.SASL.Password.Env != "PROCEEDINGS_SASL_PASSWORD" {
		t.Errorf("sasl = %+v, want PLAIN from $PROCEEDINGS_SASL_PASSWORD", n.SASL)
	}
	if got := c.PublicChannels(); len(got) != 1 || got[0] != (ChannelRef{"libera", "#techrights"}) {
		t.Errorf("PublicChannels() = %v, want [libera/#techrights]", got)
	}
	if c.Site.Location.String() != "Europe/London" {
		t.Errorf("timezone = %v, want Europe/London", c.Site.Location)
	}
	wantArchive, _ := filepath.Abs("../data/archive.db")
	if c.Archive != wantArchive {
		t.Errorf("archive = %q, want %q (relative to the file)", c.Archive, wantArchive)
	}
	if len(n.Relays) != 1 || n.Relays[0].Pattern.SubexpIndex("text") < 0 {
		t.Errorf("relays = %+v", n.Relays)
	}
}

// TestSampleDocumentsEveryKey checks that bot.yaml mentions every key the
// decoder knows, so the documentation cannot fall behind the code.
func TestSampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile("../bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for key := range keyHomes() {
		if !strings.Contains(string(data), key+":") {
			t.Errorf("bot.yaml does not document the key %q", key)
		}
	}
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := c.Networks[0]
	want := Network{
		Name:     "irc.example.org",
		Server:   Server{Host: "irc.example.org", Port: 6697, TLS: true},
		Nick:     "proceedings",
		AltNicks: []string{"proceedings_", "proceedings__"},
		User:     "proceedings",
		RealName: "proceedings IRC logger",
		Channels: []Channel{{Name: "#chan"}},
	}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("network =\n%+v\nwant\n%+v", n, want)
	}
	if c.Path != path {
		t.Errorf("Path = %q, want %q", c.Path, path)
	}
	if c.Archive != filepath.Join(dir, "data/a.db") {
		t.Errorf("archive = %q, want it relative to the file's directory", c.Archive)
	}
	if c.Site.Out != filepath.Join(dir, "public") || c.Site.Content != filepath.Join(dir, "content") {
		t.Errorf("site out/content = %q, %q", c.Site.Out, c.Site.Content)
	}
	if got := c.Site.BaseURL.String(); got != "https://irc.example.org/logs/" {
		t.Errorf("base_url = %q, want the trailing slash added", got)
	}
	if c.Site.Location != time.UTC || c.Site.Title != "IRC Proceedings" || c.Site.RenderInterval != 5*time.Minute || !c.Site.Render {
		t.Errorf("site = %+v", c.Site)
	}
	if c.Commands != (Commands{Prefix: "!", Rates: Rates{PerUser: Rate{3, 10 * time.Second}, PerChannel: Rate{10, 10 * time.Second}, Output: Rate{5, 7500 * time.Millisecond}}, SearchResults: 3}) {
		t.Errorf("commands = %+v", c.Commands)
	}
	if c.NoLogPrefix != "[off]" || c.Titles.Timeout != 5*time.Second || c.Titles.MaxBytes != 524288 || c.Log.Format != "text" {
		t.Errorf("nolog %q titles %+v log %+v", c.NoLogPrefix, c.Titles, c.Log)
	}

	// Default() agrees with what Parse fills in.
	d := Default()
	if d.Commands != c.Commands || !reflect.DeepEqual(d.Titles, c.Titles) || d.Log != c.Log || d.NoLogPrefix != c.NoLogPrefix ||
		d.Site.Title != c.Site.Title || d.Site.Location != c.Site.Location || d.Site.RenderInterval != c.Site.RenderInterval {
		t.Errorf("Default() = %+v disagrees with the parsed defaults %+v", d, c)
	}

	// Without TLS the port defaults to 6667; an empty nolog_prefix turns it off.
	c, err = Parse([]byte(strings.Replace(minimal, "  host: irc.example.org\n", "  host: irc.example.org\n  tls: false\n", 1)+"nolog_prefix: \"\"\n"), path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Networks[0].Server.Port != 6667 || c.Networks[0].Server.TLS {
		t.Errorf("server = %+v, want port 6667 without TLS", c.Networks[0].Server)
	}
	if c.NoLogPrefix != "" {
		t.Errorf("nolog_prefix = %q, want \"\"", c.NoLogPrefix)
	}
}

// TestFillDefaults checks that a Config built by hand gets from
// FillDefaults the defaults the loader fills in, and that a loaded Config
// has none left to fill.
func TestFillDefaults(t *testing.T) {
	data := strings.Replace(minimal, "  - name: \"#chan\"\n", "  - name: \"#chan\"\n  - name: \"#b\"\n", 1) +
		"sasl: {password_env: PW}\nfeeds: [{url: \"https://example.org/feed\"}]\nbridges: [{channels: [\"#chan\", \"#b\"]}]\n"
	loaded, err := Parse([]byte(data), "bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pw := loaded.Networks[0].SASL.Password
	hand := &Config{
		Networks: []Network{{
			Server:   Server{Host: "irc.example.org", TLS: true},
			Nick:     "proceedings",
			SASL:     &SASL{Password: pw},
			Channels: []Channel{{Name: "#chan"}, {Name: "#b"}},
		}},
		Bridges: []Bridge{{Channels: []ChannelRef{{"irc.example.org", "#chan"}, {"irc.example.org", "#b"}}}},
		Feeds:   []Feed{{URL: "https://example.org/feed"}},
	}
	hand.FillDefaults()
	if !reflect.DeepEqual(hand.Networks, loaded.Networks) {
		t.Errorf("networks filled in by hand:\n%+v\nloaded:\n%+v", hand.Networks, loaded.Networks)
	}
	if !reflect.DeepEqual(hand.Bridges, loaded.Bridges) {
		t.Errorf("bridges filled in by hand %+v, loaded %+v", hand.Bridges, loaded.Bridges)
	}
	hf, lf := hand.Feeds[0], loaded.Feeds[0]
	if hf.FormatText != lf.FormatText || hf.Interval != lf.Interval || hf.MaxBurst != lf.MaxBurst {
		t.Errorf("feed filled in by hand %+v, loaded %+v", hf, lf)
	}
	if hand.Site.Title != loaded.Site.Title || hand.Site.Location != loaded.Site.Location || hand.Site.RenderInterval != loaded.Site.RenderInterval ||
		hand.Commands != loaded.Commands || !reflect.DeepEqual(hand.Titles, loaded.Titles) || hand.Log != loaded.Log {
		t.Errorf("filled in by hand:\n%+v\nloaded:\n%+v", hand, loaded)
	}

	again := *loaded
	again.Networks = append([]Network(nil), loaded.Networks...)
	again.Bridges = append([]Bridge(nil), loaded.Bridges...)
	again.Feeds = append([]Feed(nil), loaded.Feeds...)
	again.FillDefaults()
	if !reflect.DeepEqual(&again, loaded) {
		t.Errorf("FillDefaults changed a loaded Config:\n%+v\nwas:\n%+v", &again, loaded)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int
		key  string
		msg  string // a substring of the message
	}{
		{"misspelt key", strings.Replace(minimal, `  - name: "#chan"`, "  - name: \"#chan\"\n  - nmae: \"#other\"", 1), 6, "channels[1].nmae", `unknown key (did you mean "name"?)`},
		{"misspelt top-level key", "nik: x\n" + minimal, 1, "nik", `did you mean "nick"?`},
		{"key in the wrong section", minimal + "tls: true\n", 9, "tls", `it belongs under server:`},
		{"wrong type", strings.Replace(minimal, "host: irc.example.org", "host: irc.example.org\n  port: sixty", 1), 3, "server.port", `want a number 1–65535, got "sixty"`},
		{"port out of range", strings.Replace(minimal, "host: irc.example.org", "host: irc.example.org\n  port: 70000", 1), 3, "server.port", `want a number 1–65535, got 70000`},
		{"bool as word", strings.Replace(minimal, `- name: "#chan"`, "- name: \"#chan\"\n    public: yes", 1), 6, "channels[0].public", `want true or false, got "yes"`},
		{"list instead of mapping", strings.Replace(minimal, "site:\n  base_url: https://irc.example.org/logs\n", "site: [a]\n", 1), 7, "site", `want a mapping`},
		{"channel as a bare string", strings.Replace(minimal, `  - name: "#chan"`, `  - "#chan"`, 1), 5, "channels[0]", `want a channel like {name: "#chan"}, got "#chan"`},
		{"missing nick", strings.Replace(minimal, "nick: proceedings\n", "", 1), 1, "nick", "missing; the bot's nick"},
		{"bad nick", strings.Replace(minimal, "nick: proceedings", "nick: 9lives", 1), 3, "nick", `"9lives" is not a valid nick`},
		{"missing archive", strings.Replace(minimal, "archive: data/a.db\n", "", 1), 1, "archive", "missing"},
		{"missing host", strings.Replace(minimal, "  host: irc.example.org\n", "  tls: true\n", 1), 1, "server.host", "missing"},
		{"host with port", strings.Replace(minimal, "host: irc.example.org", "host: irc.example.org:6697", 1), 2, "server.host", "put the port in server.port"},
		{"missing base_url", strings.Replace(minimal, "  base_url: https://irc.example.org/logs\n", "  title: x\n", 1), 7, "site.base_url", "missing"},
		{"missing section", strings.Replace(minimal, "site:\n  base_url: https://irc.example.org/logs\n", "", 1), 1, "site.base_url", "missing"},
		{"relative base_url", strings.Replace(minimal, "https://irc.example.org/logs", "/logs", 1), 8, "site.base_url", "want an absolute http:// or https:// URL"},
		{"bad timezone", minimal + "  timezone: Europe/Londn\n", 9, "site.timezone", `unknown time zone "Europe/Londn"`},
		{"Local timezone", minimal + "  timezone: Local\n", 9, "site.timezone", "rather than Local"},
		{"duration without unit", minimal + "  render_interval: 300\n", 9, "site.render_interval", "add a unit (s, m or h), e.g. 300s"},
		{"render as word", minimal + "  render: no\n", 9, "site.render", `want true or false, got "no"`},
		{"bad duration", minimal + "  render_interval: five minutes\n", 9, "site.render_interval", `want a duration like 5m (units ms, s, m, h), got "five minutes"`},
		{"duration too short", minimal + "feeds:\n  - url: https://example.org/feed\n    interval: 10ms\n", 11, "feeds[0].interval", "must be at least 1s"},
		{"literal password", minimal + "sasl:\n  password: hunter2\n", 10, "sasl.password", "use password_env: NAME"},
		{"literal channel key", strings.Replace(minimal, `- name: "#chan"`, "- name: \"#chan\"\n    key: sesame", 1), 6, "channels[0].key", "use key_env: NAME"},
		{"secret in password_env", minimal + "sasl:\n  password_env: hunter2!\n", 10, "sasl.password_env", "not an environment variable name"},
		{"both env and file", minimal + "nickserv:\n  password_env: NS\n  password_file: ns.txt\n", 11, "nickserv.password_file", "not both"},
		{"nickserv without a password", minimal + "nickserv: {}\n", 9, "nickserv", "missing password"},
		{"EXTERNAL without a certificate", minimal + "sasl:\n  mechanism: EXTERNAL\n", 10, "sasl.mechanism", "set server.client_cert"},
		{"unknown SASL mechanism", minimal + "sasl:\n  mechanism: SCRAM\n  password_env: X\n", 10, "sasl.mechanism", `want PLAIN or EXTERNAL, got "SCRAM"`},
		{"both forms", minimal + "networks:\n  - name: libera\n", 9, "networks", "cannot be combined with the single-network keys at the top level: server (line 1), nick (line 3), channels (line 4)"},
		{"bridge to an unknown channel", minimal + "bridges:\n  - channels: [\"#chan\", \"irc.example.org/#nope\"]\n", 10, "bridges[0].channels[1]", "there is no channel #nope under channels"},
		{"network named bridge", strings.Replace(minimal, "nick:", "network: Bridge\nnick:", 1), 3, "network", `reserved for the merged logs of bridges`},
		{"two bridges with one name", strings.Replace(minimal, `  - name: "#chan"`, "  - name: \"#chan\"\n  - name: \"#a\"\n  - name: \"#b\"\n  - name: \"#c\"", 1) +
			"bridges:\n  - {name: \"#m\", channels: [\"#chan\", \"#a\"]}\n  - {name: \"#M\", channels: [\"#b\", \"#c\"]}\n", 14, "bridges[1].name", `another bridge (line 13) is named #M too`},
		{"bridge to an unknown network", minimal + "bridges:\n  - channels: [\"#chan\", \"oftc/#chan\"]\n", 10, "bridges[0].channels[1]", `no network named "oftc"`},
		{"relay pattern without named groups", minimal + "relays:\n  - nick: relaybot\n    mask: relaybot!*@bridge.example.org\n    pattern: '^<([^>]+)> (.*)$'\n", 12, "relays[0].pattern", "needs the named groups (?P<nick>…) and (?P<text>…)"},
		{"relay pattern that does not compile", minimal + "relays:\n  - nick: relaybot\n    mask: relaybot!*@bridge.example.org\n    pattern: '^<(?P<nick>[^>]+'\n", 12, "relays[0].pattern", "not a valid regular expression"},
		{"relay by nick alone", minimal + "relays:\n  - nick: relaybot\n    pattern: '" + relayPattern + "'\n", 10, "relays[0].mask",
			"missing; a relay named by nick alone could be anyone, since anyone can take a nick: add mask: relaybot!*@its.host.example (the relay bot's hostmask) and/or account: NAME"},
		{"relay mask on every host", minimal + "relays:\n  - nick: relaybot\n    mask: relaybot!*@*\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", `"relaybot!*@*" matches every host`},
		{"relay mask on every host with dots", minimal + "relays:\n  - nick: relaybot\n    mask: relaybot!*@*.*\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", "matches every host"},
		{"relay mask on every cloak", minimal + "relays:\n  - nick: r4\n    mask: r4!*@*/*\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", `"r4!*@*/*" matches far too many hosts`},
		{"relay mask on every host with ?", minimal + "relays:\n  - nick: relaybot\n    mask: relaybot!~r@?*\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", "matches every host"},
		{"relay mask of another nick", minimal + "relays:\n  - nick: relaybot\n    mask: other!*@bridge.example.org\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask",
			`the nick part "other" is not the relay's nick "relaybot"; write the nick out, e.g. relaybot!*@bridge.example.org`},
		{"relay mask with a wildcard nick", minimal + "relays:\n  - nick: relaybot\n    mask: '*!*@bridge.example.org'\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", `the nick part "*" is not the relay's nick`},
		{"relay mask that is not a mask", minimal + "relays:\n  - nick: relaybot\n    mask: bridge.example.org\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].mask", "is not a hostmask nick!user@host"},
		{"relay account with a wildcard", minimal + "relays:\n  - nick: relaybot\n    account: 'relay*'\n    pattern: '" + relayPattern + "'\n", 11, "relays[0].account", "is not a services account name"},
		{"bad template", minimal + "feeds:\n  - url: https://example.org/feed\n    format: \"{{.Title\"\n", 11, "feeds[0].format", "not a valid template"},
		{"feed scheme", minimal + "feeds:\n  - url: ftp://example.org/feed\n", 10, "feeds[0].url", "want an http://, https:// or file: URL"},
		{"feed to unknown channel", minimal + "feeds:\n  - url: https://example.org/feed\n    channels: [\"#nope\"]\n", 11, "feeds[0].channels[0]", "there is no channel #nope under channels"},
		{"unquoted channel name", strings.Replace(minimal, `- name: "#chan"`, `- name: #chan`, 1), 5, "channels[0].name", "an unquoted # starts a YAML comment"},
		{"channel without #", strings.Replace(minimal, `- name: "#chan"`, `- name: chan`, 1), 5, "channels[0].name", `(did you mean "#chan"?)`},
		{"duplicate channel", strings.Replace(minimal, `  - name: "#chan"`, "  - name: \"#chan\"\n  - name: \"#CHAN\"", 1), 6, "channels[1].name", "listed twice (first on line 5)"},
		{"duplicate key", "nick: a\n" + minimal, 4, "nick", "given twice (first on line 1)"},
		{"announce_logs of a private channel", strings.Replace(minimal, `- name: "#chan"`, "- name: \"#chan\"\n    announce_logs: true", 1), 6, "channels[0].announce_logs", "never published"},
		{"tls_insecure without tls", strings.Replace(minimal, "host: irc.example.org", "host: irc.example.org\n  tls: false\n  tls_insecure: true", 1), 4, "server.tls_insecure", "no effect"},
		{"bad rate", minimal + "commands:\n  rate:\n    per_user: three\n", 11, "commands.rate.per_user", `want a rate like 3/10s`},
		{"bad output rate", minimal + "commands:\n  rate:\n    output: 0/1s\n", 11, "commands.rate.output", `want a rate like`},
		{"bad admin", minimal + "admins: [\"alice smith\"]\n", 9, "admins[0]", "neither account:NAME nor a hostmask"},
		{"admin account with a wildcard", minimal + "admins: [\"account:bo*\"]\n", 9, "admins[0]", "without spaces or wildcards"},
		{"bad log level", minimal + "log: {level: loud}\n", 9, "log.level", `got "loud"`},
		{"bad status_addr", minimal + "status_addr: localhost\n", 9, "status_addr", "want an address like 127.0.0.1:9102"},
		{"duplicate series part", minimal + "series:\n  - name: S\n    parts:\n      - {n: 1, title: a}\n      - {n: 1, title: b}\n", 13, "series[0].parts[1].n", "part 1 is listed twice"},
		{"bad allow_hosts", minimal + "titles:\n  allow_hosts: [\"http://x\"]\n", 10, "titles.allow_hosts[0]", "want a host name, IP address or CIDR prefix"},
		{"both forms hide no problem", strings.Replace(minimal, `  - name: "#chan"`, "  - name: \"#chan\"\n  - name: \"#chan\"", 1) + "networks:\n  - {name: libera, server: {host: irc.libera.chat}, nick: bot}\n", 6, "channels[1].name", "listed twice (first on line 5)"},
		{"both forms still named", strings.Replace(minimal, `  - name: "#chan"`, "  - name: \"#chan\"\n  - name: \"#chan\"", 1) + "networks:\n  - {name: libera, server: {host: irc.libera.chat}, nick: bot}\n", 10, "networks", "cannot be combined"},
		{"tab in the indentation", "nick: x\nserver:\n\thost: irc.example.org\narchive: a.db\n", 3, "", "is indented with a tab: YAML indentation must use spaces"},
		{"second document", minimal + "---\nnick: x\n", 9, "", "a second YAML document"},
		{"syntax error", "nick: [a\nserver: x\n", 1, "", "not valid YAML"},
		{"empty file", "", 0, "", "the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, tt.data)
			for _, p := range ps {
				if p.Line == tt.line && p.Key == tt.key && strings.Contains(p.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("want a problem %d: %s: …%s…; got %d problems:", tt.line, tt.key, tt.msg, len(ps))
			for _, p := range ps {
				t.Errorf("  %s", p)
			}
		})
	}
}

// relayPattern is a relay pattern with both named groups.
const relayPattern = `^<(?P<nick>[^>]+)> (?P<text>.*)$`

// TestRelays: a relay is known by its nick with its hostmask, its account
// or both.
func TestRelays(t *testing.T) {
	tests := []struct {
		name, entry   string
		mask, account string
	}{
		{"mask", "{nick: RelayBot, mask: \"relaybot!*@bridge.example.org\"", "relaybot!*@bridge.example.org", ""},
		{"account", "{nick: relaybot, account: RelayAcct", "", "RelayAcct"},
		{"both", "{nick: relaybot, mask: \"relaybot!~r@10.0.0.*\", account: relay", "relaybot!~r@10.0.0.*", "relay"},
		{"a host under a wildcard domain", "{nick: relaybot, mask: \"relaybot!*@*.example.org\"", "relaybot!*@*.example.org", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(minimal+"relays:\n  - "+tc.entry+", pattern: '"+relayPattern+"'}\n"), "bot.yaml")
			if err != nil {
				t.Fatal(err)
			}
			rs := c.Networks[0].Relays
			if len(rs) != 1 || rs[0].Mask != tc.mask || rs[0].Account != tc.account || rs[0].Pattern == nil {
				t.Errorf("relays = %+v, want mask %q account %q", rs, tc.mask, tc.account)
			}
		})
	}
}

// TestAdminWarnings: admin entries anyone can match load (the bot runs
// without them) but are warned about, with their line and what to write
// instead; good entries are not.
func TestAdminWarnings(t *testing.T) {
	data := minimal + `admins:
  - "account:boss"
  - "*!*@trusted.example.org"
  - "alice!*@*"
  - bob
  - "*!*@*"
  - "carol!~c@*.*"
  - "*!~d@?*"
  - "*!*@*/*"
  - "*!*@*e*"
  - "*!*@libera/staff/*"
`
	c, err := Parse([]byte(data), "bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Admins) != 10 {
		t.Errorf("admins = %q, want all ten kept", c.Admins)
	}
	want := []string{
		`12: admins[2]: "alice!*@*" names only a nick, which anyone can take, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. alice!*@host.example.org`,
		`13: admins[3]: "bob" names only a nick, which anyone can take, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. bob!*@host.example.org`,
		`14: admins[4]: "*!*@*" matches every host, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. nick!*@host.example.org`,
		`15: admins[5]: "carol!~c@*.*" names only a nick, which anyone can take, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. carol!*@host.example.org`,
		`16: admins[6]: "*!~d@?*" matches every host, so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. nick!*@host.example.org`,
		`17: admins[7]: "*!*@*/*" matches far too many hosts (name a host, a domain such as *.example.org, or a cloak such as user/alice), so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. nick!*@host.example.org`,
		`18: admins[8]: "*!*@*e*" matches far too many hosts (name a host, a domain such as *.example.org, or a cloak such as user/alice), so it makes nobody an admin; write account:NAME (the services account) or a hostmask with the person's host, e.g. nick!*@host.example.org`,
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMatchHostmask(t *testing.T) {
	tests := []struct {
		mask, nick, userHost string
		want                 bool
	}{
		{"*!*@trusted.host", "tina", "t@trusted.host", true},
		{"*!*@TRUSTED.host", "tina", "t@trusted.HOST", true},
		{"*!*@trusted.host", "tina", "t@untrusted.host", false},
		{"*!*@*.example.org", "a", "b@c.example.org", true},
		{"*!*@*.example.org", "a", "b@example.org", false},
		{"al?ce!*@*", "alice", "x@y", true},
		{"al?ce!*@*", "alce", "x@y", false},
		{"?!*@*", "é", "x@y", true},
		{"alice!*@*", "alice", "x@y", true},
		{"alice!*@*", "alicex", "x@y", false},
		{"Alice[m]!*@h", "alice{m}", "x@h", true}, // rfc1459 case mapping
		{"a*b!*@*", "aXXbYY", "x@y", false},
		// A wildcard never runs from one part into the next: a host with
		// "!" or "@" in it (from a gateway that passes any host on)
		// matches no mask, nor does a nick with them.
		{"*!*@trusted.host", "tina", "t@evil!x@trusted.host", false},
		{"*!*@trusted.host", "tina", "t@x@trusted.host", false},
		{"*!t@*", "tina", "t@x!t@y", false},
		{"*!*@*.host", "tina!t@trusted", "x@y.host", false},
		{"tina*!*@trusted.host", "tina", "x!y@trusted.host", false},
		// Not a hostmask, or no user@host: nobody.
		{"*", "tina", "t@trusted.host", false},
		{"tina", "tina", "t@trusted.host", false},
		{"*!*@*", "tina", "", false},
	}
	for _, tc := range tests {
		if got := MatchHostmask(tc.mask, tc.nick, tc.userHost); got != tc.want {
			t.Errorf("MatchHostmask(%q, %q, %q) = %v, want %v", tc.mask, tc.nick, tc.userHost, got, tc.want)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"", "a", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"?", "é", true},
		{"??", "é", false},
	} {
		if got := matchGlob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestMaskMatchesAnyHost(t *testing.T) {
	for _, tc := range []struct {
		mask string
		want bool
	}{
		{"*!*@*", true},
		{"nick!*@*", true},
		{"nick!*@*.*", true},
		{"nick!*@?*", true},
		{"nick!*@*:*", true},
		{"nick", true},
		{"nick!user@", true},
		{"*!*@*.*.*", true},
		{"*!*@*:*:*", true},
		{"*!*@*/*", true},   // every cloaked user on Libera
		{"*!*@*-*", true},   // every host with a dash
		{"*!*@*e*", true},   // every host with an e
		{"r4!*@*/*", true},  // a relay
		{"*!*@*.org", true}, // a whole top-level domain
		{"*!*@*.0.1", true}, // the end of an IP address, on any network
		{"*!*@*.example.*", true},
		{"*!*@*.-", true},
		{"*!*@*..org", true},
		{"*!*@user/*", true}, // every user cloak
		{"*!*@10.*", true},
		{"*!*@a.b*", true},
		{"*!*@*/alice", true},
		{"*!*@?.example.org", false},
		{"*!*@trusted.host", false},
		{"*!*@user/alice", false},
		{"*!*@*.example.org", false},
		{"*!*@*.trusted.host", false},
		{"alice!*@*.EXAMPLE.org", false},
		{"*!*@host?.example.org", false},
		{"*!*@10.0.0.*", false},
		{"*!*@10.1.*", false},
		{"*!*@2001:db8:*", false},
		{"*!*@libera/staff/*", false},
		{"*!*@gateway/web/*", false},
		{"*!*@user/alice*", false},
	} {
		t.Run(tc.mask, func(t *testing.T) {
			if got := MaskMatchesAnyHost(tc.mask); got != tc.want {
				t.Errorf("MaskMatchesAnyHost(%q) = %v, want %v", tc.mask, got, tc.want)
			}
		})
	}
}

// TestSecretValueNotEchoed checks that a secret written where a variable
// name belongs does not end up in the error message.
func TestSecretValueNotEchoed(t *testing.T) {
	_, err := Parse([]byte(minimal+"sasl:\n  password_env: \"correct horse battery staple\"\n"), "bot.yaml")
	if err == nil {
		t.Fatal("Parse accepted a password in password_env")
	}
	if strings.Contains(err.Error(), "horse") {
		t.Errorf("the error repeats the secret: %v", err)
	}
}

func TestAllProblemsReported(t *testing.T) {
	data := `server:
  host: irc.example.org
  port: sixty
nick: proceedings
channels:
  - name: "#chan"
    pubic: true
archive: data/a.db
site:
  base_url: https://irc.example.org/
  timezone: Mars/Olympus
feeds:
  - url: https://example.org/feed
    interval: soon
`
	_, err := Parse([]byte(data), "bot.yaml")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *Error", err)
	}
	var got []string
	for _, p := range ce.Problems() {
		got = append(got, p.Key)
	}
	want := []string{"server.port", "channels[0].pubic", "site.timezone", "feeds[0].interval"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problem keys = %q, want %q (in line order)", got, want)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 {
		t.Fatalf("Error() has %d lines, want 4:\n%s", len(lines), err)
	}
	if want := `bot.yaml:3: server.port: want a number 1–65535, got "sixty"`; lines[0] != want {
		t.Errorf("first line = %q, want %q", lines[0], want)
	}
	if want := `bot.yaml:7: channels[0].pubic: unknown key (did you mean "public"?)`; lines[1] != want {
		t.Errorf("second line = %q, want %q", lines[1], want)
	}
}

func TestTimezoneSuggestion(t *testing.T) {
	if len(zoneNames()) < 100 {
		// No tzdata.zi to suggest from: the problem is still reported (TestProblems).
		return
	}
	ps := problemsOf(t, minimal+"  timezone: Europe/Londn\n")
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, `(did you mean "Europe/London"?)`) {
		t.Errorf("problems = %v, want a suggestion of Europe/London", ps)
	}
}

func TestMultiNetwork(t *testing.T) {
	data := `defaults: &defaults
networks:
  - &libera
    name: libera
    server: {host: irc.libera.chat}
    nick: proceedings
    sasl: {password_env: LIBERA_PW}
    channels:
      - {name: "#techrights", public: true, announce: true}
      - {name: "#Other[x]"}
  - <<: *libera
    name: selfhosted
    server: {host: irc.example.org, tls: false}
    sasl: {mechanism: EXTERNAL}
    channels:
      - {name: "#techrights", announce: true}
    relays:
      - {nick: relaybot, mask: "relaybot!*@bridge.example.org", pattern: '^<(?P<nick>[^>]+)> (?P<text>.*)$'}
bridges:
  - channels: ["selfhosted/#techrights", "libera/#TECHRIGHTS"]
    window: 2s
feeds:
  - url: https://example.org/feed
  - url: https://example.org/other
    channels: ["#techrights", "libera/#other{x}"]
archive: /var/lib/proceedings/a.db
site: {base_url: "http://localhost:8080"}
`
	// "defaults" is not a key: the test first checks it is refused, then
	// parses the file without it.
	if ps := problemsOf(t, data); len(ps) != 2 || ps[0].Key != "defaults" || ps[1].Key != "networks[1].sasl.mechanism" {
		t.Fatalf("problems = %v, want the unknown key defaults and EXTERNAL without a certificate", ps)
	}
	data = strings.Replace(data, "defaults: &defaults\n", "", 1)
	data = strings.Replace(data, "sasl: {mechanism: EXTERNAL}", "sasl: {user: other, password_file: pw.txt}", 1)
	c, err := Parse([]byte(data), "/etc/proceedings/bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Networks) != 2 {
		t.Fatalf("networks = %+v", c.Networks)
	}
	self := c.Networks[1]
	if self.Name != "selfhosted" || self.Server.Port != 6667 || self.Nick != "proceedings" {
		t.Errorf("merged network = %+v", self)
	}
	if self.SASL == nil || self.SASL.User != "other" || self.SASL.Password.File != "/etc/proceedings/pw.txt" {
		t.Errorf("sasl = %+v, want the file relative to the config", self.SASL)
	}
	if len(self.Channels) != 1 || len(self.Relays) != 1 {
		t.Errorf("channels %v relays %v: explicit keys should override merged ones", self.Channels, self.Relays)
	}
	wantBridge := Bridge{Name: "#techrights", Window: 2 * time.Second,
		Channels: []ChannelRef{{"selfhosted", "#techrights"}, {"libera", "#techrights"}}}
	if len(c.Bridges) != 1 || !reflect.DeepEqual(c.Bridges[0], wantBridge) {
		t.Errorf("bridges = %+v, want %+v", c.Bridges, wantBridge)
	}
	if got := c.Feeds[0].Targets; !reflect.DeepEqual(got, []ChannelRef{{"libera", "#techrights"}, {"selfhosted", "#techrights"}}) {
		t.Errorf("default feed targets = %v, want every announce channel", got)
	}
	if got := c.Feeds[1].Targets; !reflect.DeepEqual(got, []ChannelRef{{"libera", "#techrights"}, {"selfhosted", "#techrights"}, {"libera", "#Other[x]"}}) {
		t.Errorf("feed targets = %v", got)
	}
	if ch, ok := c.Channel("LIBERA", "#other{X}"); !ok || ch.Name != "#Other[x]" {
		t.Errorf("Channel(LIBERA, #other{X}) = %+v, %v; want rfc1459 case-insensitive match", ch, ok)
	}
	if _, ok := c.Channel("", "#techrights"); ok {
		t.Error("Channel with no network matched although two networks are configured")
	}
	if got := c.PublicChannels(); !reflect.DeepEqual(got, []ChannelRef{{"libera", "#techrights"}}) {
		t.Errorf("PublicChannels() = %v", got)
	}
	if c.Site.BaseURL.String() != "http://localhost:8080/" {
		t.Errorf("base_url = %v", c.Site.BaseURL)
	}
}

func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := minimal + `sasl:
  password_env: PROCEEDINGS_TEST_SASL
nickserv:
  password_file: pw
`
	c, err := Parse([]byte(data), filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := c.Networks[0]
	if n.SASL.Password.Env != "PROCEEDINGS_TEST_SASL" || n.NickServ.File != filepath.Join(dir, "pw") {
		t.Fatalf("refs = %+v %+v", n.SASL.Password, n.NickServ)
	}

	t.Setenv("PROCEEDINGS_TEST_SASL", "")
	os.Unsetenv("PROCEEDINGS_TEST_SASL")
	_, err = n.SASL.Password.Value()
	if err == nil || !strings.Contains(err.Error(), "PROCEEDINGS_TEST_SASL is not set") || !strings.Contains(err.Error(), "sasl.password_env") {
		t.Errorf("unset variable: err = %v, want it to name the variable and the key", err)
	}
	if err := c.CheckSecrets(); err == nil || !strings.Contains(err.Error(), "PROCEEDINGS_TEST_SASL") {
		t.Errorf("CheckSecrets() = %v, want the unset variable named", err)
	}

	t.Setenv("PROCEEDINGS_TEST_SASL", "")
	if _, err := n.SASL.Password.Value(); err == nil || !strings.Contains(err.Error(), "PROCEEDINGS_TEST_SASL is empty") {
		t.Errorf("empty variable: err = %v", err)
	}

	t.Setenv("PROCEEDINGS_TEST_SASL", "hunter2")
	if v, err := n.SASL.Password.Value(); err != nil || v != "hunter2" {
		t.Errorf("Value() = %q, %v; want hunter2", v, err)
	}
	if v, err := n.NickServ.Value(); err != nil || v != "s3cret" {
		t.Errorf("file Value() = %q, %v; want s3cret without the newline", v, err)
	}
	if err := c.CheckSecrets(); err != nil {
		t.Errorf("CheckSecrets() = %v, want nil", err)
	}
	if s := n.SASL.Password.String(); s != "$PROCEEDINGS_TEST_SASL" {
		t.Errorf("String() = %q", s)
	}

	empty := &SecretRef{File: filepath.Join(dir, "empty")}
	if _, err := empty.Value(); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty file: err = %v", err)
	}
	gone := &SecretRef{File: filepath.Join(dir, "gone")}
	if _, err := gone.Value(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want it to wrap os.ErrNotExist", err)
	}
}

// TestAliasBomb feeds files whose aliases describe enormous trees; parsing
// must stop early with a bounded list of problems.
func TestAliasBomb(t *testing.T) {
	tens := func(alias string) string {
		return strings.TrimSuffix(strings.Repeat(alias+", ", 10), ", ")
	}
	// Merge keys nested ten deep: 10^10 merged mappings.
	var merge strings.Builder
	merge.WriteString("x:\n  - &m0 {nick: x}\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&merge, "  - &m%d {<<: [%s]}\n", i, tens(fmt.Sprintf("*m%d", i-1)))
	}
	merge.WriteString("server:\n  <<: *m10\n")
	// Lists of aliases to lists: networks × channels × keys.
	var lists strings.Builder
	lists.WriteString("x:\n  - &c {name: \"#c\", public: yes}\n  - &cs [")
	lists.WriteString(strings.TrimSuffix(strings.Repeat("*c, ", 2000), ", "))
	lists.WriteString("]\n  - &n {name: n, channels: *cs}\nnetworks: [")
	lists.WriteString(strings.TrimSuffix(strings.Repeat("*n, ", 2000), ", "))
	lists.WriteString("]\n")
	for name, data := range map[string]string{"merge": merge.String(), "lists": lists.String()} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			ps := problemsOf(t, data)
			if len(ps) == 0 || len(ps) > maxProblems+2 {
				t.Fatalf("got %d problems, want between 1 and %d", len(ps), maxProblems+2)
			}
			found := false
			for _, p := range ps {
				found = found || strings.Contains(p.Msg, "expands to more than")
			}
			if !found {
				t.Errorf("no problem says the file expands too far: %v", ps[:min(len(ps), 5)])
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("parsing took %v", d)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want it to wrap os.ErrNotExist", err)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"name", "name", 0},
		{"nmae", "name", 1},
		{"nam", "name", 1},
		{"pubic", "public", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestNoCascade checks that one mistake gives one problem: a misspelt or
// mistyped required key is not reported as missing as well.
func TestNoCascade(t *testing.T) {
	tests := []struct {
		name, data, key string
	}{
		{"misspelt required key", strings.Replace(minimal, "nick: proceedings", "nck: proceedings", 1), "nck"},
		{"mistyped required key", strings.Replace(minimal, "nick: proceedings", "nick: [proceedings]", 1), "nick"},
		{"section of the wrong type", strings.Replace(minimal, "site:\n  base_url: https://irc.example.org/logs\n", "site: https://irc.example.org/\n", 1), "site"},
		{"channel of the wrong type", strings.Replace(minimal, `  - name: "#chan"`, `  - "#chan"`, 1), "channels[0]"},
		{"misspelt secret", minimal + "nickserv:\n  pasword_env: NS\n", "nickserv.pasword_env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, tt.data)
			if len(ps) != 1 || ps[0].Key != tt.key {
				t.Errorf("problems = %v, want exactly one, about %s", ps, tt.key)
			}
		})
	}
}

// CheckPaths reports an archive or site output that cannot be written, with
// the key and line it comes from and why.
func TestCheckPaths(t *testing.T) {
	dir := t.TempDir()
	data := strings.Replace(minimal, "archive: data/a.db", "archive: /proc/no/such/a.db", 1) + "  out: /proc/no/out\n"
	c, err := Parse([]byte(data), filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ps := c.CheckPaths()
	got := fmt.Sprint(ps)
	if len(ps) != 2 || ps[0].Key != "archive" || ps[0].Line != 6 || ps[1].Key != "site.out" || ps[1].Line != 9 ||
		!strings.Contains(got, "/proc") || !strings.Contains(got, "cannot") {
		t.Errorf("problems = %q", got)
	}
	// Paths that can be created, or written, are fine; nothing is left behind.
	c, err = Parse([]byte(minimal), filepath.Join(dir, "bot.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if ps := c.CheckPaths(); len(ps) != 0 {
		t.Errorf("problems of writable paths: %q", ps)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("CheckPaths left %v in %s", entries, dir)
	}
}

// TestSecretFileOpenToOthers: a secret file that other users may read is
// warned about, with its line, path and mode; one only its owner may read
// is not. Either way the file loads.
func TestSecretFileOpenToOthers(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.pw")
	closed := filepath.Join(dir, "closed.pw")
	for path, mode := range map[string]os.FileMode{open: 0o644, closed: 0o600} {
		if err := os.WriteFile(path, []byte("secret\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // past the umask
			t.Fatal(err)
		}
	}
	data := strings.Replace(minimal, "  host: irc.example.org\n", "  host: irc.example.org\n  password_file: "+open+"\n", 1) +
		"archive_password_file: " + closed + "\n"
	data = strings.Replace(data, "archive: data/a.db", "archive: postgres://proceedings@db.example.org/irc", 1)
	c, err := Parse([]byte(data), "bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String())
	}
	want := []string{"3: server.password_file: " + open + " may be read or changed by other users of this machine (mode 0644); chmod 600 it (PostgreSQL ignores a ~/.pgpass that is, ssh refuses such a key)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSecretFileWarnings: a TLS client key is a secret file too (the
// certificate when it holds the key); a 0600 file in a directory anyone
// may write to (no sticky bit) is warned about, in a sticky one it is
// not; a directory named as a secret file gets no advice about its mode.
func TestSecretFileWarnings(t *testing.T) {
	dir := t.TempDir()
	write := func(path string, mode os.FileMode) string {
		if err := os.WriteFile(path, []byte("secret\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	mkdir := func(path string, mode os.FileMode) string {
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	open := mkdir(filepath.Join(dir, "open"), 0o777)
	sticky := mkdir(filepath.Join(dir, "sticky"), 0o777|os.ModeSticky)
	cases := []struct {
		name, server, want string
	}{
		{"key 0644", "  client_cert: " + write(filepath.Join(dir, "c.pem"), 0o644) + "\n  client_key: " + write(filepath.Join(dir, "k.pem"), 0o644) + "\n",
			"4: server.client_key: " + filepath.Join(dir, "k.pem") + " may be read or changed by other users of this machine (mode 0644)"},
		{"key 0600", "  client_cert: " + filepath.Join(dir, "c.pem") + "\n  client_key: " + write(filepath.Join(dir, "k6.pem"), 0o600) + "\n", ""},
		{"cert holding the key", "  client_cert: " + write(filepath.Join(dir, "both.pem"), 0o640) + "\n",
			"3: server.client_cert: " + filepath.Join(dir, "both.pem") + " may be read or changed by other users of this machine (mode 0640)"},
		{"open directory", "  password_file: " + write(filepath.Join(open, "pw"), 0o600) + "\n",
			"3: server.password_file: " + filepath.Join(open, "pw") + " is in " + open + ", which any user of this machine may write to (mode 0777)"},
		{"sticky directory", "  password_file: " + write(filepath.Join(sticky, "pw"), 0o600) + "\n", ""},
		{"a directory", "  password_file: " + mkdir(filepath.Join(dir, "adir"), 0o755) + "\n", ""},
	}
	for _, c := range cases {
		data := strings.Replace(minimal, "  host: irc.example.org\n", "  host: irc.example.org\n"+c.server, 1)
		cfg, err := Parse([]byte(data), "bot.yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, w := range cfg.Warnings {
			got = append(got, w.String())
		}
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: warnings %q, want none", c.name, got)
		case c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)):
			t.Errorf("%s: warnings %q, want one starting %q", c.name, got, c.want)
		}
	}
}
