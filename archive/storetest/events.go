package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func init() {
	add("AppendKeepsEveryFieldAndOrder", testAppendKeepsEveryFieldAndOrder)
	add("AppendRejectsInvalidEvents", testAppendRejectsInvalidEvents)
	add("AppendAfterClose", testAppendAfterClose)
	add("DaysFollowTheSiteTimezone", testDaysFollowTheSiteTimezone)
	add("ChannelNamesFoldLikeIRC", testChannelNamesFoldLikeIRC)
	add("ChangedDaysTracksRevisions", testChangedDaysTracksRevisions)
	add("ConcurrentAppendersKeepQueueOrderPerCaller", testConcurrentAppenders)
	add("BatchedInsertsGetTheirOwnIDs", testBatchedInsertsGetTheirOwnIDs)
	add("ReadOnlyWhileWriting", testReadOnlyWhileWriting)
	add("Seen", testSeen)
	add("Contains", testContains)
	add("RangeKeepsBytesExactly", testRangeKeepsBytesExactly)
	add("RangeSeesCommitsWhileWritingConcurrently", testRangeSeesCommits)
	add("RangeStopsOnCallbackErrorAndContext", testRangeStops)
	add("RangeOfAnUnknownChannel", testRangeOfAnUnknownChannel)
	add("RangeAfterClose", testRangeAfterClose)
	add("EventOfAnUnknownID", testEventOfAnUnknownID)
}

func testAppendKeepsEveryFieldAndOrder(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	evs := []event.Event{
		{Network: "net", Channel: "#Chan", Time: t0, Kind: event.KindJoin, Nick: "alice", UserHost: "~a@host", Account: "alice"},
		{Network: "net", Channel: "#chan", Time: t0.Add(time.Second), Kind: event.KindMessage, Nick: "alice", Text: "hello \x02bold\x02", MsgID: "abc"},
		{Network: "net", Channel: "#CHAN", Time: t0.Add(2 * time.Second), Kind: event.KindAction, Nick: "alice", Text: "waves"},
		{Network: "net", Channel: "#chan", Time: t0.Add(3 * time.Second), Kind: event.KindKick, Nick: "op", Target: "bob", Text: "spam"},
		{Network: "net", Channel: "#chan", Time: t0.Add(4 * time.Second), Kind: event.KindNick, Nick: "alice", Target: "alice2"},
		{Network: "net", Channel: "#chan", Time: t0.Add(5 * time.Second), Kind: event.KindTopic, Nick: "op", Text: "new topic"},
		{Network: "net", Channel: "#chan", Time: t0.Add(6 * time.Second), Kind: event.KindMode, Nick: "op", Text: "+o alice2"},
		{Network: "net", Channel: "#chan", Time: t0.Add(7 * time.Second), Kind: event.KindGap, Text: t0.Add(-time.Hour).Format(time.RFC3339Nano)},
		{Network: "net", Channel: "#chan", Time: t0.Add(8 * time.Second), Kind: event.KindMessage, Nick: "carol", Text: "relayed", Via: "libera", Flags: event.FlagRelayed},
		{Network: "net", Channel: "#chan", Time: t0.Add(9*time.Second + 123*time.Millisecond), Kind: event.KindQuit, Nick: "carol", Text: "bye"},
		{Network: "net", Channel: "#chan", Time: t0.Add(10 * time.Second), Kind: event.KindNotice, Nick: "bot", Text: "notice", Flags: event.FlagSelf | event.FlagCommand},
		{Network: "net", Channel: "#chan", Time: t0.Add(11 * time.Second), Kind: event.KindPart, Nick: "dave", Text: "later", Flags: event.FlagImported},
	}
	ids := mustAppend(t, db, evs...)
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids not increasing: %v", ids)
		}
	}
	ch := channelID(t, db, "#chan")
	got, err := db.Day(ctx, ch, feb2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("got %d events, want %d", len(got), len(evs))
	}
	for i, ev := range evs {
		ev.ID = ids[i]
		ev.Channel = "#Chan" // the name as first seen
		if got[i] != ev {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], ev)
		}
		if byID, err := db.Event(ctx, ids[i]); err != nil || byID != ev {
			t.Errorf("Event(%d) = %+v, %v; want %+v", ids[i], byID, err, ev)
		}
	}
	if start, ok := got[7].GapStart(); !ok || !start.Equal(t0.Add(-time.Hour)) {
		t.Errorf("gap start = %v %v", start, ok)
	}
	start, end := feb2.Bounds(time.UTC)
	for _, tc := range []struct {
		name   string
		fields archive.Fields
		strip  func(*event.Event)
	}{
		{"CountFields", archive.CountFields, func(ev *event.Event) { ev.Target, ev.UserHost, ev.Account, ev.MsgID, ev.Via = "", "", "", "", "" }},
		{"PageFields", archive.PageFields, func(ev *event.Event) { ev.Account, ev.MsgID = "", "" }},
		{"AllFields", archive.AllFields, func(*event.Event) {}},
	} {
		some := rangeAll(t, db, ch, start, end, tc.fields)
		if len(some) != len(got) {
			t.Fatalf("%s gave %d events, Day %d", tc.name, len(some), len(got))
		}
		for i, ev := range got {
			tc.strip(&ev)
			if some[i] != ev {
				t.Errorf("%s event %d:\n got %+v\nwant %+v", tc.name, i, some[i], ev)
			}
		}
	}
	// The range is [from, to): the event at to is left out, the one at
	// from is in; times are kept to the millisecond.
	some := rangeAll(t, db, ch, t0.Add(time.Second), t0.Add(9*time.Second+123*time.Millisecond), archive.CountFields)
	if len(some) != 8 || some[0].Text != evs[1].Text || some[7].Kind != event.KindMessage {
		t.Errorf("range [1s, 9.123s) = %d events", len(some))
	}
	if db.Committed() != int64(len(evs)) || db.QueueDepth() != 0 {
		t.Errorf("committed %d, queue %d", db.Committed(), db.QueueDepth())
	}
}

func testAppendRejectsInvalidEvents(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	for _, ev := range []event.Event{
		{Channel: "#c", Time: t0, Nick: "a"},                        // no kind
		{Kind: event.KindMessage, Time: t0, Nick: "a"},              // no channel
		{Kind: event.KindMessage, Channel: "#c", Nick: "a"},         // no time
		{Kind: event.KindMessage, Channel: "#c", Time: t0},          // no nick
		{Kind: event.Kind(200), Channel: "#c", Time: t0, Nick: "a"}, // unknown kind
	} {
		if _, err := db.Append(context.Background(), ev); err == nil {
			t.Errorf("Append(%+v) accepted an invalid event", ev)
		}
		if err := db.AppendAsync(ev, nil); err == nil {
			t.Errorf("AppendAsync(%+v) accepted an invalid event", ev)
		}
	}
	if chans, err := db.Channels(context.Background()); err != nil || len(chans) != 0 {
		t.Errorf("channels after invalid events: %+v %v", chans, err)
	}
}

func testAppendAfterClose(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	mustAppend(t, db, msg("#c", "a", "before", t0))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Append(context.Background(), msg("#c", "a", "after", t0)); err == nil {
		t.Error("Append after Close succeeded")
	}
	if err := db.Flush(context.Background()); err != nil {
		t.Errorf("Flush after Close: %v", err)
	}
	// The event appended before is there.
	db = e.db(archive.Options{})
	if evs, err := db.Day(context.Background(), channelID(t, db, "#c"), feb2); err != nil || len(evs) != 1 {
		t.Fatalf("after reopening: %+v %v", evs, err)
	}
}

func testDaysFollowTheSiteTimezone(t *testing.T, e *env) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	db := e.db(archive.Options{Location: london})
	ctx := context.Background()
	if db.Location() != london {
		t.Errorf("Location = %v", db.Location())
	}
	// 2026-03-29 is the spring DST change in London: the day has 23 hours.
	mustAppend(t, db,
		msg("#c", "a", "late on the 28th", time.Date(2026, 3, 28, 23, 59, 0, 0, time.UTC)),
		msg("#c", "a", "just after midnight", time.Date(2026, 3, 29, 0, 0, 1, 0, time.UTC)),
		msg("#c", "a", "23:30 BST on the 29th", time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC)),
		msg("#c", "a", "00:30 BST on the 30th", time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC)),
		event.Event{Network: "net", Channel: "#c", Time: time.Date(2026, 3, 29, 23, 31, 0, 0, time.UTC), Kind: event.KindJoin, Nick: "b"},
	)
	id := channelID(t, db, "#c")
	cal, err := db.Calendar(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		day           string
		events, lines int
	}{{"2026-03-28", 1, 1}, {"2026-03-29", 2, 2}, {"2026-03-30", 2, 1}}
	if len(cal) != len(want) {
		t.Fatalf("calendar = %+v", cal)
	}
	for i, w := range want {
		if cal[i].Day.String() != w.day || cal[i].Events != w.events || cal[i].Lines != w.lines || cal[i].Channel != id {
			t.Errorf("day %d = %+v, want %+v", i, cal[i], w)
		}
	}
	day, err := db.Day(ctx, id, event.Date{Year: 2026, Month: 3, Day: 29})
	if err != nil {
		t.Fatal(err)
	}
	if len(day) != 2 || day[0].Text != "just after midnight" || day[1].Text != "23:30 BST on the 29th" {
		t.Errorf("day 29 = %+v", day)
	}
	if chans, err := db.Channels(ctx); err != nil || len(chans) != 1 || chans[0].Days != 3 || chans[0].Events != 5 || chans[0].Lines != 4 ||
		chans[0].First.String() != "2026-03-28" || chans[0].Last.String() != "2026-03-30" {
		t.Errorf("channels = %+v %v", chans, err)
	}

	// Reopening in another zone recounts the days.
	db.Close()
	db2 := e.db(archive.Options{Location: time.FixedZone("UTC+2", 2*3600)})
	cal, err = db2.Calendar(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(cal) != 2 || cal[0].Day.String() != "2026-03-29" || cal[0].Events != 2 || cal[1].Day.String() != "2026-03-30" || cal[1].Events != 3 || cal[1].Lines != 2 {
		t.Errorf("calendar after the zone change = %+v", cal)
	}
	all, err := db2.AllDays(ctx)
	if err != nil || len(all) != 2 {
		t.Errorf("all days = %+v %v", all, err)
	}
}

func testChannelNamesFoldLikeIRC(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#Foo[1]", "a", "x", t0), msg("#foo{1}", "a", "y", t0.Add(time.Second)),
		event.Event{Network: "other", Channel: "#FOO[1]", Time: t0, Kind: event.KindMessage, Nick: "b", Text: "z"})
	chans, err := db.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 2 || chans[0].Network != "net" || chans[0].Name != "#Foo[1]" || chans[0].Events != 2 || chans[0].Lines != 2 ||
		chans[1].Network != "other" || chans[1].Events != 1 {
		t.Fatalf("channels = %+v", chans)
	}
	if _, err := db.FindChannel(ctx, "", "#FOO{1}"); err == nil {
		t.Error("FindChannel without a network found one of two")
	}
	c, err := db.FindChannel(ctx, "net", "#FOO{1}")
	if err != nil || c.ID != chans[0].ID {
		t.Errorf("FindChannel(net, #FOO{1}) = %+v %v", c, err)
	}
	if _, err := db.FindChannel(ctx, "", "#nosuch"); !errors.Is(err, archive.ErrNoChannel) {
		t.Errorf("FindChannel(#nosuch) = %v, want ErrNoChannel", err)
	}
}

func testChangedDaysTracksRevisions(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	rev0, err := db.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if days, rev, err := db.ChangedDays(ctx, 0); err != nil || len(days) != 0 || rev != rev0 {
		t.Fatalf("changed days of an empty archive: %+v %d %v (revision %d)", days, rev, err, rev0)
	}
	mustAppend(t, db, msg("#c", "a", "one", t0), msg("#c", "a", "two", t0.AddDate(0, 0, 1)))
	days, rev, err := db.ChangedDays(ctx, 0)
	if err != nil || len(days) != 2 || rev <= rev0 {
		t.Fatalf("changed since 0: %+v %d %v", days, rev, err)
	}
	if r, err := db.Revision(ctx); err != nil || r != rev {
		t.Errorf("Revision = %d, ChangedDays said %d (%v)", r, rev, err)
	}
	mustAppend(t, db, msg("#c", "a", "three", t0.AddDate(0, 0, 1).Add(time.Minute)))
	days, rev2, err := db.ChangedDays(ctx, rev)
	if err != nil {
		t.Fatal(err)
	}
	if rev2 <= rev || len(days) != 1 || days[0].Day.String() != "2026-02-03" || days[0].Events != 2 || days[0].Rev != rev2 {
		t.Fatalf("changed since %d: %+v (rev %d)", rev, days, rev2)
	}
	if days, _, err := db.ChangedDays(ctx, rev2); err != nil || len(days) != 0 {
		t.Fatalf("changed since the last revision: %+v %v", days, err)
	}
}

func testConcurrentAppenders(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	const writers, each = 4, 250
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ev := msg(fmt.Sprintf("#w%d", w), "n", strconv.Itoa(i), t0.Add(time.Duration(i)*time.Millisecond))
				if err := db.AppendAsync(ev, nil); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := db.Committed(); got != writers*each {
		t.Fatalf("committed %d, want %d", got, writers*each)
	}
	for w := 0; w < writers; w++ {
		evs, err := db.Day(ctx, channelID(t, db, fmt.Sprintf("#w%d", w)), feb2)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != each {
			t.Fatalf("#w%d has %d events", w, len(evs))
		}
		for i, ev := range evs {
			if ev.Text != strconv.Itoa(i) {
				t.Fatalf("#w%d event %d = %q", w, i, ev.Text)
			}
		}
	}
}

// Events written many to a commit (a live burst, an import) each get the
// id that reads them back, and the days count them all.
func testBatchedInsertsGetTheirOwnIDs(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mk := func(ch string, i int) event.Event {
		return event.Event{Network: "net", Channel: ch, Time: t0.Add(time.Duration(i) * time.Second), Kind: event.KindMessage,
			Nick: fmt.Sprintf("n%d", i%7), Text: fmt.Sprintf("%s line %d", ch, i)}
	}
	const n = 3*256 + 17
	type res struct {
		i  int
		id int64
	}
	got := make(chan res, n)
	for i := range n {
		ch := "#a"
		if i%3 == 0 {
			ch = "#b" // two channels interleaved in one batch
		}
		if err := db.AppendAsync(mk(ch, i), func(id int64, err error) {
			if err != nil {
				t.Error(err)
			}
			got <- res{i, id}
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for range n {
		r := <-got
		ids[r.i] = r.id
		ev, err := db.Event(ctx, r.id)
		if err != nil {
			t.Fatal(err)
		}
		want := mk(map[bool]string{true: "#b", false: "#a"}[r.i%3 == 0], r.i)
		if ev.Text != want.Text || ev.Channel != want.Channel || !ev.Time.Equal(want.Time) {
			t.Fatalf("id %d reads back %q in %s, want %q in %s", r.id, ev.Text, ev.Channel, want.Text, want.Channel)
		}
	}
	for i := 1; i < n; i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("event %d got id %d after %d: not in queue order", i, ids[i], ids[i-1])
		}
	}

	// The same through the importer, on another day.
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ev := mk("#c", i)
		ev.Time = ev.Time.Add(48 * time.Hour)
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c := channelID(t, db, "#c")
	day := event.DateOf(t0.Add(48*time.Hour), db.Location())
	evs, err := db.Day(ctx, c, day)
	if err != nil || len(evs) != n {
		t.Fatalf("day of #c: %d events (%v), want %d", len(evs), err, n)
	}
	for i, ev := range evs {
		if want := mk("#c", i).Text; ev.Text != want {
			t.Fatalf("event %d of #c: %q, want %q", i, ev.Text, want)
		}
		back, err := db.Event(ctx, ev.ID)
		if err != nil || back.Text != ev.Text {
			t.Fatalf("id %d reads back %q (%v), want %q", ev.ID, back.Text, err, ev.Text)
		}
	}
	cal, err := db.Calendar(ctx, c)
	if err != nil || len(cal) != 1 || cal[0].Events != n || cal[0].Lines != n {
		t.Errorf("calendar of #c: %+v %v", cal, err)
	}
}

func testReadOnlyWhileWriting(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "hello", t0))
	ro := e.db(archive.Options{ReadOnly: true})
	mustAppend(t, db, msg("#c", "a", "world", t0.Add(time.Second)))
	res, err := ro.Search(ctx, archive.SearchQuery{Text: "world"})
	if err != nil || res.Total != 1 {
		t.Fatalf("read-only search = %+v %v", res, err)
	}
	if evs, err := ro.Day(ctx, channelID(t, ro, "#c"), feb2); err != nil || len(evs) != 2 || evs[1].Text != "world" {
		t.Fatalf("read-only day = %+v %v", evs, err)
	}
	if _, err := ro.Append(ctx, msg("#c", "a", "x", t0)); err == nil {
		t.Fatal("append to a read-only archive succeeded")
	}
	for name, err := range map[string]error{
		"SetMeta":   ro.SetMeta(ctx, "k", "v"),
		"SetPublic": ro.SetPublic(ctx, "net", "#c", true),
		"OptOut":    ro.OptOut(ctx, "x", true),
	} {
		if err == nil {
			t.Errorf("%s on a read-only archive succeeded", name)
		}
	}
	if _, err := ro.NewImporter(archive.ImportOptions{}); err == nil {
		t.Error("an importer on a read-only archive")
	}
	if _, _, err := ro.SavePost(ctx, archive.Post{GUID: "g", Title: "t"}); err == nil {
		t.Error("SavePost on a read-only archive succeeded")
	}
	if err := ro.Flush(ctx); err != nil || ro.QueueDepth() != 0 || ro.Committed() != 0 {
		t.Errorf("read-only Flush %v, queue %d, committed %d", err, ro.QueueDepth(), ro.Committed())
	}
}

func testSeen(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db,
		msg("#a", "Alice", "first", t0),
		msg("#b", "alice", "second", t0.Add(time.Minute)),
		event.Event{Network: "net", Channel: "#a", Time: t0.Add(2 * time.Minute), Kind: event.KindQuit, Nick: "alice", Text: "bye"},
		msg("#a", "alicé", "not alice", t0.Add(3*time.Minute)),
	)
	ev, ok, err := db.Seen(ctx, "ALICE", nil)
	if err != nil || !ok || ev.Text != "second" || ev.Channel != "#b" || ev.Network != "net" {
		t.Fatalf("seen = %+v %v %v", ev, ok, err)
	}
	ev, ok, err = db.Seen(ctx, "alice", []int64{channelID(t, db, "#a")})
	if err != nil || !ok || ev.Text != "first" {
		t.Fatalf("seen in #a = %+v %v %v", ev, ok, err)
	}
	if _, ok, err := db.Seen(ctx, "nobody", nil); ok || err != nil {
		t.Fatalf("nobody seen: %v %v", ok, err)
	}
	// Case folds only A-Z, as IRC servers with CASEMAPPING=ascii and SQLite's NOCASE.
	if ev, ok, err := db.Seen(ctx, "ALICÉ", nil); err != nil || ok {
		t.Fatalf("ALICÉ seen as %+v %v", ev, err)
	}
}

func testContains(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	stored := event.Event{Network: "net", Channel: "#Chan", Time: t0, Kind: event.KindMessage, Nick: "alice", Text: "hello"}
	kick := event.Event{Network: "net", Channel: "#chan", Time: t0, Kind: event.KindKick, Nick: "op", Target: "bob", Text: "spam"}
	mustAppend(t, db, stored, kick)
	at := func(ev event.Event, d time.Duration) event.Event { ev.Time = ev.Time.Add(d); return ev }
	for _, tc := range []struct {
		name string
		ev   event.Event
		want bool
	}{
		{"the same", stored, true},
		{"channel case", func() event.Event { ev := stored; ev.Channel = "#CHAN"; return ev }(), true},
		{"within the tolerance", at(stored, 900*time.Millisecond), true},
		{"just before", at(stored, -time.Second), true},
		{"too late", at(stored, 1100*time.Millisecond), false},
		{"another nick", func() event.Event { ev := stored; ev.Nick = "bob"; return ev }(), false},
		{"nick case counts", func() event.Event { ev := stored; ev.Nick = "Alice"; return ev }(), false},
		{"another text", func() event.Event { ev := stored; ev.Text = "hello!"; return ev }(), false},
		{"another kind", func() event.Event { ev := stored; ev.Kind = event.KindAction; return ev }(), false},
		{"another network", func() event.Event { ev := stored; ev.Network = "other"; return ev }(), false},
		{"a channel never logged", func() event.Event { ev := stored; ev.Channel = "#new"; return ev }(), false},
		{"the kick", kick, true},
		{"another kicked nick", func() event.Event { ev := kick; ev.Target = "carol"; return ev }(), false},
		{"a target where none was", func() event.Event { ev := stored; ev.Target = "x"; return ev }(), false},
	} {
		got, err := db.Contains(ctx, tc.ev, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: Contains = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Another handle on the same archive (another process, for the
	// PostgreSQL engine) sees it too, though it never wrote to the channel.
	other := e.db(archive.Options{ReadOnly: true})
	if got, err := other.Contains(ctx, stored, 0); err != nil || !got {
		t.Errorf("another handle: Contains = %v, %v", got, err)
	}
}

func testRangeKeepsBytesExactly(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	texts := []string{"", "plain", "nul\x00inside", "\xff\xfe broken \xc3\x28 utf-8", "emoji 🙂 and RTL \u202e", string(make([]byte, 20000)), "back\\slash 'quote' \"dq\" \\x41"}
	for i, s := range texts {
		mustAppend(t, db, msg("#c", fmt.Sprintf("n%d", i), s, t0.Add(time.Duration(i)*time.Second)))
	}
	odd := event.Event{Network: "net", Channel: "#c", Time: t0.Add(time.Minute), Kind: event.KindKick, Nick: "op\xff\x00", Target: "v\xc3\x28ictim",
		UserHost: "~u@h\x00st", Account: "acc\xfe", MsgID: "id\x00", Via: "v\xff", Text: "reason\x00\xff"}
	oddID := mustAppend(t, db, odd)[0]
	start, end := feb2.Bounds(time.UTC)
	var got []string
	if err := db.Range(ctx, channelID(t, db, "#c"), start, end, archive.AllFields, func(ev event.Event) error {
		if ev.ID == oddID {
			return nil
		}
		got = append(got, ev.Text)
		if ev.Target != "" || ev.UserHost != "" || ev.Account != "" || ev.MsgID != "" || ev.Via != "" {
			t.Errorf("NULL columns read as %+v", ev)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(texts) {
		t.Fatalf("read %d events, want %d", len(got), len(texts))
	}
	for i := range texts {
		if got[i] != texts[i] {
			t.Errorf("text %d: got %q, want %q", i, got[i], texts[i])
		}
	}
	back, err := db.Event(ctx, oddID)
	odd.ID = oddID
	if err != nil || back != odd {
		t.Errorf("odd bytes in every field:\n got %+v (%v)\nwant %+v", back, err, odd)
	}
	if ok, err := db.Contains(ctx, odd, 0); err != nil || !ok {
		t.Errorf("Contains of the odd event: %v %v", ok, err)
	}
	if err := db.SetMeta(ctx, "odd", "v\x00\xff"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.Meta(ctx, "odd"); v != "v\x00\xff" || !ok || err != nil {
		t.Errorf("meta = %q %v %v", v, ok, err)
	}
}

func testRangeSeesCommits(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "first", t0))
	ch := channelID(t, db, "#c")
	start, end := feb2.Bounds(time.UTC)
	const writes = 300
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	wg.Add(1)
	go func() { // the writer: commits of 10 events
		defer wg.Done()
		for i := 1; i <= writes; i++ {
			if err := db.AppendAsync(msg("#c", "a", fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond)), nil); err != nil {
				errs <- err
				return
			}
			if i%10 == 0 {
				if err := db.Flush(ctx); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for last <= writes {
				n, prev := 0, int64(0)
				if err := db.Range(ctx, ch, start, end, archive.CountFields, func(ev event.Event) error {
					if ev.ID <= prev {
						return fmt.Errorf("ids out of order: %d after %d", ev.ID, prev)
					}
					prev = ev.ID
					n++
					return nil
				}); err != nil {
					errs <- err
					return
				}
				if n < last {
					errs <- fmt.Errorf("a later read saw %d events, an earlier one %d", n, last)
					return
				}
				last = n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testRangeStops(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	for i := range 1000 {
		if err := db.AppendAsync(msg("#c", "a", "x", t0.Add(time.Duration(i)*time.Millisecond)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch := channelID(t, db, "#c")
	start, end := feb2.Bounds(time.UTC)
	stop := errors.New("stop")
	n := 0
	err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("callback error: got %v after %d events", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = db.Range(ctx, ch, start, end, archive.AllFields, func(event.Event) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 1000 {
		t.Fatalf("cancelled: got %v after %d events", err, n)
	}
	// The archive reads ranges as before.
	for range 3 {
		n = 0
		if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { n++; return nil }); err != nil || n != 1000 {
			t.Fatalf("after a stopped range: %d events, %v", n, err)
		}
	}
}

func testRangeOfAnUnknownChannel(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	start, end := feb2.Bounds(time.UTC)
	err := db.Range(context.Background(), 12345, start, end, archive.AllFields, func(event.Event) error { return nil })
	if !errors.Is(err, archive.ErrNoChannel) {
		t.Fatalf("range of an unknown channel: %v", err)
	}
	if _, err := db.Day(context.Background(), 12345, feb2); !errors.Is(err, archive.ErrNoChannel) {
		t.Fatalf("day of an unknown channel: %v", err)
	}
}

func testRangeAfterClose(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	mustAppend(t, db, msg("#c", "a", "x", t0))
	ch := channelID(t, db, "#c")
	start, end := feb2.Bounds(time.UTC)
	if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Range(context.Background(), ch, start, end, archive.AllFields, func(event.Event) error { return nil }); err == nil {
		t.Fatal("a range on a closed archive succeeded")
	}
}

func testEventOfAnUnknownID(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	mustAppend(t, db, msg("#c", "a", "x", t0))
	if _, err := db.Event(context.Background(), 999999); err == nil {
		t.Error("Event of an unknown id succeeded")
	}
}
