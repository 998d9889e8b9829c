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
	"golang.org/x/text/unicode/norm"
)

// The search index holds, for each searchable event, a tsvector of the words
// of its text as the SQLite engine's index sees them: the text without mIRC
// formatting codes when it has colour codes (the SQLite engine's
// plain_text, see archive/index.go), cut into words and folded the way
// FTS5's unicode61 tokenizer with remove_diacritics 2 does it (letters,
// numbers and private-use characters make words; everything else, invalid
// UTF-8 included, separates them; case is folded and Latin diacritics
// removed). The words go into the tsvector as they are, with their
// positions: what to_tsvector('simple', …) gives for text already cut and
// folded (no stemming, no stop words: IRC is multilingual), without
// PostgreSQL's own parser, which reads "https://example.org/x" as one URL
// token and "no-go" as a hyphenated word, so that the two engines find the
// same lines for the same query.
//
// The tsvector is built here, in Go, at insert time and stored (column
// tsv); queries are built the same way (tsQuery). Snippets are cut and
// highlighted here too (snippet), from the same words.

// searchText is the text the index reads for an event's text: without
// formatting codes when it holds colour codes (^C, ^D), as the SQLite
// engine's events_text view gives it; other codes separate words anyway.
func searchText(text string) string {
	if strings.ContainsAny(text, "\x03\x04") {
		return ircfmt.Strip(text)
	}
	return text
}

// token is one word of a text: its bytes [start, end) and its folded form.
type token struct {
	start, end int
	word       string
}

// isDiacritic reports the combining marks FTS5's unicode61 tokenizer takes
// for diacritics (sqlite3Fts5UnicodeIsdiacritic): part of a word, and
// dropped when folding.
func isDiacritic(c rune) bool {
	const mask0, mask1 = 0x08029FDF, 0x000361F8
	if c < 768 || c > 817 {
		return false
	}
	if c < 768+32 {
		return mask0&(1<<(c-768)) != 0
	}
	return mask1&(1<<(c-768-32)) != 0
}

// isWordRune reports whether r is part of a word (unicode61's default
// categories L*, N* and Co, and the diacritics).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r == utf8.RuneError {
		return false // invalid UTF-8 separates words, as U+FFFD (a symbol) does
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) || isDiacritic(r)
}

// foldRune appends the folded form of r to b: lower case, and a Latin
// letter without its diacritics; a diacritic folds to nothing.
func foldRune(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	if isDiacritic(r) {
		return b
	}
	r = unicode.ToLower(r)
	if r >= 0xC0 && r < 0x250 || r >= 0x1E00 && r < 0x1F00 {
		if r == 'ſ' {
			return append(b, 's')
		}
		// A letter that decomposes into a base letter and combining
		// marks only: keep the base.
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		d := norm.NFD.Bytes(buf[:n])
		base, size := utf8.DecodeRune(d)
		rest := d[size:]
		marks := len(rest) > 0
		for len(rest) > 0 {
			m, s := utf8.DecodeRune(rest)
			if !unicode.Is(unicode.Mn, m) {
				marks = false
				break
			}
			rest = rest[s:]
		}
		if marks && base < 0x250 {
			r = unicode.ToLower(base)
		}
	}
	return utf8.AppendRune(b, r)
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
// for the next call.
func foldTokens(s string, word []byte, fn func(start, end int, word []byte) bool) []byte {
	start := -1
	for i := 0; i <= len(s); {
		var r rune
		size := 1
		if i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if i < len(s) && isWordRune(r) {
			if start < 0 {
				start, word = i, word[:0]
			}
			word = foldRune(word, r)
		} else if start >= 0 {
			if len(word) > 0 && !fn(start, i, word) {
				return word
			}
			start = -1
		}
		i += size
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
	fold  []byte   // the word being folded
	buf   []byte   // the folded words, one after the other
	words []tsWord // each word of the text, in order
}

type tsWord struct {
	off, n int32
	pos    uint16
}

func (sc *tsScratch) word(w tsWord) []byte { return sc.buf[w.off : w.off+w.n] }

// saturatedTag marks an event whose tsvector cannot answer for every word
// and phrase of its text as FTS5 does: a word said more than maxNumPos
// times, more than maxPos words, a word longer than maxWordBytes, or more
// words than maxLexemeBytes holds. No IRC line comes near these (512
// bytes); an imported paste can. Search reads the few events so marked on
// their own and decides by their text (see saturatedMatches).
const saturatedTag = "_s"

// tagRoom is the room kept in a tsvector for the tags: they are never left
// out.
const tagRoom = 64

// appendTSVector appends the tsvector of the text of event id to dst:
// each distinct word once, in byte order (as PostgreSQL keeps them), with
// its positions in increasing order, and the id's bucket tags (and the
// saturated tag when the text needs it) without positions.
func (sc *tsScratch) appendTSVector(dst []byte, text string, id int64) []byte {
	sc.buf, sc.words = sc.buf[:0], sc.words[:0]
	for _, tag := range [...]string{bucketTag(id >> bucketShift), coarseTag(id >> coarseShift)} {
		sc.addTag(tag)
	}
	n := 0
	saturated := false
	sc.fold = foldTokens(searchText(text), sc.fold, func(_, _ int, w []byte) bool {
		n++
		if len(w) > maxWordBytes || n > maxPos {
			saturated = true
		}
		if len(w) <= maxWordBytes {
			sc.words = append(sc.words, tsWord{int32(len(sc.buf)), int32(len(w)), uint16(min(n, maxPos))})
			sc.buf = append(sc.buf, w...)
		}
		return true
	})
	sc.sort()
	if !saturated && !sc.emit(nil) {
		saturated = true
	}
	if saturated {
		sc.addTag(saturatedTag)
		sc.sort()
	}
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
// never a tag; it reports whether the tsvector holds every word with every
// position.
func (sc *tsScratch) emit(fn func(w []byte, pos []tsWord)) (whole bool) {
	whole = true
	size := 0
	for i := 0; i < len(sc.words); {
		w := sc.word(sc.words[i])
		j := i + 1
		for j < len(sc.words) && bytes.Equal(sc.word(sc.words[j]), w) {
			j++
		}
		if j-i > maxNumPos {
			whole = false
		}
		if sc.words[i].pos != 0 {
			// The room PostgreSQL counts for a word: its bytes, aligned to
			// two, and its positions with their count.
			need := (size+len(w)+1)&^1 + 2*(min(j-i, maxNumPos)+1)
			if need > maxLexemeBytes-tagRoom {
				whole = false
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
	return whole
}

// query is a parsed search: terms, each a word or a phrase of words that
// must follow each other; every term must match.
type query struct {
	terms [][]string
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
