package main

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"proceedings/event"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// corpusVersion is part of every cache key: bump it whenever the generator
// changes what it produces, so cached text corpora are rebuilt.
const corpusVersion = 1

// corpusSpec says which corpus to generate. The same spec always yields
// the same events, byte for byte, and a smaller corpus is a prefix of a
// larger one with the same seed (its last day simply ends earlier).
type corpusSpec struct {
	Seed    uint64
	Lines   int // events (one line of text log each)
	Network string
	Channel string
	Start   time.Time // midnight UTC of the first day
}

func defaultSpec(seed uint64, lines int) corpusSpec {
	return corpusSpec{
		Seed:    seed,
		Lines:   lines,
		Network: "libera",
		Channel: "#techrights",
		Start:   time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Search terms the generator plants at known rates, so the search area can
// ask for a common word, a rare word and a phrase on any corpus size.
const (
	commonWord = "linux"         // part of the common vocabulary (about 2% of lines)
	rareWord   = "minsk"         // planted in about one line in 40,000
	phrase     = "free software" // planted in about one line in 250
)

// Rates of the generator, per line unless said otherwise.
const (
	meanLinesPerDay = 1600
	rareRate        = 1.0 / 40000
	phraseRate      = 1.0 / 250
	urlRate         = 0.04
	colourRate      = 0.01
	nonASCIIRate    = 0.01
	longLineRate    = 0.0004
	addressRate     = 0.15 // "nick: " in front
	accountShare    = 0.6  // share of people logged in to services
)

var nickNames = []string{
	"amber", "brodie", "cobalt", "dmitri", "elk_", "fennec", "gizmo", "hexley", "ilsa", "jotun",
	"kestrel", "lumen", "marlow", "nadir", "oxbow", "pike", "quill", "rook", "sable", "tansy",
	"umber", "vesper", "wren", "xylo", "yarrow", "zephyr", "acorn", "birch", "cedar", "dune",
	"ember", "fjord", "gale", "heron", "iris", "juniper", "kelp", "larch", "moss", "nettle",
}

// common English words and the channel's topics, most frequent first; the
// generator's vocabulary continues with synthetic words (a long Zipf tail).
var headWords = strings.Fields(`the to i a and is it that of you in for not this
on be but with are have was just so they what do if at no can like my we all it's
as there about or from don't one an get will he more me now think out people
would up by some know good has yes time who then how use because any when been
their even also only them see them i'm much which really make new than news other
linux way said right still going code well why where could go here need work year
these very want those too thing things should back microsoft over our free
software got after most first day many before same via again ok yeah lol hmm
never into way thanks gnu windows patent system kernel source open data server
read article site post link today week another lot little sure ever since better
long maybe down money law company companies probably each between never while
users user running version release bug fix page web browser mail email list
security privacy government court case report story under point world part
though both let's seems seen said says big without old using used works`)

var syllables = strings.Fields(`ba be bi bo bu ka ke ki ko ku ra re ri ro ru
ta te ti to tu na ne ni no nu sa se si so su la le li lo lu ma me mi mo mu da
de di do du ga ge gi go gu va ve vi vo vu za ze zi zo zu an en in on un ar er
ir or ur al el il ol ul str tr pl gr fl sh ch th`)

var nonASCIIWords = []string{
	"Мінск", "Беларусь", "naïve", "café", "Zürich", "日本語", "привет", "ελληνικά",
	"😀", "→", "señor", "Łódź", "François", "über", "año", "Ærøskøbing", "中文", "🐧",
}

var urlHosts = []string{
	"techrights.org", "news.bbc.co.uk", "lwn.net", "www.theregister.com", "github.com",
	"arstechnica.com", "www.phoronix.com", "en.wikipedia.org", "www.fsf.org", "tuxmachines.org",
	"archive.org", "www.youtube.com", "boycottnovell.com", "pastebin.com", "www.gnu.org",
	"news.ycombinator.com", "mastodon.social", "codeberg.org",
}

var quitReasons = []string{
	"Quit: Leaving", "Ping timeout: 240 seconds", "Remote host closed the connection",
	"Read error: Connection reset by peer", "Client Quit", "Quit: ZNC - https://znc.in",
	"Quit: WeeChat 4.1.1", "Changing host", "Killed (NickServ (GHOST command used))",
}

var partReasons = []string{"", "", "", "Leaving", "bye", "see you tomorrow", "Konversation terminated!"}

var kickReasons = []string{"flooding", "spam", "please keep it civil", "bye", "you know why"}

var actions = []string{
	"waves", "is back", "is away", "laughs", "sighs", "nods", "facepalms", "looks at the logs",
	"reads the article", "agrees", "shrugs", "goes for coffee", "hugs everyone",
}

var nickSuffixes = []string{"_", "|away", "|afk", "`", "|work", "2"}

// hourWeights is the day/night rhythm of the channel, by UTC hour.
var hourWeights = []float64{
	2.0, 1.5, 1.0, 0.7, 0.5, 0.5, 0.7, 1.2, 2.0, 3.0, 3.5, 4.0,
	4.5, 5.0, 5.5, 5.5, 5.5, 6.0, 6.0, 6.0, 5.5, 5.0, 4.0, 3.0,
}

// person is one of the channel's regulars.
type person struct {
	base    string
	nick    string // current nick (base, or base+suffix after a nick change)
	user    string
	host    string
	account string
	present bool
	op      bool
}

func (p *person) userHost() string { return p.user + "@" + p.host }

// generator produces the events of a corpus, one day after another.
type generator struct {
	spec   corpusSpec
	rng    *rand.Rand
	people []*person
	speak  *zipf // who speaks: a Zipf-like spread over the people
	words  *zipf // which word
	vocab  []string
	hours  []float64 // cumulative hourWeights
	ops    []*person
}

// zipf samples ranks 0..n-1 with weight 1/(rank+1)^s.
type zipf struct{ cum []float64 }

func newZipf(n int, s float64) *zipf {
	z := &zipf{cum: make([]float64, n)}
	var sum float64
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), s)
		z.cum[i] = sum
	}
	for i := range z.cum {
		z.cum[i] /= sum
	}
	return z
}

func (z *zipf) draw(r *rand.Rand) int {
	i := sort.SearchFloat64s(z.cum, r.Float64())
	return min(i, len(z.cum)-1)
}

func newGenerator(spec corpusSpec) *generator {
	g := &generator{spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, 0x70726f63))}
	order := g.rng.Perm(len(nickNames))
	for i, j := range order {
		base := nickNames[j]
		p := &person{base: base, nick: base, user: "~" + strings.TrimRight(base, "_")}
		switch i % 5 {
		case 0, 1:
			p.host = "user/" + strings.TrimRight(base, "_")
		case 2:
			p.host = fmt.Sprintf("203.0.113.%d", 10+i)
		case 3:
			p.host = fmt.Sprintf("gateway/web/irccloud.com/x-%08x", g.rng.Uint32())
		default:
			p.host = fmt.Sprintf("2001:db8:%x::%x", i, 100+i)
		}
		if g.rng.Float64() < accountShare {
			p.account = strings.TrimRight(base, "_")
		}
		p.op = i < 3 // the three most active people hold ops
		p.present = i < 15
		g.people = append(g.people, p)
		if p.op {
			g.ops = append(g.ops, p)
		}
	}
	g.speak = newZipf(len(g.people), 1.1)
	g.vocab = append(g.vocab, headWords...)
	seen := map[string]bool{}
	for _, w := range headWords {
		seen[w] = true
	}
	for len(g.vocab) < 30000 {
		n := 2 + g.rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[g.rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	g.words = newZipf(len(g.vocab), 1.05)
	var sum float64
	for _, w := range hourWeights {
		sum += w
		g.hours = append(g.hours, sum)
	}
	for i := range g.hours {
		g.hours[i] /= sum
	}
	return g
}

// events yields the corpus's events in time order.
func (s corpusSpec) events() iter.Seq[event.Event] {
	return func(yield func(event.Event) bool) {
		g := newGenerator(s)
		n := 0
		for day := s.Start; n < s.Lines; day = day.AddDate(0, 0, 1) {
			for _, t := range g.timesOn(day, g.linesOn(day)) {
				if n == s.Lines || !yield(g.next(t)) {
					return
				}
				n++
			}
		}
	}
}

// linesOn is how many lines a day has: a weekly rhythm, day-to-day noise
// and now and then a busy day.
func (g *generator) linesOn(day time.Time) int {
	f := 1.0
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		f = 0.55
	}
	f *= math.Exp(g.rng.NormFloat64()*0.35 - 0.06)
	if g.rng.Float64() < 0.03 {
		f *= 2.5
	}
	return max(50, int(meanLinesPerDay*f))
}

// timesOn draws count instants of one day following the day/night rhythm,
// sorted.
func (g *generator) timesOn(day time.Time, count int) []time.Time {
	offs := make([]int64, count)
	for i := range offs {
		h := sort.SearchFloat64s(g.hours, g.rng.Float64())
		offs[i] = int64(min(h, 23))*3600_000 + g.rng.Int64N(3600_000)
	}
	slices.Sort(offs)
	out := make([]time.Time, count)
	for i, o := range offs {
		out[i] = day.Add(time.Duration(o) * time.Millisecond)
	}
	return out
}

// next makes the event at t.
func (g *generator) next(t time.Time) event.Event {
	ev := event.Event{Network: g.spec.Network, Channel: g.spec.Channel, Time: t}
	r := g.rng.Float64()
	switch {
	case r < 0.030:
		p := g.speaker()
		if !p.present {
			return g.join(ev, p)
		}
		ev.Kind, ev.Text = event.KindAction, g.action()
		return g.by(ev, p)
	case r < 0.031:
		p := g.speaker()
		if !p.present {
			return g.join(ev, p)
		}
		ev.Kind, ev.Text = event.KindNotice, g.sentence()
		return g.by(ev, p)
	case r < 0.066:
		if p := g.pick(false); p != nil {
			return g.join(ev, p)
		}
	case r < 0.076:
		if p := g.pick(true); p != nil {
			p.present = false
			ev.Kind, ev.Text = event.KindPart, partReasons[g.rng.IntN(len(partReasons))]
			return g.by(ev, p)
		}
	case r < 0.101:
		if p := g.pick(true); p != nil {
			p.present = false
			ev.Kind, ev.Text = event.KindQuit, quitReasons[g.rng.IntN(len(quitReasons))]
			return g.by(ev, p)
		}
	case r < 0.108:
		if p := g.pick(true); p != nil {
			ev.Kind = event.KindNick
			ev = g.by(ev, p)
			if p.nick == p.base {
				p.nick = p.base + nickSuffixes[g.rng.IntN(len(nickSuffixes))]
			} else {
				p.nick = p.base
			}
			ev.Target = p.nick
			return ev
		}
	case r < 0.1085:
		if p := g.pick(true); p != nil && !p.op {
			op := g.ops[g.rng.IntN(len(g.ops))]
			p.present = false
			ev.Kind, ev.Target, ev.Text = event.KindKick, p.nick, kickReasons[g.rng.IntN(len(kickReasons))]
			return g.by(ev, op)
		}
	case r < 0.109:
		op := g.ops[g.rng.IntN(len(g.ops))]
		ev.Kind = event.KindTopic
		ev.Text = fmt.Sprintf("Welcome to %s | Links %s: %s | https://techrights.org/ | logs: https://techrights.org/irc/",
			g.spec.Channel, t.Format("02/01/2006"), g.phrase(4))
		return g.by(ev, op)
	case r < 0.111:
		op := g.ops[g.rng.IntN(len(g.ops))]
		target := g.people[g.rng.IntN(len(g.people))]
		ev.Kind = event.KindMode
		switch g.rng.IntN(4) {
		case 0:
			ev.Text = "+o " + target.nick
		case 1:
			ev.Text = "-o " + target.nick
		case 2:
			ev.Text = "+v " + target.nick
		default:
			ev.Text = "+b *!*@" + target.host
		}
		return g.by(ev, op)
	}
	p := g.speaker()
	if !p.present {
		return g.join(ev, p)
	}
	ev.Kind, ev.Text = event.KindMessage, g.message()
	return g.by(ev, p)
}

func (g *generator) by(ev event.Event, p *person) event.Event {
	ev.Nick, ev.UserHost, ev.Account = p.nick, p.userHost(), p.account
	return ev
}

func (g *generator) join(ev event.Event, p *person) event.Event {
	p.present = true
	p.nick = p.base
	ev.Kind = event.KindJoin
	return g.by(ev, p)
}

func (g *generator) speaker() *person { return g.people[g.speak.draw(g.rng)] }

// pick chooses, uniformly, someone present (or absent): the occasional
// visitors come and go, the regulars stay.
func (g *generator) pick(present bool) *person {
	var c [64]*person
	cands := c[:0]
	for _, p := range g.people {
		if p.present == present {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[g.rng.IntN(len(cands))]
}

func (g *generator) action() string {
	a := actions[g.rng.IntN(len(actions))]
	if g.rng.Float64() < 0.3 {
		a += " " + g.phrase(1+g.rng.IntN(6))
	}
	return a
}

// phrase is n words drawn from the vocabulary, by their Zipf weights.
func (g *generator) phrase(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.vocab[g.words.draw(g.rng)])
	}
	return b.String()
}

func (g *generator) sentence() string {
	n := int(math.Exp(g.rng.NormFloat64()*0.7 + 2.0))
	return g.phrase(min(max(n, 1), 60))
}

// message is a line of chat: words, now and then addressed to someone,
// with a URL, a planted phrase or rare word, colour codes, non-ASCII text
// or a very long paste.
func (g *generator) message() string {
	n := int(math.Exp(g.rng.NormFloat64()*0.7 + 2.0))
	n = min(max(n, 1), 60)
	if g.rng.Float64() < longLineRate {
		n = 100 + g.rng.IntN(300)
	}
	words := make([]string, 0, n+4)
	for range n {
		words = append(words, g.vocab[g.words.draw(g.rng)])
	}
	if g.rng.Float64() < phraseRate {
		i := g.rng.IntN(len(words) + 1)
		words = slices.Insert(words, i, "free", "software")
	}
	if g.rng.Float64() < rareRate {
		words = slices.Insert(words, g.rng.IntN(len(words)+1), rareWord)
	}
	if g.rng.Float64() < nonASCIIRate {
		words[g.rng.IntN(len(words))] = nonASCIIWords[g.rng.IntN(len(nonASCIIWords))]
	}
	if g.rng.Float64() < colourRate {
		i := g.rng.IntN(len(words))
		switch g.rng.IntN(3) {
		case 0:
			words[i] = "\x03" + strconv.Itoa(2+g.rng.IntN(12)) + words[i] + "\x03"
		case 1:
			words[i] = "\x02" + words[i] + "\x02"
		default:
			words[i] = "\x0304,01" + words[i] + "\x0f"
		}
	}
	if g.rng.Float64() < urlRate {
		words = append(words, g.url())
	}
	if g.rng.Float64() < addressRate {
		words = slices.Insert(words, 0, g.speaker().nick+":")
	}
	return strings.Join(words, " ")
}

func (g *generator) url() string {
	host := urlHosts[g.rng.IntN(len(urlHosts))]
	switch host {
	case "www.youtube.com":
		return fmt.Sprintf("https://%s/watch?v=%011x", host, g.rng.Uint64()>>20)
	case "github.com", "codeberg.org":
		return fmt.Sprintf("https://%s/%s/%s/issues/%d", host, g.vocab[g.rng.IntN(2000)], g.vocab[g.rng.IntN(2000)], 1+g.rng.IntN(5000))
	}
	y, m, d := 2010+g.rng.IntN(16), 1+g.rng.IntN(12), 1+g.rng.IntN(28)
	slug := strings.ReplaceAll(g.phrase(3+g.rng.IntN(5)), " ", "-")
	return fmt.Sprintf("https://%s/%d/%02d/%02d/%s/", host, y, m, d, slug)
}
