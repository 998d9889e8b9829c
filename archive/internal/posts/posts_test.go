package posts

import (
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func TestFoldSeries(t *testing.T) {
	if got := FoldSeries("  From Belarus   With Love "); got != "from belarus with love" {
		t.Errorf("FoldSeries = %q", got)
	}
}

func TestParts(t *testing.T) {
	p := archive.Post{Part: 3, PartOf: 12}
	if part, partOf := Parts(p, false); part != nil || partOf != nil {
		t.Error("parts stored for a post outside a series")
	}
	if part, partOf := Parts(p, true); part == nil || *part != 3 || partOf == nil || *partOf != 12 {
		t.Errorf("Parts in a series = %v, %v; want 3, 12", part, partOf)
	}
	p.PartOf = 0
	if part, partOf := Parts(p, true); part == nil || *part != 3 || partOf != nil {
		t.Errorf("Parts without a length = %v, %v; want 3, none", part, partOf)
	}
}

func TestRead(t *testing.T) {
	p := Read(archive.Post{Link: " https://example.org/a "}, 0, 1000, 2000)
	if p.Link != "https://example.org/a" || !p.Published.IsZero() || !p.FirstSeen.Equal(time.UnixMilli(1000)) || !p.Announced.Equal(time.UnixMilli(2000)) {
		t.Errorf("Read = %+v", p)
	}
	if p.FirstSeen.Location() != time.UTC {
		t.Error("times are not in UTC")
	}
}

func TestMayLink(t *testing.T) {
	for _, c := range []struct {
		channel, line int64
		kind          event.Kind
		text          string
		want          bool
	}{
		{0, 5, event.KindMessage, "see https://x", true},
		{5, 5, event.KindNotice, "see https://x", true},
		{4, 5, event.KindMessage, "see https://x", false},
		{0, 5, event.KindAction, "see https://x", false},
		{0, 5, event.KindMessage, "no link", false},
	} {
		if got := MayLink(c.channel, c.line, c.kind, c.text); got != c.want {
			t.Errorf("MayLink(%d, %d, %v, %q) = %v; want %v", c.channel, c.line, c.kind, c.text, got, c.want)
		}
	}
}

func TestSetNewest(t *testing.T) {
	series := []archive.SeriesInfo{{ID: 2, Name: "Links"}, {ID: 1, Name: "From Belarus With Love"}}
	newest := []archive.Post{{GUID: "b10", Series: "From Belarus With Love", Part: 10}, {GUID: "l7", Series: "Links", Part: 7}}
	if err := SetNewest(series, newest); err != nil {
		t.Fatal(err)
	}
	if series[0].Newest.GUID != "l7" || series[1].Newest.GUID != "b10" {
		t.Errorf("newest parts: %q, %q; want l7, b10", series[0].Newest.GUID, series[1].Newest.GUID)
	}
	err := SetNewest([]archive.SeriesInfo{{ID: 3, Name: "Gone"}}, newest)
	if err == nil || !strings.Contains(err.Error(), `"Gone"`) {
		t.Errorf("a series without its newest part: %v", err)
	}
}
