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
// matched words (a phrase as one piece). It reads the text as the index
// does (searchText). The highlights come from here, not from markers in
// the text, so no message can forge one; a text that is not valid UTF-8
// gets none (as from the SQLite engine), with its invalid bytes shown as
// U+FFFD.
func snippet(text string, q query) []archive.Span {
	plain := searchText(text)
	var toks []token
	tokens(plain, func(start, end int, w []byte) bool {
		toks = append(toks, token{start, end, string(w)})
		return true
	})
	// Every instance of every term: the first and last word it covers.
	type instance struct{ first, last, term int }
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

	start, end := 0, len(toks)
	if len(toks) > snippetWords {
		// The window with the most distinct terms, then the most
		// matches, the earliest of equals; then its matches centred.
		best, bestScore := 0, -1
		for _, c := range found {
			seen := map[int]bool{}
			score := 0
			for _, in := range found {
				if in.first >= c.first && in.last < c.first+snippetWords {
					if !seen[in.term] {
						seen[in.term] = true
						score += 1000
					}
					score++
				}
			}
			if score > bestScore {
				best, bestScore = c.first, score
			}
		}
		first, last := best, best
		for _, in := range found {
			if in.first >= best && in.last < best+snippetWords {
				last = max(last, in.last)
			}
		}
		start = first - (snippetWords-(last-first+1))/2
		start = max(0, min(start, len(toks)-snippetWords))
		end = start + snippetWords
	}
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
	at := from
	for _, in := range found {
		if in.first < start || in.last >= end {
			continue
		}
		s, e := toks[in.first].start, toks[in.last].end
		if s < at { // overlaps the previous match: extend it
			if e > at {
				spans[len(spans)-1].Text += plain[at:e]
				at = e
			}
			continue
		}
		add(plain[at:s], false)
		spans = append(spans, archive.Span{Text: plain[s:e], Match: true})
		at = e
	}
	add(plain[at:to], false)
	if end < len(toks) {
		add(ellipsis, false)
	}
	if !utf8.ValidString(text) {
		var b strings.Builder
		for _, sp := range spans {
			b.WriteString(sp.Text)
		}
		return []archive.Span{{Text: strings.ToValidUTF8(b.String(), "\uFFFD")}}
	}
	return spans
}
