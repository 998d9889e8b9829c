package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func init() {
	add("PostsAndSeries", testPostsAndSeries)
	add("PostLink", testPostLink)
	add("OptOutAndMeta", testOptOutAndMeta)
	add("OptOutKeepsTheFirstUserHost", testOptOutKeepsTheFirstUserHost)
	add("LastSeriesLinked", testLastSeriesLinked)
}

func testPostsAndSeries(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	p10 := archive.Post{GUID: "g10", Link: "https://example.org/p10", Title: "From Belarus With Love — Part X: Sub", Series: "From Belarus With Love",
		Part: 10, PartOf: 12, Numeral: "X", Subtitle: "Sub", Feed: "f", Published: t0}
	stored, isNew, err := db.SavePost(ctx, p10)
	if err != nil || !isNew || stored.Part != 10 || stored.PartOf != 12 || stored.Series != "From Belarus With Love" || stored.ID == 0 ||
		!stored.Published.Equal(t0) || stored.FirstSeen.IsZero() || !stored.Announced.IsZero() || stored.Numeral != "X" || stored.Subtitle != "Sub" || stored.Feed != "f" {
		t.Fatalf("save = %+v %v %v", stored, isNew, err)
	}
	if err := db.MarkAnnounced(ctx, stored.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Same GUID, new title: not new, title updated, still announced.
	p10.Title = "From Belarus With Love — Part X: Sub (updated)"
	p10.Subtitle = ""
	again, isNew, err := db.SavePost(ctx, p10)
	if err != nil || isNew || again.ID != stored.ID || again.Title != p10.Title || !again.Announced.Equal(t0.Add(time.Minute)) || again.Subtitle != "Sub" ||
		!again.FirstSeen.Equal(stored.FirstSeen) {
		t.Fatalf("resave = %+v %v %v", again, isNew, err)
	}
	// The same part declared by hand, with another URL: one part, the
	// feed's link kept.
	hand, isNew, err := db.SavePost(ctx, archive.Post{Link: "https://example.org/other", Title: "Part X", Series: "from belarus with love", Part: 10})
	if err != nil || isNew || hand.ID != stored.ID || hand.Link != "https://example.org/p10" || hand.Title != "Part X" {
		t.Fatalf("hand-declared duplicate part: %+v new=%v err=%v", hand, isNew, err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "g9", Link: "https://example.org/p9", Title: "Part IX", Series: "From Belarus With Love", Part: 9, Published: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "links", Link: "https://example.org/links", Title: "Links 02/02/2026", Published: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{GUID: "w1", Link: "https://example.org/w1", Title: "A Can of WORMS — Part I", Series: "A Can of  WORMS", Part: 1, Published: t0.Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	parts, err := db.SeriesParts(ctx, "FROM BELARUS WITH LOVE")
	if err != nil || len(parts) != 2 || parts[0].Part != 9 || parts[1].Part != 10 || parts[1].Link != "https://example.org/p10" {
		t.Fatalf("parts = %+v %v", parts, err)
	}
	if parts, err := db.SeriesParts(ctx, "a can of worms"); err != nil || len(parts) != 1 || parts[0].Series != "A Can of  WORMS" {
		t.Fatalf("parts of worms = %+v %v", parts, err)
	}
	series, err := db.Series(ctx)
	if err != nil || len(series) != 2 || series[0].Name != "From Belarus With Love" || series[0].Parts != 2 || series[0].Newest.Part != 10 ||
		series[1].Parts != 1 || series[1].Newest.GUID != "w1" {
		t.Fatalf("series = %+v %v", series, err)
	}
	latest, err := db.LatestPosts(ctx, 2)
	if err != nil || len(latest) != 2 || latest[0].GUID != "links" || latest[1].GUID != "g10" {
		t.Fatalf("latest = %+v %v", latest, err)
	}
	if all, err := db.LatestPosts(ctx, 10); err != nil || len(all) != 4 {
		t.Fatalf("all posts = %d %v", len(all), err)
	}
	for _, key := range []string{"g9", "https://example.org/p9"} {
		if p, ok, err := db.PostByGUID(ctx, key); err != nil || !ok || p.GUID != "g9" || p.Series != "From Belarus With Love" {
			t.Errorf("PostByGUID(%q) = %+v %v %v", key, p, ok, err)
		}
	}
	if _, ok, err := db.PostByGUID(ctx, "nothing"); ok || err != nil {
		t.Errorf("PostByGUID(nothing) = %v %v", ok, err)
	}
	if _, _, err := db.SavePost(ctx, archive.Post{Title: "no guid, no link"}); err == nil {
		t.Error("a post with neither GUID nor link was saved")
	}
}

// A post's link is an absolute http, https or gemini URL, or none, when
// stored.
func testPostLink(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	p, _, err := db.SavePost(ctx, archive.Post{GUID: "g1", Link: "javascript:alert(1)", Title: "Hostile"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Link != "" {
		t.Errorf("stored link %q", p.Link)
	}
	if got, found, err := db.PostByGUID(ctx, "g1"); err != nil || !found || got.Link != "" {
		t.Errorf("read back %q (found %v, err %v)", got.Link, found, err)
	}
	p, _, err = db.SavePost(ctx, archive.Post{Link: " https://example.org/a/ \n", Title: "Spaced"})
	if err != nil || p.Link != "https://example.org/a/" || p.GUID != " https://example.org/a/ \n" {
		t.Errorf("spaced link: %+v %v", p, err)
	}
}

func testOptOutAndMeta(t *testing.T, e *env) {
	db := e.db(archive.Options{})
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
	if err := db.OptOut(ctx, "Zed", true); err != nil {
		t.Fatal(err)
	}
	if err := db.OptOut(ctx, "Émile", true); err != nil {
		t.Fatal(err)
	}
	keys, err := db.OptOuts(ctx)
	if err != nil || fmt.Sprint(keys) != "[alice zed émile]" {
		t.Fatalf("optouts = %v %v", keys, err)
	}
	if _, ok, err := db.OptOutEntry(ctx, "ÉMILE"); !ok || err != nil {
		t.Errorf("ÉMILE is not on the list: %v", err)
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
	if err := db.SetMeta(ctx, "empty", ""); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.Meta(ctx, "x"); v != "2" || !ok || err != nil {
		t.Fatalf("meta = %q %v %v", v, ok, err)
	}
	if v, ok, err := db.Meta(ctx, "empty"); v != "" || !ok || err != nil {
		t.Fatalf("empty meta = %q %v %v", v, ok, err)
	}
	// Meta is the application's: the archive's own keys do not show.
	for _, k := range []string{"timezone", "rev", "fts_upto"} {
		if _, ok, err := db.Meta(ctx, k); ok || err != nil {
			t.Errorf("Meta(%q) is set: %v", k, err)
		}
	}
}

// A nick's opt-out remembers where it was asked from, an account's has
// none, and opting out again does not change whose it is.
func testOptOutKeepsTheFirstUserHost(t *testing.T, e *env) {
	db := e.db(archive.Options{})
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
	for _, tc := range []struct {
		key, userHost string
		found         bool
	}{
		{"CAROL", "~c@home.example", true},
		{"carolacct", "", true},
		{"nobody", "", false},
	} {
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

// The series of the newest post a nick linked in one channel log, whatever
// other nicks and other channels said since, and from another handle.
func testLastSeriesLinked(t *testing.T, e *env) {
	ctx := context.Background()
	db := e.db(archive.Options{})
	for _, p := range []archive.Post{
		{Link: "https://example.org/belarus-10/", Title: "From Belarus With Love — Part X", Series: "From Belarus With Love", Part: 10},
		{Link: "https://example.org/worms-2/", Title: "A Can of WORMS — Part II", Series: "A Can of WORMS", Part: 2},
		{Link: "https://example.org/worms-2/more/", Title: "Part III", Series: "Longer Link", Part: 3},
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
		msg("#c", "bot", "no link here", t0.Add(4*time.Second)),
		event.Event{Network: "net", Channel: "#c", Time: t0.Add(5 * time.Second), Kind: event.KindAction, Nick: "bot", Text: "https://example.org/worms-2/"})
	want := func(db archive.Store, ref event.ChannelRef, series string) {
		t.Helper()
		got, ok, err := db.LastSeriesLinked(ctx, ref, "BOT")
		if err != nil || !ok || got != series {
			t.Fatalf("LastSeriesLinked(%v) = %q, %v, %v; want %q", ref, got, ok, err, series)
		}
	}
	want(db, ref, "From Belarus With Love")
	want(db, event.ChannelRef{}, "A Can of WORMS")
	mustAppend(t, db, msg("#c", "bot", "A Can of WORMS — Part II — https://example.org/worms-2/", t0.Add(6*time.Second)))
	want(db, ref, "A Can of WORMS")
	mustAppend(t, db, msg("#c", "bot", "Part III — https://example.org/worms-2/more/", t0.Add(7*time.Second)))
	want(db, ref, "Longer Link")
	ro := e.db(archive.Options{ReadOnly: true})
	want(ro, ref, "Longer Link")
	if _, ok, err := ro.LastSeriesLinked(ctx, event.ChannelRef{Network: "net", Name: "#nosuch"}, "bot"); ok || err != nil {
		t.Errorf("a channel never logged: %v %v", ok, err)
	}
}
