package ircserver

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Kind names an IRC server implementation.
type Kind string

// The supported servers.
const (
	InspIRCd Kind = "inspircd"
	NgIRCd   Kind = "ngircd"
)

// Options choose the server to start.
type Options struct {
	// Kind is the server implementation; the zero value means NgIRCd.
	Kind Kind
	// Name is the server name, "irc.test" when empty. It must contain a dot.
	Name string
	// Services links Debian's Atheme (atheme-services) to the server as
	// services.irc.test, with NickServ and SaslServ: accounts registered
	// with "NickServ REGISTER password email" (no e-mail is sent), SASL
	// PLAIN and EXTERNAL, account-tag and extended-join with real
	// accounts. InspIRCd only. The accounts survive Restart.
	Services bool
	// TLS adds a TLS listener (TLSAddr) with a self-signed certificate
	// for 127.0.0.1 that asks clients for a certificate (CertFP, SASL
	// EXTERNAL). InspIRCd only.
	TLS bool
	// Password is the server password (PASS) every client must give;
	// Dial and friends do not, so only the bot can connect. InspIRCd only.
	Password string
	// Strict, when set, adds a second client port (StrictAddr) whose
	// clients get a connect class with real flood limits, as on public
	// networks: past the threshold the server closes the link with
	// "Excess Flood". Clients on Addr keep the lax class, so test users
	// can burst while the bot, pointed at StrictAddr, cannot. InspIRCd
	// only.
	Strict *StrictClass
	// NoAccountTag leaves out the ircv3_accounttag module: accounts are
	// known only from extended-join, account-notify and WHOX, as on
	// servers without account-tag. InspIRCd only.
	NoAccountTag bool
	// Penalties keeps ngIRCd's own flood penalties (MaxPenaltyTime -1, its
	// default), off in every other test server: it then reads a client
	// more slowly for each error it answers it (2 s), each second with
	// 256 bytes or more from it (1 s), each WHO (1 s)… and nothing from it
	// meanwhile. NgIRCd only.
	Penalties bool
	// ShortNicks keeps ngIRCd's default nick length, 9 (RFC 2812's), where
	// the other test servers allow 30. NgIRCd only.
	ShortNicks bool
}

// StrictClass is the flood protection of the strict port (Options.Strict),
// an InspIRCd 3 <connect> class. Each command a client sends adds its
// penalty (1 for most) and the penalty drops by CommandRate/1000 every
// second; at Threshold the client is cut ("Excess Flood") or, with
// FakeLag, its commands are delayed instead.
type StrictClass struct {
	// Threshold is the command penalty a client may have; InspIRCd's
	// shipped default is 10 (and it recommends at least 20 without
	// fakelag). 0 means 10.
	Threshold int
	// CommandRate is in millicommands per second: 1000 (the default for
	// 0) lets the penalty drop by one command a second.
	CommandRate int
	// FakeLag delays a flooding client instead of disconnecting it
	// (InspIRCd's shipped default); off here unless set.
	FakeLag bool
}

// Timeouts. Generous: they only bound failures, a healthy start takes
// milliseconds.
const (
	startTimeout = 15 * time.Second
	stopTimeout  = 10 * time.Second
	// startAttempts bounds retries when the chosen port was taken between
	// choosing it and the server binding it.
	startAttempts = 5
	// outputLimit caps the server output kept for error messages.
	outputLimit = 1 << 20
)

// Server is a running IRC server process listening on Host:Port.
type Server struct {
	Kind Kind
	Host string
	Port int
	Name string
	// Dir holds the server's config and files; it is under t.TempDir().
	Dir string

	linkPort   int    // where services link; 0: no services
	tlsPort    int    // TLS clients; 0: none
	password   string // server password; "": none
	strictPort int    // clients of the strict class; 0: none
	strict     StrictClass
	// noAccountTag: the ircv3_accounttag module is not loaded.
	noAccountTag bool
	// penalties: ngIRCd's flood penalties are on.
	penalties bool
	// nickLen: ngIRCd's MaxNickLength.
	nickLen int

	mu   sync.Mutex
	proc *process // nil when stopped
}

// Start starts an IRC server of opts.Kind on a free loopback port, waits
// until it accepts connections, and stops it when the test ends. It calls
// t.Fatal, with the server's output, when the server cannot be started.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Kind == "" {
		opts.Kind = NgIRCd
	}
	if opts.Name == "" {
		opts.Name = "irc.test"
	}
	if opts.Kind != InspIRCd && opts.Kind != NgIRCd {
		t.Fatalf("ircserver: unknown server kind %q: use ircserver.InspIRCd or ircserver.NgIRCd", opts.Kind)
	}
	if (opts.Services || opts.TLS || opts.Password != "" || opts.Strict != nil || opts.NoAccountTag) && opts.Kind != InspIRCd {
		t.Fatalf("ircserver: services, TLS, passwords, strict classes and NoAccountTag are only set up for InspIRCd, not %s", opts.Kind)
	}
	if (opts.Penalties || opts.ShortNicks) && opts.Kind != NgIRCd {
		t.Fatalf("ircserver: Penalties and ShortNicks are ngIRCd's, not %s's", opts.Kind)
	}
	s := &Server{Kind: opts.Kind, Host: "127.0.0.1", Name: opts.Name, Dir: t.TempDir(), password: opts.Password, noAccountTag: opts.NoAccountTag, penalties: opts.Penalties, nickLen: 30}
	if opts.ShortNicks {
		s.nickLen = 9
	}
	if opts.Services {
		port, err := FreePort(s.Host)
		if err != nil {
			t.Fatalf("ircserver: %v", err)
		}
		s.linkPort = port
	}
	if opts.TLS {
		port, err := FreePort(s.Host)
		if err != nil {
			t.Fatalf("ircserver: %v", err)
		}
		s.tlsPort = port
		if err := writeSelfSigned(s.Dir); err != nil {
			t.Fatalf("ircserver: %v", err)
		}
	}
	if opts.Strict != nil {
		port, err := FreePort(s.Host)
		if err != nil {
			t.Fatalf("ircserver: %v", err)
		}
		s.strictPort = port
		s.strict = *opts.Strict
	}
	t.Cleanup(s.Stop)
	var lastErr error
	for range startAttempts {
		port, err := FreePort(s.Host)
		if err != nil {
			t.Fatalf("ircserver: %v", err)
		}
		err = s.launch(port)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) {
			break
		}
	}
	t.Fatalf("ircserver: start %s: %v", s.Kind, lastErr)
	return nil
}

// Addr returns the server's address, "127.0.0.1:PORT".
func (s *Server) Addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// TLSAddr returns the address of the TLS listener (Options.TLS),
// "127.0.0.1:PORT".
func (s *Server) TLSAddr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.tlsPort))
}

// StrictAddr returns the address of the strict port (Options.Strict),
// "127.0.0.1:PORT".
func (s *Server) StrictAddr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.strictPort))
}

// Stop terminates the server (SIGTERM, then SIGKILL if it has not exited
// within 10 s) and waits for it to exit. Calling it again does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.stop()
	}
}

// Restart stops the server and starts it again on the same port, waiting
// until it accepts connections. Clients connected before are disconnected.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	var err error
	for attempt := range startAttempts {
		if attempt > 0 {
			// Another process took our port while it was free; give it a
			// moment to go away. There is no event to wait for here.
			time.Sleep(200 * time.Millisecond)
		}
		err = s.launch(s.Port)
		if err == nil || !errors.Is(err, errPortInUse) {
			break
		}
	}
	if err != nil {
		t.Fatalf("ircserver: restart %s on port %d: %v", s.Kind, s.Port, err)
	}
}

// Output returns what the server process has printed so far (the last
// megabyte), for diagnostics.
func (s *Server) Output() string {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return ""
	}
	return p.out.String()
}

var errPortInUse = errors.New("port already in use")

// FreePort asks the kernel for a free port on host and releases it. Used
// by Start and by the fixture generator.
func FreePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch writes the config for port, starts the process and waits until it
// reports that it listens. It returns an error wrapping errPortInUse when
// the port was taken.
func (s *Server) launch(port int) error {
	var (
		name  string
		args  []string
		ready string // printed once the server accepts clients
		clash string // printed when the port cannot be bound
	)
	addr := net.JoinHostPort(s.Host, strconv.Itoa(port))
	switch s.Kind {
	case InspIRCd:
		conf := filepath.Join(s.Dir, "inspircd.conf")
		if err := writeFiles(s.Dir, map[string]string{
			"inspircd.conf": inspircdConfig(s.Name, s.Host, port, s.Dir, s.password, strictListener(s.Host, s.strictPort, s.strict, s.password), !s.noAccountTag) +
				servicesLink(s.Host, s.linkPort) + tlsListener(s.Host, s.tlsPort, s.Dir),
			"motd.txt": "Test server of proceedings.\n",
		}); err != nil {
			return err
		}
		name = "/usr/sbin/inspircd"
		args = []string{"--config", conf, "--nofork", "--nopid"}
		if os.Geteuid() == 0 {
			args = append(args, "--runasroot")
		}
		ready = "Startup complete"
		clash = "Failed to listen on " + addr
	case NgIRCd:
		conf := filepath.Join(s.Dir, "ngircd.conf")
		if err := writeFiles(s.Dir, map[string]string{
			"ngircd.conf": ngIRCdConfig(s.Name, s.Host, port, s.penalties, s.nickLen),
		}); err != nil {
			return err
		}
		name = "/usr/sbin/ngircd"
		args = []string{"-f", conf, "-n"}
		ready = "Now listening on [" + s.Host + "]:" + strconv.Itoa(port)
		clash = "Can't bind socket to address " + addr
	}
	if _, err := os.Stat(name); err != nil {
		return fmt.Errorf("%s is not installed (apt-get install %s): %w", name, s.Kind, err)
	}

	p, err := startProcess(s.Dir, name, args...)
	if err != nil {
		return err
	}
	if s.Kind == InspIRCd {
		p.wake = addr
	}

	timeout := time.NewTimer(startTimeout)
	defer timeout.Stop()
	for {
		out := p.out.String()
		switch {
		case strings.Contains(out, clash):
			// InspIRCd keeps running without its port; no need to be
			// gentle with it.
			_ = p.cmd.Process.Kill()
			p.stop()
			return fmt.Errorf("listen on %s: %w; server output:\n%s", addr, errPortInUse, p.out.Tail())
		case strings.Contains(out, ready):
			// The process says it listens; make sure the port is ours and
			// accepting before handing it out.
			conn, err := net.DialTimeout("tcp", addr, startTimeout)
			if err != nil {
				p.stop()
				return fmt.Errorf("server reported ready but %s refuses connections: %w; server output:\n%s", addr, err, p.out.Tail())
			}
			conn.Close()
			if s.linkPort != 0 {
				if err := s.startServices(p, port); err != nil {
					p.stop()
					return err
				}
			}
			s.mu.Lock()
			s.Port = port
			s.proc = p
			s.mu.Unlock()
			return nil
		}
		select {
		case <-p.out.Changed():
		case <-p.exited:
			// Take the last output written before the exit.
			out := p.out.String()
			if strings.Contains(out, clash) {
				return fmt.Errorf("listen on %s: %w; server output:\n%s", addr, errPortInUse, Tail(out))
			}
			return fmt.Errorf("%s exited during start (%v); server output:\n%s", name, p.waitErr, Tail(out))
		case <-timeout.C:
			p.stop()
			return fmt.Errorf("%s did not report %q within %v; server output:\n%s", name, ready, startTimeout, p.out.Tail())
		}
	}
}

func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return fmt.Errorf("write server config: %w", err)
		}
	}
	return nil
}

// process is one run of a server.
type process struct {
	cmd     *exec.Cmd
	out     *Output
	exited  chan struct{} // closed after Wait returned
	waitErr error         // valid after exited is closed

	// wake, when set, is dialled after SIGTERM: InspIRCd notices the
	// signal only when its event loop wakes up, which otherwise takes up
	// to a second.
	wake string

	// services, when set, is the services process linked to this server;
	// it stops first.
	services *process

	stopOnce sync.Once
}

// startProcess runs name in dir, its output kept, and notes its exit.
func startProcess(dir, name string, args ...string) (*process, error) {
	p := &process{out: NewOutput(outputLimit), exited: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	// The process dies with the test process, even on a crash or kill -9.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop sends SIGTERM, then SIGKILL after stopTimeout, and waits for the exit.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		if p.services != nil {
			p.services.stop()
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if p.wake != "" {
			if conn, err := net.DialTimeout("tcp", p.wake, time.Second); err == nil {
				conn.Close()
			}
		}
		select {
		case <-p.exited:
			return
		case <-time.After(stopTimeout):
		}
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
}

// servicesName is the server name Atheme links as.
const servicesName = "services.irc.test"

// startServices starts Atheme linked to the InspIRCd of p (clients on
// port) and waits until SASL works there.
func (s *Server) startServices(p *process, port int) error {
	const bin = "/usr/bin/atheme-services"
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s is not installed (apt-get install atheme-services): %w", bin, err)
	}
	if err := writeFiles(s.Dir, map[string]string{"atheme.conf": athemeConfig(s.Name, s.Host, s.linkPort)}); err != nil {
		return err
	}
	sp, err := startProcess(s.Dir, bin, "-n", "-c", filepath.Join(s.Dir, "atheme.conf"), "-D", s.Dir,
		"-l", filepath.Join(s.Dir, "atheme.log"), "-p", filepath.Join(s.Dir, "atheme.pid"))
	if err != nil {
		return err
	}
	p.services = sp
	// Ready when InspIRCd offers the sasl capability, which it does once
	// SaslServ is on the network. Atheme buffers its output, so there is
	// nothing to wait on but time.
	addr := net.JoinHostPort(s.Host, strconv.Itoa(port))
	deadline := time.Now().Add(startTimeout)
	for !offersSASL(addr) {
		select {
		case <-sp.exited:
			return fmt.Errorf("atheme-services exited during start (%v); its log:\n%s", sp.waitErr, s.servicesLog(sp))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("services did not link within %v (no sasl capability); atheme's log:\n%s\nthe server's output:\n%s", startTimeout, s.servicesLog(sp), p.out.Tail())
		}
	}
	return nil
}

// servicesLog is what Atheme printed and logged (it buffers its output
// when that is not a terminal; the log file is flushed).
func (s *Server) servicesLog(sp *process) string {
	logged, _ := os.ReadFile(filepath.Join(s.Dir, "atheme.log"))
	return Tail(sp.out.String() + string(logged))
}

// offersSASL asks the server at addr for its capabilities (CAP LS, which
// it answers before registration) and reports whether sasl is one.
func offersSASL(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("CAP LS 302\r\n")); err != nil {
		return false
	}
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		f := strings.Fields(line)
		if len(f) >= 4 && f[1] == "CAP" && f[3] == "LS" {
			if strings.Contains(" "+strings.TrimPrefix(strings.Join(f[4:], " "), ":")+" ", " sasl") {
				return true
			}
			if len(f) < 5 || f[4] != "*" {
				return false // the last line of the list
			}
		}
	}
}

// writeSelfSigned writes tls.pem and tls.key into dir: a self-signed
// certificate for 127.0.0.1, valid for a day.
func writeSelfSigned(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "irc.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("make a test certificate: %w", err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writeFiles(dir, map[string]string{
		"tls.pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		"tls.key": string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})),
	})
}
