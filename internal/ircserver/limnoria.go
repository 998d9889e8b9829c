package ircserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LimnoriaConfig returns a Limnoria (supybot) configuration that keeps all
// its files under dir and joins channel on the server at addr
// ("host:port") as nick, with the given plugins loaded (ChannelLogger with
// flushImmediately when it is among them). extra sets more registry
// values, in order. Write it to a file and start `supybot [--allow-root]
// FILE` (Debian package limnoria). Used by the fixture generator and by the
// benchmarks that put Limnoria beside proceedings.
func LimnoriaConfig(dir, network, addr, nick, channel string, plugins []string, extra ...[2]string) string {
	kvs := [][2]string{
		{"supybot.nick", nick},
		{"supybot.ident", nick},
		{"supybot.user", "Limnoria " + nick},
		{"supybot.networks", network},
		{"supybot.networks." + network + ".servers", addr},
		{"supybot.networks." + network + ".channels", channel},
		{"supybot.networks." + network + ".ssl", "False"},
		{"supybot.directories.conf", filepath.Join(dir, "conf")},
		{"supybot.directories.data", filepath.Join(dir, "data")},
		{"supybot.directories.data.tmp", filepath.Join(dir, "data", "tmp")},
		{"supybot.directories.data.web", filepath.Join(dir, "data", "web")},
		{"supybot.directories.backup", filepath.Join(dir, "backup")},
		{"supybot.directories.log", filepath.Join(dir, "logs")},
		{"supybot.plugins", strings.Join(plugins, " ")},
	}
	for _, p := range plugins {
		kvs = append(kvs, [2]string{"supybot.plugins." + p, "True"})
		if p == "ChannelLogger" {
			kvs = append(kvs, [2]string{"supybot.plugins.ChannelLogger.flushImmediately", "True"})
		}
	}
	var b strings.Builder
	for _, kv := range append(kvs, extra...) {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	return b.String()
}

// LimnoriaArgs is the command line that starts Limnoria on a config file:
// supybot refuses to run as root without --allow-root.
func LimnoriaArgs(conf string) []string {
	args := []string{"supybot"}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	return append(args, conf)
}
