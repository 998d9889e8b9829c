package bot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Status is the bot's health, for /healthz and /metrics.
type Status struct {
	OK             bool            `json:"ok"` // every network connected
	Started        time.Time       `json:"started"`
	Networks       []NetworkStatus `json:"networks"`
	EventsRecorded int64           `json:"events_recorded"`   // committed to the archive since start
	EventsFailed   int64           `json:"events_failed"`     // refused by the archive
	EventsDropped  int64           `json:"events_dropped"`    // lost because the archive fell far behind
	Duplicates     int64           `json:"bridge_duplicates"` // copies of bridged lines not stored again
	Replayed       int64           `json:"replayed_known"`    // played-back lines (a bouncer's buffer) the archive held already
	Reconnects     int64           `json:"reconnects"`
	QueueDepth     int             `json:"queue_depth"` // events waiting for the disk
	ListenerDrops  int64           `json:"listener_drops"`
	Goroutines     int             `json:"goroutines"` // of the whole process, to watch for leaks
}

// NetworkStatus is one network's connection.
type NetworkStatus struct {
	Name           string    `json:"name"`
	Server         string    `json:"server"`
	Connected      bool      `json:"connected"`
	Nick           string    `json:"nick,omitempty"`
	Channels       []string  `json:"channels"` // joined, sorted
	ConnectedSince time.Time `json:"connected_since,omitzero"`
	LastEvent      time.Time `json:"last_event,omitzero"` // last event recorded from this network
	Reconnects     int64     `json:"reconnects"`
	LastError      string    `json:"last_error,omitempty"`
	SendQueue      int       `json:"send_queue"`   // the bot's own lines waiting
	SendShed       int64     `json:"send_shed"`    // lines of the bot's own dropped because the queue was full
	SendExpired    int64     `json:"send_expired"` // answers dropped because they waited too long to be sent
}

// Status reports the connections and the recording counters.
func (b *Bot) Status() Status {
	s := Status{
		OK:             true,
		Started:        b.started,
		EventsRecorded: b.rec.recorded.Load(),
		EventsFailed:   b.rec.failed.Load(),
		EventsDropped:  b.rec.dropped.Load(),
		Duplicates:     b.rec.duplicates.Load(),
		Replayed:       b.rec.replayedKnown.Load(),
		QueueDepth:     b.db.QueueDepth() + b.rec.spooled(),
		ListenerDrops:  b.ldrops.Load(),
		Goroutines:     runtime.NumGoroutine(),
	}
	for _, n := range b.nets {
		ns := NetworkStatus{
			Name:        n.name,
			Server:      n.addr(),
			Connected:   n.registered.Load(),
			Reconnects:  n.reconnects.Load(),
			SendQueue:   n.w.len(),
			SendShed:    n.w.shed.Load(),
			SendExpired: n.w.expired.Load(),
			Channels:    []string{},
		}
		n.mu.Lock()
		if ns.Connected {
			ns.Nick = n.nick
			ns.ConnectedSince = n.connectedAt
		}
		for _, name := range n.joined {
			ns.Channels = append(ns.Channels, name)
		}
		ns.LastError = n.lastErr
		n.mu.Unlock()
		sort.Strings(ns.Channels)
		if t := n.lastEvent.Load(); t != 0 {
			ns.LastEvent = time.Unix(0, t).UTC()
		}
		s.Reconnects += ns.Reconnects
		s.OK = s.OK && ns.Connected
		s.Networks = append(s.Networks, ns)
	}
	return s
}

// StatusHandler serves /healthz (the Status as JSON; 503 while a network is
// not connected) and /metrics (Prometheus text format).
func (b *Bot) StatusHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		s := b.Status()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !s.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(b.Status().Metrics()))
	})
	return mux
}

// Metrics renders s in the Prometheus text exposition format.
func (s Status) Metrics() string {
	var sb strings.Builder
	head := func(name, kind, help string) {
		fmt.Fprintf(&sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	value := func(name string, labels string, v float64) {
		if labels != "" {
			labels = "{" + labels + "}"
		}
		fmt.Fprintf(&sb, "%s%s %s\n", name, labels, strconv.FormatFloat(v, 'g', -1, 64))
	}
	for _, m := range processMetrics {
		head(m.name, m.kind, m.help)
		value(m.name, "", m.value(s))
	}
	for _, m := range networkMetrics {
		head(m.name, m.kind, m.help)
		for _, n := range s.Networks {
			value(m.name, label(n.Name), m.value(n))
		}
	}
	return sb.String()
}

// metric is one metric of /metrics: its name, Prometheus type, help text
// and how to read it from T.
type metric[T any] struct {
	name, kind, help string
	value            func(T) float64
}

// processMetrics are the metrics of the whole bot, in the order served.
var processMetrics = []metric[Status]{
	{"proceedings_events_recorded_total", "counter", "Events committed to the archive since start.",
		func(s Status) float64 { return float64(s.EventsRecorded) }},
	{"proceedings_events_failed_total", "counter", "Events the archive refused.",
		func(s Status) float64 { return float64(s.EventsFailed) }},
	{"proceedings_events_dropped_total", "counter", "Events lost because the archive fell far behind.",
		func(s Status) float64 { return float64(s.EventsDropped) }},
	{"proceedings_bridge_duplicates_total", "counter", "Copies of bridged lines that were not stored again.",
		func(s Status) float64 { return float64(s.Duplicates) }},
	{"proceedings_replayed_known_total", "counter", "Played-back lines (a bouncer's buffer, a server's history) that the archive held already.",
		func(s Status) float64 { return float64(s.Replayed) }},
	{"proceedings_archive_queue_depth", "gauge", "Events waiting to be written to the archive.",
		func(s Status) float64 { return float64(s.QueueDepth) }},
	{"proceedings_listener_drops_total", "counter", "Incoming lines dropped for a listener that fell behind.",
		func(s Status) float64 { return float64(s.ListenerDrops) }},
	{"proceedings_goroutines", "gauge", "Goroutines of the process (flat when nothing leaks).",
		func(s Status) float64 { return float64(s.Goroutines) }},
	{"proceedings_uptime_seconds", "gauge", "Seconds since the bot started.",
		func(s Status) float64 { return time.Since(s.Started).Seconds() }},
}

// networkMetrics are the metrics of each network, labelled with its name,
// in the order served.
var networkMetrics = []metric[NetworkStatus]{
	{"proceedings_connected", "gauge", "1 when the network's connection is registered.",
		func(n NetworkStatus) float64 { return oneIfTrue(n.Connected) }},
	{"proceedings_reconnects_total", "counter", "Reconnections to the network since start.",
		func(n NetworkStatus) float64 { return float64(n.Reconnects) }},
	{"proceedings_channels_joined", "gauge", "Channels the bot is in.",
		func(n NetworkStatus) float64 { return float64(len(n.Channels)) }},
	{"proceedings_last_event_timestamp_seconds", "gauge", "Unix time of the last event recorded from the network (0: none yet).",
		func(n NetworkStatus) float64 {
			if n.LastEvent.IsZero() {
				return 0
			}
			return float64(n.LastEvent.UnixMilli()) / 1000
		}},
	{"proceedings_send_queue", "gauge", "The bot's own lines waiting to be sent.",
		func(n NetworkStatus) float64 { return float64(n.SendQueue) }},
	{"proceedings_send_shed_total", "counter", "The bot's own lines dropped because the send queue was full (the lowest priority first).",
		func(n NetworkStatus) float64 { return float64(n.SendShed) }},
	{"proceedings_send_expired_total", "counter", "Answers of the bot's dropped because they waited too long to be sent (a minute).",
		func(n NetworkStatus) float64 { return float64(n.SendExpired) }},
}

func label(network string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `network="` + r.Replace(network) + `"`
}

// oneIfTrue is a boolean as a gauge value.
func oneIfTrue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
