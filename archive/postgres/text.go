package postgres

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircfmt"
)

// The search index holds, for each searchable event, a tsvector of the words
// of its text as the SQLite engine's index sees them: the text without mIRC
// formatting codes when it has colour codes (the SQLite engine's
// plain_text, see archive/index.go), cut into words and folded the way
// FTS5's unicode61 tokenizer with remove_diacritics 2 does it, by SQLite's
// own tables and UTF-8 reader (letters, numbers, private-use and
// unassigned code points make words; case is folded and Latin diacritics
// removed; see foldTokens). The words go into the tsvector as they are,
// with their positions: what to_tsvector('simple', …) gives for text
// already cut and folded (no stemming, no stop words: IRC is
// multilingual), without PostgreSQL's own parser, which reads
// "https://example.org/x" as one URL token and "no-go" as a hyphenated
// word, so that the two engines find the same lines for the same query.
//
// The tsvector is built here, in Go, at insert time and stored (column
// tsv); queries are built the same way (tsQuery). Snippets are cut and
// highlighted here too (snippet), from the same words.

// searchText is the text the index reads for an event's text: without
// formatting codes when it holds colour codes (^C, ^D), as the SQLite
// engine's events_text view gives it; other codes separate words anyway.
// That view's plain_text comes back from Go to SQLite as a C string, so
// it ends at the first NUL: the words of a coloured line after a NUL are
// in neither engine's index, nor in its snippets.
func searchText(text string) string {
	if strings.ContainsAny(text, "\x03\x04") {
		plain := ircfmt.Strip(text)
		if i := strings.IndexByte(plain, 0); i >= 0 {
			plain = plain[:i]
		}
		return plain
	}
	return text
}

// token is one word of a text: its bytes [start, end) and its folded form.
type token struct {
	start, end int
	word       string
}

//go:generate go run ./internal/fts5gen/cmd fts5_tables.go

// The words of a text are cut and folded as FTS5's unicode61 tokenizer
// does it (fts5_unicode2.c and fts5_tokenize.c in SQLite), by tables read
// from the SQLite this module is built with (fts5_tables.go, written by
// internal/fts5gen): SQLite has Unicode tables of its own, older than Go's
// and not the same (it folds case only for the pairs it knows, and makes
// words of unassigned code points). A code point is a separator, a mark
// (continues a word, starts none: the diacritics) or, anything else, part
// of a word; each folds on its own, a mark to nothing.
type class uint8

const (
	separator class = iota
	wordChar
	mark
)

// asciiWord and asciiFold are the classes and folds of ASCII: letters
// and digits make words, A-Z fold to a-z.
var asciiWord, asciiFold = func() (w [utf8.RuneSelf]bool, f [utf8.RuneSelf]byte) {
	for c := range utf8.RuneSelf {
		w[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		f[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			f[c] += 'a' - 'A'
		}
	}
	return w, f
}()

// readFTS5 reads the code point at s[i] as SQLite's FTS5 does (its
// READ_UTF8), which is not a UTF-8 decoder's reading of invalid UTF-8: a
// byte 0xC0 and above starts a code point that takes every continuation
// byte after it; a result below 0x80, a surrogate, U+FFFE and U+FFFF are
// read as U+FFFD; a lone continuation byte 0x80 to 0xBF is the code point
// of the same value (0xAA is "ª", a letter). Values past Unicode, up to
// 2³²-1, are read as they come. It returns the code point and its size.
func readFTS5(s string, i int) (c uint32, size int) {
	c = uint32(s[i])
	j := i + 1
	if c >= 0xC0 {
		switch {
		case c < 0xE0:
			c &= 0x1F
		case c < 0xF0:
			c &= 0x0F
		case c < 0xF8:
			c &= 0x07
		case c < 0xFC:
			c &= 0x03
		case c < 0xFE:
			c &= 0x01
		default:
			c = 0
		}
		for j < len(s) && s[j]&0xC0 == 0x80 {
			c = c<<6 + uint32(s[j]&0x3F)
			j++
		}
		if c < 0x80 || c&0xFFFFF800 == 0xD800 || c&0xFFFFFFFE == 0xFFFE {
			c = 0xFFFD
		}
	}
	return c, j - i
}

// classOf is the class of a code point readFTS5 read. Past U+10FFFF
// SQLite takes every value for a word character, as it does plane 16
// (fts5gen checks).
func classOf(c uint32) class {
	switch {
	case c < utf8.RuneSelf:
		if asciiWord[c] {
			return wordChar
		}
		return separator
	case c < twoBytes:
		return small[c].class
	}
	return classOfTables(c)
}

// classOfTables is classOf by the tables alone.
func classOfTables(c uint32) class {
	switch {
	case c > utf8.MaxRune:
		return wordChar
	case unicode.Is(fts5Separators, rune(c)):
		return separator
	case unicode.Is(fts5Marks, rune(c)):
		return mark
	}
	return wordChar
}

// twoBytes bounds the code points of two bytes in UTF-8 (Latin, Greek,
// Cyrillic, Armenian, Hebrew, Arabic…), whose class and fold small holds,
// read from the tables once.
const twoBytes = 0x800

var small = func() (t [twoBytes]struct {
	class class
	fold  uint16 // 0: folded to nothing
}) {
	for c := uint32(utf8.RuneSelf); c < twoBytes; c++ {
		t[c].class = classOfTables(c)
		if f, ok := foldOfTables(rune(c)); ok {
			if f > 0xFFFF || f == 0 {
				panic("fts5_tables.go folds a code point of two bytes past the BMP or to U+0000")
			}
			t[c].fold = uint16(f)
		}
	}
	return t
}()

// foldRange is a range of fts5Folds: lo, lo+stride, … hi fold to
// themselves plus delta.
type foldRange struct {
	lo, hi        rune
	stride, delta int32
}

// appendFold appends the folded form of the word or mark code point c (read
// by readFTS5) to b: SQLite's fold, in UTF-8, as SQLite writes it.
//
// SQLite writes a value past Unicode as the four bytes its UTF-8 writer
// makes of the value's low 21 bits: a code point of plane 1 to 16, or
// bytes that are not UTF-8, which PostgreSQL does not take in a
// tsvector. Those are written as U+FFFD and the six hex digits of the
// value instead: no word holds U+FFFD (a separator), so words stay as
// distinct as SQLite's.
func appendFold(b []byte, c uint32) []byte {
	if c < utf8.RuneSelf {
		return append(b, asciiFold[c])
	}
	if c > utf8.MaxRune {
		c &= 1<<21 - 1
		if c < 0x10000 || c > utf8.MaxRune {
			b = utf8.AppendRune(b, utf8.RuneError)
			const hex = "0123456789abcdef"
			for shift := 20; shift >= 0; shift -= 4 {
				b = append(b, hex[c>>shift&0xF])
			}
			return b
		}
		return utf8.AppendRune(b, rune(c))
	}
	if c < twoBytes {
		if f := small[c].fold; f != 0 {
			return utf8.AppendRune(b, rune(f))
		}
		return b
	}
	if f, ok := foldOfTables(rune(c)); ok {
		return utf8.AppendRune(b, f)
	}
	return b
}

// foldOfTables is the fold of r by the tables: a code point, or none.
func foldOfTables(r rune) (rune, bool) {
	lo, hi := 0, len(fts5Folds) // the first range that ends at r or after
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if fts5Folds[m].hi < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(fts5Folds) {
		if f := fts5Folds[lo]; f.lo <= r && (r-f.lo)%f.stride == 0 {
			return r + f.delta, true
		}
	}
	if unicode.Is(fts5Dropped, r) {
		return 0, false
	}
	return r, true
}

// maxLexemeBytes bounds the room the words of one tsvector take, with
// their positions: PostgreSQL refuses a tsvector past 1 MiB. A text with
// more (a pasted book) has its words past the bound, in byte order, left
// out of the index.
const maxLexemeBytes = 1<<20 - 2

// maxWordBytes is the longest word a tsvector holds (PostgreSQL's
// MAXSTRLEN is 2047 bytes): longer words are left out of the index.
const maxWordBytes = 2046

// tokens cuts s into words, calling fn for each with its bytes in s and
// its folded form (valid only during the call); fn returns false to stop.
func tokens(s string, fn func(start, end int, word []byte) bool) {
	foldTokens(s, nil, fn)
}

// foldTokens is tokens folding into the memory of word, which it returns
// for the next call. It reads s as FTS5's unicode61 tokenizer does
// (fts5UnicodeTokenize): a word starts at a word character and runs over
// word characters and marks.
func foldTokens(s string, word []byte, fn func(start, end int, word []byte) bool) []byte {
	for i := 0; i < len(s); {
		start := i
		if b := s[i]; b < utf8.RuneSelf {
			i++
			if !asciiWord[b] {
				continue
			}
			word = append(word[:0], asciiFold[b])
		} else {
			c, size := readFTS5(s, i)
			i += size
			if classOf(c) != wordChar {
				continue
			}
			word = appendFold(word[:0], c)
		}
		for i < len(s) {
			if b := s[i]; b < utf8.RuneSelf {
				if !asciiWord[b] {
					break
				}
				word = append(word, asciiFold[b])
				i++
				continue
			}
			c, size := readFTS5(s, i)
			if classOf(c) == separator {
				break
			}
			word = appendFold(word, c)
			i += size
		}
		if !fn(start, i, word) {
			return word
		}
	}
	return word
}

// words returns the folded words of s, in order.
func words(s string) []string {
	var out []string
	tokens(s, func(_, _ int, w []byte) bool {
		out = append(out, string(w))
		return true
	})
	return out
}

// tsvector positions: PostgreSQL keeps positions 1 to 16383, and at most
// 255 of them per word, as to_tsvector keeps.
const (
	maxPos    = 1<<14 - 1
	maxNumPos = 255
)

// tsvector is a tsvector in PostgreSQL's binary format, ready for COPY
// (see tsvectorCodec).
type tsvector []byte

// buildTSVector builds the tsvector of an event's text: its words with
// their positions, and the tags of the event's id (bucketTag, coarseTag).
func buildTSVector(text string, id int64) tsvector {
	var sc tsScratch
	return sc.appendTSVector(nil, text, id)
}

// The search index also holds, for each event, the buckets of its id: ids
// in buckets of 4,096 (tag "_b" and the bucket's number) and of 65,536
// ("_c"), words no text can make ("_" separates words). A query for the
// newest matches asks for its words and the newest buckets together, and
// the index intersects them itself: only the matches among the newest ids
// are read, however many older ones there are (see newestMatches).
const (
	bucketShift      = 12
	coarseShift      = 16
	bucketsPerCoarse = 1 << (coarseShift - bucketShift)
)

func bucketTag(bucket int64) string { return "_b" + strconv.FormatInt(bucket, 10) }

func coarseTag(coarse int64) string { return "_c" + strconv.FormatInt(coarse, 10) }

// tsScratch is the reusable memory of appendTSVector.
type tsScratch struct {
	saturated bool     // the last tsvector carries saturatedTag or truncatedTag
	fold      []byte   // the word being folded
	buf       []byte   // the folded words, one after the other
	words     []tsWord // each word of the text, in order
}

type tsWord struct {
	off, n int32
	pos    uint16
}

func (sc *tsScratch) word(w tsWord) []byte { return sc.buf[w.off : w.off+w.n] }

// saturatedTag and truncatedTag mark an event whose tsvector cannot
// answer for every word and phrase of its text as FTS5 does. No IRC line
// comes near these bounds (512 bytes); an imported paste can.
// saturatedTag: a word said more than maxNumPos times or more than maxPos
// words, so that positions are missing, but every word is there.
// truncatedTag: a word longer than maxWordBytes, or more words than
// maxLexemeBytes holds, so that words are missing. Search reads the events
// so marked that may match on their own, and decides by their text (see
// saturatedMatches), once the archive's meta key saturatedKey says there
// are any.
const (
	saturatedTag = "_s"
	truncatedTag = "_t"
)

// saturatedKey is the meta key a writer sets with the first event it
// marks saturatedTag or truncatedTag.
const saturatedKey = "saturated"

// minSaturated is the length of the shortest text that needs a mark: a
// one-letter word said maxNumPos+1 times.
const minSaturated = 2*(maxNumPos+1) - 1

// tagRoom is the room kept in a tsvector for the tags: they are never left
// out.
const tagRoom = 64

// appendTSVector appends the tsvector of the text of event id to dst:
// each distinct word once, in byte order (as PostgreSQL keeps them), with
// its positions in increasing order, and the id's bucket tags (and the
// mark the text needs, if any) without positions.
func (sc *tsScratch) appendTSVector(dst []byte, text string, id int64) []byte {
	sc.buf, sc.words = sc.buf[:0], sc.words[:0]
	for _, tag := range [...]string{bucketTag(id >> bucketShift), coarseTag(id >> coarseShift)} {
		sc.addTag(tag)
	}
	n := 0
	saturated, truncated := false, false
	sc.fold = foldTokens(searchText(text), sc.fold, func(_, _ int, w []byte) bool {
		n++
		saturated = saturated || n > maxPos
		if len(w) > maxWordBytes {
			truncated = true
		} else {
			sc.words = append(sc.words, tsWord{int32(len(sc.buf)), int32(len(w)), uint16(min(n, maxPos))})
			sc.buf = append(sc.buf, w...)
		}
		return true
	})
	sc.sort()
	if !truncated {
		allPositions, allWords := sc.emit(nil)
		saturated, truncated = saturated || !allPositions, !allWords
	}
	switch {
	case truncated:
		sc.addTag(truncatedTag)
		sc.sort()
	case saturated:
		sc.addTag(saturatedTag)
		sc.sort()
	}
	sc.saturated = saturated || truncated
	countAt := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	sc.emit(func(w []byte, pos []tsWord) {
		dst = append(dst, w...)
		dst = append(dst, 0)
		npos := 0
		nAt := len(dst)
		dst = append(dst, 0, 0)
		last := uint16(0) // position 0: a tag, which has none
		for _, x := range pos {
			if x.pos != last && npos < maxNumPos {
				dst = binary.BigEndian.AppendUint16(dst, x.pos)
				last = x.pos
				npos++
			}
		}
		binary.BigEndian.PutUint16(dst[nAt:], uint16(npos))
		binary.BigEndian.PutUint32(dst[countAt:], binary.BigEndian.Uint32(dst[countAt:])+1)
	})
	return dst
}

// addTag adds a tag (a word without positions) to the words.
func (sc *tsScratch) addTag(tag string) {
	sc.words = append(sc.words, tsWord{int32(len(sc.buf)), int32(len(tag)), 0})
	sc.buf = append(sc.buf, tag...)
}

// sort puts the words in byte order, each word's positions in order.
func (sc *tsScratch) sort() {
	slices.SortStableFunc(sc.words, func(a, b tsWord) int { return bytes.Compare(sc.word(a), sc.word(b)) })
}

// emit calls fn (when not nil) with each distinct word of the sorted words
// and its occurrences, the words past the tsvector's bound left out but
// never a tag; it reports whether the tsvector holds every position of the
// words it holds, and every word.
func (sc *tsScratch) emit(fn func(w []byte, pos []tsWord)) (allPositions, allWords bool) {
	allPositions, allWords = true, true
	size := 0
	for i := 0; i < len(sc.words); {
		w := sc.word(sc.words[i])
		j := i + 1
		for j < len(sc.words) && bytes.Equal(sc.word(sc.words[j]), w) {
			j++
		}
		if j-i > maxNumPos {
			allPositions = false
		}
		if sc.words[i].pos != 0 {
			// The room PostgreSQL counts for a word: its bytes, aligned to
			// two, and its positions with their count.
			need := (size+len(w)+1)&^1 + 2*(min(j-i, maxNumPos)+1)
			if need > maxLexemeBytes-tagRoom {
				allWords = false
				i = j
				continue // the rest of a huge text is left out of the index
			}
			size = need
		}
		if fn != nil {
			fn(w, sc.words[i:j])
		}
		i = j
	}
	return allPositions, allWords
}

// query is a parsed search: terms, each a word or a phrase of words that
// must follow each other; every term must match.
type query struct {
	terms [][]string
	nul   bool // a term holds a NUL, which the SQLite engine refuses
}

// hasPhrase reports whether q holds a "phrase" of several words.
func (q query) hasPhrase() bool {
	return slices.ContainsFunc(q.terms, func(t []string) bool { return len(t) > 1 })
}

// indexable reports whether the index can hold every word of q: a word
// longer than maxWordBytes is only in the text of events marked
// saturatedTag.
func (q query) indexable() bool {
	for _, t := range q.terms {
		for _, w := range t {
			if len(w) > maxWordBytes {
				return false
			}
		}
	}
	return true
}

// matches reports whether text holds every term of q, each phrase's words
// one after the other, as FTS5 reads it: what search decides by for the
// events marked saturatedTag.
func (q query) matches(text string) bool {
	ws := words(searchText(text))
	for _, t := range q.terms {
		found := false
		for i := 0; i+len(t) <= len(ws) && !found; i++ {
			found = slices.Equal(ws[i:i+len(t)], t)
		}
		if !found {
			return false
		}
	}
	return true
}

// markedQuery writes the tsquery of the marked events that may match q:
// those marked saturatedTag that hold each of its words, wherever they
// are, and those marked truncatedTag, which may lack words.
func (q query) markedQuery() string {
	if !q.indexable() {
		return "'" + truncatedTag + "'"
	}
	words := query{terms: [][]string{{saturatedTag}}}
	for _, t := range q.terms {
		for _, w := range t {
			words.terms = append(words.terms, []string{w})
		}
	}
	return "(" + words.tsQuery() + ") | '" + truncatedTag + "'"
}

// tsQuery writes q as tsquery input: quoted words, phrases with <->, terms
// joined by &, and when tags are given, one of them. The words come from
// tokens, so they hold only letters, numbers and marks; quotes and
// backslashes are escaped all the same.
func (q query) tsQuery(tags ...string) string {
	if len(tags) > 0 {
		var b strings.Builder
		b.WriteString("(" + q.tsQuery() + ") & (")
		for i, t := range tags {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString("'" + t + "'")
		}
		b.WriteString(")")
		return b.String()
	}
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		if len(t) > 1 {
			b.WriteByte('(')
		}
		for j, w := range t {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteByte('\'')
			b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w))
			b.WriteByte('\'')
		}
		if len(t) > 1 {
			b.WriteByte(')')
		}
	}
	return b.String()
}
