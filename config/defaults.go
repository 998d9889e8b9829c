package config

import "time"

// Defaults, documented in bot.yaml.
const (
	DefaultRealName       = "proceedings IRC logger"
	DefaultNoLogPrefix    = "[off]"
	DefaultPrefix         = "!"
	DefaultSearchResults  = 3
	DefaultTitle          = "IRC Proceedings"
	DefaultOut            = "public"
	DefaultContent        = "content"
	DefaultRenderInterval = 5 * time.Minute
	DefaultFeedInterval   = 5 * time.Minute
	DefaultFeedFormat     = "{{.Title}} — {{.Link}}"
	DefaultMaxBurst       = 3
	DefaultBridgeWindow   = 10 * time.Second
	DefaultTitleTimeout   = 5 * time.Second
	DefaultTitleMaxBytes  = 512 << 10
	DefaultLogFormat      = "text"
)

var (
	DefaultPerUser    = Rate{N: 3, Per: 10 * time.Second}
	DefaultPerChannel = Rate{N: 10, Per: 10 * time.Second}
	DefaultOutput     = Rate{N: 5, Per: 7500 * time.Millisecond}
)

// Default returns the configuration used without a file (by demo): no
// networks, no feeds, and every other default filled in. Archive, Site.Out,
// Site.Content and Site.BaseURL are left for the caller to set.
func Default() *Config {
	c := &Config{NoLogPrefix: DefaultNoLogPrefix}
	c.FillDefaults()
	return c
}

// FillDefaults sets each field that is at its zero value and has a default
// to that default. Load and Parse return a Config filled in already; code
// that builds one by hand calls this. A zero that means something of its
// own is kept: a false Server.TLS, an empty NoLogPrefix, an empty (not nil)
// AltNicks or Feed.Targets.
func (c *Config) FillDefaults() {
	for i := range c.Networks {
		c.Networks[i].fillDefaults()
	}
	for i := range c.Bridges {
		c.Bridges[i].fillDefaults()
	}
	c.Site.fillDefaults()
	for i := range c.Feeds {
		c.Feeds[i].FillDefaults()
	}
	c.Commands.fillDefaults()
	c.Titles.FillDefaults()
	if c.Log.Format == "" {
		c.Log.Format = DefaultLogFormat
	}
}

func (n *Network) fillDefaults() {
	s := &n.Server
	if s.Port == 0 {
		s.Port = 6667
		if s.TLS {
			s.Port = 6697
		}
	}
	if s.ClientKey == "" {
		s.ClientKey = s.ClientCert
	}
	if n.Name == "" {
		n.Name = s.Host
	}
	if n.AltNicks == nil && n.Nick != "" {
		n.AltNicks = []string{n.Nick + "_", n.Nick + "__"}
	}
	if n.User == "" {
		n.User = n.Nick
	}
	if n.RealName == "" {
		n.RealName = DefaultRealName
	}
	if n.SASL != nil {
		n.SASL.fillDefaults(n)
	}
}

func (s *SASL) fillDefaults(n *Network) {
	if s.Mechanism == "" {
		s.Mechanism = defaultMechanism(s.User, s.Password != nil, n.Server.ClientCert)
	}
	if s.Mechanism == "PLAIN" && s.User == "" {
		s.User = n.Nick
	}
}

// defaultMechanism is the mechanism of a SASL section that names none:
// EXTERNAL when it names neither an account nor a password and a client
// certificate is configured, else PLAIN.
func defaultMechanism(account string, password bool, clientCert string) string {
	if account == "" && !password && clientCert != "" {
		return "EXTERNAL"
	}
	return "PLAIN"
}

func (b *Bridge) fillDefaults() {
	if b.Name == "" && len(b.Channels) > 0 {
		b.Name = b.Channels[0].Channel
	}
	if b.Window == 0 {
		b.Window = DefaultBridgeWindow
	}
}

func (s *Site) fillDefaults() {
	if s.Title == "" {
		s.Title = DefaultTitle
	}
	if s.Location == nil {
		s.Location = time.UTC
	}
	if s.RenderInterval == 0 {
		s.RenderInterval = DefaultRenderInterval
	}
}

// FillDefaults fills in the feed's format, poll interval and burst; see
// Config.FillDefaults. Format, the parsed template, is left to the caller.
func (f *Feed) FillDefaults() {
	if f.FormatText == "" {
		f.FormatText = DefaultFeedFormat
	}
	if f.Interval == 0 {
		f.Interval = DefaultFeedInterval
	}
	if f.MaxBurst == 0 {
		f.MaxBurst = DefaultMaxBurst
	}
}

func (c *Commands) fillDefaults() {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.PerUser == (Rate{}) {
		c.PerUser = DefaultPerUser
	}
	if c.PerChannel == (Rate{}) {
		c.PerChannel = DefaultPerChannel
	}
	if c.Output == (Rate{}) {
		c.Output = DefaultOutput
	}
	if c.SearchResults == 0 {
		c.SearchResults = DefaultSearchResults
	}
}

// FillDefaults fills in the title fetcher's timeout and size limit; see
// Config.FillDefaults.
func (t *Titles) FillDefaults() {
	if t.Timeout == 0 {
		t.Timeout = DefaultTitleTimeout
	}
	if t.MaxBytes == 0 {
		t.MaxBytes = DefaultTitleMaxBytes
	}
}
