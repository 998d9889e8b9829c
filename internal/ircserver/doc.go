// Package ircserver starts a real IRC server from Debian for tests, and offers
// a small raw-line client to script other users against it.
//
// It owns only test plumbing: the servers' temporary configs, their processes
// and a line client. It knows nothing of the bot, the archive or the site.
//
// # Servers
//
// Two servers are supported; both must be installed (Debian packages
// "inspircd" and "ngircd"):
//
//   - [InspIRCd] (/usr/sbin/inspircd, InspIRCd 3): the IRCv3 one. The config
//     loads cap, ircv3 (account-notify, away-notify, extended-join),
//     ircv3_accounttag, ircv3_batch, ircv3_capnotify, ircv3_chghost,
//     ircv3_ctctags (message-tags), ircv3_echomessage, ircv3_invitenotify,
//     ircv3_labeledresponse, ircv3_msgid, ircv3_servertime, namesx
//     (multi-prefix), uhnames (userhost-in-names) and services_account;
//     [Options.NoAccountTag] leaves ircv3_accounttag out.
//     Client registration takes up to a second: InspIRCd 3 completes
//     registrations on its once-a-second background tick.
//   - [NgIRCd] (/usr/sbin/ngircd): quick and minimal (only multi-prefix of
//     IRCv3); registration is immediate.
//
// Both get a config in a directory under t.TempDir(), listen on 127.0.0.1 on
// a free port, have flood protection switched off (InspIRCd: huge threshold,
// commandrate, recvq and sendq, fakelag="no"; ngIRCd: MaxPenaltyTime = 0) and
// do no DNS or ident lookups. InspIRCd refuses to run as root, so when the
// test runs as root it is started with --runasroot; ngIRCd switches to the
// user "nobody" by itself. Either process gets SIGTERM when the test process
// dies (Linux parent-death signal), so no server outlives a crashed test.
//
// # Use
//
//	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
//	alice := ircserver.Dial(t, srv.Addr(), "alice")
//	alice.Join("#test")
//	bob := ircserver.DialCaps(t, srv.Addr(), "bob", "server-time", "echo-message")
//	bob.Join("#test")
//	alice.Send("PRIVMSG #test :hello")
//	line := bob.Expect(5*time.Second, func(l string) bool {
//		return strings.Contains(l, "PRIVMSG #test :hello")
//	})
//
// # Flood limits
//
// [Options.Strict] adds a second client port, [Server.StrictAddr], whose
// clients get an InspIRCd connect class with real flood limits
// ([StrictClass]: threshold, commandrate, fakelag off by default): a client
// there that sends more lines at once than the threshold allows is
// disconnected with "ERROR :Closing link: … [Excess Flood]". Point the bot
// at StrictAddr and let test users keep the lax Addr.
//
// [DialMany] registers many clients at the same time, for "a dozen people
// join at once".
//
// [DialUser] chooses the username of USER, which the server shows as the
// ident (no "~": ident lookups are off), to tell apart clients that all come
// from 127.0.0.1.
//
// # Bouncer
//
// [StartZNC] puts Debian's ZNC (package "znc") in front of a server: one ZNC
// user and network, in the given channels, reached with the server password
// [Bouncer.Password]. [BouncerOptions.KeepBuffer] switches ZNC from its
// default (play back once what was said while no client was attached) to
// playing the last 500 lines back on every attach. ZNC keeps a root user
// waiting 30 seconds, so as root it runs as "nobody".
//
// The server is stopped when the test ends; [Server.Restart] stops and starts
// it again on the same port, to test reconnects. [Start], [Dial],
// [Client.Send], [Client.Join] and [Client.Expect] call t.Fatal, so call them
// from the test's goroutine. [Client.Lines] and [Client.Expect] read the same
// stream of lines: a line taken by one is not seen by the other.
package ircserver
