package titles

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// This file makes outgoing fetches of user-supplied URLs (page titles) safe
// against server-side request forgery by construction: the check runs in the
// dialer's Control hook, on the address the socket is about to connect to,
// after DNS resolution. Every connection — the first request, every
// redirect, every address happy eyeballs tries — passes through it, so a
// public-looking name that resolves to 127.0.0.1 and a redirect to
// http://169.254.169.254/ are refused alike. No proxy is ever used (a proxy
// would connect on our behalf, out of the hook's sight).

// RefusedError reports a connection the address guard refused.
type RefusedError struct {
	Addr netip.Addr
	Why  string // "a loopback address", "blocked by titles.blocked_hosts", …
}

func (e *RefusedError) Error() string {
	if !e.Addr.IsValid() {
		return "refusing to connect: " + e.Why
	}
	return fmt.Sprintf("refusing to connect to %s: %s", e.Addr, e.Why)
}

// refusedPrefix is one address range never connected to.
type refusedPrefix struct {
	prefix netip.Prefix
	why    string
}

// refusedPrefixes are the ranges a title fetch never connects to (unless
// titles.allow_hosts names them). IPv4-mapped IPv6 addresses are unmapped
// before the check, and the IPv4 address inside NAT64 (64:ff9b::/96) and
// 6to4 (2002::/16) addresses is checked too.
var refusedPrefixes = func() []refusedPrefix {
	const (
		unspecified = "an unspecified address"
		loopback    = "a loopback address"
		private     = "a private (RFC 1918) address"
		ula         = "a private (unique local, RFC 4193) address"
		linkLocal   = "a link-local address"
		cgnat       = "a carrier-grade NAT (RFC 6598) address"
		multicast   = "a multicast address"
		reserved    = "a reserved address"
	)
	list := []struct{ cidr, why string }{
		{"0.0.0.0/8", unspecified}, // "this network"; 0.0.0.0 reaches the local host on Linux
		{"127.0.0.0/8", loopback},
		{"10.0.0.0/8", private},
		{"172.16.0.0/12", private},
		{"192.168.0.0/16", private},
		{"100.64.0.0/10", cgnat},
		{"169.254.0.0/16", linkLocal}, // includes the cloud metadata address 169.254.169.254
		{"192.0.0.0/24", reserved},    // IETF protocol assignments
		{"198.18.0.0/15", reserved},   // benchmarking networks, sometimes routed internally
		{"224.0.0.0/4", multicast},
		{"240.0.0.0/4", reserved}, // includes the broadcast address 255.255.255.255
		{"::/128", unspecified},
		{"::1/128", loopback},
		{"::/96", reserved}, // deprecated IPv4-compatible addresses
		{"fc00::/7", ula},
		{"fec0::/10", linkLocal}, // deprecated site-local
		{"fe80::/10", linkLocal},
		{"ff00::/8", multicast},
	}
	out := make([]refusedPrefix, len(list))
	for i, l := range list {
		out[i] = refusedPrefix{netip.MustParsePrefix(l.cidr), l.why}
	}
	return out
}()

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// RefusedAddr reports whether a title fetch must never connect to ip, and
// why: loopback, private (RFC 1918, ULA), link-local, CGNAT, multicast,
// unspecified and reserved addresses, in IPv4, IPv6 and IPv4-mapped or
// -embedded IPv6 forms.
func RefusedAddr(ip netip.Addr) (why string, refused bool) {
	if !ip.IsValid() {
		return "not an IP address", true
	}
	ip = ip.Unmap().WithZone("")
	for _, r := range refusedPrefixes {
		if r.prefix.Contains(ip) {
			return r.why, true
		}
	}
	if ip.Is6() {
		b := ip.As16()
		var v4 netip.Addr
		switch {
		case nat64Prefix.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[12:16]))
		case sixToFour.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if v4.IsValid() {
			if why, refused := RefusedAddr(v4); refused {
				return why + " (embedded in " + ip.String() + ")", true
			}
		}
	}
	return "", false
}

// hostList is a parsed titles.allow_hosts or titles.blocked_hosts: host
// names (matching the name and its subdomains), IP addresses and CIDR
// prefixes.
type hostList struct {
	names    []string // lower case, no trailing dot
	prefixes []netip.Prefix
}

func parseHostList(entries []string) (hostList, error) {
	var l hostList
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if p, err := netip.ParsePrefix(e); err == nil {
			l.prefixes = append(l.prefixes, p.Masked())
		} else if a, err := netip.ParseAddr(e); err == nil {
			a = a.Unmap()
			l.prefixes = append(l.prefixes, netip.PrefixFrom(a, a.BitLen()))
		} else if strings.ContainsAny(e, "/: ") {
			return hostList{}, fmt.Errorf("%q is neither a host name, an IP address nor a CIDR prefix", e)
		} else {
			l.names = append(l.names, strings.TrimSuffix(strings.ToLower(e), "."))
		}
	}
	return l, nil
}

// hasName reports whether host (a name, or an address literal) is listed by
// name, or is an address inside a listed prefix.
func (l hostList) hasName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		return l.hasAddr(a)
	}
	for _, n := range l.names {
		if host == n || strings.HasSuffix(host, "."+n) {
			return true
		}
	}
	return false
}

func (l hostList) hasAddr(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range l.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// addrGuard decides what outgoing title fetches may connect to.
type addrGuard struct {
	allow, block hostList
}

func newAddrGuard(allowHosts, blockedHosts []string) (*addrGuard, error) {
	allow, err := parseHostList(allowHosts)
	if err != nil {
		return nil, fmt.Errorf("titles.allow_hosts: %w", err)
	}
	block, err := parseHostList(blockedHosts)
	if err != nil {
		return nil, fmt.Errorf("titles.blocked_hosts: %w", err)
	}
	return &addrGuard{allow: allow, block: block}, nil
}

// check decides about the address a socket is about to connect to.
// allowedName is true when the request's host name is listed in
// allow_hosts, which exempts it from the private-address refusal (but not
// from blocked_hosts).
func (g *addrGuard) check(ip netip.Addr, allowedName bool) error {
	ip = ip.Unmap().WithZone("")
	if g.block.hasAddr(ip) {
		return &RefusedError{Addr: ip, Why: "blocked by titles.blocked_hosts"}
	}
	if allowedName || g.allow.hasAddr(ip) {
		return nil
	}
	if why, refused := RefusedAddr(ip); refused {
		return &RefusedError{Addr: ip, Why: why}
	}
	return nil
}

// control returns the net.Dialer Control hook: it runs after DNS resolution,
// just before connect(2), with the literal address.
func (g *addrGuard) control(allowedName bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if network != "tcp4" && network != "tcp6" {
			return fmt.Errorf("refusing a %s connection: only TCP is used", network)
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("refusing to connect to %q: not an IP address and port: %w", address, err)
		}
		return g.check(ap.Addr(), allowedName)
	}
}

// dialContext dials with the guard in the Control hook. resolver may be nil
// (the system resolver).
func (g *addrGuard) dialContext(resolver *net.Resolver, timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		if g.block.hasName(host) {
			return nil, &RefusedError{Addr: netip.Addr{}, Why: host + " is blocked by titles.blocked_hosts"}
		}
		d := net.Dialer{
			Timeout:  timeout,
			Resolver: resolver,
			Control:  g.control(g.allow.hasName(host) && !isAddrLiteral(host)),
		}
		return d.DialContext(ctx, network, addr)
	}
}

func isAddrLiteral(host string) bool {
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil
}

// maxTitleRedirects is the most redirects a title fetch follows.
const maxTitleRedirects = 5

// newGuardedClient returns an HTTP client for user-supplied URLs: every
// connection passes the guard, no proxy, at most maxTitleRedirects
// redirects and only to http(s) URLs whose host is not blocked by name.
func newGuardedClient(g *addrGuard, resolver *net.Resolver, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect where the guard cannot see
		DialContext:            g.dialContext(resolver, timeout),
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxIdleConns:           8,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxTitleRedirects {
				return fmt.Errorf("more than %d redirects", maxTitleRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %s: URL refused", req.URL.Scheme)
			}
			if g.block.hasName(req.URL.Hostname()) {
				return &RefusedError{Why: req.URL.Hostname() + " is blocked by titles.blocked_hosts"}
			}
			return nil
		},
	}
}

// isRefused reports whether err comes from the address guard.
func isRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}
