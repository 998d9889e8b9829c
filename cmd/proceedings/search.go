package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/event"
	"proceedings/internal/irctext"
	"proceedings/web"
)

// maxSearchLimit caps --limit: the archive counts matches up to this many.
const maxSearchLimit = 10000

func init() {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search [--channel '#chan'] [--nick NICK] [--from DAY] [--to DAY] [--limit N] [--order newest|relevance] [--json] [--all] words…",
		Short: "Search what was said in the archive",
		Long: `search prints the lines that contain every word (and "quoted phrase") given,
newest first, one per line:

  2026-02-02 14:03:11 #techrights <nick> text

Times are in the site's timezone; --from and --to are days there (inclusive).
On a terminal the matching words are highlighted. --json prints one JSON
object per line, the shape of /api/search's hits (docs/api.md).

Only published channels are searched, as on the site. --all searches every
channel in the archive, private ones included: it is for the archive's admin
on the machine that holds it, never for output that is published.

A word that starts with "-" goes after --, which ends the flags:

  proceedings search -- -hello

The exit status is 0 when the search ran (found or not), 1 when it could not
(the message says why, e.g. a query of punctuation only).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, words []string) error {
			opts.global, opts.words = globals, words
			return search(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.SetFlagErrorFunc(searchFlagError)
	f := cmd.Flags()
	f.StringVar(&opts.channel, "channel", "", "only this channel, e.g. '#techrights' (or techrights)")
	f.StringVar(&opts.network, "network", "", "only this network (or the channel on it, with --channel)")
	f.StringVar(&opts.nick, "nick", "", "only lines by this nick")
	f.StringVar(&opts.from, "from", "", "first day, YYYY-MM-DD (inclusive)")
	f.StringVar(&opts.to, "to", "", "last day, YYYY-MM-DD (inclusive)")
	f.IntVar(&opts.limit, "limit", 20, fmt.Sprintf("print at most this many lines (1 to %d)", maxSearchLimit))
	f.StringVar(&opts.order, "order", "newest", "newest (first) or relevance")
	f.BoolVar(&opts.asJSON, "json", false, "print JSON lines")
	f.BoolVar(&opts.all, "all", false, "search private channels too (local admin use only)")
	rootCmd.AddCommand(cmd)
}

// searchOptions are the flags and words of search.
type searchOptions struct {
	global                 globalOptions
	channel, network, nick string
	from, to               string // YYYY-MM-DD, inclusive; "" unbounded
	limit                  int    // how many lines to print
	order                  string // newest or relevance
	asJSON                 bool   // --json
	all                    bool   // --all: private channels too
	words                  []string
}

// search prints the lines that match, to stdout, and how many matched, to
// stderr.
func search(ctx context.Context, opts searchOptions, stdout, stderr io.Writer) error {
	var q archive.SearchQuery
	var first, last event.Date
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(*config.Config) (archiveAccess, error) {
		var err error
		if q, err = opts.query(); err != nil {
			return readOnly, err
		}
		first, last, err = dayRange("", opts.from, opts.to)
		return readOnly, err
	}))
	if err != nil {
		return err
	}
	defer s.close()
	loc := s.db.Location()
	if !first.IsZero() {
		q.From = first.Time(loc)
	}
	if !last.IsZero() {
		q.To = last.AddDays(1).Time(loc)
	}
	if q.ChannelIDs, err = searchChannels(ctx, s.cfg, s.db, opts.network, opts.channel, opts.all); err != nil {
		return err
	}
	if q.ChannelIDs == nil && !opts.all {
		fmt.Fprintln(stderr, "no channel is published: nothing to search (--all searches every channel)")
		return nil
	}
	out := bufio.NewWriter(stdout)
	p := hitPrinter{w: out, loc: loc, json: opts.asJSON, colour: !opts.asJSON && isTerminal(stdout), baseURL: siteBaseURL(s.cfg)}
	total, more, shown, err := searchAll(ctx, s.db, q, opts.limit, p.print)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return badQuery(err)
	}
	summarise(stderr, total, more, shown)
	return nil
}

// query checks the words, --order and --limit, and makes the query of
// them (without the channels and days).
func (opts searchOptions) query() (archive.SearchQuery, error) {
	q := archive.SearchQuery{Text: strings.Join(opts.words, " "), Nick: opts.nick}
	if _, err := archive.ParseQuery(q.Text); err != nil {
		return q, badQuery(err)
	}
	switch opts.order {
	case "newest":
		q.Order = archive.Newest
	case "relevance":
		q.Order = archive.Relevance
	default:
		return q, fmt.Errorf("--order %q: use newest or relevance", opts.order)
	}
	if opts.limit < 1 || opts.limit > maxSearchLimit {
		return q, fmt.Errorf("--limit %d: give a number from 1 to %d", opts.limit, maxSearchLimit)
	}
	return q, nil
}

// badQuery phrases an archive.ErrBadQuery as search's mistake; other
// errors pass unchanged.
func badQuery(err error) error {
	if !errors.Is(err, archive.ErrBadQuery) {
		return err
	}
	return fmt.Errorf("search: %s", strings.TrimPrefix(err.Error(), archive.ErrBadQuery.Error()+": "))
}

// searchFlagError adds to an unknown flag how to search for a word that
// starts with "-": after --, which ends the flags.
func searchFlagError(_ *cobra.Command, err error) error {
	msg := err.Error()
	word := ""
	if _, rest, ok := strings.Cut(msg, "unknown shorthand flag: "); ok {
		// "'e' in -ello": -hello was read as -h then -e.
		if _, in, ok := strings.Cut(rest, " in -"); ok {
			word = "-" + in
			for _, a := range os.Args[1:] {
				if strings.HasPrefix(a, "-") && strings.HasSuffix(a, in) {
					word = a
					break
				}
			}
		}
	} else if name, ok := strings.CutPrefix(msg, "unknown flag: "); ok {
		word = name
	}
	if word == "" {
		return err
	}
	return fmt.Errorf("%w\nto search for a word that starts with \"-\", put -- before it: proceedings search -- %s", err, word)
}

// searchChannels turns --network/--channel into channel ids. Without --all
// only published channels count (published by the archive and the
// configuration alike); nil with all means every channel.
func searchChannels(ctx context.Context, cfg *config.Config, db archive.Store, network, channel string, all bool) ([]int64, error) {
	published := publishedBy(cfg)
	visible := func(c archive.Channel) bool { return all || (c.Public && published(c.Network, c.Name)) }
	if channel != "" {
		c, err := findChannel(ctx, db, network, channel, visible)
		if err != nil {
			return nil, err
		}
		if !visible(c) {
			return nil, fmt.Errorf("%s is not published: search it with --all (for the archive's admin only)", c.Name)
		}
		return []int64{c.ID}, nil
	}
	if all && network == "" {
		return nil, nil
	}
	chans, err := db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range chans {
		if visible(c) && (network == "" || c.Network == network) {
			ids = append(ids, c.ID)
		}
	}
	if network != "" && len(ids) == 0 {
		return nil, fmt.Errorf("no searchable channel on network %q", network)
	}
	return ids, nil
}

// searchAll pages through the hits (the archive gives at most 100 at a
// time) until limit are printed or there are no more.
func searchAll(ctx context.Context, db archive.Store, q archive.SearchQuery, limit int, print func(archive.Hit) error) (total int, more bool, shown int, err error) {
	for shown < limit {
		q.Limit = min(100, limit-shown)
		q.Offset = shown
		res, err := db.Search(ctx, q)
		if err != nil {
			return 0, false, shown, err
		}
		total, more = res.Total, res.TotalMore
		for _, h := range res.Hits {
			if err := print(h); err != nil {
				return total, more, shown, err
			}
			shown++
		}
		if len(res.Hits) < q.Limit {
			break
		}
	}
	return total, more, shown, nil
}

// summarise says on stderr how many lines matched, and how to see more.
func summarise(w io.Writer, total int, more bool, shown int) {
	switch {
	case shown == 0:
		fmt.Fprintln(w, "no matches")
	case more:
		fmt.Fprintf(w, "%d of more than %d matches (--limit for more, or narrow with --channel, --nick, --from, --to)\n", shown, total)
	case shown < total:
		fmt.Fprintf(w, "%d of %d matches (--limit %d for all)\n", shown, total, total)
	default:
		fmt.Fprintf(w, "%d %s\n", total, map[bool]string{true: "match", false: "matches"}[total == 1])
	}
}

// hitPrinter writes hits as text lines or JSON lines.
type hitPrinter struct {
	w       *bufio.Writer
	loc     *time.Location
	json    bool
	colour  bool // highlight matches with ANSI bold reverse
	baseURL string
}

const (
	ansiMatch = "\x1b[1;7m"
	ansiReset = "\x1b[0m"
)

func (p hitPrinter) print(h archive.Hit) error {
	if p.json {
		b, err := json.Marshal(web.NewAPIHit(h, p.loc, p.baseURL))
		if err != nil {
			return err
		}
		p.w.Write(b)
		return p.w.WriteByte('\n')
	}
	text := termSafe(h.Text)
	if p.colour {
		text = highlight(text, h.Snippet)
	}
	nick := termSafe(h.Nick)
	var line string
	switch h.Kind {
	case event.KindAction:
		line = "* " + nick + " " + text
	case event.KindNotice:
		line = "-" + nick + "- " + text
	case event.KindTopic:
		// As the day pages write it (logs.FormatLine).
		switch {
		case h.Flags&event.FlagTopicOnJoin != 0:
			line = "-!- Topic for " + termSafe(h.Channel) + ": " + text
		case nick == "":
			line = "-!- Topic of " + termSafe(h.Channel) + " changed to: " + text
		default:
			line = "-!- " + nick + " changed the topic to: " + text
		}
	default:
		line = "<" + nick + "> " + text
	}
	_, err := fmt.Fprintf(p.w, "%s %s %s\n", h.Time.In(p.loc).Format(time.DateTime), termSafe(h.Channel), line)
	return err
}

// termSafe strips mIRC formatting and every other control character from
// log text: what someone typed in IRC must not drive the terminal.
func termSafe(s string) string {
	s = irctext.StripToValidUTF8(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

// highlight marks in text every whole-word occurrence of the words the
// snippet says matched.
func highlight(text string, snippet []archive.Span) string {
	var words []string
	for _, sp := range snippet {
		if w := termSafe(sp.Text); sp.Match && w != "" && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		matched := ""
		for _, w := range words {
			if strings.HasPrefix(text[i:], w) && len(w) > len(matched) && wordEdge(text, i, i+len(w)) {
				matched = w
			}
		}
		if matched != "" {
			b.WriteString(ansiMatch + matched + ansiReset)
			i += len(matched)
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		b.WriteString(text[i : i+n])
		i += n
	}
	return b.String()
}

// wordEdge reports whether text[start:end] is not inside a longer word.
func wordEdge(text string, start, end int) bool {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); isWord(r) {
			return false
		}
	}
	if end < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[end:]); isWord(r) {
			return false
		}
	}
	return true
}
