package postgres

import (
	"sort"
	"strings"
	"unicode/utf8"

	"proceedings/archive"
)

// snippetWords is how many words a snippet shows at most, as the SQLite
// engine asks FTS5's snippet() for.
const snippetWords = 24

const ellipsis = "…"

// snippet cuts the part of an event's text that shows the matches of q
// best, at most snippetWords words, with "…" where it cuts, and marks the
// matched words (a phrase as one piece), choosing the part as FTS5's
// snippet() does for the SQLite engine (bestStart). It reads the text as the index
// does (searchText). The highlights come from here, not from markers in
// the text, so no message can forge one; a text that is not valid UTF-8
// gets none (as from the SQLite engine), with its bytes 0xFF and 0xFE
// left out and its other invalid bytes shown as U+FFFD.
func snippet(text string, q query) []archive.Span {
	plain := searchText(text)
	var toks []token
	tokens(plain, func(start, end int, w []byte) bool {
		toks = append(toks, token{start, end, string(w)})
		return true
	})
	// Every instance of every term: the first and last word it covers.
	var found []instance
	for ti, term := range q.terms {
		for i := 0; i+len(term) <= len(toks); i++ {
			ok := true
			for j, w := range term {
				if toks[i+j].word != w {
					ok = false
					break
				}
			}
			if ok {
				found = append(found, instance{i, i + len(term) - 1, ti})
			}
		}
	}
	sort.Slice(found, func(a, b int) bool { return found[a].first < found[b].first })

	start := bestStart(plain, toks, found, len(q.terms))
	end := min(start+snippetWords, len(toks))
	from, to := 0, len(plain)
	if start > 0 {
		from = toks[start].start
	}
	if end < len(toks) {
		to = toks[end-1].end
	}

	var spans []archive.Span
	add := func(s string, match bool) {
		if s == "" {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].Match == match {
			spans[n-1].Text += s
			return
		}
		spans = append(spans, archive.Span{Text: s, Match: match})
	}
	if start > 0 {
		add(ellipsis, false)
	}
	at, open := from, 0 // open: where the last match starts
	for _, in := range found {
		if in.first < start || in.first >= end {
			continue
		}
		s, e := toks[in.first].start, toks[min(in.last, end-1)].end
		if s < at { // overlaps the previous match: extend it
			if e > at {
				spans[len(spans)-1].Text = piece(plain[open:e])
				at = e
			}
			continue
		}
		add(piece(plain[at:s]), false)
		spans = append(spans, archive.Span{Text: piece(plain[s:e]), Match: true})
		at, open = e, s
	}
	if end == len(toks) && start+snippetWords == len(toks) && at < toks[end-1].end {
		// FTS5 writes up to the end of the window's last word, then the
		// rest of the text: two pieces.
		add(piece(plain[at:toks[end-1].end]), false)
		at = toks[end-1].end
	}
	add(piece(plain[at:to]), false)
	if end < len(toks) {
		add(ellipsis, false)
	}
	if !utf8.ValidString(text) {
		var b strings.Builder
		for _, sp := range spans {
			b.WriteString(sp.Text)
		}
		// The SQLite engine takes its highlight markers, bytes 0xFF and
		// 0xFE, out of such a snippet, and with them the text's own.
		return []archive.Span{{Text: strings.ToValidUTF8(strings.NewReplacer("\xff", "", "\xfe", "").Replace(b.String()), "\uFFFD")}}
	}
	return spans
}

// piece is a piece of text as FTS5's snippet() writes it, with printf's
// %.*s: up to its first NUL. The pieces are the text before a match, the
// match (overlapping matches as one), the text after the last match up to
// the end of the window's last word, and the rest of the text when the
// window ends the text.
func piece(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// instance is a match of term: the words first to last.
type instance struct{ first, last, term int }

// bestStart chooses the first word of a snippet as FTS5's snippet() does:
// the window of snippetWords words that holds the most distinct terms (1000
// points each) and matches (1 each), its matches centred, unless a window
// starting at a sentence before a match scores better with a bonus (120
// for the start of the text, 100 for another sentence); the earliest of
// equals. found is sorted by first word.
func bestStart(text string, toks []token, found []instance, terms int) int {
	n := len(toks)
	score := func(pos int) (score, first, last int) {
		seen := make([]bool, terms)
		first = -1
		for _, in := range found {
			if in.first >= pos && in.first < pos+snippetWords {
				if seen[in.term] {
					score++
				} else {
					score += 1000
					seen[in.term] = true
				}
				if first < 0 {
					first = in.first
				}
				last = in.last + 1
			}
		}
		return score, first, last
	}
	// The words that start a sentence: the first, and any after
	// whitespace after a '.' or ':'.
	var sentences []int
	for i, tk := range toks {
		if i == 0 {
			sentences = append(sentences, 0)
			continue
		}
		j := tk.start - 1
		for j >= 0 && strings.IndexByte(" \t\n\r", text[j]) >= 0 {
			j--
		}
		if j < tk.start-1 && j >= 0 && (text[j] == '.' || text[j] == ':') {
			sentences = append(sentences, i)
		}
	}
	best, bestScore := 0, -1
	for _, in := range found {
		sc, first, last := score(in.first)
		adj := first - (snippetWords-(last-first))/2
		if adj+snippetWords > n {
			adj = n - snippetWords
		}
		adj = max(adj, 0)
		if sc > bestScore {
			best, bestScore = adj, sc
		}
		if len(sentences) > 0 && n > snippetWords {
			jj := 0
			for ; jj < len(sentences)-1; jj++ {
				if sentences[jj+1] > in.first {
					break
				}
			}
			if s := sentences[jj]; s < in.first {
				sc, _, _ := score(s)
				if s == 0 {
					sc += 120
				} else {
					sc += 100
				}
				if sc > bestScore {
					best, bestScore = s, sc
				}
			}
		}
	}
	return best
}
