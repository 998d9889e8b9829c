package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Timeouts of the HTTP server made by NewHTTPServer.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 60 * time.Second // > SearchTimeout, enough for a big page on a slow link
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 32 << 10
	// ShutdownTimeout is how long requests in flight may take to finish
	// after the context of Serve is cancelled.
	ShutdownTimeout = 10 * time.Second
)

// NewHTTPServer wraps h in an http.Server with the timeouts and header
// limit above.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// ListenAndServe serves h on addr ("127.0.0.1:8080"; port 0 picks a free
// one) until ctx is cancelled, then shuts down gracefully: it stops
// accepting, lets requests in flight finish for up to ShutdownTimeout and
// returns nil. ready, when not nil, is called once with the server's URL
// ("http://127.0.0.1:8080/") as soon as connections are accepted. This is
// what `proceedings serve`, `run --serve` and `demo` call.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return ListenError(addr, err)
	}
	if ready != nil {
		ready(ListenerURL(ln))
	}
	return Serve(ctx, ln, h)
}

// ListenError explains a failed net.Listen on addr: the port is taken, or
// the address is not host:port.
func ListenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("listen on %s: %w (is another server using the port?)", addr, err)
	case strings.Contains(err.Error(), "missing port in address"), strings.Contains(err.Error(), "too many colons"):
		return fmt.Errorf("listen on %s: %w (give host:port, e.g. 127.0.0.1:8080)", addr, err)
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

// Serve is ListenAndServe on a listener the caller opened; it closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := NewHTTPServer(h)
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("shut down the http server: %w", err)
	}
	return nil
}

// ListenerURL is the http URL a listener is reached at; an unspecified
// address (0.0.0.0, ::) is shown as localhost.
func ListenerURL(ln net.Listener) string {
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + ln.Addr().String() + "/"
	}
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port)) + "/"
}
