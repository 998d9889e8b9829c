package event

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for in, ok := range map[string]bool{"2026-02-02": true, "2024-02-29": true, "2026-02-29": false, "2026-13-01": false, "2026-00-10": false, "2026-2-02": false, "02/02/2026": false, "": false, "2026-02-3x": false} {
		d, err := ParseDate(in)
		if (err == nil) != ok || (ok && d.String() != in) {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
}

// The kind names are what the export, the API and --kind read and write.
func TestKindNamesRoundTrip(t *testing.T) {
	if got := len(Kinds()); got != int(KindGap) {
		t.Fatalf("Kinds() lists %d kinds, want %d", got, KindGap)
	}
	for _, k := range Kinds() {
		back, err := ParseKind(k.String())
		if err != nil || back != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", k.String(), back, err, k)
		}
	}
	if _, err := ParseKind("privmsg"); err == nil {
		t.Error(`ParseKind("privmsg") succeeded`)
	}
	if Kind(0).Valid() || Kind(KindGap+1).Valid() {
		t.Error("a kind outside the list is valid")
	}
}

func TestValidate(t *testing.T) {
	at := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		ev Event
		ok bool
	}{
		{Event{Channel: "#c", Time: at, Kind: KindMessage, Nick: "a"}, true},
		{Event{Channel: "#c", Time: at, Kind: KindMode}, true}, // a server sets modes
		{Event{Channel: "#c", Time: at, Kind: KindMessage}, false},
		{Event{Channel: "", Time: at, Kind: KindMessage, Nick: "a"}, false},
		{Event{Channel: "#c", Kind: KindMessage, Nick: "a"}, false},
		{Event{Channel: "#c", Time: at, Kind: 99, Nick: "a"}, false},
	} {
		if err := c.ev.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", c.ev, err, c.ok)
		}
	}
}

func TestDateAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	start, end := Date{Year: 2026, Month: 3, Day: 8}.Bounds(ny)
	if got := end.Sub(start); got != 23*time.Hour {
		t.Errorf("the spring-forward day lasts %v, want 23h", got)
	}
	if d := (Date{Year: 2026, Month: 2, Day: 28}).AddDays(1); d != (Date{Year: 2026, Month: 3, Day: 1}) {
		t.Errorf("AddDays over February = %v", d)
	}
}
