package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/event"
)

func init() {
	add("Search", testSearch)
	add("SearchWords", testSearchWords)
	add("SearchCountsAndPages", testSearchCountsAndPages)
	add("SearchRefusesWhatIsNoQuery", testSearchRefuses)
	add("SearchSeesTextWithoutFormatting", testSearchWithoutFormatting)
	add("SnippetHighlightsCannotBeForged", testSnippetsCannotBeForged)
	add("SnippetOfALongLine", testSnippetOfALongLine)
	add("PublicViewOfAReadOnlyHandle", testPublicView)
}

func testSearch(t *testing.T, e *env) {
	db := e.db(archive.Options{})
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
	if res.Total != 2 || res.TotalMore || len(res.Hits) != 2 || res.Hits[0].Nick != "bob" || res.Hits[1].Nick != "alice" {
		t.Fatalf("minsk in public channels: %+v", res)
	}
	if fmt.Sprint(matched(res.Hits[1].Snippet)) != "[Minsk]" {
		t.Errorf("snippet spans = %+v", res.Hits[1].Snippet)
	}
	h := res.Hits[1]
	if h.Text != "Minsk is the capital of Belarus" || h.Channel != "#pub" || h.Network != "net" || !h.Time.Equal(t0) || h.Kind != event.KindMessage || h.ID == 0 {
		t.Errorf("hit = %+v", h.Event)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk"})
	if err != nil || res.Total != 3 {
		t.Fatalf("minsk everywhere: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", ChannelIDs: []int64{channelID(t, db, "#priv")}})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "carol" {
		t.Fatalf("minsk in #priv: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", ChannelIDs: []int64{channelID(t, db, "#priv")}, PublicOnly: true})
	if err != nil || res.Total != 0 || len(res.Hits) != 0 {
		t.Fatalf("minsk in #priv, public only: %+v %v", res, err)
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
	if fmt.Sprint(matched(res.Hits[0].Snippet)) != "[no-go zone]" {
		t.Errorf("phrase snippet = %+v", res.Hits[0].Snippet)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: `"zone no-go"`})
	if err != nil || res.Total != 0 {
		t.Fatalf("phrase in the wrong order: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk", From: t0.Add(30 * time.Second), To: t0.Add(90 * time.Second)})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "bob" {
		t.Fatalf("date range: %+v %v", res, err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "minsk capital"})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "alice" {
		t.Fatalf("two words: %+v %v", res, err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "minsk zebra"}); err != nil || res.Total != 0 || res.Hits != nil {
		t.Fatalf("a word nobody said: %+v %v", res, err)
	}
	// Whatever a user types is searched for as words, never run as syntax.
	for _, q := range []string{`minsk"`, `NEAR(minsk`, `minsk*`, `text:minsk`, `minsk OR`, `'; DROP TABLE events; --`, `(`, `^minsk`, `AND`, `minsk & !capital`, `minsk <-> went`, `minsk:*`, `\`, `'`} {
		if _, err := db.Search(ctx, archive.SearchQuery{Text: q}); err != nil && !errors.Is(err, archive.ErrBadQuery) {
			t.Errorf("query %q: unexpected error %v", q, err)
		}
	}
	for q, want := range map[string]int{`minsk*`: 4, `minsk:*`: 4, `minsk & !capital`: 1, `(minsk)`: 4, `'minsk'`: 4} {
		if res, err := db.Search(ctx, archive.SearchQuery{Text: q}); err != nil || res.Total != want {
			t.Errorf("query %q: %d hits, %v; want %d", q, res.Total, err, want)
		}
	}
	// The table is still there after the injection attempt.
	if _, err := db.Day(ctx, channelID(t, db, "#pub"), feb2); err != nil {
		t.Fatal(err)
	}
}

// What the index calls a word: letters and digits; case, diacritics of
// Latin letters and punctuation do not matter; a word with punctuation
// inside is a phrase of its parts.
func testSearchWords(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	lines := []string{
		"see https://example.org/foo-bar?x=1 for details", // 0
		"Café in Zürich, CAFÉ ÉCOLE",                      // 1
		"the no-go zone again",                            // 2
		"go no further",                                   // 3
		"version 3.14 of gpl2",                            // 4
		"日本語のテキスト",                                        // 5
		"nul\x00separated words",                          // 6
		"bad \xff\xfe bytes \xc3\x28here",                 // 7
		"under_score and e-mail bob@example.com",          // 8
		"йод и ёж",                                        // 9
	}
	for i, l := range lines {
		mustAppend(t, db, msg("#c", fmt.Sprintf("n%d", i), l, t0.Add(time.Duration(i)*time.Second)))
	}
	for _, tc := range []struct {
		q    string
		want []int // line numbers, newest first
	}{
		{"example", []int{8, 0}},
		{"foo", []int{0}},
		{"foo-bar", []int{0}},
		{`"example org"`, []int{0}},
		{"example.com", []int{8}},
		{"cafe", []int{1}},
		{"CAFÉ", []int{1}},
		{"zurich", []int{1}},
		{"ecole", []int{1}},
		{"no-go", []int{2}},
		{`"no go"`, []int{2}},
		{"go", []int{3, 2}},
		{"3.14", []int{4}},
		{"14", []int{4}},
		{"gpl2", []int{4}},
		{"gpl", nil},
		{"日本語のテキスト", []int{5}},
		{"separated", []int{6}},
		{"nul", []int{6}},
		{"bytes", []int{7}},
		{"here", []int{7}},
		{"score", []int{8}},
		{"йод", []int{9}},
		{"ЁЖ", []int{9}},
	} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: tc.q})
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		var got []int
		for _, h := range res.Hits {
			var n int
			fmt.Sscanf(h.Nick, "n%d", &n)
			got = append(got, n)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || res.Total != len(tc.want) {
			t.Errorf("%q found lines %v (total %d), want %v", tc.q, got, res.Total, tc.want)
		}
	}
}

func testSearchCountsAndPages(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	for i := range 30 {
		text := fmt.Sprintf("patent line %d", i)
		if i%10 == 0 {
			text = "patent patent patent office " + fmt.Sprint(i)
		}
		if err := db.AppendAsync(msg("#c", fmt.Sprintf("n%02d", i), text, t0.Add(time.Duration(i)*time.Second)), nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range []event.Event{
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindTopic, Nick: "op", Text: "topic about patents and the office"},
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindAction, Nick: "act", Text: "files an office memo"},
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindNotice, Nick: "note", Text: "office hours"},
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindPart, Nick: "gone", Text: "leaving the office"},
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindKick, Nick: "op", Target: "x", Text: "office kick"},
		{Network: "net", Channel: "#c", Time: t0.Add(time.Hour), Kind: event.KindMode, Nick: "op", Text: "+b office!*@*"},
	} {
		if err := db.AppendAsync(ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "patent"})
	if err != nil || res.Total != 30 || res.TotalMore || len(res.Hits) != 20 || res.Hits[0].Nick != "n29" || res.Hits[19].Nick != "n10" {
		t.Fatalf("patent: total %d more %v, %v, %v", res.Total, res.TotalMore, nicks(res), err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", CountLimit: 10, Limit: 5, Offset: 5})
	if err != nil || res.Total != 10 || !res.TotalMore || fmt.Sprint(nicks(res)) != "[n24 n23 n22 n21 n20]" {
		t.Fatalf("patent, page 2 of 5, counted to 10: total %d more %v, %v, %v", res.Total, res.TotalMore, nicks(res), err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Limit: 1000, Offset: 25})
	if err != nil || res.Total != 30 || fmt.Sprint(nicks(res)) != "[n04 n03 n02 n01 n00]" {
		t.Fatalf("patent past the last page but five: %v %v", nicks(res), err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Limit: 1000})
	if err != nil || len(res.Hits) != 30 {
		t.Fatalf("a page is at most 100 hits, this one 30: %d %v", len(res.Hits), err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Offset: 40})
	if err != nil || res.Total != 30 || len(res.Hits) != 0 {
		t.Fatalf("past the end: %+v %v", res, err)
	}
	// By relevance, the lines that say it three times come first; among
	// the newest RelevanceWindow matches only.
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Order: archive.Relevance, Limit: 3})
	if err != nil || fmt.Sprint(nicks(res)) != "[n20 n10 n00]" {
		t.Fatalf("patent by relevance: %v %v", nicks(res), err)
	}
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Order: archive.Relevance, RelevanceWindow: 15, Limit: 3})
	if err != nil || fmt.Sprint(nicks(res)) != "[n20 n29 n28]" || res.Total != 30 {
		t.Fatalf("patent by relevance among the newest 15: %v %v", nicks(res), err)
	}
	// By relevance the count is capped as newest first, whether the window
	// is smaller than the matches, holds exactly them or more: of a word
	// (30 lines) and of a phrase (27).
	for q, n := range map[string]int{"patent": 30, `"patent line"`: 27} {
		for _, c := range []struct{ window, limit int }{
			{15, 10}, {15, n}, {n, n - 1}, {n, n}, {n + 1, n - 1}, {n + 1, n}, {40, n + 1}, {40, 1},
		} {
			res, err = db.Search(ctx, archive.SearchQuery{Text: q, Order: archive.Relevance, RelevanceWindow: c.window, CountLimit: c.limit, Limit: 3})
			if err != nil || res.Total != min(c.limit, n) || res.TotalMore != (c.limit < n) || len(res.Hits) != 3 {
				t.Errorf("%s by relevance among the newest %d, counted to %d: total %d (more %v), %d hits, %v; want %d",
					q, c.window, c.limit, res.Total, res.TotalMore, len(res.Hits), err, min(c.limit, n))
			}
		}
	}
	// Messages, actions, notices and topics are searched; joins, parts,
	// kicks and modes are not.
	res, err = db.Search(ctx, archive.SearchQuery{Text: "office", Limit: 100})
	if err != nil || res.Total != 6 {
		t.Fatalf("office: %v %v", nicks(res), err)
	}
	kinds := map[event.Kind]int{}
	for _, h := range res.Hits {
		kinds[h.Kind]++
	}
	if kinds[event.KindMessage] != 3 || kinds[event.KindTopic] != 1 || kinds[event.KindAction] != 1 || kinds[event.KindNotice] != 1 {
		t.Errorf("office found %v", kinds)
	}
	// Among lines that say it once, the shorter comes first (bm25 and
	// ts_rank normalised by length alike).
	mustAppend(t, db,
		msg("#c", "short", "patent pending", t0.Add(time.Hour)),
		msg("#c", "long", "a long line that mentions the patent only once", t0.Add(time.Hour+time.Second)),
		msg("#c", "mid", "the patent again please", t0.Add(time.Hour+2*time.Second)))
	res, err = db.Search(ctx, archive.SearchQuery{Text: "patent", Order: archive.Relevance, RelevanceWindow: 3, Limit: 3})
	if err != nil || fmt.Sprint(nicks(res)) != "[short mid long]" {
		t.Fatalf("patent by relevance among lines that say it once: %v %v", nicks(res), err)
	}
}

func testSearchRefuses(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "a", "something", t0))
	for q, want := range map[string]string{
		"":            "bad search: type at least one word to search for",
		"   ":         "bad search: type at least one word to search for",
		"***":         "bad search: type at least one word to search for",
		`"" '' -- ()`: "bad search: type at least one word to search for",
		strings.Repeat("a", archive.MaxQueryLen+1): fmt.Sprintf("bad search: the query is %d bytes long; at most %d please", archive.MaxQueryLen+1, archive.MaxQueryLen),
	} {
		_, err := db.Search(ctx, archive.SearchQuery{Text: q})
		if !errors.Is(err, archive.ErrBadQuery) || err.Error() != want {
			t.Errorf("query %q: got %v, want %q", q, err, want)
		}
	}
	if _, err := db.Search(ctx, archive.SearchQuery{Text: strings.Repeat("a", archive.MaxQueryLen)}); err != nil {
		t.Errorf("a query of the longest length: %v", err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "some\xffthing"}); err != nil || res.Total != 1 {
		t.Errorf("a query with invalid UTF-8: %+v %v", res, err)
	}
}

// Words right after mIRC formatting codes are found ("\x0304red" by
// "red"), snippets carry no codes, and the event keeps them.
func testSearchWithoutFormatting(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db,
		msg("#c", "bob", "\x0304red alert\x03 from the \x02bold\x02 desk", t0),
		msg("#c", "bob", "\x0304,01white\x0f on black, \x1ditalic\x1d too", t0.Add(time.Second)),
		msg("#c", "amy", "plain words, nothing coloured", t0.Add(2*time.Second)),
		msg("#c", "cat", "\x0312blue\x03 sky", t0.Add(3*time.Second)),
		msg("#c", "dan", "re\x02work\x02ed", t0.Add(4*time.Second)))
	for _, q := range []string{"red", "alert", "bold", "white", "italic", "plain", "blue", "re", "work", "ed"} {
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
		if strings.ContainsAny(snippet.String(), "\x03\x0f\x1d") || strings.Contains(snippet.String(), "04") || strings.Contains(snippet.String(), "12") {
			t.Errorf("%q: snippet %q carries colour codes", q, snippet.String())
		}
		if res.Hits[0].Flags != 0 {
			t.Errorf("%q: the hit has flags %b", q, res.Hits[0].Flags)
		}
		if !strings.ContainsAny(res.Hits[0].Text, "\x02\x03") && q != "plain" {
			t.Errorf("%q: the event's own text lost its codes: %q", q, res.Hits[0].Text)
		}
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "04red"}); err != nil || res.Total != 0 {
		t.Errorf("04red: %d hits, %v", res.Total, err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "reworked"}); err != nil || res.Total != 0 {
		t.Errorf("reworked (bold codes separate words in a line without colours): %d hits, %v", res.Total, err)
	}
	day, err := db.Day(ctx, channelID(t, db, "#c"), feb2)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range day {
		if ev.Flags != 0 {
			t.Errorf("%q reads back with flags %b", ev.Text, ev.Flags)
		}
	}
	// The storage's own top bit never shows.
	top := msg("#c", "eve", "top bit", t0.Add(5*time.Second))
	top.Flags = 1<<31 | event.FlagSelf
	id := mustAppend(t, db, top)[0]
	if ev, err := db.Event(ctx, id); err != nil || ev.Flags != event.FlagSelf {
		t.Errorf("flags with the top bit read back as %b, %v", ev.Flags, err)
	}
	if _, err := db.Redact(ctx, archive.RedactQuery{Channel: "#c", Nick: "bob"}, "admin", false); err != nil {
		t.Fatal(err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "red"}); err != nil || res.Total != 0 {
		t.Errorf("after the redaction: %d hits for red, %v", res.Total, err)
	}
	if res, err := db.Search(ctx, archive.SearchQuery{Text: "blue"}); err != nil || res.Total != 1 {
		t.Errorf("after the redaction: %d hits for blue, %v", res.Total, err)
	}
}

// A message holding characters an older version used as highlight
// markers (U+E000, U+E001) gets no highlight it did not earn, and text that
// is not valid UTF-8 none at all.
func testSnippetsCannotBeForged(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	mustAppend(t, db,
		msg("#c", "mallory", "minsk \ue000fake\ue001 mark \ue000", t0),
		msg("#c", "mallory", "minsk \xff\xfe broken bytes", t0.Add(time.Second)),
		msg("#c", "mallory", "minsk <b>bold</b> &amp; \xef\xbf\xbe", t0.Add(2*time.Second)))
	res, err := db.Search(context.Background(), archive.SearchQuery{Text: "minsk"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 3 {
		t.Fatalf("%d hits, want 3", len(res.Hits))
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

// A long line is cut around its matches, with "…" where it is cut.
func testSnippetOfALongLine(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	var words []string
	for i := range 100 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	words[50] = "needle"
	mustAppend(t, db, msg("#c", "a", strings.Join(words, " "), t0), msg("#c", "b", "a short needle line", t0.Add(time.Second)))
	res, err := db.Search(context.Background(), archive.SearchQuery{Text: "needle"})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	var long strings.Builder
	for _, sp := range res.Hits[1].Snippet {
		long.WriteString(sp.Text)
	}
	s := long.String()
	if !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || !strings.Contains(s, "w49 needle w51") ||
		len(strings.Fields(strings.Trim(s, "…"))) > 24 || fmt.Sprint(matched(res.Hits[1].Snippet)) != "[needle]" {
		t.Errorf("long snippet %q", s)
	}
	var short strings.Builder
	for _, sp := range res.Hits[0].Snippet {
		short.WriteString(sp.Text)
	}
	if short.String() != "a short needle line" {
		t.Errorf("short snippet %q", short.String())
	}
}

// A read-only handle given the configuration's view of what is public
// follows it, whatever flags the archive holds, and writes nothing.
func testPublicView(t *testing.T, e *env) {
	ctx := context.Background()
	db := e.db(archive.Options{})
	mustAppend(t, db, msg("#pub", "alice", "minsk in public", t0), msg("#gone", "bob", "minsk made private", t0.Add(time.Minute)))
	if err := db.SetPublicOnly(ctx, []string{"net"}, []event.ChannelRef{{Network: "net", Name: "#pub"}, {Network: "net", Name: "#gone"}, {Network: "net", Name: "#Empty"}}); err != nil {
		t.Fatal(err)
	}
	chans, err := db.Channels(ctx)
	if err != nil || len(chans) != 3 {
		t.Fatalf("channels after SetPublicOnly: %+v %v", chans, err)
	}
	for _, c := range chans {
		if !c.Public {
			t.Errorf("%s is not public", c.Name)
		}
		if c.Name == "#Empty" && (c.Events != 0 || c.Days != 0 || !c.First.IsZero()) {
			t.Errorf("an empty channel: %+v", c)
		}
	}
	db.Close()

	ro := e.db(archive.Options{ReadOnly: true})
	if res, err := ro.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true}); err != nil || res.Total != 2 {
		t.Fatalf("before the view: %+v %v", res, err)
	}
	ro.SetPublicView([]event.ChannelRef{{Network: "net", Name: "#PUB"}})
	res, err := ro.Search(ctx, archive.SearchQuery{Text: "minsk", PublicOnly: true})
	if err != nil || res.Total != 1 || res.Hits[0].Nick != "alice" {
		t.Fatalf("with the view: %+v %v", res, err)
	}
	chans, err = ro.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chans {
		if c.Public != (c.Name == "#pub") {
			t.Errorf("%s: public %v", c.Name, c.Public)
		}
	}
	other := e.db(archive.Options{ReadOnly: true})
	if c, err := other.FindChannel(ctx, "net", "#gone"); err != nil || !c.Public {
		t.Errorf("the view wrote to the archive: %+v %v", c, err)
	}
	// SetPublicOnly makes every other channel of its networks private,
	// and leaves another network's channels (another bot's) as they are.
	w := e.db(archive.Options{})
	if err := w.SetPublic(ctx, "othernet", "#theirs", true); err != nil {
		t.Fatal(err)
	}
	if err := w.SetPublicOnly(ctx, []string{"net"}, []event.ChannelRef{{Network: "net", Name: "#gone"}}); err != nil {
		t.Fatal(err)
	}
	if c, err := other.FindChannel(ctx, "net", "#pub"); err != nil || c.Public {
		t.Errorf("#pub after SetPublicOnly(#gone): %+v %v", c, err)
	}
	if c, err := other.FindChannel(ctx, "othernet", "#theirs"); err != nil || !c.Public {
		t.Errorf("another network's channel after SetPublicOnly of net: %+v %v", c, err)
	}
	if err := w.SetPublicOnly(ctx, []string{"othernet"}, nil); err != nil {
		t.Fatal(err)
	}
	if c, err := other.FindChannel(ctx, "othernet", "#theirs"); err != nil || c.Public {
		t.Errorf("othernet's channel after SetPublicOnly of othernet with none public: %+v %v", c, err)
	}
	if c, err := other.FindChannel(ctx, "net", "#gone"); err != nil || !c.Public {
		t.Errorf("net's channel after SetPublicOnly of othernet: %+v %v", c, err)
	}
	if err := w.SetPublic(ctx, "net", "#PUB", true); err != nil {
		t.Fatal(err)
	}
	if c, err := other.FindChannel(ctx, "net", "#pub"); err != nil || !c.Public || c.Name != "#pub" {
		t.Errorf("#pub after SetPublic: %+v %v", c, err)
	}
}
