package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/archive/sqlite"
	"proceedings/event"
)

// The SQLite engine's search (FTS5) is the reference; the PostgreSQL
// engine must give the same answers to the same query on the same events.
// Only the order of a relevance page may differ (bm25 against ts_rank):
// its set of hits, the counts, the newest-first pages and the snippets may
// not. TestSearchAgreesWithSQLite appends the same generated events to
// both engines and compares their answers to a few hundred generated
// queries: Total, TotalMore, the newest-first hits in order, a relevance
// page's hits as a set, and each hit's text and snippet.

// agreeVocab is what the generated lines are made of: words of many
// scripts, written in several forms, and the bytes IRC lines carry.
var agreeVocab = [][]string{
	// ASCII, in several cases.
	{"hello", "Hello", "HELLO"}, {"world", "World"}, {"go", "Go", "GO"},
	{"rust"}, {"bot", "Bot"}, {"log", "LOG"}, {"search", "Search"},
	{"the", "The"}, {"a", "A"}, {"it's", "It's"}, {"foo_bar"}, {"x"},
	{"proceedings"}, {"zebra"}, {"quux"},
	// Latin with diacritics, and what they fold to.
	{"café", "CAFÉ", "cafe", "Cafe", "cafe\u0301"}, {"naïve", "NAÏVE", "naive", "nai\u0308ve"},
	{"Ǡ", "ǡ", "Ȧ", "ȧ", "a"}, {"résumé", "resume", "RÉSUMÉ"},
	{"Ångström", "angstrom", "ÅNGSTRÖM"}, {"façade", "facade"}, {"Œuvre", "œuvre"},
	{"straße", "STRAẞE", "strasse"}, {"ﬁne", "fine"}, {"ǅemal", "Ǆemal", "ǆemal", "dzemal"},
	{"İstanbul", "istanbul", "ıstanbul"}, {"ệ", "e"},
	// Greek: final sigma, capitals, tonos.
	{"ΣΑΣ", "σας", "σασ", "Σας"}, {"ΟΔΟΣ", "οδος", "οδός", "ὁδός"}, {"Σίσυφος", "σίσυφοσ", "ΣΊΣΥΦΟΣ"},
	// Cyrillic.
	{"Привет", "привет", "ПРИВЕТ"}, {"мир", "МИР"}, {"ёж", "ЁЖ", "еж"}, {"йод", "ЙОД", "иод"},
	// CJK and Hangul: runs of ideographs are single words.
	{"日本語"}, {"中文字"}, {"漢字かな"}, {"한국어"}, {"日本"},
	// Devanagari and Arabic with combining marks.
	{"नमस्ते", "नमस"}, {"हिन्दी", "ह", "न"}, {"مَرْحَبًا", "مرحبا", "م"}, {"عَرَبِيّ", "عربي"},
	// Emoji old and new, with modifiers and joiners.
	{"😀"}, {"🙂"}, {"🤔"}, {"🫠"}, {"🥲"}, {"👍🏽", "👍"}, {"❤️"}, {"🏳️‍🌈"}, {"x🥺y"},
	// mIRC formatting: colours are removed, other codes separate words.
	{"\x0304,01red\x03", "red"}, {"\x02bold\x02", "bold"}, {"\x0f"}, {"\x1funder\x1f", "under"},
	{"\x0312blue", "blue"}, {"\x034,1"}, {"\x16rev\x16", "rev"}, {"\x03"},
	// URLs and hyphenated words.
	{"https://example.org/a-b?c=d", "example.org", "example"}, {"www.foo-bar.com", "foo-bar"},
	{"no-go", "no go", "NO-GO"}, {"e-mail", "email", "e mail"}, {"state-of-the-art"}, {"x-ray", "X-Ray"},
	// Numbers.
	{"42"}, {"3.14", "3"}, {"1,000", "000"}, {"2026-12-05", "2026"}, {"0x1F", "0x1f"},
	{"١٢٣"}, {"½"}, {"x²", "x2"}, {"v2", "V2"},
	// Invalid UTF-8, NULs, other control and odd code points.
	{"\xff"}, {"\xc3"}, {"caf\xe9"}, {"\xc0\x80"}, {"a\x80b", "a"}, {"\xed\xa0\x80"}, {"\xef\xbf\xbf"},
	{"a\xaab", "aªb"}, {"a\x00b", "b"}, {"\x00"}, {"x\ue000y"}, {"ab\u200dcd", "cd"}, {"e\u00adf"},
	{"a\u0378b"},
}

// agreeSeps join the words of a generated line.
var agreeSeps = []string{" ", " ", " ", " ", ", ", "  ", "-", "/", "\t", ". ", " \u00a0", "'", ": "}

// agreeEvents generates n events in three channels (#priv not public),
// by several nicks, over 40 days, oldest first.
func agreeEvents(r *rand.Rand, n int) []event.Event {
	nicks := []string{"alice", "Bob", "carol", "DAVE", "ériç", "z[x]"}
	channels := []string{"#pub", "#dev", "#priv"}
	kinds := []event.Kind{event.KindMessage, event.KindMessage, event.KindMessage, event.KindMessage,
		event.KindAction, event.KindNotice, event.KindTopic, event.KindJoin, event.KindQuit, event.KindPart}
	word := func() string {
		forms := agreeVocab[r.IntN(len(agreeVocab))]
		return forms[r.IntN(len(forms))]
	}
	line := func(words int) string {
		var b strings.Builder
		for i := range words {
			if i > 0 {
				b.WriteString(agreeSeps[r.IntN(len(agreeSeps))])
			}
			b.WriteString(word())
		}
		return b.String()
	}
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]event.Event, 0, n)
	for i := range n {
		at = at.Add(time.Duration(r.IntN(int(80*24*time.Hour)/n*2)) + time.Second)
		ev := event.Event{
			Network: "net", Channel: channels[r.IntN(len(channels))], Time: at,
			Kind: kinds[r.IntN(len(kinds))], Nick: nicks[r.IntN(len(nicks))],
		}
		if ev.Kind == event.KindJoin {
			ev.Text = ""
		} else {
			ev.Text = line(1 + r.IntN(14))
		}
		if r.IntN(20) == 0 {
			ev.Flags |= event.FlagSelf
		}
		if i%97 == 0 || i%331 == 0 || i == n/2 || i == n/3 || i == n/4 {
			ev.Kind = event.KindMessage // a long line, searchable
		}
		switch {
		case i%97 == 0:
			// A long line: past IRC's 512 bytes.
			ev.Text = line(80 + r.IntN(80))
		case i%331 == 0:
			// A word said over 255 times: more positions than a tsvector
			// keeps for one word.
			w := word()
			ev.Text = line(3) + " " + strings.Repeat(w+" ", 300) + line(3)
		case i == n/2:
			// Over 16,383 words: past the positions a tsvector holds.
			ev.Text = line(20000)
		case i == n/3:
			// A word over 2,046 bytes, which no tsvector holds.
			ev.Text = line(2) + " " + strings.Repeat("longword", 300) + " " + line(2)
		case i == n/4:
			// Over 1 MiB of distinct words: more than a tsvector holds.
			var b strings.Builder
			clean := []string{"hello", "café", "σας", "日本語", "😀", "no-go"}
			for k := range manyWords {
				if k%10 == 9 {
					b.WriteString(clean[k%len(clean)] + " ")
				}
				fmt.Fprintf(&b, "zq%x ", k)
			}
			ev.Text = b.String()
		}
		evs = append(evs, ev)
	}
	return evs
}

// agreeEdges are lines written for what generated ones rarely hit, each
// with a query that finds it.
var agreeEdges = []struct{ text, query string }{
	// The window of a snippet ends with the text's last word, followed by
	// more: FTS5 writes up to that word's end, then the rest; a NUL ends
	// only the first piece.
	{strings.Repeat("filler ", 22) + "target \x00 last!!!", "target"},
	{strings.Repeat("filler ", 30) + "target \x00 last!!!", "target"},
	// Overlapping matches are one piece: the NUL in the first ends both.
	{"quokka\x00wombat numbat", `"quokka wombat" "wombat numbat"`},
	{"quokka wombat\x00numbat", `"quokka wombat" "wombat numbat"`},
	// A coloured line is cut at its NUL; an uncoloured one is not.
	{"\x0304wombat\x03 before\x00after", "after"},
	{"\x0304wombat\x03 before\x00after", "wombat"},
	{"wombat before\x00after", "after"},
	// The bytes of the SQLite engine's highlight markers in a line that is
	// not UTF-8.
	{"wombat \xff\xfe \xc3\xffa9 \xfe", "wombat"},
}

// manyWords is how many distinct words (zq0, zq1, …) the longest
// generated line has.
const manyWords = 140000

// agreeQuery generates a query: its text from the vocabulary or from a
// line, its filters at random.
func agreeQuery(r *rand.Rand, evs []event.Event, ids map[string]int64) archive.SearchQuery {
	word := func() string {
		forms := agreeVocab[r.IntN(len(agreeVocab))]
		return forms[r.IntN(len(forms))]
	}
	var text string
	switch k := r.IntN(11); {
	case k < 4: // one word
		text = word()
	case k < 6: // two words
		text = word() + " " + word()
	case k < 8: // a phrase of words next to each other in a line
		var fields []string
		for len(fields) < 2 {
			fields = strings.Fields(evs[r.IntN(len(evs))].Text)
		}
		i := r.IntN(len(fields) - 1)
		j := min(len(fields), i+2+r.IntN(2))
		text = `"` + strings.Join(fields[i:j], " ") + `"`
		if r.IntN(3) == 0 {
			text += " " + word()
		}
	case k < 9: // a phrase of any two words
		text = `"` + word() + " " + word() + `"`
	case k < 10: // a hyphenated term
		text = []string{"no-go", "e-mail", "state-of-the-art", "x-ray", "foo-bar", "the-world", "example.org", "a-b"}[r.IntN(8)]
	default: // words of the line past a tsvector's size, or none
		w := r.IntN(manyWords + 1000)
		text = fmt.Sprintf("ZQ%x", w)
		if r.IntN(2) == 0 {
			text = fmt.Sprintf(`"zq%x zq%x"`, w, w+1)
		}
	}
	if len(text) > archive.MaxQueryLen {
		text = word()
	}
	q := archive.SearchQuery{Text: text}
	if r.IntN(4) == 0 {
		q.Nick = []string{"alice", "BOB", "carol", "dave", "ériç", "ÉRIÇ", "Z[X]", "nobody"}[r.IntN(8)]
	}
	if r.IntN(4) == 0 {
		q.ChannelIDs = []int64{ids[[]string{"#pub", "#dev", "#priv"}[r.IntN(3)]]}
		if r.IntN(3) == 0 {
			q.ChannelIDs = append(q.ChannelIDs, ids["#priv"])
		}
	}
	if r.IntN(4) == 0 {
		q.PublicOnly = true
	}
	if r.IntN(4) == 0 {
		first, last := evs[0].Time, evs[len(evs)-1].Time
		span := last.Sub(first)
		q.From = first.Add(time.Duration(r.Int64N(int64(span)))).Truncate(24 * time.Hour)
		if r.IntN(2) == 0 {
			q.To = q.From.Add(time.Duration(1+r.IntN(20)) * 24 * time.Hour)
		}
	}
	if r.IntN(5) == 0 {
		q.ExcludeFlags = event.FlagSelf
	}
	if inQuotes(text, 0) {
		// FTS5 reads a MATCH expression as a C string, so a NUL in a
		// quoted phrase leaves it unterminated: SQLite refuses the query,
		// but only when its plan consults the index. A filter that finds
		// no line first (nick "nobody") answers nothing instead, which
		// PostgreSQL cannot mirror; without filters SQLite always
		// consults the index.
		q = archive.SearchQuery{Text: text}
	}
	q.Limit = []int{0, 1, 5, 20, 100}[r.IntN(5)]
	if r.IntN(3) == 0 {
		q.Offset = r.IntN(40)
	}
	q.CountLimit = []int{0, 3, 10, 50, 200}[r.IntN(5)]
	if r.IntN(3) == 0 {
		q.Order = archive.Relevance
		q.RelevanceWindow = []int{0, 30}[r.IntN(2)]
		if r.IntN(2) == 0 {
			// The whole window on one page, so that the page's set of
			// hits does not depend on the ranking.
			q.Offset = 0
			q.Limit = max(q.Limit, 1)
			q.RelevanceWindow = q.Limit
		}
	}
	return q
}

func TestSearchAgreesWithSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const events, queries = 5000, 600
	r := rand.New(rand.NewPCG(2026, 12))
	evs := agreeEvents(r, events)
	for _, e := range agreeEdges {
		evs = append(evs, event.Event{Network: "net", Channel: "#dev", Time: evs[len(evs)-1].Time.Add(time.Minute),
			Kind: event.KindMessage, Nick: "edge", Text: e.text})
	}

	pg, _ := openTest(t)
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"), archive.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	stores := []archive.Store{lite, pg}
	names := []string{"sqlite", "postgres"}

	// The same events in both, in the same order; pgID maps the SQLite
	// engine's ids to PostgreSQL's.
	channelIDs := make([]map[string]int64, 2)
	ids := make([][]int64, 2)
	for s, st := range stores {
		ids[s] = make([]int64, len(evs))
		for i, ev := range evs {
			done := func(id int64, err error) {
				if err != nil {
					t.Errorf("%s: append %d: %v", names[s], i, err)
				}
				ids[s][i] = id
			}
			err := st.AppendAsync(ev, done)
			for errors.Is(err, archive.ErrQueueFull) {
				if err := st.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				err = st.AppendAsync(ev, done)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPublic(ctx, "net", "#priv", false); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"#pub", "#dev"} {
			if err := st.SetPublic(ctx, "net", name, true); err != nil {
				t.Fatal(err)
			}
		}
		channelIDs[s] = map[string]int64{}
		for _, name := range []string{"#pub", "#dev", "#priv"} {
			c, err := st.FindChannel(ctx, "net", name)
			if err != nil {
				t.Fatal(err)
			}
			channelIDs[s][name] = c.ID
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	pgID := map[int64]int64{}
	text := map[int64]string{}
	for i := range evs {
		pgID[ids[0][i]] = ids[1][i]
		text[ids[0][i]] = evs[i].Text
	}

	failures := 0
	fail := func(q archive.SearchQuery, why string, a, b archive.SearchResult, texts ...string) {
		failures++
		if failures > 8 {
			return
		}
		t.Errorf("query %q (nick %q, channels %v, public %v, from %v, to %v, limit %d, offset %d, count limit %d, order %d, window %d, exclude %d): %s\nsqlite:   %s\npostgres: %s",
			q.Text, q.Nick, q.ChannelIDs, q.PublicOnly, q.From, q.To, q.Limit, q.Offset, q.CountLimit, q.Order, q.RelevanceWindow, q.ExcludeFlags, why, showResult(a), showResult(b))
		for _, s := range texts {
			if len(s) > 2000 {
				s = s[:2000] + fmt.Sprintf("… (%d bytes)", len(s))
			}
			t.Errorf("  text: %s", s)
		}
	}
	// The lines no tsvector can answer for are there, for PostgreSQL to
	// decide by their text.
	var saturatedLines int
	if err := pg.pool.QueryRow(ctx, "SELECT count(*) FROM events WHERE tsv @@ '"+saturatedTag+"'::tsquery").Scan(&saturatedLines); err != nil {
		t.Fatal(err)
	}
	if saturatedLines < 4 {
		t.Errorf("%d lines marked %s; the generator should make at least 4", saturatedLines, saturatedTag)
	}
	qr := rand.New(rand.NewPCG(7, 7))
	var hits, relevance int
	for n := range queries {
		if n == queries/2 {
			// A handle's own idea of which channels are public, as the
			// site's config gives it: #priv public, #dev not.
			for _, st := range stores {
				st.SetPublicView([]event.ChannelRef{{Network: "net", Name: "#pub"}, {Network: "net", Name: "#PRIV"}})
			}
		}
		q := agreeQuery(qr, evs, channelIDs[0])
		if n < len(agreeEdges) {
			q = archive.SearchQuery{Text: agreeEdges[n].query, Nick: "edge"}
		}
		pq := q
		pq.ChannelIDs = nil
		for _, id := range q.ChannelIDs {
			for name, liteID := range channelIDs[0] {
				if id == liteID {
					pq.ChannelIDs = append(pq.ChannelIDs, channelIDs[1][name])
				}
			}
		}
		a, errA := lite.Search(ctx, q)
		b, errB := pg.Search(ctx, pq)
		if (errA == nil) != (errB == nil) {
			failures++
			t.Errorf("query %q (%+v): sqlite says %v, postgres %v", q.Text, q, errA, errB)
			continue
		}
		if errA != nil {
			continue
		}
		hits += len(a.Hits)
		if q.Order == archive.Relevance {
			relevance++
		}
		byID := map[int64]archive.Hit{}
		for _, h := range b.Hits {
			byID[h.ID] = h
		}
		if a.Total != b.Total || a.TotalMore != b.TotalMore || len(a.Hits) != len(b.Hits) {
			fail(q, "counts differ", a, b, onlyInOne(a, byID, pgID, text)...)
			continue
		}
		// A relevance page holds the same hits when it holds the whole
		// window ranked: otherwise only the hits both pages hold are
		// compared.
		eff := q.WithDefaults()
		wholeWindow := q.Offset == 0 && (eff.RelevanceWindow <= eff.Limit || len(a.Hits) < eff.Limit)
		for i, h := range a.Hits {
			var other archive.Hit
			var ok bool
			if q.Order == archive.Relevance {
				other, ok = byID[pgID[h.ID]]
				if !ok && !wholeWindow {
					continue
				}
			} else {
				other, ok = b.Hits[i], b.Hits[i].ID == pgID[h.ID]
			}
			if !ok {
				fail(q, fmt.Sprintf("hit %d (sqlite id %d) differs", i, h.ID), a, b, onlyInOne(a, byID, pgID, text)...)
				break
			}
			if other.Text != h.Text {
				fail(q, fmt.Sprintf("hit %d: the texts differ", i), a, b, fmt.Sprintf("%q", h.Text), fmt.Sprintf("%q", other.Text))
				break
			}
			if !slices.Equal(h.Snippet, other.Snippet) {
				fail(q, fmt.Sprintf("hit %d: the snippets differ:\n  sqlite:   %s\n  postgres: %s", i, showSnippet(h.Snippet), showSnippet(other.Snippet)), a, b, fmt.Sprintf("%q", h.Text))
				break
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d queries differ", failures, queries)
	}
	t.Logf("%d events (%d saturated), %d queries (%d by relevance), %d hits compared", len(evs), saturatedLines, queries, relevance, hits)
}

// inQuotes reports whether the query text holds byte c inside a quoted
// phrase (or after an opening quote never closed), as ParseQuery reads it.
func inQuotes(text string, c byte) bool {
	quoted := false
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '"':
			quoted = !quoted
		case text[i] == c && quoted:
			return true
		}
	}
	return false
}

// showResult writes a result's counts and hit ids briefly.
func showResult(r archive.SearchResult) string {
	ids := make([]int64, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return fmt.Sprintf("total %d more %v ids %v", r.Total, r.TotalMore, ids)
}

// showSnippet writes a snippet's spans quoted, the matched ones in [ ].
func showSnippet(spans []archive.Span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.Match {
			fmt.Fprintf(&b, "[%q]", s.Text)
		} else {
			fmt.Fprintf(&b, "%q", s.Text)
		}
	}
	return b.String()
}

// onlyInOne lists the texts of the hits that only one of two answers has:
// a, by the SQLite engine, and the PostgreSQL engine's hits by id (pgID
// maps the ids of the one to the other's).
func onlyInOne(a archive.SearchResult, b map[int64]archive.Hit, pgID map[int64]int64, text map[int64]string) []string {
	var out []string
	inA := map[int64]bool{}
	for _, h := range a.Hits {
		inA[pgID[h.ID]] = true
		if _, ok := b[pgID[h.ID]]; !ok {
			out = append(out, "sqlite only: "+fmt.Sprintf("%q", h.Text))
		}
	}
	for id, h := range b {
		if !inA[id] {
			out = append(out, "postgres only: "+fmt.Sprintf("%q", h.Text))
		}
	}
	return out
}
