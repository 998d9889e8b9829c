// Package config reads bot.yaml, the one configuration file of proceedings,
// checks it strictly and fills in every default. Every problem names its key
// path and line ("bot.yaml:12: channels[1].nmae: unknown key (did you mean
// "name"?)"), and all of them are reported at once through *Error.
//
// Secrets never appear in the file or in Config: the file names an
// environment variable or a file, and SecretRef.Value reads it when needed.
// The package knows nothing of IRC connections, the archive or HTML.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"proceedings/internal/casemap"

	// Embed the time zone database so that site.timezone means the same on
	// every machine, with or without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// The `yaml` tag of a field is its key in bot.yaml; decode.go describes the
// other tags. A field without one is not read from the file.

// Config is a validated bot.yaml with every default filled in.
type Config struct {
	Path     string    // absolute path of the file ("" for Default)
	Networks []Network `yaml:"networks" want:"a list of networks (- name: …)" elem:"a network like {name: libera, server: …, nick: …}"` // the single-network form becomes one Network
	Bridges  []Bridge  `yaml:"bridges" want:"a list of bridges (- name: … channels: […])" elem:"a bridge like {name: …, channels: […]}"`
	// Archive is where events are kept: the absolute path of a SQLite file,
	// or a postgres:// URL without a password (see ArchiveLocation).
	Archive string `yaml:"archive,path,url" want:"a file path or a postgres:// URL"`
	// ArchivePassword is the PostgreSQL password, from archive_password_env
	// or archive_password_file; nil: the URL's user needs none, or
	// PostgreSQL's own PGPASSWORD or ~/.pgpass gives it.
	ArchivePassword *SecretRef `yaml:"archive_password,secret"`
	Site            Site       `yaml:"site"`
	Feeds           []Feed     `yaml:"feeds" want:"a list of feeds (- url: …)" elem:"a feed like {url: https://…}"`
	Commands        Commands   `yaml:"commands"`
	// Admins are "account:NAME" or a hostmask "nick!user@host" with * and ?
	// wildcards. A hostmask whose host part is only wildcards (or a bare
	// nick) is kept but makes nobody an admin; see Warnings.
	Admins []string `yaml:"admins" want:"a list of account:NAME or nick!user@host masks"`
	OptOut []string `yaml:"optout" want:"a list of nicks or accounts"` // nicks or accounts whose lines are never recorded
	// NoLogPrefix: lines starting with it are not recorded; "" disables it.
	NoLogPrefix string    `yaml:"nolog_prefix"`
	Series      []Series  `yaml:"series" want:"a list of series (- name: … parts: […])" elem:"a series like {name: …, parts: […]}"`
	Titles      Titles    `yaml:"titles"`
	Log         LogConfig `yaml:"log"`
	StatusAddr  string    `yaml:"status_addr" want:"an address like 127.0.0.1:9102"` // host:port of the status HTTP endpoint; "" disables it
	// Warnings are weaknesses that do not stop the file from loading,
	// such as an admin entry anyone can match; check prints them.
	Warnings []Problem

	// writes are the paths the bot writes to, with the key and line they
	// come from, for CheckPaths.
	writes []writePath
	// archiveLine is the line of the archive key (ArchiveLine).
	archiveLine int
}

// ArchiveLine is the line of the file the archive key is on, for problems
// found when the archive is opened; 0 for a configuration not read from a
// file.
func (c *Config) ArchiveLine() int { return c.archiveLine }

// writePath is a path the configuration has proceedings write to.
type writePath struct {
	key  string
	line int
	path string
	dir  bool // a directory (site.out), else a file (archive)
}

// Network is one IRC network the bot connects to.
type Network struct {
	Name     string     `yaml:"name" want:"a network name"` // as used in the archive and in bridges ("libera")
	Server   Server     `yaml:"server"`
	Nick     string     `yaml:"nick"`
	AltNicks []string   `yaml:"alt_nicks" want:"a list of nicks"` // tried in order when Nick is taken
	User     string     `yaml:"user"`
	RealName string     `yaml:"realname"`
	SASL     *SASL      `yaml:"sasl"`     // nil: no SASL
	NickServ *SecretRef `yaml:"nickserv"` // nil: no NickServ IDENTIFY
	Channels []Channel  `yaml:"channels" want:"a list of channels (- name: \"#chan\")" elem:"a channel like {name: \"#chan\"}"`
	Relays   []Relay    `yaml:"relays" want:"a list of relays (- nick: … mask: … pattern: …)" elem:"a relay like {nick: relaybot, mask: relaybot!*@bridge.example.org, pattern: …}"`
}

// Server says how to reach a network.
type Server struct {
	Host        string     `yaml:"host" want:"a host name"`
	Port        int        `yaml:"port" want:"a number 1–65535" min:"1" max:"65535"`
	TLS         bool       `yaml:"tls"`                                 // true when the key is absent
	TLSInsecure bool       `yaml:"tls_insecure"`                        // skip certificate verification
	Password    *SecretRef `yaml:"password,secret"`                     // server password (PASS); nil: none
	ClientCert  string     `yaml:"client_cert,path" want:"a file path"` // absolute path of a PEM certificate; "" for none
	ClientKey   string     `yaml:"client_key,path" want:"a file path"`  // absolute path of its PEM key (ClientCert when both are in one file)
}

// SASL authentication.
type SASL struct {
	Mechanism string     `yaml:"mechanism" want:"PLAIN or EXTERNAL"`
	User      string     `yaml:"user" want:"an account name"` // account name (PLAIN); defaults to the nick
	Password  *SecretRef `yaml:"password,secret"`             // PLAIN only
}

// Channel is one channel the bot joins and records.
type Channel struct {
	Name         string     `yaml:"name" want:"a channel name like \"#chan\""`
	Key          *SecretRef `yaml:"key,secret"`    // channel key (+k); nil: none
	Public       bool       `yaml:"public"`        // logs are published on the site (otherwise recorded only)
	Announce     bool       `yaml:"announce"`      // feed posts are announced here
	AnnounceLogs bool       `yaml:"announce_logs"` // links to newly published log days are announced here
	Titles       bool       `yaml:"titles"`        // titles of pasted URLs are printed
	NoIndex      bool       `yaml:"noindex"`       // pages carry robots noindex
	Description  string     `yaml:"description"`
}

// Relay describes a relay bot whose lines carry another person's words.
// Anyone can take a nick, so a relay is known by its nick together with
// its hostmask, its services account, or both: at least one of Mask and
// Account is set.
type Relay struct {
	Nick    string         `yaml:"nick"`
	Mask    string         `yaml:"mask" want:"a hostmask like relaybot!*@bridge.example.org"` // hostmask "nick!user@host" (* and ? wildcards) with a real host; "" when not checked
	Account string         `yaml:"account" want:"a services account name"`                    // services account; "" when not checked
	Pattern *regexp.Regexp `yaml:"pattern" want:"a regular expression"`                       // has the named groups "nick" and "text"
}

// ChannelRef names a channel on a network. In the file it is written
// "network/#channel", or "#channel" alone (Network "" until resolved).
type ChannelRef struct {
	Network, Channel string
}

// String returns "network/#channel".
func (r ChannelRef) String() string { return r.Network + "/" + r.Channel }

// Bridge relays lines between channels, possibly on different networks.
type Bridge struct {
	Name     string        `yaml:"name"`
	Channels []ChannelRef  `yaml:"channels" want:"a list of \"network/#channel\""` // two or more, each defined under a network
	Window   time.Duration `yaml:"window" want:"a duration like 10s"`
}

// Site configures the rendered archive.
type Site struct {
	Out            string         `yaml:"out,path" want:"a directory path"`                    // absolute output directory
	BaseURL        *url.URL       `yaml:"base_url" want:"a URL like https://irc.example.org/"` // absolute http(s) URL whose path ends in "/"
	Title          string         `yaml:"title"`
	Location       *time.Location `yaml:"timezone" want:"a time zone name like Europe/London"` // the site's days are calendar days here
	Content        string         `yaml:"content,path" want:"a directory path"`                // absolute directory of Markdown pages
	RenderInterval time.Duration  `yaml:"render_interval" want:"a duration like 5m" min:"1s"`
	// Render says whether a running bot renders the site itself (true
	// when the key is absent); false where another process renders it
	// (several bots on one archive). The render and redact commands
	// render whatever it says.
	Render bool `yaml:"render"`
	// ShowHosts publishes the user@host of joins, parts and quits on the
	// site (off by default: hosts are personal data).
	ShowHosts bool `yaml:"show_hosts"`
}

// Feed is a site feed whose new posts are recorded and announced.
type Feed struct {
	URL      string        `yaml:"url" want:"a URL"` // http, https or file URL
	Interval time.Duration `yaml:"interval" want:"a duration like 5m" min:"1s"`
	// Channels holds the channel names announced to, in Targets order; use
	// Targets when more than one network is configured.
	Channels []string
	// Targets are read from the key channels: nil when it is absent (every
	// channel with announce: true), empty when it is [].
	Targets         []ChannelRef       `yaml:"channels" want:"a list of channel names"`
	Format          *template.Template // FormatText, parsed
	FormatText      string             `yaml:"format" want:"a template like \"{{.Title}} — {{.Link}}\""`
	AnnounceBacklog int                `yaml:"announce_backlog" want:"a number 0–1000" min:"0" max:"1000"` // posts already in the feed at start to announce
	MaxBurst        int                `yaml:"max_burst" want:"a number 1–100" min:"1" max:"100"`          // most announcements in one poll
}

// Rate is N events per Per.
type Rate struct {
	N   int
	Per time.Duration
}

func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.N, r.Per) }

// Commands configures the command router.
type Commands struct {
	Prefix        string `yaml:"prefix"`
	Rates         `yaml:"rate"`
	SearchResults int `yaml:"search_results" want:"a number 1–10" min:"1" max:"10"`
}

// Rates are the flood limits of commands and the pace of the bot's lines.
type Rates struct {
	PerUser    Rate `yaml:"per_user" want:"a rate like 3/10s"`
	PerChannel Rate `yaml:"per_channel" want:"a rate like 10/10s"`
	// Output paces the bot's own lines on each network: a burst of N, then
	// one every Per/N.
	Output Rate `yaml:"output" want:"a rate like 5/7.5s"`
}

// Series is a named series of posts, for !part and !series.
type Series struct {
	Name  string       `yaml:"name"`
	Parts []SeriesPart `yaml:"parts" want:"a list of parts (- n: 1 title: … url: …)" elem:"a part like {n: 1, title: …, url: …}"`
}

// SeriesPart is one part of a Series.
type SeriesPart struct {
	N     int    `yaml:"n" want:"a part number 1 or more" min:"1" max:"1000000"`
	Title string `yaml:"title"`
	URL   string `yaml:"url" want:"a URL"`
}

// Titles configures URL title fetching.
type Titles struct {
	Timeout      time.Duration `yaml:"timeout" want:"a duration like 5s" min:"1ms"`
	MaxBytes     int           `yaml:"max_bytes" want:"a number of bytes from 1024 to 67108864" min:"1024" max:"67108864"`
	BlockedHosts []string      `yaml:"blocked_hosts" want:"a list of host names, addresses or CIDR prefixes"` // host names, IP addresses or CIDR prefixes never fetched
	AllowHosts   []string      `yaml:"allow_hosts" want:"a list of host names, addresses or CIDR prefixes"`   // exempt from the private-address refusal (tests use loopback)
}

// LogConfig configures the process log.
type LogConfig struct {
	Format string     `yaml:"format" want:"text or json"`
	Level  slog.Level `yaml:"level" want:"debug, info, warn or error"`
}

// ReservedNetwork is the archive network of the merged logs of bridges; no
// configured network may have this name.
const ReservedNetwork = "bridge"

// Load reads and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w (copy the documented sample bot.yaml to start)", err)
	}
	return Parse(data, path)
}

// Parse validates configuration data. path names the file in problems and
// is the base of relative paths in it (the current directory when "").
// A problem with the file is returned as *Error.
func Parse(data []byte, path string) (*Config, error) {
	abs := ""
	if path != "" {
		var err error
		if abs, err = filepath.Abs(path); err != nil {
			return nil, fmt.Errorf("config path %s: %w", path, err)
		}
	}
	dir := filepath.Dir(abs)
	if abs == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("config: find the current directory: %w", err)
		}
		dir = wd
	}
	var probs problems
	d := newDecoder(&probs, dir)
	var c *Config
	if doc := new(document); d.file(data, doc) {
		v := &validator{decoder: d}
		c = v.config(doc)
		c.Path = abs
	}
	if err := probs.err(cmp.Or(path, "config")); err != nil {
		return nil, err
	}
	return c, nil
}

// Channel finds a configured channel. Network names match case-insensitively,
// channel names by IRC (rfc1459) case mapping; network "" matches when only
// one network is configured.
func (c *Config) Channel(network, name string) (Channel, bool) {
	for _, n := range c.Networks {
		if !strings.EqualFold(n.Name, network) && (network != "" || len(c.Networks) != 1) {
			continue
		}
		for _, ch := range n.Channels {
			if FoldName(ch.Name) == FoldName(name) {
				return ch, true
			}
		}
	}
	return Channel{}, false
}

// NetworkNames lists the configured networks' names, in file order.
func (c *Config) NetworkNames() []string {
	names := make([]string, len(c.Networks))
	for i, n := range c.Networks {
		names[i] = n.Name
	}
	return names
}

// PublicChannels lists the channels whose logs are published, in file order.
func (c *Config) PublicChannels() []ChannelRef {
	var out []ChannelRef
	for _, n := range c.Networks {
		for _, ch := range n.Channels {
			if ch.Public {
				out = append(out, ChannelRef{Network: n.Name, Channel: ch.Name})
			}
		}
	}
	return out
}

// MaskMatchesAnyHost reports whether a hostmask "nick!user@host" fails to
// name a host, and so proves nothing about who is speaking: it names a nick
// (and an ident), which anyone can take, and hosts by the thousand. Its host
// part names a host only when it
//
//   - has no wildcard (* or ?): "trusted.host", "user/alice";
//   - or ends, after its last wildcard, in a domain of at least two labels
//     with a letter: "*.example.org", "*.trusted.host" (not "*.org", "*.0.1",
//     "*/*", "*-*", "*e*");
//   - or starts, before its first wildcard, with at least four characters
//     holding at least two parts separated by ".", "/" or ":": "10.1.*",
//     "libera/staff/*", "user/alice*", "2001:db8:*" (not "user/*", every
//     cloaked user on Libera, nor "10.*").
func MaskMatchesAnyHost(mask string) bool {
	at := strings.LastIndexByte(mask, '@')
	if at < 0 {
		return true
	}
	host := mask[at+1:]
	first := strings.IndexAny(host, "*?")
	if host == "" {
		return true
	}
	if first < 0 {
		return false
	}
	last := strings.LastIndexAny(host, "*?")
	return !domainSuffix(host[last+1:]) && !hostPrefix(host[:first])
}

// domainSuffix reports whether s is "." and then two or more labels of
// letters, digits and "-", one of them with a letter: the end of a host
// name that only one organisation can give out.
func domainSuffix(s string) bool {
	rest, ok := strings.CutPrefix(s, ".")
	if !ok {
		return false
	}
	labels := strings.Split(rest, ".")
	if len(labels) < 2 {
		return false
	}
	letter := false
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, c := range []byte(l) {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
				letter = true
			case c >= '0' && c <= '9', c == '-':
			default:
				return false
			}
		}
	}
	return letter
}

// hostPrefix reports whether s, the start of a host part before its first
// wildcard, narrows the hosts down: four characters or more, in at least
// two parts separated by ".", "/" or ":" ("10.1.", "libera/staff/",
// "user/alice").
func hostPrefix(s string) bool {
	if len(s) < 4 {
		return false
	}
	parts := 0
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '/' || r == ':' }) {
		if p != "" {
			parts++
		}
	}
	return parts >= 2
}

// MatchHostmask reports whether the sender nick!userHost matches mask, a
// hostmask "nick!user@host" where * is any run of characters and ? one,
// compared by IRC case mapping. Each part is matched on its own, so a
// wildcard never runs from one part into the next: a host that holds "!"
// or "@" (which only a gateway that passes any host on can give), or a
// user with "!", makes no match at all, so "evil!x@trusted.host" as a host cannot pass for
// trusted.host. A mask that is not nick!user@host matches nobody.
func MatchHostmask(mask, nick, userHost string) bool {
	mnick, rest, ok1 := strings.Cut(FoldName(mask), "!")
	muser, mhost, ok2 := strings.Cut(rest, "@")
	user, host, ok3 := strings.Cut(FoldName(userHost), "@")
	if !ok1 || !ok2 || !ok3 || strings.ContainsAny(nick, "!@") || strings.Contains(user, "!") || strings.ContainsAny(host, "!@") {
		return false
	}
	return matchGlob(mnick, FoldName(nick)) && matchGlob(muser, user) && matchGlob(mhost, host)
}

// matchGlob matches s against pattern, where * is any run of bytes and ?
// is one character.
func matchGlob(pattern, s string) bool {
	star, resume := -1, 0
	p, i := 0, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, resume = p, i
			p++
		case p < len(pattern) && pattern[p] == '?':
			_, size := utf8.DecodeRuneInString(s[i:])
			p++
			i += size
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			_, size := utf8.DecodeRuneInString(s[resume:])
			resume += size
			i = resume
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// FoldName folds an IRC nick or channel name by the rfc1459 case mapping, for
// comparisons: A–Z and []\~ become a–z and {}|^.
func FoldName(s string) string { return casemap.Fold(s) }

// SecretRef says where a secret is kept: in an environment variable (Env) or
// a file (File, an absolute path). It never holds the secret itself. The
// file names them with password_env and password_file, or, for a field
// tagged secret, KEY_env and KEY_file (key_env for a channel's key).
type SecretRef struct {
	Env  string `yaml:"password_env" want:"the name of an environment variable"`
	File string `yaml:"password_file,path" want:"a file path"`
	key  string // config key, for messages
}

// Value reads the secret. It fails, naming the variable or file, when the
// variable is unset or empty, or the file is unreadable or empty. A trailing
// newline in a file is not part of the secret.
func (s *SecretRef) Value() (string, error) {
	what := "secret"
	if s.key != "" {
		what = s.key
	}
	switch {
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return "", fmt.Errorf("%s: environment variable %s is not set; export it before starting proceedings", what, s.Env)
		}
		if v == "" {
			return "", fmt.Errorf("%s: environment variable %s is empty; set it to the secret", what, s.Env)
		}
		return v, nil
	case s.File != "":
		b, err := os.ReadFile(s.File)
		if err != nil {
			return "", fmt.Errorf("%s: read secret file: %w", what, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s: secret file %s is empty", what, s.File)
		}
		return v, nil
	}
	return "", fmt.Errorf("%s: neither an environment variable nor a file is named", what)
}

// String describes where the secret is kept, never its value.
func (s *SecretRef) String() string {
	if s.Env != "" {
		return "$" + s.Env
	}
	return s.File
}

// CheckSecrets tries to read every secret and returns one error per secret
// that cannot be read. The errors name variables and files, never values.
func (c *Config) CheckSecrets() error {
	var errs []error
	for _, n := range c.Networks {
		for _, s := range []*SecretRef{n.Server.Password, saslPassword(n.SASL), n.NickServ} {
			if s != nil {
				if _, err := s.Value(); err != nil {
					errs = append(errs, err)
				}
			}
		}
		for _, ch := range n.Channels {
			if ch.Key != nil {
				if _, err := ch.Key.Value(); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func saslPassword(s *SASL) *SecretRef {
	if s == nil {
		return nil
	}
	return s.Password
}

// IsArchiveURL reports an archive given as a URL (postgres://…) rather than
// a file path.
func IsArchiveURL(archive string) bool { return hasScheme(archive) }

// ArchiveLocation is what an archive engine opens: the SQLite file's path,
// or the PostgreSQL URL with the password from archive_password_env or
// archive_password_file put in. Never log it; log Archive.
func (c *Config) ArchiveLocation() (string, error) {
	if !IsArchiveURL(c.Archive) || c.ArchivePassword == nil {
		return c.Archive, nil
	}
	pw, err := c.ArchivePassword.Value()
	if err != nil {
		return "", fmt.Errorf("archive_password: %w", err)
	}
	u, err := url.Parse(c.Archive)
	if err != nil {
		return "", fmt.Errorf("archive: %w", redactURLError(err))
	}
	u.User = url.UserPassword(u.User.Username(), pw) // validation made sure of a user
	return u.String(), nil
}
