package web

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

func getJSON[T any](t *testing.T, f *fixture, target string, status int) T {
	t.Helper()
	resp := f.get(t, target)
	b := body(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", target, resp.StatusCode, status, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("%s: Content-Type %q", target, ct)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("%s: no CORS header", target)
	}
	if strings.Contains(b, "secret plans") || strings.Contains(b, "mallory") {
		t.Fatalf("%s: private data leaked: %s", target, b)
	}
	var v T
	if err := json.Unmarshal([]byte(b), &v); err != nil {
		t.Fatalf("%s: %v\n%s", target, err, b)
	}
	return v
}

func TestAPIChannels(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{BaseURL: "https://irc.example.org/logs"})
	got := getJSON[struct{ Channels []APIChannel }](t, f, "/api/channels", 200)
	if len(got.Channels) != 1 {
		t.Fatalf("channels: %+v", got)
	}
	c := got.Channels[0]
	if c.Channel != "#techrights" || c.Network != "libera" || c.Lines != 50 || c.Days != 3 || c.First != "2026-02-02" || c.Last != "2026-07-01" ||
		c.Path != "libera/techrights/" || c.URL != "https://irc.example.org/logs/libera/techrights/" {
		t.Fatalf("channel: %+v", c)
	}
}

func TestAPIDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, target := range []string{"/api/days?channel=%23techrights", "/api/days?channel=techrights", "/api/days?channel=%23TECHRIGHTS&network=libera"} {
		got := getJSON[APIDays](t, f, target, 200)
		if got.Channel != "#techrights" || got.Timezone != "Europe/London" || len(got.Days) != 3 {
			t.Fatalf("%s: %+v", target, got)
		}
		d := got.Days[0]
		if d.Date != "2026-02-02" || d.Events != 4+30 || d.Lines != 3+30 || d.Path != "libera/techrights/2026-02-02.html" || d.URL != "" {
			t.Fatalf("first day: %+v", d)
		}
	}
	for _, tc := range []struct{ target, says string }{
		{"/api/days", "Say which channel"},
		{"/api/days?channel=%23secret", "no public channel #secret"},
		{"/api/days?channel=%23nosuch", "no public channel #nosuch"},
		{"/api/days?channel=%23techrights&network=efnet", "no public channel #techrights on efnet"},
		{"/api/days?channel=" + strings.Repeat("x", 200), "too long"},
	} {
		e := getJSON[APIError](t, f, tc.target, 400)
		if !strings.Contains(e.Error, tc.says) {
			t.Errorf("%s: %q does not say %q", tc.target, e.Error, tc.says)
		}
	}
}

func TestAPIDay(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{BaseURL: "https://irc.example.org/"})
	got := getJSON[APIDayEvents](t, f, "/api/day?channel=%23techrights&date=2026-02-02", 200)
	if got.Date != "2026-02-02" || got.Path != "libera/techrights/2026-02-02.html" || got.URL != "https://irc.example.org/libera/techrights/2026-02-02.html" || len(got.Events) != 34 {
		t.Fatalf("day: %+v", got)
	}
	join, hostile := got.Events[0], got.Events[1]
	if join.Kind != "join" || join.Nick != "alice" || join.ID != f.ids["join"] {
		t.Errorf("join: %+v", join)
	}
	if hostile.Text != `Minsk is <b>lovely</b> & "quoted" <script>alert(1)</script>` || !hostile.Time.Equal(day0) ||
		hostile.Path != f.link("hostile", 2) || hostile.URL != "https://irc.example.org/"+f.link("hostile", 2) {
		t.Errorf("message: %+v", hostile)
	}
	raw := body(t, f.get(t, "/api/day?channel=%23techrights&date=2026-02-02"))
	if strings.Contains(raw, "secret.host") || strings.Contains(raw, "userhost") || strings.Contains(raw, "<script>") {
		t.Errorf("hosts are not published and text is escaped for HTML contexts: %s", raw[:300])
	}
	// The day is the site's: 23:30 UTC on 30 June is on 1 July.
	summer := getJSON[APIDayEvents](t, f, "/api/day?channel=techrights&date=2026-07-01", 200)
	if len(summer.Events) != 1 || summer.Events[0].Text != "heatwave" {
		t.Errorf("summer day: %+v", summer)
	}
	for _, tc := range []struct {
		target string
		status int
		says   string
	}{
		{"/api/day?channel=%23techrights", 400, "Say which day"},
		{"/api/day?channel=%23techrights&date=2026-13-01", 400, "should look like"},
		{"/api/day?channel=%23techrights&date=yesterday", 400, "should look like"},
		{"/api/day?channel=%23techrights&date=2025-01-01", 404, "Nothing was recorded"},
		{"/api/day?channel=%23secret&date=2026-02-02", 400, "no public channel #secret"},
		{"/api/day?date=2026-02-02", 400, "Say which channel"},
	} {
		e := getJSON[APIError](t, f, tc.target, tc.status)
		if !strings.Contains(e.Error, tc.says) {
			t.Errorf("%s: %q does not say %q", tc.target, e.Error, tc.says)
		}
	}
}

func TestAPISearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	got := getJSON[APISearch](t, f, "/api/search?q=minsk&limit=2", 200)
	if got.Query != "minsk" || got.Total != 4 || got.TotalMore || got.NextPage != 2 || got.Page != 1 || got.Limit != 2 || len(got.Hits) != 2 {
		t.Fatalf("search: %+v", got)
	}
	h := got.Hits[0]
	if h.ID != f.ids["late"] || h.Channel != "#techrights" || h.Network != "libera" || h.Path != f.link("late", 3) || h.Text != "late minsk news" {
		t.Errorf("hit: %+v", h)
	}
	if len(h.Snippet) != 3 || h.Snippet[1] != (APISpan{"minsk", true}) || h.Snippet[0].Match {
		t.Errorf("snippet: %+v", h.Snippet)
	}
	last := getJSON[APISearch](t, f, "/api/search?q=minsk&limit=2&page=2", 200)
	if last.NextPage != 0 || len(last.Hits) != 2 || last.Hits[1].ID != f.ids["hostile"] {
		t.Errorf("last page: %+v", last)
	}
	none := getJSON[APISearch](t, f, "/api/search?q=zzzz", 200)
	if none.Total != 0 || none.Hits == nil || len(none.Hits) != 0 {
		t.Errorf("no hits: %+v", none)
	}
	// The private channel's line matches "linux" too, but is never found.
	all := getJSON[APISearch](t, f, "/api/search?q=linux&limit=100", 200)
	if all.Total != linuxLines || len(all.Hits) != linuxLines {
		t.Errorf("linux: total %d, %d hits", all.Total, len(all.Hits))
	}
	for _, tc := range []struct{ target, says string }{
		{"/api/search", "Type at least one word"},
		{"/api/search?q=" + strings.Repeat("x", 300), "at most 256"},
		{"/api/search?q=minsk&order=oldest", "newest or relevance"},
		{"/api/search?q=minsk&channel=%23secret", "no public channel"},
		{"/api/search?q=minsk&page=51", "first 50 pages"},
	} {
		e := getJSON[APIError](t, f, tc.target, 400)
		if !strings.Contains(e.Error, tc.says) {
			t.Errorf("%s: %q does not say %q", tc.target, e.Error, tc.says)
		}
	}
}

func TestAPISeries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	all := getJSON[struct{ Series []APISeries }](t, f, "/api/series", 200)
	if len(all.Series) != 1 || all.Series[0].Name != "From Belarus With Love" || all.Series[0].Parts != 2 || all.Series[0].Newest.Part != 10 ||
		all.Series[0].Newest.Numeral != "X" || all.Series[0].Newest.Published == nil || !all.Series[0].Newest.Published.Equal(day0) {
		t.Fatalf("series: %+v", all)
	}
	one := getJSON[APISeriesParts](t, f, "/api/series?name=from+belarus+with+love", 200)
	if one.Name != "From Belarus With Love" || len(one.Parts) != 2 || one.Parts[0].Part != 9 || one.Parts[1].Link != "https://techrights.org/p10" ||
		one.Parts[1].Subtitle != "From “High-Tech Hub” to “No-Go Zone”" {
		t.Fatalf("parts: %+v", one)
	}
	if e := getJSON[APIError](t, f, "/api/series?name=nosuch", 404); !strings.Contains(e.Error, `no series called "nosuch"`) {
		t.Errorf("unknown series: %q", e.Error)
	}
	if e := getJSON[APIError](t, f, "/api/series?name="+strings.Repeat("n", 300), 400); !strings.Contains(e.Error, "too long") {
		t.Errorf("long name: %q", e.Error)
	}
	if e := getJSON[APIError](t, f, "/api/nosuch", 404); !strings.Contains(e.Error, "/api/search") {
		t.Errorf("unknown API: %q", e.Error)
	}
}

// TestConfigurationHasTheLastWord: a channel the archive still marks public
// but the configuration no longer publishes is served nowhere.
func TestConfigurationHasTheLastWord(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Published: func(network, channel string) bool { return false }})
	if got := getJSON[struct{ Channels []APIChannel }](t, f, "/api/channels", 200); len(got.Channels) != 0 {
		t.Errorf("channels: %+v", got)
	}
	if got := getJSON[APISearch](t, f, "/api/search?q=minsk", 200); got.Total != 0 || len(got.Hits) != 0 {
		t.Errorf("search: %+v", got)
	}
	getJSON[APIError](t, f, "/api/days?channel=%23techrights", 400)
	getJSON[APIError](t, f, "/api/search?q=%2A%2A", 400) // a bad query is still explained
	page := body(t, f.get(t, "/search?q=minsk"))
	if strings.Contains(page, "<mark>") || strings.Contains(page, `<option value="#techrights"`) {
		t.Errorf("unpublished channel on the search page: %s", page)
	}
	only := newFixture(t, Options{Published: func(network, channel string) bool { return network == "libera" && channel == "#techrights" }})
	if got := getJSON[APISearch](t, only, "/api/search?q=minsk", 200); got.Total != 4 {
		t.Errorf("published channel: %d hits", got.Total)
	}
}

// TestAPIIsDocumented keeps docs/api.md in step with the routes.
func TestAPIIsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{})
	for _, route := range []string{"/api/channels", "/api/days", "/api/day", "/api/search", "/api/series"} {
		if !strings.Contains(string(doc), "## `GET "+route) {
			t.Errorf("docs/api.md has no section for %s", route)
		}
		if resp := f.get(t, route); resp.StatusCode == 404 && route != "/api/day" {
			t.Errorf("%s is documented but not served", route)
		}
	}
	if !strings.Contains(string(doc), contentSecurityPolicy) {
		t.Error("docs/api.md does not quote the Content-Security-Policy")
	}
}

func TestMadeResponsesAreGzipped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	for _, target := range []string{"/api/day?channel=%23techrights&date=2026-02-02", "/search?q=linux"} {
		plain := f.get(t, target)
		want := body(t, plain)
		resp := f.get(t, target, "Accept-Encoding", "gzip")
		b := body(t, resp)
		if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" || len(b) >= len(want) {
			t.Fatalf("%s: %v, %d bytes gzipped vs %d", target, resp.Header, len(b), len(want))
		}
		zr, err := gzip.NewReader(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zr)
		if string(got) != want {
			t.Errorf("%s: the gzipped body differs", target)
		}
	}
}
