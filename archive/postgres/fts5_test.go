package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"proceedings/archive/postgres/internal/fts5gen"
)

// fts5_tables.go is what the SQLite this module is built with says: an
// upgrade of modernc.org/sqlite that changes SQLite's tables fails here.
func TestFTS5TablesAreSQLites(t *testing.T) {
	const regenerate = "fts5_tables.go is not what modernc.org/sqlite's FTS5 says (was it upgraded?): run go generate ./archive/postgres " +
		"and review the diff; a writer's next open rebuilds existing archives' search index (wordRules)"
	if raceEnabled {
		// Probing every code point takes minutes with the race detector:
		// ask about the planes where the scripts are, the edges of the
		// tables' ranges, and a sample of the rest.
		edges := map[rune]bool{}
		for _, tab := range []*unicode.RangeTable{fts5Separators, fts5Marks, fts5Dropped} {
			for _, r := range tab.R16 {
				edges[rune(r.Lo)-1], edges[rune(r.Lo)], edges[rune(r.Hi)], edges[rune(r.Hi)+1] = true, true, true, true
			}
			for _, r := range tab.R32 {
				edges[rune(r.Lo)-1], edges[rune(r.Lo)], edges[rune(r.Hi)], edges[rune(r.Hi)+1] = true, true, true, true
			}
		}
		for _, f := range fts5Folds {
			edges[f.lo-1], edges[f.lo], edges[f.hi], edges[f.hi+1] = true, true, true, true
		}
		n := 0
		err := fts5gen.ProbeSome(context.Background(), func(c rune) bool {
			return c < 0x20000 || c%61 == 0 || edges[c]
		}, func(c rune, class fts5gen.Class, fold rune) {
			n++
			cl := classOf(uint32(c))
			f, ok := foldOfTables(c)
			if !ok {
				f = -1
			}
			switch {
			case cl == separator && class == fts5gen.Separator:
			case cl == wordChar && class == fts5gen.Word && f == fold:
			case cl == mark && class == fts5gen.Mark && f == fold:
			default:
				t.Errorf("U+%04X: class %d fold %d here, SQLite says class %d fold %d", c, cl, f, class, fold)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			t.Fatal(regenerate)
		}
		t.Logf("%d code points asked about", n)
		return
	}
	want, err := fts5gen.Generate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("fts5_tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		h, w := strings.Split(string(have), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(h) && i < len(w) && h[i] == w[i] {
			i++
		}
		line := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return "(end of file)"
		}
		t.Fatalf("%s.\nline %d is\n\t%s\nSQLite says\n\t%s", regenerate, i+1, line(h), line(w))
	}
}

// The ASCII fast paths say what the tables say.
func TestASCIIIsTheTables(t *testing.T) {
	for c := range rune(utf8.RuneSelf) {
		if word := !unicode.Is(fts5Separators, c) && !unicode.Is(fts5Marks, c); word != asciiWord[c] {
			t.Errorf("%q: a word character in the tables %v, in asciiWord %v", c, word, asciiWord[c])
		}
		var folded []byte
		for _, f := range fts5Folds {
			if f.lo <= c && c <= f.hi && (c-f.lo)%f.stride == 0 {
				folded = utf8.AppendRune(nil, c+f.delta)
			}
		}
		if folded == nil {
			folded = []byte{byte(c)}
		}
		if string(folded) != string(asciiFold[c]) {
			t.Errorf("%q: folds to %q in the tables, to %q in asciiFold", c, folded, asciiFold[c])
		}
	}
}

// fts5 is an FTS5 table in memory, with the SQLite engine's tokenizer.
type fts5 struct{ db *sql.DB }

func openFTS5(t testing.TB) fts5 {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE VIRTUAL TABLE f USING fts5(x, content = '', tokenize = '" + fts5gen.Tokenizer + "'); CREATE VIRTUAL TABLE v USING fts5vocab(f, instance);" +
		"CREATE VIRTUAL TABLE h USING fts5(x, tokenize = '" + fts5gen.Tokenizer + "')"); err != nil {
		t.Fatal(err)
	}
	return fts5{db}
}

// terms indexes s alone and returns FTS5's terms of it, in order, as
// words gives them (lexeme).
func (f fts5) terms(t testing.TB, s string) []string {
	if _, err := f.db.Exec("INSERT INTO f(f) VALUES('delete-all')"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec("INSERT INTO f(x) VALUES(?)", s); err != nil {
		t.Fatal(err)
	}
	rows, err := f.db.Query("SELECT term FROM v ORDER BY offset")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var term []byte
		if err := rows.Scan(&term); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, lexeme(t, term))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return terms
}

// Highlight markers: bytes highlight's input must not hold.
const hlOpen, hlClose = "\x01", "\x02"

// highlight is s as FTS5's highlight() marks the words of phrases in it.
func (f fts5) highlight(t testing.TB, s string, phrases []string) string {
	if _, err := f.db.Exec("DELETE FROM h"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec("INSERT INTO h(x) VALUES(?)", s); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
	}
	var out []byte
	err := f.db.QueryRow("SELECT highlight(h, 0, ?, ?) FROM h WHERE h MATCH ?", hlOpen, hlClose, strings.Join(quoted, " OR ")).Scan(&out)
	if err != nil {
		t.Fatalf("highlight %q in %q: %v", phrases, s, err)
	}
	return string(out)
}

// lexeme is an FTS5 term as words gives it: the four bytes SQLite writes
// for a value past Unicode, when they are not UTF-8, as U+FFFD and the
// value's six hex digits (see appendFold).
func lexeme(t testing.TB, term []byte) string {
	var b strings.Builder
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		if r != utf8.RuneError || n > 1 {
			b.Write(term[i : i+n])
			i += n
			continue
		}
		if i+4 > len(term) || term[i] < 0xF0 || term[i] > 0xF7 || term[i+1]&0xC0 != 0x80 || term[i+2]&0xC0 != 0x80 || term[i+3]&0xC0 != 0x80 {
			t.Fatalf("term %q: bytes SQLite's UTF-8 writer does not make at %d", term, i)
		}
		v := rune(term[i]&7)<<18 | rune(term[i+1]&0x3F)<<12 | rune(term[i+2]&0x3F)<<6 | rune(term[i+3]&0x3F)
		fmt.Fprintf(&b, "\uFFFD%06x", v)
		i += 4
	}
	return b.String()
}

// For any bytes, the words are FTS5's terms, in order.
func FuzzWordsAreFTS5s(f *testing.F) {
	for in := range wordCases {
		f.Add(in)
	}
	for _, s := range []string{
		"𞤀𞤢", "Ა", "Ꭰ", "Ꞔ", "Ɪ", "Ᏸ", "𑢠", "Ꟊ",
		"\xaa", "x\xbfy\x80z", "\xc0\x80", "\xe0\x80\xaf", "\xf0\x80\x80\xaa",
		"\xfc\x80\x80\x80\x80\xaa\x80\x80", "\xfe\x80a\xff", "\xc3\xa9\xcc\x81", "a\xcc\x81\xcc\x81b",
		"\u0301a \u0301\u0301", "\U0010FFFF\U000E0001", "x\uFFFDy\uFFFEz",
	} {
		f.Add(s)
	}
	fts := openFTS5(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return // FTS5 cuts terms at 32 KiB; the index keeps words of 2 KiB at most
		}
		checkWords(t, fts, s)
	})
}

// checkWords checks that words(s) are FTS5's terms of s, in order, and
// that each word is where FTS5's highlight() finds it (snippets highlight
// words by their bytes): highlight() of every word, asked for by its
// bytes, marks each where tokens says.
func checkWords(t *testing.T, fts fts5, s string) {
	t.Helper()
	want := fts.terms(t, s)
	got := words(s)
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Fatalf("words(%q)\n = %q\nFTS5 %q", s, got, want)
	}
	if len(got) == 0 || strings.ContainsAny(s, "\x00"+hlOpen+hlClose) {
		return
	}
	var marked strings.Builder
	var phrases []string
	seen := map[string]bool{}
	at := 0
	tokens(s, func(start, end int, _ []byte) bool {
		marked.WriteString(s[at:start] + hlOpen + s[start:end] + hlClose)
		at = end
		if w := s[start:end]; !seen[w] {
			seen[w] = true
			phrases = append(phrases, w)
		}
		return true
	})
	marked.WriteString(s[at:])
	if h := fts.highlight(t, s, phrases); h != marked.String() {
		t.Fatalf("the words of %q\nare at %q\nFTS5 %q", s, marked.String(), h)
	}
}

// Random texts of what FuzzWordsAreFTS5s finds slowly: code points of
// every plane, marks, and the invalid UTF-8 SQLite reads its own way.
func TestRandomWordsAreFTS5s(t *testing.T) {
	fts := openFTS5(t)
	r := rand.New(rand.NewPCG(3, 4))
	n := 3000
	if raceEnabled || testing.Short() {
		n = 200
	}
	var b []byte
	for range n {
		b = b[:0]
		for range 1 + r.IntN(24) {
			switch r.IntN(9) {
			case 0:
				b = append(b, " .-'_\t"[r.IntN(6)])
			case 1:
				b = append(b, byte('A'+r.IntN(58)))
			case 2: // a diacritic or another combining mark
				b = utf8.AppendRune(b, rune(0x300+r.IntN(0x70)))
			case 3: // two-byte code points: Latin to Arabic
				b = utf8.AppendRune(b, rune(0x80+r.IntN(0x800-0x80)))
			case 4:
				b = utf8.AppendRune(b, rune(0x800+r.IntN(0x10000-0x800)))
			case 5:
				b = utf8.AppendRune(b, rune(0x10000+r.IntN(utf8.MaxRune+1-0x10000)))
			case 6: // a lone byte past ASCII
				b = append(b, byte(0x80+r.IntN(0x80)))
			default: // a lead byte and any number of continuation bytes
				b = append(b, byte(0xC0+r.IntN(0x40)))
				for range r.IntN(8) {
					b = append(b, byte(0x80+r.IntN(0x40)))
				}
			}
		}
		checkWords(t, fts, string(b))
	}
}
