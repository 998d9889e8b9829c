package ircserver

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bouncer is a running ZNC (Debian's znc) between clients and a Server:
// one ZNC user with one network, connected upstream and sitting in its
// channels whether a client is attached or not.
type Bouncer struct {
	Host string
	Port int
	// Password is the server password a client gives (PASS) to attach to
	// the bouncer's network: "user/network:password".
	Password string

	dir  string
	proc *process
}

// BouncerOptions configure StartZNC.
type BouncerOptions struct {
	// Nick is the bouncer's nick upstream.
	Nick string
	// Channels are the channels it joins upstream.
	Channels []string
	// KeepBuffer keeps each channel's last 500 lines and plays them back to
	// every client that attaches (AutoClearChanBuffer = false). ZNC's
	// default, KeepBuffer false, plays back only what was said while no
	// client was attached, once.
	KeepBuffer bool
}

// StartZNC starts ZNC on a free loopback port, connected to upstream, and
// waits until it is in every channel of opts.Channels (seen by a client of
// upstream). It is stopped when the test ends. ZNC makes a root user wait
// 30 seconds before it starts, so a test running as root runs it as the
// user "nobody" (with setpriv, from util-linux).
func StartZNC(t testing.TB, upstream *Server, opts BouncerOptions) *Bouncer {
	t.Helper()
	const bin = "/usr/bin/znc"
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("ircserver: %s is not installed (apt-get install znc): %v", bin, err)
	}
	// Not under t.TempDir(): its directories are private to the test's
	// user, and ZNC may run as another.
	dir, err := os.MkdirTemp("", "znc-")
	if err != nil {
		t.Fatalf("ircserver: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	port, err := FreePort("127.0.0.1")
	if err != nil {
		t.Fatalf("ircserver: %v", err)
	}
	b := &Bouncer{Host: "127.0.0.1", Port: port, Password: "bot/test:secret", dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "configs"), 0o755); err != nil {
		t.Fatalf("ircserver: %v", err)
	}
	if err := writeFiles(filepath.Join(dir, "configs"), map[string]string{"znc.conf": zncConfig(port, upstream, opts)}); err != nil {
		t.Fatalf("ircserver: %v", err)
	}
	name, args := bin, []string{"--foreground", "--datadir", dir}
	if os.Geteuid() == 0 {
		if err := giveTo(dir, "nobody"); err != nil {
			t.Fatalf("ircserver: %v", err)
		}
		name, args = "setpriv", append([]string{"--reuid=nobody", "--regid=nogroup", "--clear-groups", bin}, args...)
	}
	// The upstream client that sees ZNC join.
	watcher := Dial(t, upstream.Addr(), "zncwatch")
	for _, ch := range opts.Channels {
		watcher.Join(ch)
	}
	p, err := startProcess(dir, name, args...)
	if err != nil {
		t.Fatalf("ircserver: %v", err)
	}
	b.proc = p
	t.Cleanup(p.stop)
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", b.Addr(), time.Second)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-p.exited:
			t.Fatalf("ircserver: znc exited during start (%v); output:\n%s", p.waitErr, p.out.Tail())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("ircserver: znc does not accept connections on %s after %v; output:\n%s", b.Addr(), startTimeout, p.out.Tail())
		}
	}
	for _, ch := range opts.Channels {
		watcher.Expect(startTimeout, func(l string) bool {
			return strings.HasPrefix(l, ":"+opts.Nick+"!") && strings.Contains(l, " JOIN ") && strings.HasSuffix(l, ch)
		})
	}
	watcher.Close()
	return b
}

// Addr returns the bouncer's address, "127.0.0.1:PORT".
func (b *Bouncer) Addr() string { return net.JoinHostPort(b.Host, strconv.Itoa(b.Port)) }

// Output returns what ZNC printed.
func (b *Bouncer) Output() string { return b.proc.out.String() }

func zncConfig(port int, upstream *Server, opts BouncerOptions) string {
	var chans strings.Builder
	for _, ch := range opts.Channels {
		fmt.Fprintf(&chans, "\t\t<Chan %s>\n\t\t</Chan>\n", ch)
	}
	return fmt.Sprintf(`Version = 1.8.2
<Listener l>
	Port = %d
	IPv4 = true
	IPv6 = false
	SSL = false
	Host = 127.0.0.1
</Listener>
<User bot>
	<Pass password>
		Method = plain
		Hash = secret
	</Pass>
	Admin = true
	Nick = %s
	AltNick = %s_
	Ident = %s
	RealName = ZNC of the tests
	Buffer = 500
	AutoClearChanBuffer = %t
	<Network test>
		Server = %s %d
%s	</Network>
</User>
`, port, opts.Nick, opts.Nick, opts.Nick, !opts.KeepBuffer, upstream.Host, upstream.Port, chans.String())
}

// giveTo makes dir and everything in it belong to the named user.
func giveTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("look up user %s: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(path, uid, gid)
	})
}
