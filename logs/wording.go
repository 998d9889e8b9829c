package logs

import (
	"fmt"
	"proceedings/event"
	"strings"
	"time"
)

// The text formats the package writes, each as data: the line each kind of
// event is written as, in a small template language, and the lines that
// open a file and mark a new day. A template is text with fields in
// braces:
//
//	{nick} {text} {target} {channel} {userhost} {account}
//	                 the event's field, as appendClean writes it
//	{nickcolumn}     the nick in a column of tab-separated fields: tabs become spaces
//	{kind}           the kind's name
//	{clock} {date}   the time as HH:MM:SS, the date as YYYY-MM-DD
//	{time:LAYOUT}    the time in a time.Format layout
//	{zone}           the name of the writer's time zone
//	{gap}            "recording gap: nothing was recorded from … to …"
//	{FIELD?WRAP}     WRAP with % standing for the field, or nothing when it is empty
//	{FIELD|TEXT}     the field, or TEXT when it is empty
//
// Adding a kind is one line in each table below; adding a format, one
// table in textFormats.

var ownWording = formatWording{
	name:   "own",
	header: ownDayPrefix + "{time:" + dayTitleLayout + "}\n--- {channel}{network? on %}" + ownZoneMarker + "{zone})\n",
	newDay: ownDayPrefix + "{time:" + dayTitleLayout + "}\n",
	stamp:  "[{clock}] ",
	lines: []kindWording{
		{event.KindMessage, always, "<{nick}> {text}"},
		{event.KindAction, always, "* {nick} {text}"},
		{event.KindNotice, always, "-{nick}- {text}"},
		{event.KindJoin, always, "-!- {nick}{userhost? [%]} has joined {channel}"},
		{event.KindPart, always, "-!- {nick}{userhost? [%]} has left {channel}{text? [%]}"},
		{event.KindQuit, always, "-!- {nick}{userhost? [%]} has quit{text? [%]}"},
		{event.KindKick, always, "-!- {target} was kicked from {channel} by {nick}{text? [%]}"},
		{event.KindNick, always, "-!- {nick} is now known as {target}"},
		{event.KindTopic, onJoin, "-!- Topic for {channel}: {text}"},
		{event.KindTopic, noNick, "-!- Topic of {channel} changed to: {text}"},
		{event.KindTopic, always, "-!- {nick} changed the topic of {channel} to: {text}"},
		{event.KindMode, always, "-!- mode/{channel} [{text}]{nick? by %}"},
		{event.KindGap, always, "-!- {gap}"},
	},
	other: "-!- {kind}{nick? %}{text?: %}",
}

// irssiWording is irssi's default theme with seconds in the time stamp
// ("%H:%M:%S "). A recording gap, which irssi has not, is a client status
// line its reader skips.
var irssiWording = formatWording{
	name:   "irssi",
	header: "--- Log opened {time:Mon Jan 02 15:04:05 2006}\n",
	newDay: "--- Day changed {time:Mon Jan 02 2006}\n",
	stamp:  "{clock} ",
	lines: []kindWording{
		{event.KindMessage, always, "< {nick}> {text}"},
		{event.KindAction, always, " * {nick} {text}"},
		{event.KindNotice, always, "-{nick}:{channel}- {text}"},
		{event.KindJoin, always, "-!- {nick}{userhost? [%]} has joined {channel}"},
		{event.KindPart, always, "-!- {nick}{userhost? [%]} has left {channel} [{text}]"},
		{event.KindQuit, always, "-!- {nick}{userhost? [%]} has quit [{text}]"},
		{event.KindKick, always, "-!- {target} was kicked from {channel} by {nick} [{text}]"},
		{event.KindNick, always, "-!- {nick} is now known as {target}"},
		{event.KindTopic, onJoin, "-!- Topic for {channel}: {text}"},
		{event.KindTopic, unsetByNick, "-!- Topic unset by {nick} on {channel}"},
		{event.KindTopic, always, "-!- {nick|server} changed the topic of {channel} to: {text}"},
		{event.KindMode, noNick, "-!- ServerMode/{channel} [{text}] by server"},
		{event.KindMode, always, "-!- mode/{channel} [{text}] by {nick}"},
		{event.KindGap, always, "-!- Irssi: {gap}"},
	},
	other: "-!- {kind}{nick? %}{text?: %}",
}

// weechatWording is WeeChat's logger with its default prefixes. A
// recording gap is a network line its reader skips.
var weechatWording = formatWording{
	name:  "weechat",
	stamp: "{date} {clock}\t",
	lines: []kindWording{
		{event.KindMessage, always, "{nickcolumn}\t{text}"},
		{event.KindAction, always, " *\t{nick} {text}"},
		{event.KindNotice, always, "--\tNotice({nick}) -> {channel}: {text}"},
		{event.KindJoin, always, "-->\t{nick}{account? [%]}{userhost? (%)} has joined {channel}"},
		{event.KindPart, always, "<--\t{nick}{userhost? (%)} has left {channel}{text? (%)}"},
		{event.KindQuit, always, "<--\t{nick}{userhost? (%)} has quit{text? (%)}"},
		{event.KindKick, always, "<--\t{nick} has kicked {target}{text? (%)}"},
		{event.KindNick, always, "--\t{nick} is now known as {target}"},
		{event.KindTopic, onJoin, "--\tTopic for {channel} is \"{text}\""},
		{event.KindTopic, noText, "--\t{nick|server} has unset topic for {channel}"},
		{event.KindTopic, always, "--\t{nick|server} has changed topic for {channel} to \"{text}\""},
		{event.KindMode, always, "--\tMode {channel} [{text}] by {nick|server}"},
		{event.KindGap, always, "--\t{gap}"},
	},
	other: "--\t{kind}{nick? %}{text?: %}",
}

// zncWording is ZNC's log module. A mode change with no nick is written
// as ZNC's "*** Server sets mode: +nt", which records the modes it was told
// on joining, and its reader skips it; so is a recording gap.
var zncWording = formatWording{
	name:  "znc",
	stamp: "[{clock}] ",
	lines: []kindWording{
		{event.KindMessage, always, "<{nick}> {text}"},
		{event.KindAction, always, "* {nick} {text}"},
		{event.KindNotice, always, "-{nick}- {text}"},
		{event.KindJoin, always, "*** Joins: {nick} ({userhost|@})"},
		{event.KindPart, always, "*** Parts: {nick} ({userhost|@}) ({text})"},
		{event.KindQuit, always, "*** Quits: {nick} ({userhost|@}) ({text})"},
		{event.KindKick, always, "*** {target} was kicked by {nick} ({text})"},
		{event.KindNick, always, "*** {nick} is now known as {target}"},
		{event.KindTopic, onJoin, "*** Topic for {channel} is '{text}'"},
		{event.KindTopic, always, "*** {nick|Server} changes topic to '{text}'"},
		{event.KindMode, always, "*** {nick|Server} sets mode: {text}"},
		{event.KindGap, always, "*** {gap}"},
	},
	other: "*** {kind}{nick? %}{text?: %}",
}

// textFormats are the text formats NewFormatWriter writes, our own first.
var textFormats = []*lineFormat{
	compileFormat(ownWording),
	compileFormat(irssiWording),
	compileFormat(weechatWording),
	compileFormat(zncWording),
}

var ownFormat = textFormats[0]

// formatWording is one text format as written in the tables above.
type formatWording struct {
	name   string
	header string // the lines that open a file; "" for none
	newDay string // the line before the first event of a new day; "" for none
	stamp  string // what starts every event's line
	lines  []kindWording
	other  string // the line of a kind the format has no line for
}

// kindWording is the line of one kind of event, for the events of which
// its condition holds. A kind's lines are tried in the table's order.
type kindWording struct {
	kind event.Kind
	when condition
	line string
}

// condition says which events of a kind a line is for.
type condition uint8

const (
	always      condition = iota
	onJoin                // a topic reported on joining (event.FlagTopicOnJoin)
	noNick                // no nick: set by a server
	noText                // an empty text: a topic unset
	unsetByNick           // an empty text and a nick: a topic unset by that nick
)

func (c condition) holds(ev *event.Event) bool {
	switch c {
	case onJoin:
		return ev.Flags&event.FlagTopicOnJoin != 0
	case noNick:
		return ev.Nick == ""
	case noText:
		return ev.Text == ""
	case unsetByNick:
		return ev.Text == "" && ev.Nick != ""
	}
	return true
}

// lineFormat is a formatWording compiled.
type lineFormat struct {
	name   string
	header []piece // nil: none
	newDay []piece // nil: none
	lines  [][]compiledLine
	other  []piece
}

type compiledLine struct {
	when   condition
	pieces []piece // the stamp and the line
}

// appendLine appends the line of ev, stamped with local, without its
// newline.
func (f *lineFormat) appendLine(b []byte, ev *event.Event, local time.Time) []byte {
	return appendPieces(b, f.lineOf(ev), ev, local)
}

// lineOf returns the compiled line of ev.
func (f *lineFormat) lineOf(ev *event.Event) []piece {
	if int(ev.Kind) < len(f.lines) {
		lines := f.lines[ev.Kind]
		for i := range lines {
			if lines[i].when.holds(ev) {
				return lines[i].pieces
			}
		}
	}
	return f.other
}

// field is what a piece of a template writes.
type field uint8

const (
	fieldNone field = iota
	fieldNick
	fieldNickColumn
	fieldText
	fieldTarget
	fieldChannel
	fieldNetwork
	fieldUserHost
	fieldAccount
	fieldKind
	fieldClock
	fieldDate
	fieldTime
	fieldZone
	fieldGap
)

var fieldNames = map[string]field{
	"nick": fieldNick, "nickcolumn": fieldNickColumn, "text": fieldText, "target": fieldTarget,
	"channel": fieldChannel, "network": fieldNetwork, "userhost": fieldUserHost, "account": fieldAccount,
	"kind": fieldKind, "clock": fieldClock, "date": fieldDate, "time": fieldTime, "zone": fieldZone, "gap": fieldGap,
}

// piece is one field of a template with the text before it (or only text).
type piece struct {
	before   string
	field    field
	optional bool   // nothing at all, before and after included, when the field is empty
	after    string // with optional
	orElse   string // written when the field is empty
	layout   string // of fieldTime
}

// appendPieces appends a compiled template for ev, whose time in the
// writer's zone is local.
func appendPieces(b []byte, ps []piece, ev *event.Event, local time.Time) []byte {
	for i := range ps {
		p := &ps[i]
		var v string
		switch p.field {
		case fieldNone:
			b = append(b, p.before...)
			continue
		case fieldNick, fieldNickColumn:
			v = ev.Nick
		case fieldText:
			v = ev.Text
		case fieldTarget:
			v = ev.Target
		case fieldChannel:
			v = ev.Channel
		case fieldNetwork:
			v = ev.Network
		case fieldUserHost:
			v = ev.UserHost
		case fieldAccount:
			v = ev.Account
		case fieldKind:
			v = ev.Kind.String()
		case fieldClock:
			b = appendClock(append(b, p.before...), local)
			continue
		case fieldDate:
			b = appendDate(append(b, p.before...), local)
			continue
		case fieldTime:
			b = local.AppendFormat(append(b, p.before...), p.layout)
			continue
		case fieldZone:
			b = appendClean(append(b, p.before...), local.Location().String())
			continue
		case fieldGap:
			b = appendGapText(append(b, p.before...), ev, local)
			continue
		}
		if v == "" {
			if p.optional {
				continue
			}
			v = p.orElse
		}
		b = append(b, p.before...)
		if p.field == fieldNickColumn {
			b = appendColumn(b, v)
		} else {
			b = appendClean(b, v)
		}
		if p.after != "" {
			b = append(b, p.after...)
		}
	}
	return b
}

// compileFormat compiles the templates of a format; it panics on a
// malformed one, which the package's tests would show at once.
func compileFormat(fw formatWording) *lineFormat {
	f := &lineFormat{name: fw.name, other: compileTemplate(fw.stamp + fw.other)}
	if fw.header != "" {
		f.header = compileTemplate(fw.header)
	}
	if fw.newDay != "" {
		f.newDay = compileTemplate(fw.newDay)
	}
	for _, kw := range fw.lines {
		for int(kw.kind) >= len(f.lines) {
			f.lines = append(f.lines, nil)
		}
		f.lines[kw.kind] = append(f.lines[kw.kind], compiledLine{kw.when, compileTemplate(fw.stamp + kw.line)})
	}
	return f
}

// compileTemplate turns a template into pieces.
func compileTemplate(tmpl string) []piece {
	var ps []piece
	text := ""
	for tmpl != "" {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			text += tmpl
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			panic(fmt.Sprintf("logs: template %q: { without }", tmpl))
		}
		text += tmpl[:open]
		p := compileField(tmpl[open+1 : open+end])
		tmpl = tmpl[open+end+1:]
		if p.optional {
			if text != "" {
				ps = append(ps, piece{before: text})
			}
		} else {
			p.before = text
		}
		ps = append(ps, p)
		text = ""
	}
	if text != "" {
		ps = append(ps, piece{before: text})
	}
	return ps
}

// compileField reads what stands between braces.
func compileField(s string) piece {
	name, rest := s, ""
	if i := strings.IndexAny(s, "?|:"); i >= 0 {
		name, rest = s[:i], s[i:]
	}
	f, ok := fieldNames[name]
	if !ok {
		panic(fmt.Sprintf("logs: template field {%s}: unknown field %q", s, name))
	}
	p := piece{field: f}
	switch {
	case rest == "":
	case rest[0] == '?':
		var found bool
		p.before, p.after, found = strings.Cut(rest[1:], "%")
		p.optional = true
		if !found {
			panic(fmt.Sprintf("logs: template field {%s}: no %% in what is written around it", s))
		}
	case rest[0] == '|':
		p.orElse = rest[1:]
	case rest[0] == ':' && f == fieldTime:
		p.layout = rest[1:]
	default:
		panic(fmt.Sprintf("logs: template field {%s}: cannot read %q", s, rest))
	}
	if f == fieldTime && p.layout == "" {
		panic(fmt.Sprintf("logs: template field {%s}: a time needs a layout", s))
	}
	return p
}

// appendGapText writes "recording gap: nothing was recorded from … to …".
func appendGapText(b []byte, ev *event.Event, local time.Time) []byte {
	b = append(b, gapLine...)
	start, ok := ev.GapStart()
	if !ok {
		b = append(b, "before "...)
		return appendClock(b, local)
	}
	start = start.In(local.Location())
	b = append(b, "from "...)
	if !startOfDay(start).Equal(startOfDay(local)) {
		b = appendDate(b, start)
		b = append(b, ' ')
	}
	b = appendClock(b, start)
	b = append(b, " to "...)
	return appendClock(b, local)
}

// appendColumn appends s as appendClean does, with its tabs turned into
// spaces: a field of tab-separated columns (WeeChat's prefix).
func appendColumn(b []byte, s string) []byte {
	start := len(b)
	b = appendClean(b, s)
	for i := start; i < len(b); i++ {
		if b[i] == '\t' {
			b[i] = ' '
		}
	}
	return b
}
