package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// registerAccount registers nick's account with the services of srv
// (Atheme's NickServ) and disconnects, freeing the nick.
func registerAccount(t *testing.T, srv *ircserver.Server, nick, password string) {
	t.Helper()
	c := ircserver.Dial(t, srv.Addr(), nick)
	c.Register(password)
	c.Send("QUIT :registered")
	c.Close()
}

// saslConfig is a configuration for logbot with SASL PLAIN, the password
// in a file of dir.
func saslConfig(t *testing.T, dir, addr, password string) string {
	t.Helper()
	file := filepath.Join(dir, "sasl-password")
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, ":")
	return fmt.Sprintf(`network: test
server: {host: %s, port: %s, tls: false}
nick: logbot
sasl: {mechanism: PLAIN, password_file: %q}
channels:
  - {name: "#sasl", public: true}
`, host, port, file)
}

// TestSASLPlain logs the bot in with SASL PLAIN on InspIRCd with Atheme:
// the server says the bot is logged in to its account, and a line of a
// logged-in user is recorded with her account (account-tag).
func TestSASLPlain(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	registerAccount(t, srv, "logbot", "bot-pass-1234")
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Register("alice-pass-1")
	alice.Join("#sasl")

	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, saslConfig(t, dir, srv.Addr(), "bot-pass-1234")), nil)
	h.WaitSelfJoins(1)
	if got := alice.WhoisAccount("logbot"); got != "logbot" {
		t.Errorf("the server says the bot is logged in to %q, want logbot", got)
	}
	alice.Send("PRIVMSG #sasl :said while logged in")
	if ev := h.WaitText("said while logged in"); ev.Account != "alice" || ev.Nick != "alice" {
		t.Errorf("recorded %s with account %q, want alice's account", bottest.Describe(ev), ev.Account)
	}
}

// TestSASLWrongPassword: the services refuse the password; the bot says
// so in its log, connects once without SASL and records all the same.
func TestSASLWrongPassword(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	registerAccount(t, srv, "logbot", "bot-pass-1234")
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#sasl")

	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, saslConfig(t, dir, srv.Addr(), "not-the-password")), nil)
	h.WaitSelfJoins(1)
	if got := alice.WhoisAccount("logbot"); got != "" {
		t.Errorf("the bot is logged in to %q with a wrong password", got)
	}
	alice.Send("PRIVMSG #sasl :recorded without an account")
	if ev := h.WaitText("recorded without an account"); ev.Kind != event.KindMessage {
		t.Errorf("recorded %s", bottest.Describe(ev))
	}
}

// TestSASLExternal logs the bot in with SASL EXTERNAL: its TLS client
// certificate's fingerprint is on its account (NickServ CERT ADD, done
// over a connection with that certificate), and the bot presents it.
func TestSASLExternal(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true, TLS: true})
	dir := t.TempDir()
	cert, certPath, keyPath := selfSigned(t, dir, "logbot")
	owner := ircserver.DialTLS(t, srv.TLSAddr(), "logbot", &cert)
	owner.Register("bot-pass-1234")
	owner.Send("PRIVMSG NickServ :CERT ADD")
	owner.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "NickServ") && strings.Contains(l, "fingerprint") })
	owner.Send("QUIT :the bot takes over")
	owner.Close()
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#sasl")

	host, port, _ := strings.Cut(srv.TLSAddr(), ":")
	cfg := bottest.ParseConfig(t, dir, fmt.Sprintf(`network: test
server: {host: %s, port: %s, tls: true, tls_insecure: true, client_cert: %q, client_key: %q}
nick: logbot
sasl: {mechanism: EXTERNAL}
channels:
  - {name: "#sasl", public: true}
`, host, port, certPath, keyPath))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	if got := alice.WhoisAccount("logbot"); got != "logbot" {
		t.Errorf("the server says the bot is logged in to %q, want logbot", got)
	}
}

// TestServerPassword: with the right server password (PASS) the bot
// registers and joins; with a wrong one the server refuses it and the bot
// shows the server's reason in its status (InspIRCd sends no 464, only
// "ERROR :Closing link: … [Access denied by configuration]" and closes),
// and keeps trying.
func TestServerPassword(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Password: "letmein-42"})
	host, port, _ := strings.Cut(srv.Addr(), ":")
	config := func(password string) string {
		dir := t.TempDir()
		file := filepath.Join(dir, "server-password")
		if err := os.WriteFile(file, []byte(password), 0o600); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("network: test\nserver: {host: %s, port: %s, tls: false, password_file: %q}\nnick: logbot\nchannels: [{name: \"#pass\"}]\n", host, port, file)
	}
	t.Run("right", func(t *testing.T) {
		h := startBot(t, bottest.ParseConfig(t, t.TempDir(), config("letmein-42")), nil)
		h.WaitSelfJoins(1)
	})
	t.Run("wrong", func(t *testing.T) {
		h := startBot(t, bottest.ParseConfig(t, t.TempDir(), config("guess")), nil)
		deadline := time.Now().Add(20 * time.Second)
		for {
			st := h.B.Status().Networks[0]
			if st.Connected {
				t.Fatal("connected with a wrong server password")
			}
			if strings.Contains(st.LastError, "Access denied by configuration") && st.Reconnects >= 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("status after a refused password: %+v", st)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
