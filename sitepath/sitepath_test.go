package sitepath

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"proceedings/event"
)

func TestSlug(t *testing.T) {
	tests := []struct{ name, want string }{
		{"#techrights", "techrights"},
		{"#Techrights", "techrights"},
		{"#TECH-rights_2", "tech-rights_2"},
		{"##linux", "~23linux"},
		{"#../../etc", "~2e~2e~2f~2e~2e~2fetc"},
		{"#..", "~2e~2e"},
		{"#a/b", "a~2fb"},
		{"&ops", "~26ops"},
		{"#", "~23"},
		{"", "~"},
		{"#-x", "~2dx"},
		{"#café", "caf~c3~a9"},
		{"#[x]", "~7bx~7d"},
		{"#a b", "a~20b"},
		{"#a\x00b", "a~00b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slug(tt.name); got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestNetworkSlug(t *testing.T) {
	tests := []struct{ name, want string }{
		{"libera", "libera"},
		{"Libera", "~4cibera"},
		{"libera.chat", "libera~2echat"},
		{"days", "days~"},
		{"series", "series~"},
		{"..", "~2e~2e"},
		{"", "~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := networkSlug(tt.name); got != tt.want {
				t.Errorf("networkSlug(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestDayPath(t *testing.T) {
	d := event.Date{Year: 2026, Month: 2, Day: 2}
	tests := []struct{ network, channel, want string }{
		{"libera", "#techrights", "libera/techrights/2026-02-02.html"},
		{"libera", "#TechRights", "libera/techrights/2026-02-02.html"},
		{"techrights", "##linux", "techrights/~23linux/2026-02-02.html"},
		{"../..", "#../../etc", "~2e~2e~2f~2e~2e/~2e~2e~2f~2e~2e~2fetc/2026-02-02.html"},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			got := DayPath(tt.network, tt.channel, d)
			if got != tt.want {
				t.Errorf("DayPath(%q, %q) = %q, want %q", tt.network, tt.channel, got, tt.want)
			}
			if !filepath.IsLocal(got) {
				t.Errorf("DayPath(%q, %q) = %q is not a local path", tt.network, tt.channel, got)
			}
		})
	}
	if got := DayURL("https://irc.example.org/", "libera", "#techrights", d); got != "https://irc.example.org/libera/techrights/2026-02-02.html" {
		t.Errorf("DayURL = %q", got)
	}
	if got := DailyIndexPath(d); got != "days/2026-02-02.html" {
		t.Errorf("DailyIndexPath = %q", got)
	}
}

func TestPermalink(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	ev := event.Event{ID: 4711, Network: "libera", Channel: "##Linux", Time: time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC)}
	// 23:30 UTC is half past midnight in London's summer: the next day.
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "libera/~23linux/2026-06-01.html#l-4711"},
		{london, "libera/~23linux/2026-06-02.html#l-4711"},
	}
	for _, tt := range tests {
		if got := Permalink(ev, tt.loc); got != tt.want {
			t.Errorf("Permalink in %s = %q, want %q", tt.loc, got, tt.want)
		}
	}
	if got := string(AppendLineAnchor([]byte("#"), -1)); got != "#l--1" {
		t.Errorf("AppendLineAnchor = %q", got)
	}
}

func TestSeriesPaths(t *testing.T) {
	tests := []struct{ name, want string }{
		{"From Belarus With Love", "from-belarus-with-love"},
		{"  Gemini Links: 2026 ", "gemini-links-2026"},
		{"Ünïcode — only", "n-code-only"},
		{"../../etc", "etc"},
		{"—", "series"},
		{"", "series"},
		{strings.Repeat("ab ", 50), strings.TrimSuffix(strings.Repeat("ab-", 27), "-")},
	}
	for _, tt := range tests {
		got := SeriesSlug(tt.name)
		if got != tt.want {
			t.Errorf("SeriesSlug(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if p := SeriesPath(got); p != "series/"+tt.want+".html" || !filepath.IsLocal(p) {
			t.Errorf("SeriesPath(%q) = %q", got, p)
		}
	}
}

// unslug inverts escapeSegment, to show that no information is lost.
func unslug(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '~' {
			b.WriteByte(s[i])
			continue
		}
		if i == len(s)-1 {
			continue // the reserved-name marker ("days~"), or the empty name ("~")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("bad escape in %q at %d", s, i)
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String()
}

// FuzzSlug checks that a slug is always one safe path segment, and that
// different channels (as the archive tells them apart) never share one.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"#techrights", "##linux", "#../../etc", "#", "", "&x", "#a/b", "#Ä", "#~", "#\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Slug(name)
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\.") || !filepath.IsLocal(s) {
			t.Fatalf("Slug(%q) = %q is not a safe path segment", name, s)
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '~') {
				t.Fatalf("Slug(%q) = %q holds %q", name, s, c)
			}
		}
		if s[0] == '-' {
			t.Fatalf("Slug(%q) = %q starts with '-'", name, s)
		}
		folded := event.FoldChannel(name)
		if len(folded) > 1 && folded[0] == '#' {
			folded = folded[1:]
		}
		if back := unslug(t, s); back != folded && !(folded == "" && s == "~") {
			t.Fatalf("Slug(%q) = %q decodes to %q, want %q: two channels could share it", name, s, back, folded)
		}
		n := networkSlug(name)
		if n == "" || strings.ContainsAny(n, "/\\.") || !filepath.IsLocal(n) || reservedTop[n] {
			t.Fatalf("networkSlug(%q) = %q is not a safe, free path segment", name, n)
		}
		if back := unslug(t, n); back != name && !(name == "" && n == "~") {
			t.Fatalf("networkSlug(%q) = %q decodes to %q", name, n, back)
		}
		p := filepath.Join("/site", filepath.FromSlash(DayPath(name, name, event.Date{Year: 2026, Month: 2, Day: 2})))
		if !strings.HasPrefix(p, "/site/") {
			t.Fatalf("DayPath for %q escapes the site: %s", name, p)
		}
	})
}
