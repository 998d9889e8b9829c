package config

// The raw structs mirror bot.yaml key for key. decode.go fills them from the
// YAML tree (the `yaml` tag is the key; the `want` tag describes the expected
// value in type errors); validate.go turns them into the typed Config.

type rawConfig struct {
	pos
	// Single-network form.
	Server   rawServer        `yaml:"server"`
	Nick     str              `yaml:"nick"`
	AltNicks list[str]        `yaml:"alt_nicks" want:"a list of nicks"`
	User     str              `yaml:"user"`
	RealName str              `yaml:"realname"`
	SASL     rawSASL          `yaml:"sasl"`
	NickServ rawSecret        `yaml:"nickserv"`
	Network  str              `yaml:"network" want:"a network name"`
	Channels list[rawChannel] `yaml:"channels" want:"a list of channels (- name: \"#chan\")" elem:"a channel like {name: \"#chan\"}"`
	Relays   list[rawRelay]   `yaml:"relays" want:"a list of relays (- nick: … mask: … pattern: …)" elem:"a relay like {nick: relaybot, mask: relaybot!*@bridge.example.org, pattern: …}"`
	// Multi-network form.
	Networks list[rawNetwork] `yaml:"networks" want:"a list of networks (- name: …)" elem:"a network like {name: libera, server: …, nick: …}"`

	Bridges     list[rawBridge] `yaml:"bridges" want:"a list of bridges (- name: … channels: […])" elem:"a bridge like {name: …, channels: […]}"`
	Archive     str             `yaml:"archive" want:"a file path"`
	Site        rawSite         `yaml:"site"`
	Feeds       list[rawFeed]   `yaml:"feeds" want:"a list of feeds (- url: …)" elem:"a feed like {url: https://…}"`
	Commands    rawCommands     `yaml:"commands"`
	Admins      list[str]       `yaml:"admins" want:"a list of account:NAME or nick!user@host masks"`
	OptOut      list[str]       `yaml:"optout" want:"a list of nicks or accounts"`
	NoLogPrefix str             `yaml:"nolog_prefix"`
	Series      list[rawSeries] `yaml:"series" want:"a list of series (- name: … parts: […])" elem:"a series like {name: …, parts: […]}"`
	Titles      rawTitles       `yaml:"titles"`
	Log         rawLog          `yaml:"log"`
	StatusAddr  str             `yaml:"status_addr" want:"an address like 127.0.0.1:9102"`
}

type rawNetwork struct {
	pos
	Name     str              `yaml:"name" want:"a network name"`
	Server   rawServer        `yaml:"server"`
	Nick     str              `yaml:"nick"`
	AltNicks list[str]        `yaml:"alt_nicks" want:"a list of nicks"`
	User     str              `yaml:"user"`
	RealName str              `yaml:"realname"`
	SASL     rawSASL          `yaml:"sasl"`
	NickServ rawSecret        `yaml:"nickserv"`
	Channels list[rawChannel] `yaml:"channels" want:"a list of channels (- name: \"#chan\")" elem:"a channel like {name: \"#chan\"}"`
	Relays   list[rawRelay]   `yaml:"relays" want:"a list of relays (- nick: … mask: … pattern: …)" elem:"a relay like {nick: relaybot, mask: relaybot!*@bridge.example.org, pattern: …}"`
}

type rawServer struct {
	pos
	Host         str     `yaml:"host" want:"a host name"`
	Port         num     `yaml:"port" want:"a number 1–65535"`
	TLS          boolean `yaml:"tls"`
	TLSInsecure  boolean `yaml:"tls_insecure"`
	PasswordEnv  str     `yaml:"password_env" want:"the name of an environment variable"`
	PasswordFile str     `yaml:"password_file" want:"a file path"`
	ClientCert   str     `yaml:"client_cert" want:"a file path"`
	ClientKey    str     `yaml:"client_key" want:"a file path"`
}

type rawSASL struct {
	pos
	Mechanism    str `yaml:"mechanism" want:"PLAIN or EXTERNAL"`
	User         str `yaml:"user" want:"an account name"`
	PasswordEnv  str `yaml:"password_env" want:"the name of an environment variable"`
	PasswordFile str `yaml:"password_file" want:"a file path"`
}

type rawSecret struct {
	pos
	PasswordEnv  str `yaml:"password_env" want:"the name of an environment variable"`
	PasswordFile str `yaml:"password_file" want:"a file path"`
}

type rawChannel struct {
	pos
	Name         str     `yaml:"name" want:"a channel name like \"#chan\""`
	KeyEnv       str     `yaml:"key_env" want:"the name of an environment variable"`
	KeyFile      str     `yaml:"key_file" want:"a file path"`
	Public       boolean `yaml:"public"`
	Announce     boolean `yaml:"announce"`
	AnnounceLogs boolean `yaml:"announce_logs"`
	Titles       boolean `yaml:"titles"`
	NoIndex      boolean `yaml:"noindex"`
	Description  str     `yaml:"description"`
}

type rawRelay struct {
	pos
	Nick    str `yaml:"nick"`
	Mask    str `yaml:"mask" want:"a hostmask like relaybot!*@bridge.example.org"`
	Account str `yaml:"account" want:"a services account name"`
	Pattern str `yaml:"pattern" want:"a regular expression"`
}

type rawBridge struct {
	pos
	Name     str       `yaml:"name"`
	Channels list[str] `yaml:"channels" want:"a list of \"network/#channel\""`
	Window   str       `yaml:"window" want:"a duration like 10s"`
}

type rawSite struct {
	pos
	Out            str     `yaml:"out" want:"a directory path"`
	BaseURL        str     `yaml:"base_url" want:"a URL like https://irc.example.org/"`
	Title          str     `yaml:"title"`
	Timezone       str     `yaml:"timezone" want:"a time zone name like Europe/London"`
	Content        str     `yaml:"content" want:"a directory path"`
	RenderInterval str     `yaml:"render_interval" want:"a duration like 5m"`
	ShowHosts      boolean `yaml:"show_hosts"`
}

type rawFeed struct {
	pos
	URL             str       `yaml:"url" want:"a URL"`
	Interval        str       `yaml:"interval" want:"a duration like 5m"`
	Channels        list[str] `yaml:"channels" want:"a list of channel names"`
	Format          str       `yaml:"format" want:"a template like \"{{.Title}} — {{.Link}}\""`
	AnnounceBacklog num       `yaml:"announce_backlog" want:"a number, 0 or more"`
	MaxBurst        num       `yaml:"max_burst" want:"a number, 1 or more"`
}

type rawCommands struct {
	pos
	Prefix        str     `yaml:"prefix"`
	Rate          rawRate `yaml:"rate"`
	SearchResults num     `yaml:"search_results" want:"a number 1–10"`
}

type rawRate struct {
	pos
	PerUser    str `yaml:"per_user" want:"a rate like 3/10s"`
	PerChannel str `yaml:"per_channel" want:"a rate like 10/10s"`
	Output     str `yaml:"output" want:"a rate like 5/7.5s"`
}

type rawSeries struct {
	pos
	Name  str           `yaml:"name"`
	Parts list[rawPart] `yaml:"parts" want:"a list of parts (- n: 1 title: … url: …)" elem:"a part like {n: 1, title: …, url: …}"`
}

type rawPart struct {
	pos
	N     num `yaml:"n" want:"a part number, 1 or more"`
	Title str `yaml:"title"`
	URL   str `yaml:"url" want:"a URL"`
}

type rawTitles struct {
	pos
	Timeout      str       `yaml:"timeout" want:"a duration like 5s"`
	MaxBytes     num       `yaml:"max_bytes" want:"a number of bytes"`
	BlockedHosts list[str] `yaml:"blocked_hosts" want:"a list of host names, addresses or CIDR prefixes"`
	AllowHosts   list[str] `yaml:"allow_hosts" want:"a list of host names, addresses or CIDR prefixes"`
}

type rawLog struct {
	pos
	Format str `yaml:"format" want:"text or json"`
	Level  str `yaml:"level" want:"debug, info, warn or error"`
}
