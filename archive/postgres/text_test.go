package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/archive"
)

// wordCases are texts and the words SQLite's FTS5 unicode61 tokenizer
// with remove_diacritics 2 keeps of them (read from SQLite 3.50 through
// modernc.org/sqlite, fts5vocab; FuzzWordsAreFTS5s asks it again).
var wordCases = map[string]string{
	"café naïve Ǖ ÉCOLE":              "cafe naive u ecole",
	"йод ёж Ölmühle":                  "йод ёж olmuhle",
	"e\u0301te x\u0308y":              "ete xy",
	"https://example.org/foo-bar?x=1": "https example org foo bar x 1",
	"3.14 v2 x²":                      "3 14 v2 x²",
	"日本語テキスト":                         "日本語テキスト",
	"a\ue000b c_d e'f":                "a\ue000b c d e f",
	"\xff\xfeab\xc3\x28cd":            "ab cd",
	"ﬁne ß Straße İstanbul":           "ﬁne ß straße istanbul",
	"ǅemal Ⅻ ①":                       "ǆemal ⅻ ①",
	"ệ ø đ ł æ œ þ ð ħ ŀ ı ſ":         "e ø đ ł æ œ þ ð ħ ŀ ı s",
	"ά ή ώ ϊ":                         "ά ή ώ ϊ",
	"Ḁ ẞ ẚ ǻ ȁ ȳ ḉ":                   "a ß ẚ a a y c",
	"ǰ ǖ ǘ Ǻ ɐ":                       "j u u a ɐ",
	"a\u0301 \u0301x \u0301":          "a x",
	"\u200bab\u200dcd e\u00adf":       "ab cd e f",
	"x\x00y":                          "x y",
	"हिन्दी भाषा":                     "ह न द भ ष",
	"مَرْحَبًا":                       "م ر ح ب ا",
	"ภาษาไทย":                         "ภาษาไทย",
	"x\u20dd\u0489y":                  "x y",
	"a\u0300\u0363b":                  "a b",
	"\x0304red\x03 \x02bold\x02":      "04red bold",
	"":                                "",
	"  --  ":                          "",
	// SQLite's Unicode tables are its own: it folds case only for the
	// pairs it knows, and makes words of the code points it does not
	// know (newer emoji among them).
	"𞤀𞤢 Ა Ꭰ Ꞔ Ɪ Ᏸ 𑢠 Ꟊ": "𞤀𞤢 Ა Ꭰ Ꞔ Ɪ Ᏸ 𑢠 Ꟊ",
	"µ ς ϐ Ǡ":          "μ σ β ǡ",
	"a\u0378b x🥺y":     "a\u0378b x🥺y",
	// Its UTF-8 reader: a lone continuation byte is the code point of its
	// value (0xAA "ª", a letter); an overlong form is read; a value past
	// Unicode makes a word (written with U+FFFD and its hex digits when
	// SQLite's bytes would not be UTF-8).
	"a\xaab \xe0\x82\xaa \xc1\xa1 \xed\xa0\x80": "aªb ª",
	"a\xf4\x90\x80\x80b \xf8\x88\x80\x80\x80":   "a\ufffd110000b \ufffd000000",
}

// The words the index keeps are those FTS5 keeps.
func TestWordsAreFTS5s(t *testing.T) {
	for in, want := range wordCases {
		if got := strings.Join(words(in), " "); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
	if got := strings.Join(words(searchText("\x0304red\x03 \x02bold\x02")), " "); got != "red bold" {
		t.Errorf("coloured text is indexed as %q", got)
	}
}

// The tsvector built here is what to_tsvector('simple', …) makes of the
// same words, positions included, for words PostgreSQL's parser leaves
// whole (it drops private-use characters, which FTS5 keeps), and the tag
// of the id's bucket.
func TestTSVectorIsSimples(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for _, text := range []string{
		"Minsk is the capital of Belarus, minsk MINSK",
		"see https://example.org/foo-bar?x=1 for details",
		"café ÉCOLE 日本語テキスト x² ①",
		"\x0304,01white\x0f on black",
		strings.Repeat("w ", 300) + "end",
		"",
		"!!!",
	} {
		ws := words(searchText(text))
		var same, saturated bool
		var mine, theirs string
		err := db.pool.QueryRow(ctx, "SELECT ts_delete($1::tsvector, ARRAY['_b0', '_c0', '_s', '_t']) = to_tsvector('simple', $2), $1::tsvector @@ '_s', $1::tsvector::text, to_tsvector('simple', $2)::text",
			buildTSVector(text, 42), strings.Join(ws, " ")).Scan(&same, &saturated, &mine, &theirs)
		if err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Errorf("%q:\n built %s\nsimple %s", text, mine, theirs)
		}
		// Only the text with a word said more than 255 times is beyond
		// what the tsvector answers for.
		if want := strings.HasPrefix(text, "w w "); saturated != want {
			t.Errorf("%.20q: saturated %v, want %v", text, saturated, want)
		}
	}
}

// Words longer than a tsvector holds, and lines longer than its positions
// go, are stored all the same.
func TestLongWordsAndLines(t *testing.T) {
	db, _ := openTest(t)
	long := strings.Repeat("x", 3000) + " short " + strings.Repeat("w ", 20000) + "last"
	mustAppendOne(t, db, msg("#c", "a", long, t0))
	// More distinct words than a tsvector holds: stored, and found by the
	// words the index kept.
	var huge strings.Builder
	huge.WriteString("aaaa-first ")
	for i := range 200000 {
		fmt.Fprintf(&huge, "w%07d ", i)
	}
	id := mustAppendOne(t, db, msg("#c", "a", huge.String(), t0.Add(time.Second)))
	if ev, err := db.Event(context.Background(), id); err != nil || ev.Text != huge.String() {
		t.Fatalf("a huge text: %v", err)
	}
	if res, err := db.Search(context.Background(), searchQuery("aaaa")); err != nil || res.Total != 1 {
		t.Errorf("the first word of a huge text: %d hits, %v", res.Total, err)
	}
	for q, want := range map[string]int{"short": 1, "last": 1, "w": 1} {
		res, err := db.Search(context.Background(), searchQuery(q))
		if err != nil || res.Total != want {
			t.Errorf("%q: %d hits, %v", q, res.Total, err)
		}
	}
}

func TestTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		`minsk`:                `'minsk'`,
		`Minsk capital`:        `'minsk' & 'capital'`,
		`"no-go zone" belarus`: `('no' <-> 'go' <-> 'zone') & 'belarus'`,
		`example.org`:          `('example' <-> 'org')`,
		`it's`:                 `('it' <-> 's')`,
		`"unterminated phrase`: `('unterminated' <-> 'phrase')`,
		`a & !b | c:*`:         `'a' & 'b' & 'c'`,
	} {
		q, err := parseQuery(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := q.tsQuery(); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

func searchQuery(q string) archive.SearchQuery { return archive.SearchQuery{Text: q} }

// Snippets are cut where FTS5's snippet() cuts them (the expected strings
// are SQLite's, with [ ] for its highlight markers).
func TestSnippet(t *testing.T) {
	parse := func(s string) query {
		q, err := parseQuery(s)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	show := func(text, q string) string {
		var b strings.Builder
		for _, sp := range snippet(text, parse(q)) {
			if sp.Match {
				fmt.Fprintf(&b, "[%s]", sp.Text)
			} else {
				b.WriteString(sp.Text)
			}
		}
		return b.String()
	}
	var long []string
	for i := range 60 {
		long = append(long, fmt.Sprint("w", i))
	}
	for _, tc := range []struct{ text, q, want string }{
		{"Minsk is the capital of Belarus", "minsk", "[Minsk] is the capital of Belarus"},
		{"he said \"no-go zone\" twice", `"no-go zone"`, "he said \"[no-go zone]\" twice"},
		{"minsk minsk", "minsk", "[minsk] [minsk]"},
		{"\x0304red\x03 alert", "red", "[red] alert"},
		{"Café au lait", "cafe", "[Café] au lait"},
		{strings.Join(long, " "), "w30", "…w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 [w30] w31 w32 w33 w34 w35 w36 w37 w38 w39 w40 w41 w42…"},
		{strings.Join(long, " "), "w2", "w0 w1 [w2] w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23…"},
		{strings.Join(long, " "), "w10 w40", "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 [w10] w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23…"},
		{strings.Join(long, " "), "w10 w20", "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 [w10] w11 w12 w13 w14 w15 w16 w17 w18 w19 [w20] w21 w22 w23…"},
		{"a b c d " + strings.Join(long, " ") + " x.", "w59", "…w37 w38 w39 w40 w41 w42 w43 w44 w45 w46 w47 w48 w49 w50 w51 w52 w53 w54 w55 w56 w57 w58 [w59] x."},
		{"  lead. " + strings.Join(long, " "), "w1", "…w0 [w1] w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23…"},
		{strings.Join(long, " "), "w58", "…w36 w37 w38 w39 w40 w41 w42 w43 w44 w45 w46 w47 w48 w49 w50 w51 w52 w53 w54 w55 w56 w57 [w58] w59"},
		// SQLite's engine strips its markers, 0xFF and 0xFE, from a
		// snippet of invalid UTF-8, and the text's own with them.
		{"bad \xff minsk", "minsk", "bad  minsk"},
		{"bad \xc3 minsk", "minsk", "bad \uFFFD minsk"},
	} {
		if got := show(tc.text, tc.q); got != tc.want {
			t.Errorf("snippet of %q for %q:\n got %q\nwant %q", tc.text, tc.q, got, tc.want)
		}
	}
	for _, sp := range snippet("x \xff\xfe minsk", parse("minsk")) {
		if sp.Match || !utf8.ValidString(sp.Text) {
			t.Errorf("a snippet of invalid UTF-8: %+v", sp)
		}
	}
}

// coarseWindow reads as many coarse buckets as the density of the matches
// found so far says the missing ones need (a quarter more), within the
// step's window.
func TestCoarseWindow(t *testing.T) {
	for _, c := range []struct {
		window         int64
		missing, found int
		read, want     int64
	}{
		{32, 1000, 0, 36864, 32},   // nothing found yet: the step's window
		{32, 940, 1060, 294912, 5}, // a phrase: about 330,000 more ids
		{4, 1500, 500, 36864, 3},   // a common word
		{32, 1999, 1, 36864, 32},   // a rare one: as far as the window goes
		{32, 10, 5000, 1 << 20, 1}, // nearly done: one coarse bucket
		{4, 0, 2000, 36864, 4},     // nothing missing (not asked)
		{32, 100, 100, 0, 32},      // nothing read (not asked)
	} {
		if got := coarseWindow(c.window, c.missing, c.found, c.read); got != c.want {
			t.Errorf("coarseWindow(%d, %d, %d, %d) = %d, want %d", c.window, c.missing, c.found, c.read, got, c.want)
		}
	}
}

// An archive whose index was built by the word rules before (Go's Unicode
// tables, no saturated tag) is rebuilt when a writer opens it: its lines
// with non-ASCII text are found by the words FTS5 sees in them, its long
// lines get the tag, its coloured lines with a NUL lose the words after it
// (rules 4); its short ASCII lines, which every rule reads alike, are left
// as they are.
func TestOldWordRulesAreRebuilt(t *testing.T) {
	db, dsn := openTest(t)
	ctx := context.Background()
	ascii := mustAppendOne(t, db, msg("#c", "a", "plain words", t0))
	other := mustAppendOne(t, db, msg("#c", "a", "Ꭰ Ა a\xaab", t0.Add(time.Second)))
	long := mustAppendOne(t, db, msg("#c", "a", strings.Repeat("lol ", 300)+"zulu", t0.Add(2*time.Second)))
	nul := mustAppendOne(t, db, msg("#c", "a", "\x0304red\x03 before\x00after", t0.Add(3*time.Second)))
	// What the rules before gave: Go's case folding, invalid UTF-8 a
	// separator; and, to show the ASCII line is not read again, a word it
	// does not hold.
	sqlExec(t, db, "UPDATE events SET tsv = $2 WHERE id = $1", other, buildTSVector("ꭰ ა a b", other))
	sqlExec(t, db, "UPDATE events SET tsv = $2 WHERE id = $1", ascii, buildTSVector("plain words untouched", ascii))
	// Before rules 4, a coloured line was read past its NUL.
	sqlExec(t, db, "UPDATE events SET tsv = $2 WHERE id = $1", nul, buildTSVector("red before after", nul))
	sqlExec(t, db, "UPDATE events SET tsv = ts_delete(tsv, ARRAY['_s']) WHERE id = $1", long) // before the saturated tag
	sqlExec(t, db, "DELETE FROM meta WHERE key = 'saturated'")
	sqlExec(t, db, "DELETE FROM meta WHERE key = 'words'")
	hits := func(db *DB, q string) int {
		t.Helper()
		res, err := db.Search(ctx, searchQuery(q))
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := hits(db, "Ꭰ"); n != 0 {
		t.Fatalf("the old index finds Ꭰ %d times", n)
	}
	if n := hits(db, `"lol zulu"`); n != 0 {
		t.Fatalf("the old index finds the phrase past 255 repeats %d times", n)
	}
	db.Close()

	// A reader warns, and leaves the index as it is.
	var logs strings.Builder
	ro := openDSN(t, dsn, archive.Options{ReadOnly: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if !strings.Contains(logs.String(), "other word rules") || hits(ro, "Ꭰ") != 0 {
		t.Errorf("opened read-only:\n%s", logs.String())
	}
	ro.Close()

	logs.Reset()
	db = openDSN(t, dsn, archive.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for q, want := range map[string]int{"Ꭰ": 1, "Ა": 1, "aªb": 1, "ꭰ": 0, "plain": 1, "untouched": 1, `"lol zulu"`: 1, "before": 1, "after": 0} {
		if n := hits(db, q); n != want {
			t.Errorf("after the rebuild, %q: %d hits, want %d", q, n, want)
		}
	}
	if !strings.Contains(logs.String(), "search index rebuilt") || !strings.Contains(logs.String(), "rebuilt=3 ") {
		t.Errorf("the rebuild logged:\n%s", logs.String())
	}
	var rules []byte
	if err := db.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'words'").Scan(&rules); err != nil || string(rules) != wordRules {
		t.Errorf("the archive's word rules: %q, %v; want %q", rules, err, wordRules)
	}
	db.Close()

	logs.Reset()
	openDSN(t, dsn, archive.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if strings.Contains(logs.String(), "rebuil") {
		t.Errorf("opened again, the archive is rebuilt again:\n%s", logs.String())
	}
}

// Words SQLite reads past Unicode from invalid UTF-8 are stored (as
// U+FFFD and hex digits, see appendFold: PostgreSQL takes only UTF-8), and
// a lone continuation byte is the letter SQLite reads it as. (Queries are
// UTF-8: archive.ParseQuery drops invalid bytes.)
func TestInvalidUTF8IsIndexed(t *testing.T) {
	db, _ := openTest(t)
	id := mustAppendOne(t, db, msg("#c", "a", "x a\xf4\x90\x80\x80b \xf8\x88\x80\x80\x80 c\xaad", t0))
	var tsv string
	if err := db.pool.QueryRow(context.Background(), "SELECT ts_delete(tsv, ARRAY['_b0', '_c0'])::text FROM events WHERE id = $1", id).Scan(&tsv); err != nil {
		t.Fatal(err)
	}
	if want := "'a\ufffd110000b':2 'cªd':4 'x':1 '\ufffd000000':3"; tsv != want {
		t.Errorf("tsv %s, want %s", tsv, want)
	}
	for q, want := range map[string]int{"cªd": 1, "c\xaad": 0, "a": 0} {
		res, err := db.Search(context.Background(), searchQuery(q))
		if err != nil || res.Total != want {
			t.Errorf("%q: %d hits, %v; want %d", q, res.Total, err, want)
		}
	}
}

// A text whose tsvector lacks positions is marked saturatedTag, one whose
// tsvector lacks words truncatedTag, an IRC-sized line neither.
func TestMarks(t *testing.T) {
	db, _ := openTest(t)
	var huge strings.Builder
	for i := range 120000 {
		fmt.Fprintf(&huge, "w%07d ", i)
	}
	for _, c := range []struct {
		name, text           string
		saturated, truncated bool
	}{
		{"an IRC line", strings.Repeat("lol ", 120), false, false},
		{"a word said 256 times", strings.Repeat("lol ", 256), true, false},
		{"20,000 words", strings.Repeat("filler ", 20000), true, false},
		{"a word of 3,000 bytes", "short " + strings.Repeat("x", 3000), false, true},
		{"over 1 MiB of words", huge.String(), false, true},
	} {
		var s, tr bool
		err := db.pool.QueryRow(context.Background(), "SELECT $1::tsvector @@ '_s', $1::tsvector @@ '_t'", buildTSVector(c.text, 1)).Scan(&s, &tr)
		if err != nil || s != c.saturated || tr != c.truncated {
			t.Errorf("%s: saturated %v, truncated %v, %v; want %v, %v", c.name, s, tr, err, c.saturated, c.truncated)
		}
	}
}
