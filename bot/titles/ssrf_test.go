package titles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"proceedings/config"
	"proceedings/internal/bottest"
)

// fakeDNS is a DNS server on 127.0.0.1 (UDP) that answers A and AAAA
// queries from a table, and NXDOMAIN for other names. Pointed at by a
// net.Resolver, it lets tests give public-looking names any address.
type fakeDNS struct {
	conn    net.PacketConn
	records map[string][]netip.Addr // "news.example.com." → addresses
	queries atomic.Int64
}

func startFakeDNS(t testing.TB, records map[string]string) *fakeDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &fakeDNS{conn: pc, records: map[string][]netip.Addr{}}
	for name, addrs := range records {
		for _, a := range strings.Split(addrs, ",") {
			d.records[strings.ToLower(name)+"."] = append(d.records[strings.ToLower(name)+"."], netip.MustParseAddr(a))
		}
	}
	go d.serve()
	t.Cleanup(func() { pc.Close() })
	return d
}

func (d *fakeDNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		d.queries.Add(1)
		if resp, err := d.answer(buf[:n]); err == nil {
			d.conn.WriteTo(resp, from)
		}
	}
}

func (d *fakeDNS) answer(query []byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	addrs, known := d.records[strings.ToLower(q.Name.String())]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	for _, a := range addrs {
		rr := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
		switch {
		case q.Type == dnsmessage.TypeA && a.Is4():
			err = b.AResource(rr, dnsmessage.AResource{A: a.As4()})
		case q.Type == dnsmessage.TypeAAAA && a.Is6():
			err = b.AAAAResource(rr, dnsmessage.AAAAResource{AAAA: a.As16()})
		}
		if err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// resolver is a Go resolver that asks only this server.
func (d *fakeDNS) resolver() *net.Resolver {
	addr := d.conn.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var nd net.Dialer
			return nd.DialContext(ctx, "udp4", addr)
		},
	}
}

func TestRefusedAddr(t *testing.T) {
	cases := []struct {
		addr string
		why  string // "" when allowed
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.0.0.1", "RFC 1918"},
		{"172.16.0.1", "RFC 1918"},
		{"172.31.255.255", "RFC 1918"},
		{"192.168.1.1", "RFC 1918"},
		{"::ffff:10.1.2.3", "RFC 1918"},
		{"::ffff:192.168.0.1", "RFC 1918"},
		{"fc00::1", "unique local"},
		{"fd12:3456:789a::1", "unique local"},
		{"169.254.169.254", "link-local"},
		{"169.254.0.1", "link-local"},
		{"::ffff:169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"::ffff:224.0.0.251", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"::ffff:0.0.0.0", "unspecified"},
		{"255.255.255.255", "reserved"},
		{"240.0.0.1", "reserved"},
		{"::127.0.0.1", "reserved"},
		{"64:ff9b::7f00:1", "a loopback address (embedded in 64:ff9b::7f00:1)"},
		{"64:ff9b::a9fe:a9fe", "link-local"},
		{"2002:c0a8:0101::1", "RFC 1918"},
		// Public addresses, including the neighbours of refused ranges.
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.32.0.1", ""},
		{"169.253.255.255", ""},
		{"::ffff:93.184.216.34", ""},
		{"2606:4700:4700::1111", ""},
		{"64:ff9b::808:808", ""},
		{"2002:0808:0808::1", ""},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			why, refused := RefusedAddr(netip.MustParseAddr(c.addr))
			if refused != (c.why != "") || !strings.Contains(why, c.why) {
				t.Errorf("RefusedAddr(%s) = %q, %v; want refused %v (%q)", c.addr, why, refused, c.why != "", c.why)
			}
		})
	}
	if _, refused := RefusedAddr(netip.Addr{}); !refused {
		t.Error("the zero address is not refused")
	}
}

// newTestTitles returns a fetcher with these host lists, resolving names
// with res (nil: the system resolver).
func newTestTitles(t testing.TB, allow, block []string, res *net.Resolver, timeout time.Duration) *TitleFetcher {
	t.Helper()
	tf, err := NewTitleFetcher(Options{
		Titles:   config.Titles{Timeout: timeout, MaxBytes: config.DefaultTitleMaxBytes, AllowHosts: allow, BlockedHosts: block},
		Resolver: res,
		Logger:   bottest.Logger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

// pageServer serves an HTML page with a title on 127.0.0.1 and counts the
// requests it got.
func pageServer(t testing.TB, title string) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body>secret</body></html>", title)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func wantRefused(t *testing.T, err error, why string) {
	t.Helper()
	var r *RefusedError
	if !errors.As(err, &r) {
		t.Fatalf("error %v, want a refusal (%s)", err, why)
	}
	if !strings.Contains(r.Why, why) {
		t.Fatalf("refused because %q, want %q", r.Why, why)
	}
}

// TestTitleFetchRefusesEveryClass fetches a URL of every refused address
// class. The guard refuses in the dialer's Control hook, before connect(2),
// so no packet ever leaves for these addresses.
func TestTitleFetchRefusesEveryClass(t *testing.T) {
	t.Parallel()
	srv, hits := pageServer(t, "Internal admin panel")
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tf := newTestTitles(t, nil, nil, nil, 2*time.Second)
	cases := []struct{ name, host, why string }{
		{"loopback", "127.0.0.1", "loopback"},
		{"loopback IPv6", "[::1]", "loopback"},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]", "loopback"},
		{"unspecified", "0.0.0.0", "unspecified"},
		{"RFC 1918 10/8", "10.20.30.40", "RFC 1918"},
		{"RFC 1918 172.16/12", "172.20.0.5", "RFC 1918"},
		{"RFC 1918 192.168/16", "192.168.0.1", "RFC 1918"},
		{"IPv4-mapped private", "[::ffff:10.0.0.1]", "RFC 1918"},
		{"ULA", "[fd00::1]", "unique local"},
		{"link-local metadata", "169.254.169.254", "link-local"},
		{"link-local IPv6", "[fe80::1]", "link-local"},
		{"CGNAT", "100.64.1.1", "carrier-grade NAT"},
		{"multicast", "224.0.0.1", "multicast"},
		{"multicast IPv6", "[ff02::1]", "multicast"},
		{"NAT64 of loopback", "[64:ff9b::7f00:1]", "loopback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tf.Fetch(context.Background(), "http://"+c.host+":"+strconv.Itoa(port)+"/admin")
			wantRefused(t, err, c.why)
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests", n)
	}
}

// TestTitleFetchNameResolvingToLoopback: a public-looking name that
// resolves to 127.0.0.1 is refused after resolution; allowed by name, the
// same fetch works (which shows that the name did resolve there).
func TestTitleFetchNameResolvingToLoopback(t *testing.T) {
	t.Parallel()
	srv, hits := pageServer(t, "Internal admin panel")
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	dns := startFakeDNS(t, map[string]string{
		"news.example.com":    "127.0.0.1",
		"private.example.com": "10.9.8.7",
	})
	tf := newTestTitles(t, nil, nil, dns.resolver(), 2*time.Second)
	for _, c := range []struct{ host, why string }{
		{"news.example.com", "loopback"},
		{"private.example.com", "RFC 1918"},
	} {
		_, err := tf.Fetch(context.Background(), "http://"+c.host+":"+port+"/")
		wantRefused(t, err, c.why)
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback server got %d requests", hits.Load())
	}
	if dns.queries.Load() == 0 {
		t.Fatal("the fake DNS server was never asked")
	}

	allowed := newTestTitles(t, []string{"news.example.com"}, nil, dns.resolver(), 2*time.Second)
	pt, err := allowed.Fetch(context.Background(), "http://news.example.com:"+port+"/")
	if err != nil || pt.Title != "Internal admin panel" || pt.Host != "news.example.com:"+port {
		t.Fatalf("allowed by name: %+v, %v", pt, err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests, want 1", hits.Load())
	}
}

// TestTitleFetchRedirects: every redirect is checked (to the metadata
// address, to a name that resolves to a private address, to another
// scheme), and at most 5 are followed.
func TestTitleFetchRedirects(t *testing.T) {
	t.Parallel()
	dns := startFakeDNS(t, map[string]string{"internal.example.com": "10.1.2.3"})
	mux := http.NewServeMux()
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/iam/security-credentials/", http.StatusFound)
	})
	mux.HandleFunc("/to-internal", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://internal.example.com/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n > 0 {
			http.Redirect(w, r, "/chain/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>End of the chain</title>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tf := newTestTitles(t, []string{"127.0.0.1"}, nil, dns.resolver(), 2*time.Second)
	ctx := context.Background()

	_, err := tf.Fetch(ctx, srv.URL+"/to-metadata")
	wantRefused(t, err, "link-local")
	_, err = tf.Fetch(ctx, srv.URL+"/to-internal")
	wantRefused(t, err, "RFC 1918")
	if _, err = tf.Fetch(ctx, srv.URL+"/to-file"); err == nil || !strings.Contains(err.Error(), "redirect to a file: URL refused") {
		t.Errorf("redirect to file: error %v", err)
	}
	if pt, err := tf.Fetch(ctx, srv.URL+"/chain/5"); err != nil || pt.Title != "End of the chain" {
		t.Errorf("5 redirects: %+v, %v; want the title", pt, err)
	}
	if _, err := tf.Fetch(ctx, srv.URL+"/chain/6"); err == nil || !strings.Contains(err.Error(), "more than 5 redirects") {
		t.Errorf("6 redirects: error %v, want too many redirects", err)
	}
}

// TestTitleFetchHostLists: blocked_hosts wins over allow_hosts, matches
// subdomains and CIDR prefixes, and is checked before any DNS lookup.
func TestTitleFetchHostLists(t *testing.T) {
	t.Parallel()
	srv, hits := pageServer(t, "Hello")
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	dns := startFakeDNS(t, map[string]string{"www.tracker.example": "93.184.216.34", "loop.example.org": "127.0.0.1"})
	tf := newTestTitles(t, []string{"127.0.0.0/8"}, []string{"tracker.example", "127.0.0.2/32"}, dns.resolver(), 2*time.Second)
	ctx := context.Background()

	_, err := tf.Fetch(ctx, "http://www.tracker.example/")
	wantRefused(t, err, "blocked by titles.blocked_hosts")
	if dns.queries.Load() != 0 {
		t.Errorf("a blocked name was looked up (%d queries)", dns.queries.Load())
	}
	_, err = tf.Fetch(ctx, "http://127.0.0.2:"+port+"/")
	wantRefused(t, err, "blocked by titles.blocked_hosts")
	if pt, err := tf.Fetch(ctx, "http://127.0.0.1:"+port+"/"); err != nil || pt.Title != "Hello" {
		t.Errorf("allowed by prefix: %+v, %v", pt, err)
	}
	// A name resolving into an allowed prefix is allowed: the check is on
	// the address.
	if pt, err := tf.Fetch(ctx, "http://loop.example.org:"+port+"/"); err != nil || pt.Title != "Hello" {
		t.Errorf("a name resolving into an allowed prefix: %+v, %v", pt, err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2", hits.Load())
	}
	if _, err := NewTitleFetcher(Options{Titles: config.Titles{AllowHosts: []string{"not a host/x"}}}); err == nil {
		t.Error("a bad allow_hosts entry was accepted")
	}
}
