package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"proceedings/archive"
	"proceedings/event"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

func openTest(t *testing.T, opt archive.Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "a.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)

func msg(ch, nick, text string, at time.Time) event.Event {
	return event.Event{Network: "net", Channel: ch, Time: at, Kind: event.KindMessage, Nick: nick, Text: text}
}

func mustAppend(t *testing.T, db *DB, evs ...event.Event) []int64 {
	t.Helper()
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		id, err := db.Append(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

func channelID(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	c, err := db.FindChannel(context.Background(), "", name)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestAppendKeepsEveryFieldAndOrder(t *testing.T) {
	db := openTest(t, archive.Options{})
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
	}
	ids := mustAppend(t, db, evs...)
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids not increasing: %v", ids)
		}
	}
	got, err := db.Day(ctx, channelID(t, db, "#chan"), event.Date{Year: 2026, Month: 2, Day: 2})
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
	}
	if start, ok := got[7].GapStart(); !ok || !start.Equal(t0.Add(-time.Hour)) {
		t.Errorf("gap start = %v %v", start, ok)
	}
	// CountFields and PageFields: the same events with fewer fields.
	start, end := event.Date{Year: 2026, Month: 2, Day: 2}.Bounds(time.UTC)
	for _, tc := range []struct {
		name   string
		fields archive.Fields
		strip  func(*event.Event)
	}{
		{"CountFields", archive.CountFields, func(ev *event.Event) { ev.Target, ev.UserHost, ev.Account, ev.MsgID, ev.Via = "", "", "", "", "" }},
		{"PageFields", archive.PageFields, func(ev *event.Event) { ev.Account, ev.MsgID = "", "" }},
	} {
		var some []event.Event
		if err := db.Range(ctx, channelID(t, db, "#chan"), start, end, tc.fields, func(ev event.Event) error {
			some = append(some, ev)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
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
}

func TestAppendRejectsInvalidEvents(t *testing.T) {
	db := openTest(t, archive.Options{})
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
	}
}

func TestDaysFollowTheSiteTimezone(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t, archive.Options{Location: london})
	ctx := context.Background()
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
		if cal[i].Day.String() != w.day || cal[i].Events != w.events || cal[i].Lines != w.lines {
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

	// Reopening in another zone recounts the days.
	path := db.Path()
	db.Close()
	db2, err := Open(ctx, path, archive.Options{Location: time.FixedZone("UTC+2", 2*3600)})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	cal, err = db2.Calendar(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(cal) != 2 || cal[0].Day.String() != "2026-03-29" || cal[0].Events != 2 || cal[1].Day.String() != "2026-03-30" || cal[1].Events != 3 {
		t.Errorf("calendar after the zone change = %+v", cal)
	}
}

func TestChannelNamesFoldLikeIRC(t *testing.T) {
	db := openTest(t, archive.Options{})
	mustAppend(t, db, msg("#Foo[1]", "a", "x", t0), msg("#foo{1}", "a", "y", t0.Add(time.Second)))
	chans, err := db.Channels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 1 || chans[0].Events != 2 || chans[0].Lines != 2 {
		t.Fatalf("channels = %+v", chans)
	}
	if event.FoldChannel("#A[]\\~") != "#a{}|^" {
		t.Errorf("FoldChannel = %q", event.FoldChannel("#A[]\\~"))
	}
}

func TestChangedDaysTracksRevisions(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "one", t0), msg("#c", "a", "two", t0.AddDate(0, 0, 1)))
	_, rev, err := db.ChangedDays(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, msg("#c", "a", "three", t0.AddDate(0, 0, 1).Add(time.Minute)))
	days, rev2, err := db.ChangedDays(ctx, rev)
	if err != nil {
		t.Fatal(err)
	}
	if rev2 <= rev || len(days) != 1 || days[0].Day.String() != "2026-02-03" || days[0].Events != 2 {
		t.Fatalf("changed since %d: %+v (rev %d)", rev, days, rev2)
	}
}

func TestSearch(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db,
		msg("#pub", "alice", "Minsk is the capital of Belarus", t0),
		msg("#pub", "bob", "I went to minsk in 2020", t0.Add(time.Minute)),
		msg("#priv", "carol", "secret minsk plans", t0.Add(2*time.Minute)),
		msg("#pub", "dave", `he said "no-go zone" twice`, t0.Add(3*time.Minute)),
		event.Event{Network: "net", Channel: "#pub", Time: t0.Add(4 * time.Minute), Kind: event.KindQuit, Nick: "erin", Text: "minsk quit reason"},
	)
	if err := db.SetPublic(ctx, "net", "#pub", true); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Hits) != 2 || res.Hits[0].Nick != "bob" || res.Hits[1].Nick != "alice" {
		t.Fatalf("minsk in public channels: %+v", res)
	}
	var matched []string
	for _, s := range res.Hits[1].Snippet {
		if s.Match {
			matched = append(matched, s.Text)
		}
	}
	if fmt.Sprint(matched) != "[Minsk]" {
		t.Errorf("snippet spans = %+v", res.Hits[1].Snippet)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk"})
	if err != nil || res.Total != 3 {
		t.Fatalf("minsk everywhere: %+v %v", res, err)
	}
	self := msg("#pub", "proceedings", "3 lines match minsk", t0.Add(5*time.Minute))
	self.Flags = event.FlagSelf
	mustAppend(t, db, self)
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true, ExcludeFlags: event.FlagSelf})
	if err != nil || res.Total != 2 {
		t.Fatalf("minsk without the bot's lines: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", Nick: "ALICE"})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "alice" {
		t.Fatalf("minsk by alice: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: `"no-go zone"`, Order: archive.Relevance})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "dave" {
		t.Fatalf("phrase: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", From: t0.Add(30 * time.Second), To: t0.Add(90 * time.Second)})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "bob" {
		t.Fatalf("date range: %+v %v", res, err)
	}
	// Whatever a user types is searched for as words, never run as syntax.
	for _, q := range []string{`minsk"`, `NEAR(minsk`, `minsk*`, `text:minsk`, `minsk OR`, `'; DROP TABLE events; --`, `(`, `^minsk`, `AND`} {
		if _, err := db.Search(ctx, archive.SearchQuery{Text: q}); err != nil && !errors.Is(err, archive.ErrBadQuery) {
			t.Errorf("query %q: unexpected error %v", q, err)
		}
	}
	for _, q := range []string{"", "   ", "***", strings.Repeat("a", archive.MaxQueryLen+1)} {
		if _, err := db.Search(ctx, archive.SearchQuery{Text: q}); !errors.Is(err, archive.ErrBadQuery) {
			t.Errorf("query %q: want ErrBadQuery, got %v", q, err)
		}
	}
	// The table is still there after the injection attempt.
	if _, err := db.Day(ctx, channelID(t, db, "#pub"), event.Date{Year: 2026, Month: 2, Day: 2}); err != nil {
		t.Fatal(err)
	}
}

func TestSeen(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db,
		msg("#a", "Alice", "first", t0),
		msg("#b", "alice", "second", t0.Add(time.Minute)),
		event.Event{Network: "net", Channel: "#a", Time: t0.Add(2 * time.Minute), Kind: event.KindQuit, Nick: "alice", Text: "bye"},
	)
	ev, ok, err := db.Seen(ctx, "ALICE", nil)
	if err != nil || !ok || ev.Text != "second" {
		t.Fatalf("seen = %+v %v %v", ev, ok, err)
	}
	ev, ok, err = db.Seen(ctx, "alice", []int64{channelID(t, db, "#a")})
	if err != nil || !ok || ev.Text != "first" {
		t.Fatalf("seen in #a = %+v %v %v", ev, ok, err)
	}
	if _, ok, err := db.Seen(ctx, "nobody", nil); ok || err != nil {
		t.Fatalf("nobody seen: %v %v", ok, err)
	}
}

func TestPostsAndSeries(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	p10 := archive.Post{GUID: "g10", Link: "https://example.org/p10", Title: "From Belarus With Love — Part X: Sub", Series: "From Belarus With Love", Part: 10, Numeral: "X", Feed: "f", Published: t0}
	stored, isNew, err := db.SavePost(ctx, p10)
	if err != nil || !isNew || stored.Part != 10 || stored.Series != "From Belarus With Love" {
		t.Fatalf("save = %+v %v %v", stored, isNew, err)
	}
	if err := db.MarkAnnounced(ctx, stored.ID, t0); err != nil {
		t.Fatal(err)
	}
	// Same GUID, new title: not new, title updated, still announced.
	p10.Title = "From Belarus With Love — Part X: Sub (updated)"
	stored, isNew, err = db.SavePost(ctx, p10)
	if err != nil || isNew || stored.Title != p10.Title || stored.Announced.IsZero() {
		t.Fatalf("resave = %+v %v %v", stored, isNew, err)
	}
	// The same part declared by hand, with another URL: one part.
	_, isNew, err = db.SavePost(ctx, archive.Post{Link: "https://example.org/other", Title: "Part X", Series: "from belarus with love", Part: 10})
	if err != nil || isNew {
		t.Fatalf("hand-declared duplicate part: new=%v err=%v", isNew, err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "g9", Link: "https://example.org/p9", Title: "Part IX", Series: "From Belarus With Love", Part: 9, Published: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "links", Link: "https://example.org/links", Title: "Links 02/02/2026", Published: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	parts, err := db.SeriesParts(ctx, "FROM BELARUS WITH LOVE")
	if err != nil || len(parts) != 2 || parts[0].Part != 9 || parts[1].Part != 10 || parts[1].Link != "https://example.org/p10" {
		t.Fatalf("parts = %+v %v", parts, err)
	}
	series, err := db.Series(ctx)
	if err != nil || len(series) != 1 || series[0].Parts != 2 || series[0].Newest.Part != 10 {
		t.Fatalf("series = %+v %v", series, err)
	}
	latest, err := db.LatestPosts(ctx, 2)
	if err != nil || len(latest) != 2 || latest[0].GUID != "links" || latest[1].GUID != "g10" {
		t.Fatalf("latest = %+v %v", latest, err)
	}
}

func TestOptOutAndMeta(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	if err := db.OptOut(ctx, "Alice", true); err != nil {
		t.Fatal(err)
	}
	if err := db.OptOut(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	if err := db.OptOut(ctx, "BOB", false); err != nil {
		t.Fatal(err)
	}
	keys, err := db.OptOuts(ctx)
	if err != nil || fmt.Sprint(keys) != "[alice]" {
		t.Fatalf("optouts = %v %v", keys, err)
	}
	if _, ok, _ := db.Meta(ctx, "x"); ok {
		t.Fatal("meta x exists before it was set")
	}
	if err := db.SetMeta(ctx, "x", "1"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetMeta(ctx, "x", "2"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.Meta(ctx, "x"); v != "2" || !ok || err != nil {
		t.Fatalf("meta = %q %v %v", v, ok, err)
	}
}

// TestOptOutKeepsTheFirstUserHost: a nick's opt-out remembers where it was
// asked from, an account's has none, and opting out again does not change
// whose it is.
func TestOptOutKeepsTheFirstUserHost(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	for _, step := range []struct{ key, userHost string }{
		{"Carol", "~c@home.example"},
		{"carol", "~mallory@evil.example"}, // the nick taken by someone else
		{"CarolAcct", ""},
	} {
		if err := db.OptOutFrom(ctx, step.key, step.userHost); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		key, userHost string
		found         bool
	}{
		{"CAROL", "~c@home.example", true},
		{"carolacct", "", true},
		{"nobody", "", false},
	}
	for _, tc := range tests {
		uh, found, err := db.OptOutEntry(ctx, tc.key)
		if err != nil || uh != tc.userHost || found != tc.found {
			t.Errorf("OptOutEntry(%q) = %q, %v, %v; want %q, %v", tc.key, uh, found, err, tc.userHost, tc.found)
		}
	}
	if keys, err := db.OptOuts(ctx); err != nil || fmt.Sprint(keys) != "[carol carolacct]" {
		t.Errorf("optouts = %v %v", keys, err)
	}
	if err := db.OptOut(ctx, "carol", false); err != nil {
		t.Fatal(err)
	}
	if _, found, err := db.OptOutEntry(ctx, "carol"); found || err != nil {
		t.Errorf("carol is still on the list after OptOut(false): %v", err)
	}
}

// TestOptOutsFromBeforeUserHosts: an archive whose optout table has only
// keys (schema version 2) keeps its opt-outs, with no user@host, and takes
// new ones with theirs.
func TestOptOutsFromBeforeUserHosts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	saved := migrations
	migrations = saved[:2]
	db, err := Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var cols int
	if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('optout')").Scan(&cols); err != nil || cols != 1 {
		t.Fatalf("the old optout table has %d columns (%v), want only key", cols, err)
	}
	if _, err := raw.ExecContext(ctx, "INSERT INTO optout(key) VALUES('alice'), ('bobacct')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if keys, err := db.OptOuts(ctx); err != nil || fmt.Sprint(keys) != "[alice bobacct]" {
		t.Fatalf("optouts after the migration = %v %v", keys, err)
	}
	if uh, found, err := db.OptOutEntry(ctx, "Alice"); uh != "" || !found || err != nil {
		t.Errorf("old opt-out of alice: %q, %v, %v; want no user@host, found", uh, found, err)
	}
	if err := db.OptOutFrom(ctx, "carol", "c@home.example"); err != nil {
		t.Fatal(err)
	}
	if uh, found, err := db.OptOutEntry(ctx, "carol"); uh != "c@home.example" || !found || err != nil {
		t.Errorf("new opt-out of carol: %q, %v, %v", uh, found, err)
	}
}

func TestMigrationsKeepDataAndRefuseNewerSchemas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, msg("#c", "a", "kept across the migration", t0))
	db.Close()

	// A later binary with one more migration opens the old file.
	saved := migrations
	migrations = append(append([]string(nil), saved...), "ALTER TABLE events ADD COLUMN extra TEXT; CREATE TABLE newer(x);")
	db, err = Open(ctx, path, archive.Options{})
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	evs, err := db.Day(ctx, channelID(t, db, "#c"), event.Date{Year: 2026, Month: 2, Day: 2})
	db.Close()
	migrations = saved
	if err != nil || len(evs) != 1 || evs[0].Text != "kept across the migration" {
		t.Fatalf("after migration: %+v %v", evs, err)
	}
	// Now the file is newer than this binary: refused, clearly.
	_, err = Open(ctx, path, archive.Options{})
	if !errors.Is(err, archive.ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade proceedings") {
		t.Fatalf("newer schema: %v", err)
	}
	_, err = Open(ctx, path, archive.Options{ReadOnly: true})
	if !errors.Is(err, archive.ErrNewerSchema) {
		t.Fatalf("newer schema, read-only: %v", err)
	}
}

func TestNotAnArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(path, []byte("this is not sqlite at all, just text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), path, archive.Options{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("opening junk: %v", err)
	}
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing.db"), archive.Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing archive succeeded")
	}
}

func TestConcurrentAppendersKeepQueueOrderPerCaller(t *testing.T) {
	db := openTest(t, archive.Options{})
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
		evs, err := db.Day(ctx, channelID(t, db, fmt.Sprintf("#w%d", w)), event.Date{Year: 2026, Month: 2, Day: 2})
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if ev.Text != strconv.Itoa(i) {
				t.Fatalf("#w%d event %d = %q", w, i, ev.Text)
			}
		}
	}
}

func TestReadOnlyWhileWriting(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "hello", t0))
	ro, err := Open(ctx, db.Path(), archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	mustAppend(t, db, msg("#c", "a", "world", t0.Add(time.Second)))
	res, err := ro.Search(ctx, archive.SearchQuery{Text: "world"})
	if err != nil || res.Total != 1 {
		t.Fatalf("read-only search = %+v %v", res, err)
	}
	if evs, err := ro.Day(ctx, channelID(t, ro, "#c"), event.Date{Year: 2026, Month: 2, Day: 2}); err != nil || len(evs) != 2 || evs[1].Text != "world" {
		t.Fatalf("read-only day = %+v %v", evs, err)
	}
	if _, err := ro.Append(ctx, msg("#c", "a", "x", t0)); err == nil {
		t.Fatal("append to a read-only archive succeeded")
	}
}

// TestAcknowledgedEventsSurviveKill9 runs a child process that appends as
// fast as it can and prints every acknowledged id; the parent kills it with
// SIGKILL mid-stream and checks that every acknowledged event is there.
func TestAcknowledgedEventsSurviveKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kill.db")
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppender$")
		cmd.Env = append(os.Environ(), "ARCHIVE_HELPER_DB="+path, "ARCHIVE_HELPER_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var acked []int64
		for sc.Scan() {
			id, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				continue
			}
			acked = append(acked, id)
			if len(acked) == 300+round*200 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		cmd.Wait()
		if len(acked) < 300 {
			t.Fatalf("round %d: child acknowledged only %d events before exiting", round, len(acked))
		}
		db, err := Open(context.Background(), path, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.IntegrityCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, id := range acked {
			if _, err := db.Event(context.Background(), id); err != nil {
				t.Fatalf("round %d: acknowledged event %d lost: %v", round, id, err)
			}
		}
		// Lines committed but not yet indexed at the kill are indexed at Open.
		cal, err := db.Calendar(context.Background(), channelID(t, db, "#kill"))
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		for _, d := range cal {
			stored += d.Events
		}
		res, err := db.Search(context.Background(), archive.SearchQuery{Text: "line", CountLimit: 1 << 30})
		if err != nil || res.Total != stored {
			t.Fatalf("round %d: %d events stored, %d found by search (%v)", round, stored, res.Total, err)
		}
		db.Close()
	}
}

func TestHelperAppender(t *testing.T) {
	path := os.Getenv("ARCHIVE_HELPER_DB")
	if path == "" {
		return // only runs as the child of TestAcknowledgedEventsSurviveKill9
	}
	db, err := Open(context.Background(), path, archive.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	for i := 0; ; i++ {
		ev := msg("#kill", "n", "line "+strconv.Itoa(i), time.Now())
		err := db.AppendAsync(ev, func(id int64, err error) {
			if err == nil {
				mu.Lock()
				fmt.Fprintln(w, id)
				w.Flush()
				mu.Unlock()
			}
		})
		if errors.Is(err, archive.ErrQueueFull) {
			time.Sleep(time.Millisecond)
		}
	}
}

var _ = sql.ErrNoRows

// Events written many to a statement (a live burst, an import) each get
// the id that reads them back, whatever the batch's size.
func TestBatchedInsertsGetTheirOwnIDs(t *testing.T) {
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	mk := func(ch string, i int) event.Event {
		return event.Event{Network: "net", Channel: ch, Time: t0.Add(time.Duration(i) * time.Second), Kind: event.KindMessage,
			Nick: fmt.Sprintf("n%d", i%7), Text: fmt.Sprintf("%s line %d", ch, i)}
	}
	// A burst through the live path: queued at once, so it is committed in
	// a few large batches.
	const n = 3*insertRows + 17
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
	for range n {
		r := <-got
		ev, err := db.Event(ctx, r.id)
		if err != nil {
			t.Fatal(err)
		}
		want := mk(map[bool]string{true: "#b", false: "#a"}[r.i%3 == 0], r.i)
		if ev.Text != want.Text || ev.Channel != want.Channel || !ev.Time.Equal(want.Time) {
			t.Fatalf("id %d reads back %q in %s, want %q in %s", r.id, ev.Text, ev.Channel, want.Text, want.Channel)
		}
	}

	// The same through the importer, on another day: the days table's
	// first and last ids are those of the day's first and last events.
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
	var first, last int64
	if err := db.ro.QueryRowContext(ctx, "SELECT first_id, last_id FROM days WHERE channel = ? AND day = ?", c, day.String()).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if first != evs[0].ID || last != evs[n-1].ID {
		t.Errorf("days row of #c: first_id %d last_id %d, want %d and %d", first, last, evs[0].ID, evs[n-1].ID)
	}
}

// Words right after mIRC formatting codes are found ("\x0304red" by
// "red"), snippets carry no codes, and an archive made before the index
// read the text without them is migrated: its lines are found too, and the
// index stays consistent when coloured lines are deleted.
func TestSearchSeesTextWithoutFormatting(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	// An archive of schema version 1, its lines indexed as that version
	// did: the raw text (this binary's indexer cannot run on it).
	saved := migrations
	migrations = saved[:1]
	db, err := Open(ctx, path, archive.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		migrations = saved
		t.Fatal(err)
	}
	mustAppend(t, db,
		msg("#c", "bob", "\x0304red alert\x03 from the \x02bold\x02 desk", t0),
		msg("#c", "bob", "\x0304,01white\x0f on black, \x1ditalic\x1d too", t0.Add(time.Second)),
		msg("#c", "amy", "plain words, nothing coloured", t0.Add(2*time.Second)))
	db.Close()
	migrations = saved
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `UPDATE events SET flags = flags & 2147483647;
		INSERT INTO events_fts(rowid, text) SELECT id, text FROM events WHERE kind IN `+searchableKinds+`;
		INSERT INTO meta(key, value) VALUES('fts_upto', (SELECT max(id) FROM events)) ON CONFLICT(key) DO UPDATE SET value = excluded.value`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"red", "alert", "bold", "white", "italic", "plain"} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 {
			t.Errorf("%q: %d hits, want 1", q, res.Total)
			continue
		}
		var snippet strings.Builder
		for _, sp := range res.Hits[0].Snippet {
			snippet.WriteString(sp.Text)
		}
		if strings.ContainsAny(snippet.String(), "\x02\x03\x0f\x1d") || strings.Contains(snippet.String(), "04") {
			t.Errorf("%q: snippet %q carries formatting codes", q, snippet.String())
		}
		if res.Hits[0].Flags != 0 {
			t.Errorf("%q: the hit has flags %b; the archive's own mark must not show", q, res.Hits[0].Flags)
		}
		if res.Hits[0].Text == snippet.String() && strings.ContainsRune(res.Hits[0].Text, '\x03') {
			t.Errorf("%q: the event's own text lost its codes: %q", q, res.Hits[0].Text)
		}
	}
	// A coloured line appended now is found too, and reads back as stored.
	mustAppend(t, db, msg("#c", "cat", "\x0312blue\x03 sky", t0.Add(3*time.Second)))
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "blue"}); err != nil || res.Total != 1 {
		t.Errorf("blue, appended after the migration: %d hits, %v", res.Total, err)
	}
	day, err := db.Day(ctx, channelID(t, db, "#c"), event.Date{Year: 2026, Month: 2, Day: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range day {
		if ev.Flags != 0 {
			t.Errorf("%q reads back with flags %b", ev.Text, ev.Flags)
		}
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "bob"}, "admin", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.rw.ExecContext(ctx, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)"); err != nil {
		t.Fatalf("FTS integrity check after deleting coloured lines: %v", err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "red"}); err != nil || res.Total != 0 {
		t.Errorf("after the redaction: %d hits for red, %v", res.Total, err)
	}
}

func TestContains(t *testing.T) {
	db := openTest(t, archive.Options{})
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
	} {
		got, err := db.Contains(ctx, tc.ev, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: Contains = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A read-only handle given the configuration's view of what is public
// follows it, whatever flags the file holds, and writes nothing.
func TestPublicViewOfAReadOnlyHandle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	ctx := context.Background()
	db, err := Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, msg("#pub", "alice", "minsk in public", t0), msg("#gone", "bob", "minsk made private", t0.Add(time.Minute)))
	if err := db.SetPublicOnly(ctx, []event.ChannelRef{{Network: "net", Name: "#pub"}, {Network: "net", Name: "#gone"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ro, err := Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if res, err := ro.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true}); err != nil || res.Total != 2 {
		t.Fatalf("before the view: %+v %v", res, err)
	}
	ro.SetPublicView([]event.ChannelRef{{Network: "net", Name: "#PUB"}})
	res, err := ro.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "alice" {
		t.Fatalf("with the view: %+v %v", res, err)
	}
	chans, err := ro.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chans {
		if c.Public != (c.Name == "#pub") {
			t.Errorf("%s: public %v", c.Name, c.Public)
		}
	}
	// The file is unchanged: a handle without the view sees its flags.
	other, err := Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if c, err := other.FindChannel(ctx, "net", "#gone"); err != nil || !c.Public {
		t.Errorf("the view wrote to the file: %+v %v", c, err)
	}
}

// TestSnippetHighlightsCannotBeForged: a message holding the characters
// an older version used as highlight markers (U+E000, U+E001) gets no
// highlight it did not earn, and text that is not valid UTF-8 none at all.
func TestSnippetHighlightsCannotBeForged(t *testing.T) {
	db := openTest(t, archive.Options{})
	mustAppend(t, db,
		msg("#c", "mallory", "minsk \ue000fake\ue001 mark \ue000", t0),
		msg("#c", "mallory", "minsk \xff\xfe broken bytes", t0.Add(time.Second)))
	res, err := db.Search(context.Background(), archive.SearchQuery{Text: "minsk"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 {
		t.Fatalf("%d hits, want 2", len(res.Hits))
	}
	for _, h := range res.Hits {
		var text strings.Builder
		marked := false
		for _, sp := range h.Snippet {
			if sp.Match && sp.Text != "minsk" {
				t.Errorf("%q: highlighted %q", h.Text, sp.Text)
			}
			marked = marked || sp.Match
			text.WriteString(sp.Text)
		}
		if !utf8.ValidString(text.String()) || !strings.Contains(text.String(), "minsk") {
			t.Errorf("%q: snippet %q", h.Text, text.String())
		}
		if valid := utf8.ValidString(h.Text); marked != valid {
			t.Errorf("%q: highlighted %v, want %v", h.Text, marked, valid)
		}
	}
}

// TestLastSeriesLinked: the series of the newest post a nick linked in one
// channel log, whatever other nicks and other channels said since, and
// across a reopening of the archive.
func TestLastSeriesLinked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []archive.Post{
		{Link: "https://example.org/belarus-10/", Title: "From Belarus With Love — Part X", Series: "From Belarus With Love", Part: 10},
		{Link: "https://example.org/worms-2/", Title: "A Can of WORMS — Part II", Series: "A Can of WORMS", Part: 2},
		{Link: "https://example.org/links-0202/", Title: "Links 02/02/2026"},
	} {
		if _, _, err := db.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ref := event.ChannelRef{Network: "net", Name: "#c"}
	if _, ok, err := db.LastSeriesLinked(ctx, ref, "bot"); err != nil || ok {
		t.Fatalf("an empty archive: ok %v, err %v", ok, err)
	}
	mustAppend(t, db,
		msg("#c", "bot", "From Belarus With Love — Part X — https://example.org/belarus-10/", t0),
		msg("#other", "bot", "A Can of WORMS — Part II — https://example.org/worms-2/", t0.Add(time.Second)),
		msg("#c", "alice", "see https://example.org/worms-2/", t0.Add(2*time.Second)),
		msg("#c", "bot", "Links 02/02/2026 — https://example.org/links-0202/", t0.Add(3*time.Second)),
		msg("#c", "bot", "no link here", t0.Add(4*time.Second)))
	want := func(db *DB, series string) {
		t.Helper()
		got, ok, err := db.LastSeriesLinked(ctx, ref, "BOT")
		if err != nil || !ok || got != series {
			t.Fatalf("LastSeriesLinked = %q, %v, %v; want %q", got, ok, err, series)
		}
	}
	want(db, "From Belarus With Love")
	mustAppend(t, db, msg("#c", "bot", "A Can of WORMS — Part II — https://example.org/worms-2/", t0.Add(5*time.Second)))
	want(db, "A Can of WORMS")
	db.Close()
	ro, err := Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	want(ro, "A Can of WORMS")
}

// TestPostLink: a post's link is an absolute http, https or gemini URL, or
// none, when stored and when read.
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
		if got := archive.PostLink(raw); got != want {
			t.Errorf("PostLink(%q) = %q, want %q", raw, got, want)
		}
	}
	db := openTest(t, archive.Options{})
	ctx := context.Background()
	p, _, err := db.SavePost(ctx, archive.Post{GUID: "g1", Link: "javascript:alert(1)", Title: "Hostile"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Link != "" {
		t.Errorf("stored link %q", p.Link)
	}
	if _, err := db.rw.ExecContext(ctx, "UPDATE posts SET link = 'data:text/html,x' WHERE guid = 'g1'"); err != nil {
		t.Fatal(err)
	}
	got, found, err := db.PostByGUID(ctx, "g1")
	if err != nil || !found || got.Link != "" {
		t.Errorf("a link stored by an older version reads %q (found %v, err %v)", got.Link, found, err)
	}
}
