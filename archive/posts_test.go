package archive

import "testing"

// TestPostLink: a post's link is an absolute http, https or gemini URL, or
// none; the engines store and read links through it (archive/storetest).
func TestPostLink(t *testing.T) {
	for raw, want := range map[string]string{
		"https://example.org/a/":            "https://example.org/a/",
		" http://example.org/b?x=1 \n":      "http://example.org/b?x=1",
		"gemini://example.org/c.gmi":        "gemini://example.org/c.gmi",
		"HTTPS://Example.org/":              "HTTPS://Example.org/",
		"javascript:alert(1)":               "",
		"JavaScript://%0aalert(1)":          "",
		"data:text/html,<script>x</script>": "",
		"ftp://example.org/f":               "",
		"//example.org/relative":            "",
		"/relative":                         "",
		"https://user:pw@example.org/":      "",
		"https://exa mple.org/":             "",
		"https://example.org/\x1b[2J":       "",
		"https://example.org/\u009b2J":      "",
	} {
		if got := PostLink(raw); got != want {
			t.Errorf("PostLink(%q) = %q, want %q", raw, got, want)
		}
	}
}
