package config

import (
	"errors"
	"os"
	"path/filepath"
	"proceedings/internal/ircname"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that a failure is always an
// *Error with at least one problem, and that a success is a usable Config.
func FuzzParse(f *testing.F) {
	if sample, err := os.ReadFile("../bot.yaml"); err == nil {
		f.Add(string(sample))
	}
	f.Add(minimal)
	f.Add("")
	f.Add("networks:\n  - <<: {nick: a}\n    server: {host: h}\nbridges: [{channels: [\"h/#a\", \"#b\"]}]\n")
	f.Add("a: &a [*a]\n")
	f.Add(minimal + "feeds:\n  - {url: 'file:feed.xml', format: '{{.Title}}', channels: []}\nseries: [{name: s, parts: [{n: 1, title: t}]}]\n")
	f.Fuzz(func(t *testing.T, data string) {
		c, err := Parse([]byte(data), "fuzz.yaml")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if len(ce.Problems()) == 0 {
				t.Fatal("an *Error without problems")
			}
			for _, p := range ce.Problems() {
				if p.Msg == "" || p.Line < 0 {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		if len(c.Networks) == 0 {
			t.Fatal("a valid config without networks")
		}
		for _, n := range c.Networks {
			if n.Nick == "" || n.Server.Host == "" || n.Server.Port < 1 || n.Server.Port > 65535 {
				t.Fatalf("incomplete network accepted: %+v", n)
			}
			for _, ch := range n.Channels {
				if !ircname.ValidChannel(ch.Name) {
					t.Fatalf("bad channel name accepted: %q", ch.Name)
				}
			}
			for _, r := range n.Relays {
				if r.Pattern.SubexpIndex("nick") < 0 || r.Pattern.SubexpIndex("text") < 0 {
					t.Fatalf("relay pattern without groups accepted: %v", r.Pattern)
				}
			}
		}
		if !filepath.IsAbs(c.Archive) || c.Site.BaseURL == nil || !strings.HasSuffix(c.Site.BaseURL.Path, "/") || c.Site.Location == nil {
			t.Fatalf("incomplete config accepted: archive %q site %+v", c.Archive, c.Site)
		}
		for _, fd := range c.Feeds {
			if fd.Format == nil || fd.Interval <= 0 || fd.MaxBurst < 1 {
				t.Fatalf("incomplete feed accepted: %+v", fd)
			}
		}
	})
}
