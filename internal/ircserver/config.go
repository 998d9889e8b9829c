package ircserver

import (
	"fmt"
	"path/filepath"
	"strings"
)

// inspircdConfig returns an InspIRCd 3 config for a test server on
// host:port. Syntax and module names follow Debian's
// /usr/share/doc/inspircd/examples.
func inspircdConfig(name, host string, port int, dir string) string {
	return fmt.Sprintf(`# InspIRCd config written by proceedings/internal/ircserver for a test.
<server name=%[1]s description="proceedings test server" network="TestNet">
<admin name="test" nick="test" email="test@irc.test">
<path configdir=%[4]s datadir=%[4]s logdir=%[4]s>
<bind address=%[2]s port="%[3]d" type="clients">

# No flood protection: tests send bursts of thousands of lines.
# No DNS or ident lookups: they only add delay on loopback.
<connect name="test" allow="*"
         timeout="60" pingfreq="120"
         hardsendq="64M" softsendq="16M" recvq="16M"
         threshold="1000000" commandrate="100000000" fakelag="no"
         localmax="10000" globalmax="10000" maxchans="1000" limit="10000"
         resolvehostnames="no" useident="no">

<files motd=%[5]s>
<dns timeout="1">
# Log to the process's output, which the test keeps for error messages.
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="/dev/stdout" flush="1">
<options syntaxhints="no" announcets="yes" hostintopic="yes" prefixquit="Quit: ">
<security userstats="Pu" maxtargets="20">
<performance netbuffersize="65536" somaxconn="128" softlimit="1024">
<whowas groupsize="10" maxgroups="1000" maxkeep="1h">

# IRCv3.
<module name="cap">
<module name="ircv3">
<ircv3 accountnotify="yes" awaynotify="yes" extendedjoin="yes">
<module name="ircv3_accounttag">
<module name="ircv3_batch">
<module name="ircv3_capnotify">
<module name="ircv3_chghost">
<module name="ircv3_ctctags">
<module name="ircv3_echomessage">
<module name="ircv3_invitenotify">
<module name="ircv3_labeledresponse">
<module name="ircv3_msgid">
<module name="ircv3_servertime">
<module name="namesx">
<module name="uhnames">
<module name="services_account">
`, inspQuote(name), inspQuote(host), port, inspQuote(dir), inspQuote(filepath.Join(dir, "motd.txt")))
}

// inspQuote quotes s as an InspIRCd config value: '&' starts an entity
// there (&env.X;), and a double quote ends the value.
func inspQuote(s string) string {
	s = strings.ReplaceAll(s, "&", "&amp;")
	s = strings.ReplaceAll(s, `"`, "&quot;")
	return `"` + s + `"`
}

// ngircdConfig returns an ngIRCd config for a test server on host:port.
// See ngircd.conf(5).
func ngircdConfig(name, host string, port int) string {
	return fmt.Sprintf(`# ngIRCd config written by proceedings/internal/ircserver for a test.
[Global]
	Name = %[1]s
	Info = proceedings test server
	AdminInfo1 = proceedings tests
	AdminInfo2 = loopback
	AdminEMail = test@%[1]s
	Listen = %[2]s
	Ports = %[3]d
	MotdPhrase = Test server of proceedings.

[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
	# No flood penalties: tests send bursts of thousands of lines.
	MaxPenaltyTime = 0
	PingTimeout = 120
	PongTimeout = 20

[Options]
	DNS = no
	Ident = no
	PAM = no
	OperCanUseMode = yes
`, name, host, port)
}
