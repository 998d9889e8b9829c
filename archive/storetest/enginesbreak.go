package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
)

// Found while comparing the two engines on the same imported logs: what
// one engine finds, ranks or highlights, the other must too.
func init() {
	add("SearchFoldsGreekAndSignsLikeUnicode61", testSearchFoldsGreek)
	add("SearchPhraseFarIntoALongLine", testSearchPhraseFarIntoALongLine)
	add("SearchPhraseAfterAWordSaidManyTimes", testSearchPhraseAfterManyRepeats)
	add("SearchPhraseApartInALongLine", testSearchPhraseApartInALongLine)
	add("SearchImportedLongLine", testSearchImportedLongLine)
	add("ImportIdenticalLinesAcrossABatch", testImportIdenticalLinesAcrossABatch)
	add("SearchNewerEmojiAreWordsAsInFTS5", testSearchNewerEmojiAreWords)
	add("SearchLastWordOfAHugeLine", testSearchLastWordOfAHugeLine)
}

// Greek's final sigma (ς) is the lower case of Σ as much as σ is: a word
// in capitals finds the same word in lower case, and the other way round,
// as the micro sign (µ) finds mu (μ). FTS5's unicode61 folds ς to σ and
// µ (also ϐ, ϑ, ϰ, ϖ, ϱ, ϵ, ι) to the plain letter.
func testSearchFoldsGreek(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	lines := []string{
		"καλημέρα σας", // 0: final sigma
		"ΚΑΛΗΜΕΡΑ ΣΑΣ", // 1: capitals
		"5 µg",         // 2: micro sign U+00B5
		"5 μg",         // 3: Greek mu U+03BC
	}
	for i, l := range lines {
		mustAppend(t, db, msg("#c", fmt.Sprintf("n%d", i), l, t0.Add(time.Duration(i)*time.Second)))
	}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"σας", []int{1, 0}},
		{"ΣΑΣ", []int{1, 0}},
		{"σασ", []int{1, 0}},
		{"µg", []int{3, 2}},
		{"μg", []int{3, 2}},
	} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: tc.q})
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		if got := hitNumbers(res); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q found lines %v, want %v", tc.q, got, tc.want)
		}
	}
	mustAppend(t, db, msg("#c", "n4", "ΣΑΣ σας", t0.Add(time.Minute)))
	res, err := db.Search(ctx, archive.SearchQuery{Text: "σας", Limit: 1})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("σας: %+v %v", res, err)
	}
	if got := fmt.Sprint(matched(res.Hits[0].Snippet)); got != "[ΣΑΣ σας]" {
		t.Errorf("σας in %q highlights %s, want both words", res.Hits[0].Text, got)
	}
}

// A phrase is found wherever it is in a line, also past the 16,383rd word
// of a long pasted line (imports read lines up to 1 MiB).
func testSearchPhraseFarIntoALongLine(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	long := strings.Repeat("filler ", 20000) + "alpha beta gamma"
	mustAppend(t, db, msg("#c", "long", long, t0), msg("#c", "short", "short alpha beta line", t0.Add(time.Second)))
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"gamma", 1},
		{`"alpha beta"`, 2},
		{`"beta gamma"`, 1},
		{`"filler alpha"`, 1},
	} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: tc.q})
		if err != nil || res.Total != tc.want {
			t.Errorf("%s: %d lines, %v; want %d", tc.q, res.Total, err, tc.want)
		}
	}
}

// A phrase whose words are far apart in a long line is not found, though
// its first word is the 16,382nd word and its second past the 16,383rd
// (where PostgreSQL's positions stop counting).
func testSearchPhraseApartInALongLine(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	long := strings.Repeat("filler ", 16381) + "alpha " + strings.Repeat("filler ", 3617) + "omega"
	mustAppend(t, db, msg("#c", "long", long, t0), msg("#c", "short", "alpha omega", t0.Add(time.Second)))
	for _, order := range []archive.Order{archive.Newest, archive.Relevance} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: `"alpha omega"`, Order: order})
		if err != nil || res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Nick != "short" {
			t.Errorf("order %v: %d lines, %d hits, %v; want the short line only", order, res.Total, len(res.Hits), err)
		}
	}
}

// An imported line is searched as an appended one, a long one too.
func testSearchImportedLongLine(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	im.StartFile()
	for i, text := range []string{"lol zulu", strings.Repeat("lol ", 300) + "zulu", "zulu lol"} {
		if err := im.Add(ctx, msg("#c", fmt.Sprintf("n%d", i), text, t0.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: `"lol zulu"`})
	if got := hitNumbers(res); err != nil || res.Total != 2 || fmt.Sprint(got) != "[1 0]" {
		t.Errorf(`"lol zulu": %d lines %v, %v; want 2, [1 0]`, res.Total, got, err)
	}
}

// A phrase is found after a word said more than 255 times in the line.
func testSearchPhraseAfterManyRepeats(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	mustAppend(t, db, msg("#c", "flood", strings.Repeat("lol ", 300)+"zulu", t0))
	for _, q := range []string{"zulu", `"lol zulu"`, `"lol lol zulu"`} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: q})
		if err != nil || res.Total != 1 {
			t.Errorf("%s: %d lines, %v; want 1", q, res.Total, err)
		}
	}
}

func hitNumbers(res archive.SearchResult) []int {
	var got []int
	for _, h := range res.Hits {
		var n int
		fmt.Sscanf(h.Nick, "n%d", &n)
		got = append(got, n)
	}
	return got
}

// Two identical lines of one file are two lines wherever they fall: also
// when the second is the first event of a new import batch (25,000 events
// a batch in archive/internal/importer). Found importing a real WeeChat log
// of #weechat (github.com/GideonWolfe/PC-dotfiles at 7bbef84,
// .config/weechat/logs/irc.freenode.#weechat.weechatlog, line 2207): a
// join, a quit "Changing host" and a join again in the same second, the
// second join dropped as "already in the archive" on a first import.
func testImportIdenticalLinesAcrossABatch(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	const batch = 25000
	im, err := db.NewImporter(archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	im.StartFile()
	for i := range batch - 1 {
		if err := im.Add(ctx, msg("#b", "filler", fmt.Sprint("line ", i), t0.Add(time.Duration(i)*time.Millisecond))); err != nil {
			t.Fatal(err)
		}
	}
	twice := msg("#b", "frank", "same words twice", t0.Add(time.Hour))
	for range 2 {
		if err := im.Add(ctx, twice); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := im.Stats(); st.Added != batch+1 || st.Duplicates != 0 {
		t.Errorf("stats %+v, want %d added and no duplicates", st, batch+1)
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: `"same words twice"`})
	if err != nil || res.Total != 2 {
		t.Errorf("the line said twice is stored %d times, %v; want 2", res.Total, err)
	}
}

// A newer emoji (🙂 U+1F642, Unicode 7; 🤔 U+1F914, Unicode 8) is a word
// on both engines, as FTS5's unicode61 tables (older than these emoji)
// read it and every code point they do not know, while an older one (😀
// U+1F600) separates words: a phrase across one, a phrase that holds one,
// and a snippet's window are the same on both. Found on real WeeChat logs
// of #jellyfin (GideonWolfe/PC-dotfiles at 7bbef84): "… going to the
// server in a browser 🙂".
func testSearchNewerEmojiAreWords(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	lines := []string{
		"good 🤔 idea",   // 0
		"good 😀 idea",   // 1
		"a browser 🙂",   // 2
		"a browser yes", // 3
		"glad to have folks testing it and giving feedback. just letting you know that opening the index.html is expected to result in failure and that you need to do it bt just going to the server in a browser 🙂", // 4
	}
	for i, l := range lines {
		mustAppend(t, db, msg("#c", fmt.Sprintf("n%d", i), l, t0.Add(time.Duration(i)*time.Second)))
	}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{`"good idea"`, []int{1}},
		{`"browser 🙂"`, []int{4, 2}},
	} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: tc.q})
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		if got := hitNumbers(res); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s found lines %v, want %v", tc.q, got, tc.want)
		}
	}
	res, err := db.Search(ctx, archive.SearchQuery{Text: "browser", Nick: "n4"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("browser by n4: %+v %v", res, err)
	}
	if s := res.Hits[0].Snippet; len(s) == 0 || !strings.HasPrefix(s[0].Text, "…html is expected") {
		t.Errorf("snippet %+v, want it to start with …html (24 words to the end, the emoji one)", s)
	}
}

// Every word of a line is found, also in a line of ~1 MiB of distinct
// words (imports read lines up to 1 MiB): the PostgreSQL engine leaves
// the words past its tsvector's 1 MiB bound out of the index
// (archive/postgres/text.go maxLexemeBytes), SQLite's FTS5 has no bound.
func testSearchLastWordOfAHugeLine(t *testing.T, e *env) {
	db := e.db(archive.Options{})
	ctx := context.Background()
	var sb strings.Builder
	for i := range 110000 {
		fmt.Fprintf(&sb, "w%07d ", i)
	}
	sb.WriteString("zzlastword")
	mustAppend(t, db, msg("#c", "big", sb.String(), t0))
	for _, q := range []string{"w0000001", "w0109999", "zzlastword", `"w0109999 zzlastword"`} {
		res, err := db.Search(ctx, archive.SearchQuery{Text: q})
		if err != nil || res.Total != 1 {
			t.Errorf("%s: %d lines, %v; want 1", q, res.Total, err)
		}
	}
}
