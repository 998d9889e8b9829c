package ircserver

import (
	"fmt"
	"path/filepath"
	"strings"
)

// inspircdConfig returns an InspIRCd 3 config for a test server on
// host:port. Syntax and module names follow Debian's
// /usr/share/doc/inspircd/examples. strict goes before the lax connect
// class: InspIRCd gives a client the first class that matches it.
// accountTag loads the ircv3_accounttag module.
func inspircdConfig(name, host string, port int, dir, password, strict string, accountTag bool) string {
	tag := ""
	if accountTag {
		tag = `<module name="ircv3_accounttag">`
	}
	pass := ""
	if password != "" {
		pass = " password=" + inspQuote(password)
	}
	return fmt.Sprintf(`# InspIRCd config written by proceedings/internal/ircserver for a test.
<server name=%[1]s description="proceedings test server" network="TestNet">
<admin name="test" nick="test" email="test@irc.test">
<path configdir=%[4]s datadir=%[4]s logdir=%[4]s>
<bind address=%[2]s port="%[3]d" type="clients">
%[7]s
# No flood protection: tests send bursts of thousands of lines.
# No DNS or ident lookups: they only add delay on loopback.
<connect name="test" allow="*"
         timeout="60" pingfreq="120"
         hardsendq="64M" softsendq="16M" recvq="16M"
         threshold="1000000" commandrate="100000000" fakelag="no"
         localmax="10000" globalmax="10000" maxchans="1000" limit="10000"
         resolvehostnames="no" useident="no"%[6]s>

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
%[8]s
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
`, inspQuote(name), inspQuote(host), port, inspQuote(dir), inspQuote(filepath.Join(dir, "motd.txt")), pass, strict, tag)
}

// strictListener is the part of an InspIRCd config for a client port
// whose clients get the flood limits of c (see StrictClass); "" when
// strictPort is 0. The connect class's port option picks the clients of
// that port only.
func strictListener(host string, strictPort int, c StrictClass, password string) string {
	if strictPort == 0 {
		return ""
	}
	threshold, rate, fakelag := c.Threshold, c.CommandRate, "no"
	if threshold <= 0 {
		threshold = 10
	}
	if rate <= 0 {
		rate = 1000
	}
	if c.FakeLag {
		fakelag = "yes"
	}
	pass := ""
	if password != "" {
		pass = " password=" + inspQuote(password)
	}
	return fmt.Sprintf(`
# A strict client port: real flood limits, for the bot only.
<bind address=%[1]s port="%[2]d" type="clients">
<connect name="strict" allow="*" port="%[2]d"
         timeout="60" pingfreq="120"
         hardsendq="1M" softsendq="10K" recvq="10K"
         threshold="%[3]d" commandrate="%[4]d" fakelag="%[5]s"
         localmax="10000" globalmax="10000" maxchans="1000" limit="10000"
         resolvehostnames="no" useident="no"%[6]s>
`, inspQuote(host), strictPort, threshold, rate, fakelag, pass)
}

// servicesLink is the part of an InspIRCd config that links services on
// linkPort; "" when linkPort is 0.
func servicesLink(host string, linkPort int) string {
	if linkPort == 0 {
		return ""
	}
	return fmt.Sprintf(`
# Services (Atheme) link here, and handle SASL.
<module name="spanningtree">
<module name="sasl">
<bind address=%[1]s port="%[2]d" type="servers">
<link name=%[3]s ipaddr=%[1]s port="%[2]d" allowmask="127.0.0.1" sendpass="linkpass" recvpass="linkpass">
<uline server=%[3]s silent="yes">
<sasl target=%[3]s requiressl="no">
`, inspQuote(host), linkPort, inspQuote(servicesName))
}

// tlsListener is the part of an InspIRCd config for a TLS listener on
// tlsPort with dir's tls.pem and tls.key, asking for client certificates;
// "" when tlsPort is 0.
func tlsListener(host string, tlsPort int, dir string) string {
	if tlsPort == 0 {
		return ""
	}
	return fmt.Sprintf(`
# TLS, with client certificate fingerprints (CertFP) for SASL EXTERNAL.
<module name="ssl_gnutls">
<module name="sslinfo">
<sslprofile name="tls" provider="gnutls" certfile=%[3]s keyfile=%[4]s hash="sha256" requestclientcert="yes">
<bind address=%[1]s port="%[2]d" type="clients" sslprofile="tls">
`, inspQuote(host), tlsPort, inspQuote(filepath.Join(dir, "tls.pem")), inspQuote(filepath.Join(dir, "tls.key")))
}

// athemeConfig returns an Atheme 7.2 config linking to the InspIRCd named
// uplink on host:linkPort, with NickServ and SaslServ and nothing that
// sends mail or limits a test's pace. See Debian's
// /usr/share/doc/atheme-services/examples/atheme.conf.example.
func athemeConfig(uplink, host string, linkPort int) string {
	return fmt.Sprintf(`/* Atheme config written by proceedings/internal/ircserver for a test. */
loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/pbkdf2v2";
loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/cert";
loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";
loadmodule "modules/saslserv/external";
serverinfo {
	name = %[4]q;
	desc = "proceedings test services";
	numeric = "00A";
	recontime = 1;
	netname = "TestNet";
	hidehostsuffix = "users.test";
	adminname = "test";
	adminemail = "test@irc.test";
	registeremail = "noreply@irc.test";
	mta = "/bin/true";
	loglevel = { error; info; network; };
	maxlogins = 5;
	maxusers = 50;
	mdlimit = 30;
	emaillimit = 10;
	emailtime = 300;
	auth = none;
	casemapping = rfc1459;
};
uplink %[1]q {
	host = %[2]q;
	port = %[3]d;
	send_password = "linkpass";
	receive_password = "linkpass";
};
nickserv {
	nick = "NickServ";
	user = "NickServ";
	host = %[4]q;
	real = "Nickname Services";
	maxnicks = 5;
	expire = 30;
};
saslserv {
	nick = "SaslServ";
	user = "SaslServ";
	host = %[4]q;
	real = "SASL Authentication Agent";
};
general {
	flood_msgs = 0;
	flood_time = 10;
	ratelimit_uses = 0;
	ratelimit_period = 60;
	kline_time = 7;
	commit_interval = 5;
	default_clone_allowed = 50;
	default_clone_warn = 40;
	uplink_sendq_limit = 1048576;
	language = "en";
	immune_level = immune;
};
`, uplink, host, linkPort, servicesName)
}

// inspQuote quotes s as an InspIRCd config value: '&' starts an entity
// there (&env.X;), and a double quote ends the value.
func inspQuote(s string) string {
	s = strings.ReplaceAll(s, "&", "&amp;")
	s = strings.ReplaceAll(s, `"`, "&quot;")
	return `"` + s + `"`
}

// NgIRCdConfig returns an ngIRCd config for a test server named name on
// host:port, without flood limits, DNS or ident lookups. See ngircd.conf(5).
// Used by Start and by the fixture generator.
func NgIRCdConfig(name, host string, port int) string {
	return ngIRCdConfig(name, host, port, false, 30)
}

// ngIRCdConfig is NgIRCdConfig, with ngIRCd's flood penalties when
// penalties is set (Options.Penalties) and nicks of at most nickLen.
func ngIRCdConfig(name, host string, port int, penalties bool, nickLen int) string {
	maxPenalty := "0"
	if penalties {
		maxPenalty = "-1"
	}
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
	MaxNickLength = %[5]d
	# No flood penalties (0) unless asked for: tests send bursts of
	# thousands of lines.
	MaxPenaltyTime = %[4]s
	PingTimeout = 120
	PongTimeout = 20

[Options]
	DNS = no
	Ident = no
	PAM = no
	OperCanUseMode = yes
`, name, host, port, maxPenalty, nickLen)
}
