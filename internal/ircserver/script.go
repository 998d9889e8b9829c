package ircserver

import (
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

// scriptTimeout bounds the waits of the scripted steps below.
const scriptTimeout = 10 * time.Second

// Refute reads what c receives for d and fails the test (without stopping
// it) when bad matches a line, naming the first such line and how many there
// were: the way to show that something does not happen.
func (c *Client) Refute(d time.Duration, what string, bad func(line string) bool) {
	c.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var first string
	n := 0
read:
	for {
		select {
		case line, open := <-c.out:
			if !open {
				break read
			}
			if bad(line) {
				if n == 0 {
					first = line
				}
				n++
			}
		case <-timer.C:
			break read
		}
	}
	if n > 0 {
		c.t.Errorf("%s (%d times within %v; the first): %s", what, n, d, first)
	}
}

// Quit has c leave the server and waits until the server has closed the
// connection, so that its nick is free.
func (c *Client) Quit() {
	c.t.Helper()
	c.Send("QUIT :gone")
	timer := time.NewTimer(scriptTimeout)
	defer timer.Stop()
	for {
		select {
		case _, open := <-c.out:
			if !open {
				return
			}
		case <-timer.C:
			c.t.Fatalf("%s is still connected %v after QUIT", c.Nick, scriptTimeout)
		}
	}
}

// ChangeNick has c change its nick and waits until the server confirms.
func (c *Client) ChangeNick(nick string) {
	c.t.Helper()
	old := c.Nick
	c.Send("NICK %s", nick)
	c.Expect(scriptTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && msg.Command == "NICK" && strings.EqualFold(msg.Nick(), old)
	})
	c.Nick = nick
}

// Register registers the account of c's nick with the services' NickServ
// (Options.Services), which logs c in to it.
func (c *Client) Register(password string) {
	c.t.Helper()
	c.Send("PRIVMSG NickServ :REGISTER %s %s@example.org", password, c.Nick)
	c.Expect(scriptTimeout, func(l string) bool { return strings.Contains(l, "NickServ") && strings.Contains(l, "registered") })
}

// Identify logs c in to account with NickServ IDENTIFY.
func (c *Client) Identify(account, password string) {
	c.t.Helper()
	c.Send("PRIVMSG NickServ :IDENTIFY %s %s", account, password)
	c.Expect(scriptTimeout, func(l string) bool {
		return strings.Contains(l, "NickServ") && strings.Contains(l, "You are now identified for")
	})
}

// WhoisAccount asks the server which account nick is logged in to ("" for
// none), from RPL_WHOISACCOUNT (330).
func (c *Client) WhoisAccount(nick string) string {
	c.t.Helper()
	c.Send("WHOIS %s", nick)
	account := ""
	c.Expect(scriptTimeout, func(l string) bool {
		f := strings.Fields(l)
		if len(f) >= 5 && f[1] == "330" && strings.EqualFold(f[3], nick) {
			account = f[4]
		}
		return len(f) >= 4 && f[1] == "318" && strings.EqualFold(f[3], nick)
	})
	return account
}
