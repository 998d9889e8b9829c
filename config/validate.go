package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"proceedings/internal/connstring"
	"proceedings/internal/ircname"
)

// validator checks what the decoder cannot check one value at a time:
// required keys, values that depend on others, references between
// sections; then it fills in the defaults.
type validator struct {
	*decoder
	warns []Problem // weaknesses that do not stop the file from loading
	quiet bool      // report no missing keys (see networks)
}

// bad reports a problem with the value at ptr.
func (v *validator) bad(ptr any, format string, args ...any) { v.probs.at(v.pos(ptr), format, args...) }

// warn records a weakness of the file: it loads, and check prints it.
func (v *validator) warn(ptr any, format string, args ...any) {
	p := v.pos(ptr)
	v.warns = append(v.warns, Problem{Line: p.Line, Key: p.Key, Msg: fmt.Sprintf(format, args...)})
}

// missing reports a required key that is absent, unless a problem about it
// was reported already.
func (v *validator) missing(ptr any, format string, args ...any) {
	if p := v.pos(ptr); !p.Reported && !v.quiet {
		v.probs.at(p, format, args...)
	}
}

// set reports whether the key of the value at ptr was given with a value;
// given, whether it was written at all.
func (v *validator) set(ptr any) bool { return v.pos(ptr).Set }

func (v *validator) given(ptr any) bool {
	p := v.pos(ptr)
	return p.Set || p.Null
}

var (
	nickRE   = regexp.MustCompile(`^[A-Za-z\[\]\\^_{|}` + "`" + `][A-Za-z0-9\[\]\\^_{|}` + "`" + `-]*$`)
	envRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	netRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	userRE   = regexp.MustCompile(`^[^\s@!:]+$`)
	hostRE   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)
	maskRE   = regexp.MustCompile(`^[^\s!@]+![^\s!@]+@[^\s!@]+$`)
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
	// templatePrefix is the "template: NAME:LINE: " that starts parse errors.
	templatePrefix = regexp.MustCompile(`^template: .*?:\d+: `)
)

func (v *validator) config(doc *document) *Config {
	c := &doc.Config
	c.Networks = v.networks(doc)
	v.bridges(c)
	v.archive(c)
	v.site(&c.Site)
	c.writes = append(c.writes, v.writePath(&c.Site.Out, true))
	for i := range c.Feeds {
		v.feed(&c.Feeds[i], c)
	}
	v.commands(&c.Commands)
	for i := range c.Admins {
		v.admin(&c.Admins[i])
	}
	for i, o := range c.OptOut {
		if o == "" || strings.ContainsAny(o, " \t,") {
			v.bad(&c.OptOut[i], "want a nick or account name, got %q", o)
		}
	}
	if !v.set(&c.NoLogPrefix) {
		c.NoLogPrefix = DefaultNoLogPrefix
	}
	v.series(c.Series)
	v.hosts(c.Titles.BlockedHosts)
	v.hosts(c.Titles.AllowHosts)
	v.log(&c.Log)
	v.statusAddr(&c.StatusAddr)
	c.FillDefaults()
	c.Warnings = v.warns
	return c
}

// writePath describes the path at ptr, which proceedings writes to, for
// CheckPaths; its line is 0 when the path is the default.
// archive checks where events are kept: a SQLite file the bot can write,
// or a PostgreSQL URL that holds no password.
func (v *validator) archive(c *Config) {
	c.archiveLine = v.pos(&c.Archive).Line
	v.secret(&c.ArchivePassword, c, "archive_password", false)
	switch {
	case c.Archive == "":
		v.missing(&c.Archive, "missing; the SQLite archive file, e.g. archive: data/archive.db, or a PostgreSQL URL, e.g. archive: postgres://proceedings@db.example.org/proceedings")
	case connstring.IsKeywordValue(c.Archive):
		v.bad(&c.Archive, "%s", connstring.Refusal)
	case IsArchiveURL(c.Archive):
		u, err := url.Parse(c.Archive)
		switch {
		case err != nil:
			v.bad(&c.Archive, "want a postgres:// URL, e.g. postgres://proceedings@db.example.org/proceedings: %v", redactURLError(err))
		case u.Scheme != "postgres" && u.Scheme != "postgresql":
			v.bad(&c.Archive, "%s:// is not an archive engine; want a file path or a postgres:// URL", u.Scheme)
		default:
			if _, has := u.User.Password(); has {
				v.bad(&c.Archive, "the URL holds a password; bot.yaml must not: give it with archive_password_env or archive_password_file (or PostgreSQL's PGPASSWORD or ~/.pgpass)")
			}
			if c.ArchivePassword != nil && u.User.Username() == "" {
				v.bad(&c.Archive, "name the user the password is for: postgres://USER@%s%s", u.Host, u.Path)
			}
			if u.Query().Has("password") {
				v.bad(&c.Archive, "the URL holds a password parameter; bot.yaml must not: give it with archive_password_env or archive_password_file")
			}
			if strings.Contains(c.Archive, "#") {
				// A # is never part of a PostgreSQL URL; before it may be
				// a password cut short (postgres://u:12345#rest@host).
				v.bad(&c.Archive, "a # has no place in a postgres:// URL (not repeated: it may hold a password; a password belongs in archive_password_env or archive_password_file)")
			}
		}
	default:
		if pw := c.ArchivePassword; pw != nil {
			at := any(&pw.File) // reported at the key given: _env or _file
			if v.set(&pw.Env) {
				at = &pw.Env
			}
			v.bad(at, "a password is only for a postgres:// archive; archive is the file %s", c.Archive)
		}
		c.writes = append(c.writes, v.writePath(&c.Archive, false))
	}
}

// redactURLError is a URL parse error without the URL, which may hold a
// password.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	// net/url quotes the part it could not read ("invalid port \":pw\"
	// after host" for a password with a / in it): none of it is repeated.
	return errors.New(quotedPart.ReplaceAllString(err.Error(), "…") + " (a password belongs in archive_password_env or archive_password_file, not in the URL)")
}

// quotedPart is a part of a message that net/url quoted with %q.
var quotedPart = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

func (v *validator) writePath(ptr *string, dir bool) writePath {
	p := v.pos(ptr)
	w := writePath{key: p.Key, path: *ptr, dir: dir}
	if p.Set {
		w.line = p.Line
	}
	return w
}

// networks checks the networks of either form and returns them.
func (v *validator) networks(doc *document) []Network {
	if !v.given(&doc.Networks) {
		v.network(&doc.Network, &doc.Name)
		return []Network{doc.Network}
	}
	if found := v.singleNetworkKeys(doc); len(found) > 0 {
		v.bad(&doc.Networks, "cannot be combined with the single-network keys at the top level: %s; move them into an entry of networks", strings.Join(found, ", "))
		// What is wrong in those keys is reported too, so that moving
		// them does not reveal new problems; not what they lack.
		v.quiet = true
		v.network(&doc.Network, &doc.Name)
		v.quiet = false
	}
	if len(doc.Networks) == 0 {
		v.bad(&doc.Networks, "empty; add at least one network (- name: libera, server: {host: irc.libera.chat}, nick: …)")
	}
	seen := map[string]int{} // lower-case name → line
	for i := range doc.Networks {
		n := &doc.Networks[i]
		v.network(n, &n.Name)
		k := strings.ToLower(n.Name)
		if first, dup := seen[k]; dup && k != "" {
			v.bad(n, "network name %q is used twice (first on line %d); give each network its own name", n.Name, first)
		}
		seen[k] = v.pos(n).Line
	}
	return doc.Networks
}

// singleNetworkKeys lists the keys of the single-network form written at
// the top level, as "key (line N)" in line order.
func (v *validator) singleNetworkKeys(doc *document) []string {
	root := reflect.ValueOf(doc).Elem()
	var found []*pos
	for _, f := range fieldsOf(root.Type()) {
		if root.Type().Field(f.index[0]).Type == reflect.TypeFor[Config]() {
			continue
		}
		if p := v.pos(f.target(root, false).Addr().Interface()); p.Set || p.Null {
			found = append(found, p)
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Line < found[j].Line })
	keys := make([]string, len(found))
	for i, p := range found {
		keys[i] = fmt.Sprintf("%s (line %d)", p.Key, p.Line)
	}
	return keys
}

// network checks a network whose name the file gives at name: its "name",
// or "network" in the single-network form.
func (v *validator) network(n *Network, name *string) {
	v.server(&n.Server)
	v.networkName(n, name)
	v.identity(n)
	if n.SASL != nil {
		v.sasl(n.SASL, n)
	}
	if n.NickServ != nil {
		v.secret(&n.NickServ, n.NickServ, "password", true)
	}
	n.Channels = v.channels(n.Channels)
	for i := range n.Relays {
		v.relay(&n.Relays[i])
	}
	n.fillDefaults()
}

func (v *validator) server(s *Server) {
	switch h := s.Host; {
	case h == "":
		v.missing(&s.Host, "missing; the IRC server's host name, e.g. host: irc.libera.chat")
	case strings.Contains(h, "://"):
		v.bad(&s.Host, "%q: write only the host name, without a scheme (tls and port are separate keys)", h)
	case isAddr(h) || hostRE.MatchString(h):
	case endsInPort(h):
		v.bad(&s.Host, "%q: put the port in server.port, not in the host name", h)
	default:
		v.bad(&s.Host, "%q is not a host name or IP address", h)
	}
	if !v.set(&s.TLS) {
		s.TLS = true
	}
	if s.TLSInsecure && !s.TLS {
		v.bad(&s.TLSInsecure, "has no effect with tls: false; remove it")
	}
	v.secret(&s.Password, s, "password", false)
	if s.ClientCert != "" && !s.TLS {
		v.bad(&s.ClientCert, "a client certificate needs tls: true")
	}
	if s.ClientKey != "" && s.ClientCert == "" {
		v.bad(&s.ClientKey, "client_key without client_cert; give both (or client_cert alone when the file holds both)")
	}
	switch {
	case v.set(&s.ClientKey) && s.ClientKey != "":
		v.secretFile(&s.ClientKey, s.ClientKey) // the private key
	case s.ClientCert != "" && s.TLS:
		v.secretFile(&s.ClientCert, s.ClientCert) // the certificate holds the key too
	}
}

// endsInPort reports whether s ends in ":" and digits, as "host:6697" does.
func endsInPort(s string) bool {
	i := strings.LastIndexByte(s, ':')
	return i > 0 && digitsRE.MatchString(s[i+1:])
}

func isAddr(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// networkName checks the name the file gives a network at name; without
// one, the network is named after its server.
func (v *validator) networkName(n *Network, name *string) {
	switch s := *name; {
	case s == "":
	case !netRE.MatchString(s) || len(s) > 64:
		v.bad(name, "%q is not a usable network name (letters, digits, . _ -; no / or spaces)", s)
	case strings.EqualFold(s, ReservedNetwork):
		v.bad(name, "%q is reserved for the merged logs of bridges; give the network another name", s)
	}
	n.Name = *name
}

// identity checks the nicks and user name of a network.
func (v *validator) identity(n *Network) {
	if n.Nick == "" {
		v.missing(&n.Nick, "missing; the bot's nick, e.g. nick: proceedings")
	} else {
		v.nick(&n.Nick)
	}
	for i := range n.AltNicks {
		v.nick(&n.AltNicks[i])
	}
	if v.set(&n.User) && !userRE.MatchString(n.User) {
		v.bad(&n.User, "%q is not a valid user name (no spaces, @, ! or :)", n.User)
	}
}

func (v *validator) nick(s *string) bool {
	if !nickRE.MatchString(*s) || len(*s) > 64 {
		v.bad(s, "%q is not a valid nick (letters, digits and -[]\\^_`{|}, not starting with a digit or -)", *s)
		return false
	}
	return true
}

func (v *validator) sasl(s *SASL, n *Network) {
	if v.set(&s.Mechanism) {
		mech := strings.ToUpper(s.Mechanism)
		if mech != "PLAIN" && mech != "EXTERNAL" {
			v.bad(&s.Mechanism, "want PLAIN or EXTERNAL, got %q", s.Mechanism)
			return
		}
		s.Mechanism = mech
	}
	password := v.secretGiven(s.Password)
	if s.Mechanism == "" {
		s.Mechanism = defaultMechanism(s.User, password, n.Server.ClientCert)
	}
	v.secret(&s.Password, s, "password", s.Mechanism == "PLAIN")
	if s.Mechanism == "EXTERNAL" {
		if n.Server.ClientCert == "" {
			v.bad(&s.Mechanism, "EXTERNAL authenticates with a TLS client certificate; set server.client_cert")
		}
		if password {
			v.bad(s, "EXTERNAL uses no password; remove password_env/password_file")
		}
	}
}

// secretGiven reports whether the file names where the secret s is kept.
func (v *validator) secretGiven(s *SecretRef) bool {
	return s != nil && (v.set(&s.Env) || v.set(&s.File))
}

// secret checks where the secret *ref is kept: in the environment variable
// of its WHAT_env key or in the file of its WHAT_file key, not both. what
// is "password" or "key". It leaves *ref nil unless one is given and, when
// required, reports a missing one at parent (the mapping it is read from)
// unless a problem about its keys was reported already.
func (v *validator) secret(ref **SecretRef, parent any, what string, required bool) {
	s := *ref
	env, file := s != nil && v.set(&s.Env), s != nil && v.set(&s.File)
	switch {
	case env && file:
		v.bad(&s.File, "give %s_env or %s_file, not both", what, what)
	case env:
		// Never echo the value: people do put the secret itself here.
		if !envRE.MatchString(s.Env) {
			v.bad(&s.Env, "not an environment variable name (letters, digits and _); give the name of the variable that holds the %s, not the %s itself", what, what)
		}
		s.key = v.pos(&s.Env).Key
	case file:
		if s.File == "" {
			v.bad(&s.File, "empty; give the path of a file holding only the %s", what)
		} else {
			v.secretFile(&s.File, s.File)
		}
		s.key = v.pos(&s.File).Key
	default:
		reported := v.pos(parent).Reported || v.pos(ref).Reported ||
			s != nil && (v.pos(&s.Env).Reported || v.pos(&s.File).Reported)
		if required && !reported {
			v.bad(parent, "missing %s; give %s_env: NAME (an environment variable) or %s_file: PATH", what, what, what)
		}
		*ref = nil
	}
}

// secretFile warns, at ptr, about the secret file path (a password, a
// key) when other users of this machine may read or change it: its group
// or others have permission bits, or it lies in a directory anyone may
// write to without the sticky bit (where anyone may replace it). A path
// that is not a regular file is left to reading the secret, which says why
// (CheckSecrets).
func (v *validator) secretFile(ptr any, path string) {
	if runtime.GOOS == "windows" {
		return // no such bits
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		v.warn(ptr, "%s may be read or changed by other users of this machine (mode %04o); chmod 600 it (PostgreSQL ignores a ~/.pgpass that is, ssh refuses such a key)", path, perm)
		return
	}
	dir := filepath.Dir(path)
	if di, err := os.Stat(dir); err == nil && di.Mode().Perm()&0o002 != 0 && di.Mode()&fs.ModeSticky == 0 {
		v.warn(ptr, "%s is in %s, which any user of this machine may write to (mode %04o), so anyone may replace it; keep secrets in a directory only you may write to", path, dir, di.Mode().Perm())
	}
}

// channels checks a network's channels and returns those with a usable
// name, each once, for the checks of bridges and feeds.
func (v *validator) channels(chans []Channel) []Channel {
	var out []Channel
	seen := map[string]int{} // folded name → line
	for i := range chans {
		ch := &chans[i]
		ok := v.channelName(&ch.Name)
		v.secret(&ch.Key, ch, "key", false)
		if ch.AnnounceLogs && !ch.Public {
			v.bad(&ch.AnnounceLogs, "the logs of a channel without public: true are never published, so there is nothing to announce; set public: true or remove announce_logs")
		}
		if !ok {
			continue
		}
		if first, dup := seen[FoldName(ch.Name)]; dup {
			v.bad(&ch.Name, "channel %s is listed twice (first on line %d)", ch.Name, first)
			continue
		}
		seen[FoldName(ch.Name)] = v.pos(&ch.Name).Line
		out = append(out, *ch)
	}
	return out
}

func (v *validator) channelName(s *string) bool {
	switch p := v.pos(s); {
	case p.Null:
		v.missing(s, "missing; an unquoted # starts a YAML comment, so quote channel names: \"#chan\"")
	case !p.Set:
		v.missing(s, "missing; the channel's name, e.g. name: \"#chan\"")
	case !ircname.ValidChannel(*s):
		hint := ""
		if *s != "" && !strings.ContainsRune(ircname.ChannelPrefixes, rune((*s)[0])) && ircname.ValidChannel("#"+*s) {
			hint = fmt.Sprintf(" (did you mean \"#%s\"?)", *s)
		}
		v.bad(s, "%q is not a channel name: it must start with #, &, + or ! and hold no spaces, commas or control characters%s", *s, hint)
	default:
		return true
	}
	return false
}

func (v *validator) relay(r *Relay) {
	if r.Nick == "" {
		v.missing(&r.Nick, "missing; the relay bot's nick")
	} else if !v.nick(&r.Nick) {
		r.Nick = ""
	}
	v.relayIdentity(r)
	if r.Pattern == nil {
		v.missing(&r.Pattern, `missing; a regular expression with the groups (?P<nick>…) and (?P<text>…), e.g. '^<(?P<nick>[^>]+)> (?P<text>.*)$'`)
		return
	}
	var missing []string
	for _, g := range []string{"nick", "text"} {
		if r.Pattern.SubexpIndex(g) < 0 {
			missing = append(missing, "(?P<"+g+">…)")
		}
	}
	if len(missing) > 0 {
		v.bad(&r.Pattern, "the pattern needs the named groups %s to say who spoke and what was said", strings.Join(missing, " and "))
	}
}

// relayIdentity checks what tells the relay bot from someone who took its
// nick: its hostmask (mask) and/or its services account (account).
func (v *validator) relayIdentity(r *Relay) {
	if !v.set(&r.Mask) && !v.set(&r.Account) {
		if !v.pos(&r.Account).Reported {
			v.missing(&r.Mask, "missing; a relay named by nick alone could be anyone, since anyone can take a nick: "+
				"add mask: %s!*@its.host.example (the relay bot's hostmask) and/or account: NAME (its services account)", cmp.Or(r.Nick, "relaybot"))
		}
		return
	}
	if v.set(&r.Mask) {
		m := r.Mask
		mnick, _, _ := strings.Cut(m, "!")
		switch {
		case !maskRE.MatchString(m):
			v.bad(&r.Mask, "%q is not a hostmask nick!user@host (wildcards * and ? allowed), e.g. relaybot!*@bridge.example.org", m)
		case MaskMatchesAnyHost(m):
			v.bad(&r.Mask, "%q %s, so anyone who takes the nick could pose as the relay; give the relay bot's host, e.g. %s!*@bridge.example.org", m, broadHosts(m), mnick)
		case r.Nick != "" && FoldName(mnick) != FoldName(r.Nick):
			v.bad(&r.Mask, "the nick part %q is not the relay's nick %q; write the nick out, e.g. %s!%s", mnick, r.Nick, r.Nick, m[len(mnick)+1:])
		}
	}
	if a := r.Account; v.set(&r.Account) && (a == "" || strings.ContainsAny(a, " \t,*?!@")) {
		v.bad(&r.Account, "%q is not a services account name (no spaces, wildcards, ! or @)", a)
	}
}

// channelRef resolves the reference at r ("network/#chan", or "#chan" when
// one network is configured) to a configured channel, as it is written
// there.
func (v *validator) channelRef(r *ChannelRef, c *Config) (ChannelRef, bool) {
	ref := *r
	switch {
	case ref == ChannelRef{}:
		return ref, false // unreadable, and reported so
	case ref.Network == "" && len(c.Networks) != 1:
		v.bad(r, "%q: with several networks, name the network too: \"network/%s\"", ref.Channel, ref.Channel)
		return ref, false
	case ref.Network == "":
		ref.Network = c.Networks[0].Name
	}
	for _, n := range c.Networks {
		if !strings.EqualFold(n.Name, ref.Network) {
			continue
		}
		if ch, ok := c.Channel(n.Name, ref.Channel); ok {
			return ChannelRef{Network: n.Name, Channel: ch.Name}, true
		}
		if len(c.Networks) == 1 {
			v.bad(r, "there is no channel %s under channels; add it there", ref.Channel)
		} else {
			v.bad(r, "network %s has no channel %s in this file; add it to that network's channels", n.Name, ref.Channel)
		}
		return ref, false
	}
	var names []string
	for _, n := range c.Networks {
		names = append(names, n.Name)
	}
	v.bad(r, "no network named %q (networks: %s)", ref.Network, strings.Join(names, ", "))
	return ref, false
}

// bridges resolves the channels of each bridge, which may be in one bridge
// only, and checks that no two bridges share a name. A bridge keeps the
// channels that resolve.
func (v *validator) bridges(c *Config) {
	inBridge := map[ChannelRef]int{} // folded ref → line
	names := map[string]int{}        // folded bridge name → line
	for i := range c.Bridges {
		b := &c.Bridges[i]
		if len(b.Channels) < 2 {
			v.bad(&b.Channels, "a bridge joins two or more channels; list them as \"network/#channel\"")
		}
		written := b.Channels
		b.Channels = nil
		for j := range written {
			r := &written[j]
			ref, ok := v.channelRef(r, c)
			if !ok {
				continue
			}
			k := ChannelRef{Network: strings.ToLower(ref.Network), Channel: FoldName(ref.Channel)}
			if first, dup := inBridge[k]; dup {
				v.bad(r, "%s is already bridged (line %d); a channel can be in one bridge only", ref, first)
				continue
			}
			inBridge[k] = v.pos(r).Line
			b.Channels = append(b.Channels, ref)
		}
		b.fillDefaults()
		if b.Name == "" {
			continue
		}
		if first, dup := names[FoldName(b.Name)]; dup {
			v.bad(&b.Name, "another bridge (line %d) is named %s too: the two would share one log; name them apart", first, b.Name)
		} else {
			names[FoldName(b.Name)] = v.pos(&b.Name).Line
		}
	}
}

func (v *validator) site(s *Site) {
	if s.Out == "" {
		s.Out = v.path(DefaultOut)
	}
	if s.Content == "" {
		s.Content = v.path(DefaultContent)
	}
	if !v.set(&s.Render) {
		s.Render = true
	}
	if s.BaseURL == nil {
		v.missing(&s.BaseURL, "missing; the address the site is published at, e.g. base_url: https://irc.example.org/")
	}
}

func (v *validator) feed(f *Feed, c *Config) {
	v.feedURL(f)
	v.feedTargets(f, c)
	f.FillDefaults()
	t, err := template.New(v.pos(&f.FormatText).Key).Option("missingkey=error").Parse(f.FormatText)
	if err != nil {
		v.bad(&f.FormatText, "not a valid template: %s", templatePrefix.ReplaceAllString(err.Error(), ""))
	} else {
		f.Format = t
	}
}

// feedURL checks a feed's http, https or file URL and makes a file URL's
// path absolute.
func (v *validator) feedURL(f *Feed) {
	if f.URL == "" {
		v.missing(&f.URL, "missing; the feed's address, e.g. url: https://example.org/feed.xml")
		return
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		v.bad(&f.URL, "not a URL: %v", err)
		return
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			v.bad(&f.URL, "%q has no host", f.URL)
		} else {
			f.URL = u.String()
		}
	case "file":
		if p := cmp.Or(u.Opaque, u.Path); p == "" {
			v.bad(&f.URL, "%q names no file", f.URL)
		} else {
			f.URL = (&url.URL{Scheme: "file", Path: v.path(p)}).String()
		}
	default:
		v.bad(&f.URL, "want an http://, https:// or file: URL, got %q", f.URL)
	}
}

// feedTargets resolves the channels a feed is announced in: those its
// channels key names, or every channel with announce: true.
func (v *validator) feedTargets(f *Feed, c *Config) {
	if f.Targets == nil {
		for _, n := range c.Networks {
			for _, ch := range n.Channels {
				if ch.Announce {
					f.Targets = append(f.Targets, ChannelRef{Network: n.Name, Channel: ch.Name})
					f.Channels = append(f.Channels, ch.Name)
				}
			}
		}
		return
	}
	written := f.Targets
	f.Targets, f.Channels = []ChannelRef{}, []string{}
	for i := range written {
		for _, ref := range v.feedTarget(&written[i], c) {
			f.Targets = append(f.Targets, ref)
			f.Channels = append(f.Channels, ref.Channel)
		}
	}
}

// feedTarget resolves one entry of a feed's channels. A bare "#chan" with
// several networks means the channel on every network that has it.
func (v *validator) feedTarget(r *ChannelRef, c *Config) []ChannelRef {
	if r.Network != "" || r.Channel == "" || len(c.Networks) < 2 {
		if ref, ok := v.channelRef(r, c); ok {
			return []ChannelRef{ref}
		}
		return nil
	}
	var refs []ChannelRef
	for _, n := range c.Networks {
		if ch, ok := c.Channel(n.Name, r.Channel); ok {
			refs = append(refs, ChannelRef{Network: n.Name, Channel: ch.Name})
		}
	}
	if len(refs) == 0 {
		v.bad(r, "no network has channel %s in this file; add it to a network's channels", r.Channel)
	}
	return refs
}

func (v *validator) commands(c *Commands) {
	if p := c.Prefix; v.set(&c.Prefix) && (p == "" || len(p) > 8 || strings.ContainsAny(p, " \t\r\n")) {
		v.bad(&c.Prefix, "want a short prefix without spaces like \"!\", got %q", p)
	}
}

// broadHosts says how a mask for which MaskMatchesAnyHost holds fails to
// name a host.
func broadHosts(mask string) string {
	if _, host, ok := strings.Cut(mask, "@"); ok && strings.Trim(host, "*?.:") != "" {
		return "matches far too many hosts (name a host, a domain such as *.example.org, or a cloak such as user/alice)"
	}
	return "matches every host"
}

// admin checks an entry of admins. An entry anyone can match (a bare nick,
// a mask whose host part is only wildcards) is kept, since the bot can run
// without it, but makes nobody an admin; it is warned about.
func (v *validator) admin(a *string) {
	if name, ok := strings.CutPrefix(*a, "account:"); ok {
		if name == "" || strings.ContainsAny(name, " \t,*?") {
			v.bad(a, "%q: write account: followed by the services account name, without spaces or wildcards", *a)
		}
		return
	}
	const instead = "write account:NAME (the services account) or a hostmask with the person's host, e.g. %s!*@host.example.org"
	switch {
	case nickRE.MatchString(*a):
		v.warn(a, "%q names only a nick, which anyone can take, so it makes nobody an admin; "+instead, *a, *a)
	case !maskRE.MatchString(*a):
		v.bad(a, "%q is neither account:NAME nor a hostmask nick!user@host (wildcards * and ? allowed)", *a)
	case MaskMatchesAnyHost(*a):
		nick, _, _ := strings.Cut(*a, "!")
		what := broadHosts(*a)
		if !strings.ContainsAny(nick, "*?") {
			what = "names only a nick, which anyone can take"
		} else {
			nick = "nick"
		}
		v.warn(a, "%q %s, so it makes nobody an admin; "+instead, *a, what, nick)
	}
}

func (v *validator) series(list []Series) {
	names := map[string]int{} // lower-case name → line
	for i := range list {
		s := &list[i]
		if s.Name == "" {
			v.missing(&s.Name, "missing; the series' title as it appears in post titles")
		} else if first, dup := names[strings.ToLower(s.Name)]; dup {
			v.bad(&s.Name, "series %q is listed twice (first on line %d)", s.Name, first)
		} else {
			names[strings.ToLower(s.Name)] = v.pos(&s.Name).Line
		}
		v.seriesParts(s.Parts)
	}
}

func (v *validator) seriesParts(parts []SeriesPart) {
	seen := map[int]int{} // part number → line
	for i := range parts {
		p := &parts[i]
		if p.N == 0 {
			v.missing(&p.N, "missing; the part's number, e.g. n: 1")
		} else if first, dup := seen[p.N]; dup {
			v.bad(&p.N, "part %d is listed twice (first on line %d)", p.N, first)
		} else {
			seen[p.N] = v.pos(&p.N).Line
		}
		if p.Title == "" {
			v.missing(&p.Title, "missing; the part's title")
		}
		if p.URL == "" {
			continue
		}
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.bad(&p.URL, "want an absolute http(s) URL, got %q", p.URL)
		}
	}
}

// hosts checks a list of host names, IP addresses and CIDR prefixes, and
// lower-cases the names.
func (v *validator) hosts(list []string) {
	for i, h := range list {
		if _, err := netip.ParsePrefix(h); err == nil || isAddr(h) {
			continue
		}
		if hostRE.MatchString(h) {
			list[i] = strings.ToLower(h)
		} else {
			v.bad(&list[i], "want a host name, IP address or CIDR prefix (e.g. 127.0.0.0/8), got %q", h)
		}
	}
}

func (v *validator) log(l *LogConfig) {
	if !v.set(&l.Format) {
		return
	}
	switch f := strings.ToLower(l.Format); f {
	case "text", "json":
		l.Format = f
	default:
		v.bad(&l.Format, "want text or json, got %q", l.Format)
	}
}

func (v *validator) statusAddr(addr *string) {
	if *addr == "" {
		return
	}
	host, port, err := net.SplitHostPort(*addr)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 || strings.ContainsAny(host, " /") {
		v.bad(addr, "want an address like 127.0.0.1:9102, got %q", *addr)
	}
}
