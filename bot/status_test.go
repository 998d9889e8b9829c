package bot

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// promLine matches a sample line of the Prometheus text format.
var promLine = regexp.MustCompile(`^[a-z_]+(\{network="[^"]*"\})? [0-9.e+-]+$`)

// TestStatusEndpoints serves /healthz and /metrics for a bot with one
// connected network and one whose server is down.
func TestStatusEndpoints(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	l.Close()
	upHost, upPort, _ := strings.Cut(srv.Addr(), ":")
	downHost, downPort, _ := strings.Cut(down, ":")
	cfg := bottest.ParseConfig(t, t.TempDir(), `networks:
  - name: up
    server: {host: `+upHost+`, port: `+upPort+`, tls: false}
    nick: logbot
    channels: [{name: "#s"}, {name: "#t"}]
  - name: down
    server: {host: `+downHost+`, port: `+downPort+`, tls: false}
    nick: logbot
    channels: [{name: "#s"}]
`)
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(2)
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#s")
	alice.Send("PRIVMSG #s :hello")
	h.WaitText("hello")
	web := httptest.NewServer(h.B.StatusHandler())
	defer web.Close()

	code, body := get(t, web.URL+"/healthz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("/healthz with a network down: status %d, want 503", code)
	}
	var st Status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("/healthz is not JSON: %v\n%s", err, body)
	}
	if st.OK || len(st.Networks) != 2 || st.EventsRecorded < 4 || st.Goroutines < 2 {
		t.Errorf("/healthz = %+v", st)
	}
	up, dn := st.Networks[0], st.Networks[1]
	if !up.Connected || up.Nick != "logbot" || strings.Join(up.Channels, ",") != "#s,#t" || time.Since(up.LastEvent) > time.Minute {
		t.Errorf("network up = %+v", up)
	}
	if dn.Connected || !strings.Contains(dn.LastError, "connect") {
		t.Errorf("network down = %+v, want not connected with the connection error", dn)
	}

	code, body = get(t, web.URL+"/metrics")
	if code != http.StatusOK {
		t.Errorf("/metrics: status %d", code)
	}
	for _, want := range []string{
		`proceedings_connected{network="up"} 1`,
		`proceedings_connected{network="down"} 0`,
		`proceedings_channels_joined{network="up"} 2`,
		"# TYPE proceedings_events_recorded_total counter",
		"proceedings_archive_queue_depth ",
		"# TYPE proceedings_goroutines gauge",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "# ") && !promLine.MatchString(line) {
			t.Errorf("/metrics line %q is not in the text format", line)
		}
	}
	if code, _ := get(t, web.URL+"/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: status %d, want 404", code)
	}
}

func TestMetricsLabelEscaping(t *testing.T) {
	s := Status{Networks: []NetworkStatus{{Name: `we"ird\net`}}}
	if m := s.Metrics(); !strings.Contains(m, `proceedings_connected{network="we\"ird\\net"} 0`) {
		t.Errorf("label not escaped:\n%s", m)
	}
}
