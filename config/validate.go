package config

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"proceedings/internal/ircname"
)

// validator turns the raw structs into a Config, filling defaults and
// recording every value that does not make sense.
type validator struct {
	probs *problems
	dir   string    // directory of the config file: the base of relative paths
	warns []Problem // weaknesses that do not stop the file from loading
	quiet bool      // report no missing keys (see networks)
}

func (v *validator) bad(p *pos, format string, args ...any) { v.probs.at(p, format, args...) }

// warn records a weakness of the file: it loads, and check prints it.
func (v *validator) warn(p *pos, format string, args ...any) {
	v.warns = append(v.warns, Problem{Line: p.Line, Key: p.Key, Msg: fmt.Sprintf(format, args...)})
}

// missing reports a required key that is absent, unless a problem about it
// was reported already.
func (v *validator) missing(p *pos, format string, args ...any) {
	if !p.Reported && !v.quiet {
		v.probs.at(p, format, args...)
	}
}

func given(p *pos) bool { return p.Set || p.Null }

func (v *validator) config(raw *rawConfig) *Config {
	c := Default()
	c.Networks = v.networks(raw)
	c.Bridges = v.bridges(&raw.Bridges, c)

	if raw.Archive.Set && raw.Archive.V != "" {
		c.Archive = v.path(raw.Archive.V)
		c.writes = append(c.writes, writePath{key: raw.Archive.Key, line: raw.Archive.Line, path: c.Archive})
	} else {
		v.missing(&raw.Archive.pos, "missing; the SQLite archive file, e.g. archive: data/archive.db")
	}
	v.site(&raw.Site, &c.Site)
	outLine := 0
	if raw.Site.Out.Set {
		outLine = raw.Site.Out.Line
	}
	c.writes = append(c.writes, writePath{key: "site.out", line: outLine, path: c.Site.Out, dir: true})
	for i := range raw.Feeds.V {
		c.Feeds = append(c.Feeds, v.feed(&raw.Feeds.V[i], c))
	}
	v.commands(&raw.Commands, &c.Commands)
	for i := range raw.Admins.V {
		if a, ok := v.admin(&raw.Admins.V[i]); ok {
			c.Admins = append(c.Admins, a)
		}
	}
	for i := range raw.OptOut.V {
		o := &raw.OptOut.V[i]
		if o.V == "" || strings.ContainsAny(o.V, " \t,") {
			v.bad(&o.pos, "want a nick or account name, got %q", o.V)
			continue
		}
		c.OptOut = append(c.OptOut, o.V)
	}
	if raw.NoLogPrefix.Set {
		c.NoLogPrefix = raw.NoLogPrefix.V
	}
	c.Series = v.series(&raw.Series)
	v.titles(&raw.Titles, &c.Titles)
	v.log(&raw.Log, &c.Log)
	if raw.StatusAddr.Set && raw.StatusAddr.V != "" {
		host, port, err := net.SplitHostPort(raw.StatusAddr.V)
		if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 || strings.ContainsAny(host, " /") {
			v.bad(&raw.StatusAddr.pos, "want an address like 127.0.0.1:9102, got %q", raw.StatusAddr.V)
		} else {
			c.StatusAddr = raw.StatusAddr.V
		}
	}
	c.Warnings = v.warns
	return c
}

// path makes a path from the file absolute, relative to the file's directory.
func (v *validator) path(p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(v.dir, p)
}

// singleKeys are the top-level keys of the single-network form.
func singleKeys(raw *rawConfig) []*pos {
	return []*pos{&raw.Server.pos, &raw.Nick.pos, &raw.AltNicks.pos, &raw.User.pos, &raw.RealName.pos,
		&raw.SASL.pos, &raw.NickServ.pos, &raw.Network.pos, &raw.Channels.pos, &raw.Relays.pos}
}

// singleNetwork is the network of the single-network form's top-level keys.
func singleNetwork(raw *rawConfig) *rawNetwork {
	return &rawNetwork{
		pos: raw.pos, Server: raw.Server, Nick: raw.Nick, AltNicks: raw.AltNicks, User: raw.User,
		RealName: raw.RealName, SASL: raw.SASL, NickServ: raw.NickServ, Channels: raw.Channels, Relays: raw.Relays,
	}
}

func (v *validator) networks(raw *rawConfig) []Network {
	var nets []Network
	if given(&raw.Networks.pos) {
		var found []string
		for _, p := range singleKeys(raw) {
			if given(p) {
				found = append(found, fmt.Sprintf("%s (line %d)", p.Key, p.Line))
			}
		}
		if len(found) > 0 {
			v.bad(&raw.Networks.pos, "cannot be combined with the single-network keys at the top level: %s; move them into an entry of networks", strings.Join(found, ", "))
			// What is wrong in those keys is reported too, so that moving
			// them does not reveal new problems; not what they lack.
			v.quiet = true
			v.network(singleNetwork(raw), &raw.Network)
			v.quiet = false
		}
		if len(raw.Networks.V) == 0 {
			v.bad(&raw.Networks.pos, "empty; add at least one network (- name: libera, server: {host: irc.libera.chat}, nick: …)")
		}
		for i := range raw.Networks.V {
			nets = append(nets, v.network(&raw.Networks.V[i], &raw.Networks.V[i].Name))
		}
	} else {
		nets = append(nets, v.network(singleNetwork(raw), &raw.Network))
	}
	seen := map[string]*pos{}
	for i := range nets {
		var p *pos
		if given(&raw.Networks.pos) {
			p = &raw.Networks.V[i].pos
		} else {
			p = &raw.pos
		}
		k := strings.ToLower(nets[i].Name)
		if first, dup := seen[k]; dup && k != "" {
			v.bad(p, "network name %q is used twice (first on line %d); give each network its own name", nets[i].Name, first.Line)
		}
		seen[k] = p
	}
	return nets
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

func (v *validator) nick(s *str, what string) (string, bool) {
	if !nickRE.MatchString(s.V) || len(s.V) > 64 {
		v.bad(&s.pos, "%q is not a valid %s (letters, digits and -[]\\^_`{|}, not starting with a digit or -)", s.V, what)
		return "", false
	}
	return s.V, true
}

func (v *validator) network(rn *rawNetwork, name *str) Network {
	n := Network{}
	rs := &rn.Server
	// Server.
	if !rs.Host.Set || rs.Host.V == "" {
		v.missing(&rs.Host.pos, "missing; the IRC server's host name, e.g. host: irc.libera.chat")
	} else if h := rs.Host.V; strings.Contains(h, "://") {
		v.bad(&rs.Host.pos, "%q: write only the host name, without a scheme (tls and port are separate keys)", h)
	} else if _, err := netip.ParseAddr(h); err != nil && !hostRE.MatchString(h) {
		if i := strings.LastIndexByte(h, ':'); i > 0 && digitsRE.MatchString(h[i+1:]) {
			v.bad(&rs.Host.pos, "%q: put the port in server.port, not in the host name", h)
		} else {
			v.bad(&rs.Host.pos, "%q is not a host name or IP address", h)
		}
	} else {
		n.Server.Host = h
	}
	n.Server.TLS = !rs.TLS.Set || rs.TLS.V
	n.Server.Port = 6667
	if n.Server.TLS {
		n.Server.Port = 6697
	}
	if rs.Port.Set {
		if rs.Port.V < 1 || rs.Port.V > 65535 {
			v.bad(&rs.Port.pos, "want a number 1–65535, got %d", rs.Port.V)
		} else {
			n.Server.Port = int(rs.Port.V)
		}
	}
	n.Server.TLSInsecure = rs.TLSInsecure.V
	if rs.TLSInsecure.V && !n.Server.TLS {
		v.bad(&rs.TLSInsecure.pos, "has no effect with tls: false; remove it")
	}
	n.Server.Password = v.secret(&rs.pos, &rs.PasswordEnv, &rs.PasswordFile, "password", false)
	if rs.ClientCert.Set && rs.ClientCert.V != "" {
		n.Server.ClientCert = v.path(rs.ClientCert.V)
		n.Server.ClientKey = n.Server.ClientCert
		if !n.Server.TLS {
			v.bad(&rs.ClientCert.pos, "a client certificate needs tls: true")
		}
	}
	if rs.ClientKey.Set && rs.ClientKey.V != "" {
		if n.Server.ClientCert == "" {
			v.bad(&rs.ClientKey.pos, "client_key without client_cert; give both (or client_cert alone when the file holds both)")
		} else {
			n.Server.ClientKey = v.path(rs.ClientKey.V)
		}
	}

	// Name.
	switch {
	case name.Set && name.V != "":
		if !netRE.MatchString(name.V) || len(name.V) > 64 {
			v.bad(&name.pos, "%q is not a usable network name (letters, digits, . _ -; no / or spaces)", name.V)
		} else if strings.EqualFold(name.V, ReservedNetwork) {
			v.bad(&name.pos, "%q is reserved for the merged logs of bridges; give the network another name", name.V)
		} else {
			n.Name = name.V
		}
	default:
		n.Name = rs.Host.V // when the host is bad, that is reported already
	}

	// Identity.
	if !rn.Nick.Set || rn.Nick.V == "" {
		v.missing(&rn.Nick.pos, "missing; the bot's nick, e.g. nick: proceedings")
	} else if nick, ok := v.nick(&rn.Nick, "nick"); ok {
		n.Nick = nick
	}
	if rn.AltNicks.Set {
		n.AltNicks = []string{}
		for i := range rn.AltNicks.V {
			if a, ok := v.nick(&rn.AltNicks.V[i], "nick"); ok {
				n.AltNicks = append(n.AltNicks, a)
			}
		}
	} else if n.Nick != "" {
		n.AltNicks = []string{n.Nick + "_", n.Nick + "__"}
	}
	n.User = n.Nick
	if rn.User.Set {
		if !userRE.MatchString(rn.User.V) {
			v.bad(&rn.User.pos, "%q is not a valid user name (no spaces, @, ! or :)", rn.User.V)
		} else {
			n.User = rn.User.V
		}
	}
	n.RealName = DefaultRealName
	if rn.RealName.Set && rn.RealName.V != "" {
		n.RealName = rn.RealName.V
	}

	// Authentication.
	if rn.SASL.Set {
		n.SASL = v.sasl(&rn.SASL, &n)
	}
	if rn.NickServ.Set {
		n.NickServ = v.secret(&rn.NickServ.pos, &rn.NickServ.PasswordEnv, &rn.NickServ.PasswordFile, "password", true)
	}

	// Channels.
	seen := map[string]int{}
	for i := range rn.Channels.V {
		rc := &rn.Channels.V[i]
		ch, ok := v.channel(rc)
		if !ok {
			continue
		}
		if first, dup := seen[FoldName(ch.Name)]; dup {
			v.bad(&rc.Name.pos, "channel %s is listed twice (first on line %d)", ch.Name, first)
			continue
		}
		seen[FoldName(ch.Name)] = rc.Name.Line
		n.Channels = append(n.Channels, ch)
	}
	for i := range rn.Relays.V {
		if r, ok := v.relay(&rn.Relays.V[i]); ok {
			n.Relays = append(n.Relays, r)
		}
	}
	return n
}

func (v *validator) sasl(rs *rawSASL, n *Network) *SASL {
	s := &SASL{}
	mech := strings.ToUpper(rs.Mechanism.V)
	switch {
	case rs.Mechanism.Set && mech != "PLAIN" && mech != "EXTERNAL":
		v.bad(&rs.Mechanism.pos, "want PLAIN or EXTERNAL, got %q", rs.Mechanism.V)
		return nil
	case !rs.Mechanism.Set:
		mech = "PLAIN"
		if !rs.User.Set && !rs.PasswordEnv.Set && !rs.PasswordFile.Set && n.Server.ClientCert != "" {
			mech = "EXTERNAL"
		}
	}
	s.Mechanism = mech
	switch mech {
	case "PLAIN":
		s.User = n.Nick
		if rs.User.Set && rs.User.V != "" {
			s.User = rs.User.V
		}
		s.Password = v.secret(&rs.pos, &rs.PasswordEnv, &rs.PasswordFile, "password", true)
	case "EXTERNAL":
		if n.Server.ClientCert == "" {
			v.bad(&rs.Mechanism.pos, "EXTERNAL authenticates with a TLS client certificate; set server.client_cert")
		}
		if rs.PasswordEnv.Set || rs.PasswordFile.Set {
			v.bad(&rs.pos, "EXTERNAL uses no password; remove password_env/password_file")
		}
		if rs.User.Set {
			s.User = rs.User.V
		}
	}
	return s
}

// secret validates an env/file pair. what names the secret in messages
// ("password" or "key"); required reports a missing pair.
func (v *validator) secret(parent *pos, env, file *str, what string, required bool) *SecretRef {
	switch {
	case env.Set && file.Set:
		v.bad(&file.pos, "give %s_env or %s_file, not both", what, what)
		return nil
	case env.Set:
		// Never echo the value: people do put the secret itself here.
		if !envRE.MatchString(env.V) {
			v.bad(&env.pos, "not an environment variable name (letters, digits and _); give the name of the variable that holds the %s, not the %s itself", what, what)
			return nil
		}
		return &SecretRef{Env: env.V, key: env.Key}
	case file.Set:
		if file.V == "" {
			v.bad(&file.pos, "empty; give the path of a file holding only the %s", what)
			return nil
		}
		return &SecretRef{File: v.path(file.V), key: file.Key}
	case required && !parent.Reported && !env.Reported && !file.Reported:
		v.bad(parent, "missing %s; give %s_env: NAME (an environment variable) or %s_file: PATH", what, what, what)
	}
	return nil
}

func (v *validator) channelName(s *str) (string, bool) {
	switch {
	case !s.Set:
		if s.Null {
			v.missing(&s.pos, "missing; an unquoted # starts a YAML comment, so quote channel names: \"#chan\"")
		} else {
			v.missing(&s.pos, "missing; the channel's name, e.g. name: \"#chan\"")
		}
		return "", false
	case !ircname.ValidChannel(s.V):
		hint := ""
		if s.V != "" && !strings.ContainsRune(ircname.ChannelPrefixes, rune(s.V[0])) && ircname.ValidChannel("#"+s.V) {
			hint = fmt.Sprintf(" (did you mean \"#%s\"?)", s.V)
		}
		v.bad(&s.pos, "%q is not a channel name: it must start with #, &, + or ! and hold no spaces, commas or control characters%s", s.V, hint)
		return "", false
	}
	return s.V, true
}

func (v *validator) channel(rc *rawChannel) (Channel, bool) {
	name, ok := v.channelName(&rc.Name)
	ch := Channel{
		Name:         name,
		Public:       rc.Public.V,
		Announce:     rc.Announce.V,
		AnnounceLogs: rc.AnnounceLogs.V,
		Titles:       rc.Titles.V,
		NoIndex:      rc.NoIndex.V,
		Description:  rc.Description.V,
	}
	ch.Key = v.secret(&rc.pos, &rc.KeyEnv, &rc.KeyFile, "key", false)
	if ch.AnnounceLogs && !ch.Public {
		v.bad(&rc.AnnounceLogs.pos, "the logs of a channel without public: true are never published, so there is nothing to announce; set public: true or remove announce_logs")
	}
	return ch, ok
}

func (v *validator) relay(rr *rawRelay) (Relay, bool) {
	r := Relay{}
	ok := true
	if !rr.Nick.Set || rr.Nick.V == "" {
		v.missing(&rr.Nick.pos, "missing; the relay bot's nick")
		ok = false
	} else if r.Nick, ok = v.nick(&rr.Nick, "nick"); !ok {
		ok = false
	}
	if !v.relayIdentity(rr, &r) {
		ok = false
	}
	if !rr.Pattern.Set || rr.Pattern.V == "" {
		v.missing(&rr.Pattern.pos, `missing; a regular expression with the groups (?P<nick>…) and (?P<text>…), e.g. '^<(?P<nick>[^>]+)> (?P<text>.*)$'`)
		return r, false
	}
	re, err := regexp.Compile(rr.Pattern.V)
	if err != nil {
		v.bad(&rr.Pattern.pos, "not a valid regular expression: %v", err)
		return r, false
	}
	var missing []string
	for _, g := range []string{"nick", "text"} {
		if re.SubexpIndex(g) < 0 {
			missing = append(missing, "(?P<"+g+">…)")
		}
	}
	if len(missing) > 0 {
		v.bad(&rr.Pattern.pos, "the pattern needs the named groups %s to say who spoke and what was said", strings.Join(missing, " and "))
		return r, false
	}
	r.Pattern = re
	return r, ok
}

// relayIdentity validates what tells the relay bot from someone who took
// its nick: its hostmask (mask) and/or its services account (account).
func (v *validator) relayIdentity(rr *rawRelay, r *Relay) bool {
	ok := true
	if !rr.Mask.Set && !rr.Account.Set {
		if !rr.Account.Reported {
			nick := "relaybot"
			if r.Nick != "" {
				nick = r.Nick
			}
			v.missing(&rr.Mask.pos, "missing; a relay named by nick alone could be anyone, since anyone can take a nick: "+
				"add mask: %s!*@its.host.example (the relay bot's hostmask) and/or account: NAME (its services account)", nick)
		}
		return false
	}
	if rr.Mask.Set {
		m := rr.Mask.V
		mnick, _, _ := strings.Cut(m, "!")
		switch {
		case !maskRE.MatchString(m):
			v.bad(&rr.Mask.pos, "%q is not a hostmask nick!user@host (wildcards * and ? allowed), e.g. relaybot!*@bridge.example.org", m)
			ok = false
		case MaskMatchesAnyHost(m):
			v.bad(&rr.Mask.pos, "%q %s, so anyone who takes the nick could pose as the relay; give the relay bot's host, e.g. %s!*@bridge.example.org", m, broadHosts(m), mnick)
			ok = false
		case r.Nick != "" && FoldName(mnick) != FoldName(r.Nick):
			v.bad(&rr.Mask.pos, "the nick part %q is not the relay's nick %q; write the nick out, e.g. %s!%s", mnick, r.Nick, r.Nick, m[len(mnick)+1:])
			ok = false
		default:
			r.Mask = m
		}
	}
	if rr.Account.Set {
		if a := rr.Account.V; a == "" || strings.ContainsAny(a, " \t,*?!@") {
			v.bad(&rr.Account.pos, "%q is not a services account name (no spaces, wildcards, ! or @)", a)
			ok = false
		} else {
			r.Account = a
		}
	}
	return ok
}

// channelRef resolves "network/#chan", or "#chan" when one network is
// configured, to a configured channel.
func (v *validator) channelRef(s *str, c *Config) (ChannelRef, bool) {
	text := s.V
	var ref ChannelRef
	if text != "" && strings.ContainsRune("#&+!", rune(text[0])) {
		if len(c.Networks) != 1 {
			v.bad(&s.pos, "%q: with several networks, name the network too: \"network/%s\"", text, text)
			return ref, false
		}
		ref = ChannelRef{Network: c.Networks[0].Name, Channel: text}
	} else {
		net, ch, ok := strings.Cut(text, "/")
		if !ok || !ircname.ValidChannel(ch) {
			v.bad(&s.pos, "want \"network/#channel\", got %q", text)
			return ref, false
		}
		ref = ChannelRef{Network: net, Channel: ch}
	}
	for _, n := range c.Networks {
		if !strings.EqualFold(n.Name, ref.Network) {
			continue
		}
		for _, ch := range n.Channels {
			if FoldName(ch.Name) == FoldName(ref.Channel) {
				return ChannelRef{Network: n.Name, Channel: ch.Name}, true
			}
		}
		if len(c.Networks) == 1 {
			v.bad(&s.pos, "there is no channel %s under channels; add it there", ref.Channel)
		} else {
			v.bad(&s.pos, "network %s has no channel %s in this file; add it to that network's channels", n.Name, ref.Channel)
		}
		return ref, false
	}
	var names []string
	for _, n := range c.Networks {
		names = append(names, n.Name)
	}
	v.bad(&s.pos, "no network named %q (networks: %s)", ref.Network, strings.Join(names, ", "))
	return ref, false
}

func (v *validator) bridges(rb *list[rawBridge], c *Config) []Bridge {
	var out []Bridge
	inBridge := map[ChannelRef]int{} // folded ref → line
	names := map[string]int{}        // folded bridge name → line
	for i := range rb.V {
		r := &rb.V[i]
		b := Bridge{Window: v.duration(&r.Window, DefaultBridgeWindow, 0, "10s")}
		if len(r.Channels.V) < 2 {
			v.bad(&r.Channels.pos, "a bridge joins two or more channels; list them as \"network/#channel\"")
		}
		ok := true
		for j := range r.Channels.V {
			s := &r.Channels.V[j]
			ref, found := v.channelRef(s, c)
			if !found {
				ok = false
				continue
			}
			k := ChannelRef{Network: strings.ToLower(ref.Network), Channel: FoldName(ref.Channel)}
			if first, dup := inBridge[k]; dup {
				v.bad(&s.pos, "%s is already bridged (line %d); a channel can be in one bridge only", ref, first)
				ok = false
				continue
			}
			inBridge[k] = s.Line
			b.Channels = append(b.Channels, ref)
		}
		b.Name = r.Name.V
		if b.Name == "" && len(b.Channels) > 0 {
			b.Name = b.Channels[0].Channel
		}
		if b.Name != "" {
			if first, dup := names[FoldName(b.Name)]; dup {
				v.bad(&r.Name.pos, "another bridge (line %d) is named %s too: the two would share one log; name them apart", first, b.Name)
				ok = false
			} else {
				names[FoldName(b.Name)] = r.Name.Line
			}
		}
		if ok && len(b.Channels) >= 2 {
			out = append(out, b)
		}
	}
	return out
}

// duration parses a duration key: def when absent, at least least.
func (v *validator) duration(s *str, def, least time.Duration, example string) time.Duration {
	if !s.Set {
		return def
	}
	d, err := time.ParseDuration(s.V)
	if err != nil {
		if digitsRE.MatchString(s.V) {
			v.bad(&s.pos, "want a duration like %s, got %s: add a unit (s, m or h), e.g. %ss", example, s.V, s.V)
		} else {
			v.bad(&s.pos, "want a duration like %s (units ms, s, m, h), got %q", example, s.V)
		}
		return def
	}
	if d < least {
		if least == 0 {
			v.bad(&s.pos, "must not be negative, got %s", s.V)
		} else {
			v.bad(&s.pos, "must be at least %s, got %s", least, s.V)
		}
		return def
	}
	return d
}

func (v *validator) site(rs *rawSite, s *Site) {
	s.Out = v.path(DefaultOut)
	if rs.Out.Set && rs.Out.V != "" {
		s.Out = v.path(rs.Out.V)
	}
	s.Content = v.path(DefaultContent)
	if rs.Content.Set && rs.Content.V != "" {
		s.Content = v.path(rs.Content.V)
	}
	if rs.Title.Set && rs.Title.V != "" {
		s.Title = rs.Title.V
	}
	if !rs.BaseURL.Set || rs.BaseURL.V == "" {
		v.missing(&rs.BaseURL.pos, "missing; the address the site is published at, e.g. base_url: https://irc.example.org/")
	} else if u, err := url.Parse(rs.BaseURL.V); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		v.bad(&rs.BaseURL.pos, "want an absolute http:// or https:// URL without query or fragment, e.g. https://irc.example.org/, got %q", rs.BaseURL.V)
	} else {
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
			if u.RawPath != "" {
				u.RawPath += "/"
			}
		}
		s.BaseURL = u
	}
	if rs.Timezone.Set && rs.Timezone.V != "" {
		tz := rs.Timezone.V
		loc, err := time.LoadLocation(tz)
		switch {
		case tz == "Local":
			v.bad(&rs.Timezone.pos, "name the zone (e.g. Europe/London) rather than Local, so that days do not move with the machine")
		case err != nil:
			hint := ""
			if s := closest(tz, zoneNames()); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			v.bad(&rs.Timezone.pos, "unknown time zone %q%s; use an IANA name such as Europe/London or UTC", tz, hint)
		default:
			s.Location = loc
		}
	}
	s.RenderInterval = v.duration(&rs.RenderInterval, DefaultRenderInterval, time.Second, "5m")
	s.ShowHosts = rs.ShowHosts.V
}

// zoneNames lists the IANA zone names known to the system, for suggestions.
var zoneNames = sync.OnceValue(func() []string {
	names := []string{"UTC"}
	f, err := os.Open("/usr/share/zoneinfo/tzdata.zi")
	if err != nil {
		return names
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) >= 2 && fs[0] == "Z":
			names = append(names, fs[1])
		case len(fs) >= 3 && fs[0] == "L":
			names = append(names, fs[2])
		}
	}
	return names
})

func (v *validator) feed(rf *rawFeed, c *Config) Feed {
	f := Feed{FormatText: DefaultFeedFormat, MaxBurst: DefaultMaxBurst}
	if !rf.URL.Set || rf.URL.V == "" {
		v.missing(&rf.URL.pos, "missing; the feed's address, e.g. url: https://example.org/feed.xml")
	} else if u, err := url.Parse(rf.URL.V); err != nil {
		v.bad(&rf.URL.pos, "not a URL: %v", err)
	} else {
		switch u.Scheme {
		case "http", "https":
			if u.Host == "" {
				v.bad(&rf.URL.pos, "%q has no host", rf.URL.V)
			} else {
				f.URL = u.String()
			}
		case "file":
			p := u.Path
			if u.Opaque != "" {
				p = u.Opaque
			}
			if p == "" {
				v.bad(&rf.URL.pos, "%q names no file", rf.URL.V)
			} else {
				f.URL = (&url.URL{Scheme: "file", Path: v.path(p)}).String()
			}
		default:
			v.bad(&rf.URL.pos, "want an http://, https:// or file: URL, got %q", rf.URL.V)
		}
	}
	f.Interval = v.duration(&rf.Interval, DefaultFeedInterval, time.Second, "5m")
	if rf.Channels.Set {
		f.Channels, f.Targets = []string{}, []ChannelRef{}
		for i := range rf.Channels.V {
			s := &rf.Channels.V[i]
			var refs []ChannelRef
			if s.V != "" && strings.ContainsRune("#&+!", rune(s.V[0])) && len(c.Networks) > 1 {
				// A bare name in the multi-network form: every network that has it.
				for _, n := range c.Networks {
					if ch, ok := c.Channel(n.Name, s.V); ok {
						refs = append(refs, ChannelRef{Network: n.Name, Channel: ch.Name})
					}
				}
				if len(refs) == 0 {
					v.bad(&s.pos, "no network has channel %s in this file; add it to a network's channels", s.V)
				}
			} else if ref, ok := v.channelRef(s, c); ok {
				refs = append(refs, ref)
			}
			for _, r := range refs {
				f.Targets = append(f.Targets, r)
				f.Channels = append(f.Channels, r.Channel)
			}
		}
	} else {
		for _, n := range c.Networks {
			for _, ch := range n.Channels {
				if ch.Announce {
					f.Targets = append(f.Targets, ChannelRef{Network: n.Name, Channel: ch.Name})
					f.Channels = append(f.Channels, ch.Name)
				}
			}
		}
	}
	if rf.Format.Set {
		f.FormatText = rf.Format.V
	}
	t, err := template.New(rf.Format.Key).Option("missingkey=error").Parse(f.FormatText)
	if err != nil {
		v.bad(&rf.Format.pos, "not a valid template: %s", templatePrefix.ReplaceAllString(err.Error(), ""))
	} else {
		f.Format = t
	}
	if rf.AnnounceBacklog.Set {
		if rf.AnnounceBacklog.V < 0 || rf.AnnounceBacklog.V > 1000 {
			v.bad(&rf.AnnounceBacklog.pos, "want a number 0–1000, got %d", rf.AnnounceBacklog.V)
		} else {
			f.AnnounceBacklog = int(rf.AnnounceBacklog.V)
		}
	}
	if rf.MaxBurst.Set {
		if rf.MaxBurst.V < 1 || rf.MaxBurst.V > 100 {
			v.bad(&rf.MaxBurst.pos, "want a number 1–100, got %d", rf.MaxBurst.V)
		} else {
			f.MaxBurst = int(rf.MaxBurst.V)
		}
	}
	return f
}

func (v *validator) commands(rc *rawCommands, c *Commands) {
	if rc.Prefix.Set {
		if p := rc.Prefix.V; p == "" || len(p) > 8 || strings.ContainsAny(p, " \t\r\n") {
			v.bad(&rc.Prefix.pos, "want a short prefix without spaces like \"!\", got %q", p)
		} else {
			c.Prefix = p
		}
	}
	c.PerUser = v.rate(&rc.Rate.PerUser, DefaultPerUser)
	c.PerChannel = v.rate(&rc.Rate.PerChannel, DefaultPerChannel)
	c.Output = v.rate(&rc.Rate.Output, DefaultOutput)
	if rc.SearchResults.Set {
		if n := rc.SearchResults.V; n < 1 || n > 10 {
			v.bad(&rc.SearchResults.pos, "want a number 1–10, got %d", n)
		} else {
			c.SearchResults = int(n)
		}
	}
}

// rate parses "N/DURATION" ("3/10s"; "5/m" means 5 a minute).
func (v *validator) rate(s *str, def Rate) Rate {
	if !s.Set {
		return def
	}
	ns, ds, ok := strings.Cut(strings.TrimSpace(s.V), "/")
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	ds = strings.TrimSpace(ds)
	if ds != "" && !strings.ContainsAny(ds[:1], "0123456789.") {
		ds = "1" + ds
	}
	d, derr := time.ParseDuration(ds)
	if !ok || err != nil || derr != nil || n < 1 || d <= 0 {
		v.bad(&s.pos, "want a rate like 3/10s (at most 3 commands every 10 seconds), got %q", s.V)
		return def
	}
	return Rate{N: n, Per: d}
}

// admin validates an entry of admins. An entry anyone can match (a bare
// nick, a mask whose host part is only wildcards) is kept, since the bot
// can run without it, but makes nobody an admin; it is warned about.
// broadHosts says how a mask for which MaskMatchesAnyHost holds fails to
// name a host.
func broadHosts(mask string) string {
	if _, host, ok := strings.Cut(mask, "@"); ok && strings.Trim(host, "*?.:") != "" {
		return "matches far too many hosts (name a host, a domain such as *.example.org, or a cloak such as user/alice)"
	}
	return "matches every host"
}

func (v *validator) admin(a *str) (string, bool) {
	if name, ok := strings.CutPrefix(a.V, "account:"); ok {
		if name == "" || strings.ContainsAny(name, " \t,*?") {
			v.bad(&a.pos, "%q: write account: followed by the services account name, without spaces or wildcards", a.V)
			return "", false
		}
		return a.V, true
	}
	const instead = "write account:NAME (the services account) or a hostmask with the person's host, e.g. %s!*@host.example.org"
	switch {
	case nickRE.MatchString(a.V):
		v.warn(&a.pos, "%q names only a nick, which anyone can take, so it makes nobody an admin; "+instead, a.V, a.V)
	case !maskRE.MatchString(a.V):
		v.bad(&a.pos, "%q is neither account:NAME nor a hostmask nick!user@host (wildcards * and ? allowed)", a.V)
		return "", false
	case MaskMatchesAnyHost(a.V):
		nick, _, _ := strings.Cut(a.V, "!")
		what := broadHosts(a.V)
		if !strings.ContainsAny(nick, "*?") {
			what = "names only a nick, which anyone can take"
		} else {
			nick = "nick"
		}
		v.warn(&a.pos, "%q %s, so it makes nobody an admin; "+instead, a.V, what, nick)
	}
	return a.V, true
}

func (v *validator) series(rs *list[rawSeries]) []Series {
	var out []Series
	names := map[string]int{}
	for i := range rs.V {
		r := &rs.V[i]
		s := Series{Name: r.Name.V}
		if !r.Name.Set || r.Name.V == "" {
			v.missing(&r.Name.pos, "missing; the series' title as it appears in post titles")
		} else if first, dup := names[strings.ToLower(r.Name.V)]; dup {
			v.bad(&r.Name.pos, "series %q is listed twice (first on line %d)", r.Name.V, first)
		} else {
			names[strings.ToLower(r.Name.V)] = r.Name.Line
		}
		parts := map[int64]int{}
		for j := range r.Parts.V {
			rp := &r.Parts.V[j]
			p := SeriesPart{Title: rp.Title.V}
			ok := true
			switch {
			case !rp.N.Set:
				v.missing(&rp.N.pos, "missing; the part's number, e.g. n: 1")
				ok = false
			case rp.N.V < 1 || rp.N.V > 1_000_000:
				v.bad(&rp.N.pos, "want a part number 1 or more, got %d", rp.N.V)
				ok = false
			default:
				if first, dup := parts[rp.N.V]; dup {
					v.bad(&rp.N.pos, "part %d is listed twice (first on line %d)", rp.N.V, first)
					ok = false
				}
				parts[rp.N.V] = rp.N.Line
				p.N = int(rp.N.V)
			}
			if !rp.Title.Set || rp.Title.V == "" {
				v.missing(&rp.Title.pos, "missing; the part's title")
				ok = false
			}
			if rp.URL.Set && rp.URL.V != "" {
				if u, err := url.Parse(rp.URL.V); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					v.bad(&rp.URL.pos, "want an absolute http(s) URL, got %q", rp.URL.V)
					ok = false
				} else {
					p.URL = rp.URL.V
				}
			}
			if ok {
				s.Parts = append(s.Parts, p)
			}
		}
		out = append(out, s)
	}
	return out
}

func (v *validator) hosts(l *list[str]) []string {
	var out []string
	for i := range l.V {
		h := &l.V[i]
		if _, err := netip.ParsePrefix(h.V); err == nil {
			out = append(out, h.V)
		} else if _, err := netip.ParseAddr(h.V); err == nil {
			out = append(out, h.V)
		} else if hostRE.MatchString(h.V) {
			out = append(out, strings.ToLower(h.V))
		} else {
			v.bad(&h.pos, "want a host name, IP address or CIDR prefix (e.g. 127.0.0.0/8), got %q", h.V)
		}
	}
	return out
}

func (v *validator) titles(rt *rawTitles, t *Titles) {
	t.Timeout = v.duration(&rt.Timeout, DefaultTitleTimeout, time.Millisecond, "5s")
	if rt.MaxBytes.Set {
		if n := rt.MaxBytes.V; n < 1024 || n > 64<<20 {
			v.bad(&rt.MaxBytes.pos, "want a number of bytes from 1024 to 67108864, got %d", n)
		} else {
			t.MaxBytes = int(n)
		}
	}
	t.BlockedHosts = v.hosts(&rt.BlockedHosts)
	t.AllowHosts = v.hosts(&rt.AllowHosts)
}

func (v *validator) log(rl *rawLog, l *LogConfig) {
	if rl.Format.Set {
		switch f := strings.ToLower(rl.Format.V); f {
		case "text", "json":
			l.Format = f
		default:
			v.bad(&rl.Format.pos, "want text or json, got %q", rl.Format.V)
		}
	}
	if rl.Level.Set {
		var lv slog.Level
		if err := lv.UnmarshalText([]byte(rl.Level.V)); err != nil {
			v.bad(&rl.Level.pos, "want debug, info, warn or error, got %q", rl.Level.V)
		} else {
			l.Level = lv
		}
	}
}
