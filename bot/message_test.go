package bot

import (
	"strings"
	"testing"
	"time"
)

// TestParseMessageServerTime: a server-time is the line's time unless it is
// implausible (far in the future, or before 1990), when the time the line
// was read stands instead; past times such as a bouncer's playback are
// kept.
func TestParseMessageServerTime(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, tag string
		want      time.Time
	}{
		{"none", "", now},
		{"now", "2026-03-04T12:00:00.000Z", now},
		{"a bouncer's playback", "2026-03-01T08:15:00.250Z", time.Date(2026, 3, 1, 8, 15, 0, 250e6, time.UTC)},
		{"years ago", "1999-12-31T23:59:59Z", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"clock drift", "2026-03-04T12:04:00Z", now.Add(4 * time.Minute)},
		{"an hour ahead", "2026-03-04T13:00:00Z", now},
		{"far future", "9999-12-31T23:59:59.999Z", now},
		{"year one", "0001-01-01T00:00:00Z", now},
		{"before 1990", "1989-12-31T23:59:59Z", now},
		{"not a time", "yesterday", now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := ":alice!a@h PRIVMSG #c :hi"
			if tc.tag != "" {
				raw = "@time=" + tc.tag + " " + raw
			}
			m, ok := parseMessage([]byte(raw), now)
			if !ok {
				t.Fatalf("parseMessage(%q) failed", raw)
			}
			if !m.time.Equal(tc.want) {
				t.Errorf("parseMessage(%q).time = %v, want %v", raw, m.time, tc.want)
			}
		})
	}
}

func TestCTCPReply(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\x01PING 12345\x01", "\x01PING 12345\x01"},
		{"\x01ping 1\x01", "\x01PING 1\x01"},
		{"\x01PING\x01", "\x01PING\x01"},
		// A payload with CTCP's own delimiter inside would end the reply
		// early and start another CTCP in the asker's client.
		{"\x01PING 1\x01VERSION\x01", "\x01PING 1VERSION\x01"},
		{"\x01PING a\x00b\x01", "\x01PING ab\x01"},
		{"\x01VERSION\x01", "\x01VERSION " + Version + "\x01"},
		{"\x01FINGER\x01", ""},
		{"\x01ACTION waves\x01", ""},
	} {
		if got := ctcpReply(tc.in); got != tc.want {
			t.Errorf("ctcpReply(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := ctcpReply("\x01TIME\x01"); !strings.HasPrefix(got, "\x01TIME ") || strings.Count(got, "\x01") != 2 {
		t.Errorf("ctcpReply(TIME) = %q", got)
	}
}
