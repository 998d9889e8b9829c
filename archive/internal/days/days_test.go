package days

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone below on any machine, as the binary has it (config)

	"proceedings/event"
)

func TestCounter(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCounter(london)
	// 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
	late := time.Date(2026, 7, 1, 23, 30, 0, 0, time.UTC)
	c.Add(1, late.Add(-time.Hour), event.KindMessage, 10)
	c.Add(1, late, event.KindJoin, 12)
	c.Add(1, late.Add(time.Minute), event.KindAction, 11)
	c.Add(2, late, event.KindMessage, 13)
	want := map[Key]Count{
		{1, "2026-07-01"}: {Events: 1, Lines: 1, FirstID: 10, LastID: 10},
		{1, "2026-07-02"}: {Events: 2, Lines: 1, FirstID: 11, LastID: 12},
		{2, "2026-07-02"}: {Events: 1, Lines: 1, FirstID: 13, LastID: 13},
	}
	if len(c.Days) != len(want) {
		t.Fatalf("%d days counted; want %d", len(c.Days), len(want))
	}
	for k, w := range want {
		if got := c.Days[k]; got == nil || *got != w {
			t.Errorf("day %v = %+v; want %+v", k, got, w)
		}
	}
}

func TestTally(t *testing.T) {
	tl := NewTally(time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 2, d, 12, 0, 0, 0, time.UTC) }
	for _, d := range []int{5, 3, 5, 4, 3, 5} {
		tl.Add(day(d))
	}
	got, err := tl.Days()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Key != "2026-02-05" || got[0].Events != 3 || got[1].Key != "2026-02-03" || got[2].Key != "2026-02-04" {
		t.Errorf("Days() = %+v; want 5th (3), 3rd (2), 4th (1)", got)
	}
	sorted, err := tl.Sorted()
	if err != nil {
		t.Fatal(err)
	}
	if len(sorted) != 3 || sorted[0].Key != "2026-02-03" || sorted[1].Key != "2026-02-04" || sorted[2].Key != "2026-02-05" {
		t.Errorf("Sorted() = %+v; want oldest first", sorted)
	}
	infos, err := tl.Infos(7)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 3 || infos[0].Channel != 7 || infos[0].Day != (event.Date{Year: 2026, Month: 2, Day: 5}) || infos[0].Events != 3 {
		t.Errorf("Infos(7) = %+v", infos)
	}
	if infos, _ := NewTally(time.UTC).Infos(7); infos != nil {
		t.Errorf("Infos of an empty tally = %+v; want nil", infos)
	}
}
