package logs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"proceedings/event"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

const (
	maxLineBytes = 1 << 20 // longer lines are not read (counted as not understood)
	maxWarnings  = 100     // warnings kept; all are counted
	maxExamples  = 3       // lines kept per reason for Examples
	sniffLines   = 50      // lines read to detect the format
	warnTextLen  = 80      // bytes of the line kept in a Warning
)

// Options say how to read a log file.
type Options struct {
	// Format is one of Formats, or "" to detect it from the first lines.
	Format string
	// Location is the zone of the times in the file (default UTC). The zone
	// named by our own format's header wins over it.
	Location *time.Location
	// Date is the date of the file's first line, for formats whose lines
	// carry no date (only its year, for xchat). Zero means: take it from a
	// YYYY-MM-DD or YYYYMMDD in the base of FileName. A date marker in the
	// file itself wins over both.
	Date time.Time
	// Network and Channel are stamped on every event. Channel is required
	// unless the file names it (our own format's header). When set they win
	// over the header.
	Network, Channel string
	// Strict ends the reading with a *LineError at the first line that is
	// not understood. Lines not kept and repaired lines are only counted.
	Strict bool
	// FileName names the file in messages, and may carry its date.
	FileName string
	// Encoding names the encoding of the file's text, as ParseEncoding
	// accepts it ("shift_jis", "koi8-r", "windows-1251"…); every line is
	// decoded from it. Empty means UTF-8, with each line that is not valid
	// UTF-8 decoded as Windows-1252.
	Encoding string
}

// Warning is a line that was not understood, not kept or repaired.
type Warning struct {
	Line   int    // 1-based line number
	Text   string // the first 80 bytes of the line, as valid UTF-8
	Reason string
}

func (w Warning) String() string {
	return fmt.Sprintf("line %d: %s: %q", w.Line, w.Reason, w.Text)
}

// LineError is what Strict reading returns for a line it does not
// understand.
type LineError struct {
	FileName string
	Warning
}

func (e *LineError) Error() string {
	name := e.FileName
	if name == "" {
		name = "log"
	}
	return fmt.Sprintf("%s:%d: %s: %q", name, e.Line, e.Reason, e.Text)
}

// Formats lists the names of the formats the package reads.
func Formats() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.name
	}
	return out
}

// lineResult says what one line of a log was.
type lineResult uint8

const (
	resEvent  lineResult = iota // one or more events
	resMarker                   // a header or date marker
	resNoise                    // a known line that carries nothing the archive keeps
	resBad                      // not understood
)

// Reasons shared by the parsers.
const (
	reasonNoDate    = "no date is known for this line (no date marker before it, no --date, no YYYY-MM-DD or YYYYMMDD in the file name)"
	reasonNoChannel = "no channel is known for this line (pass the channel name)"
	reasonBadTime   = "the line does not start with a time stamp of this format"
	// reasonNotKept counts a resNoise a parser gave without a reason.
	reasonNotKept = "a status line the archive does not keep"
	// reasonBad counts a resBad a parser gave without a reason.
	reasonBad = "not understood"
	// reasonIncomplete starts the reason of a last line without its newline
	// that was not understood.
	reasonIncomplete = "incomplete last line: "
	reasonTooLong    = "line longer than 1 MiB (not read)"
	reasonNUL        = "NUL bytes removed"
	reasonCP1252     = "not UTF-8: read as Windows-1252 (pass --encoding if it is another)"
	reasonCutUTF8    = "UTF-8 cut inside its last character: that character replaced with U+FFFD"
	// reasonNotUTF8 stands, while a file is read, for the lines read as
	// Windows-1252; notUTF8Reason says which reason they are counted under.
	reasonNotUTF8 = "not UTF-8"
	// The reasons for a file whose lines that are not UTF-8 look like
	// another encoding: they are read as Windows-1252 all the same.
	reasonLooksCJK        = "not UTF-8, and the bytes look like a CJK encoding (valid as %s): read as Windows-1252, so the text is garbled (pass --encoding)"
	reasonLooksSingleByte = "not UTF-8, and the bytes look like a non-Latin single-byte encoding (such as windows-1251 or koi8-r): read as Windows-1252, so the text is garbled (pass --encoding)"
)

// Counts account for every line of a file: each line read is counted once
// in Lines and once in exactly one of Blank, Events, Markers, NotKept or
// NotUnderstood, so that
//
//	Lines == Blank + Events + Markers + ΣNotKept + ΣNotUnderstood
//
// Repaired counts, by what was done, lines that were also repaired (NUL
// bytes removed, decoded from another encoding); it is not part of the sum.
type Counts struct {
	Lines   int64 // lines read
	Blank   int64 // empty, or only spaces and tabs
	Events  int64 // lines that gave at least one event
	Markers int64 // headers and date markers
	// NotKept counts, by reason, lines the program really writes that carry
	// nothing the archive keeps (names lists, client status lines, private
	// notices…).
	NotKept map[string]int64
	// NotUnderstood counts, by reason, lines that were not understood.
	NotUnderstood map[string]int64
	// Repaired counts, by reason, lines that were repaired.
	Repaired map[string]int64
}

// Sum returns Blank + Events + Markers + ΣNotKept + ΣNotUnderstood, which
// equals Lines.
func (c Counts) Sum() int64 {
	return c.Blank + c.Events + c.Markers + sumOf(c.NotKept) + sumOf(c.NotUnderstood)
}

func sumOf(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// formatSpec is one log format: how to parse a line, and whether its lines
// need a date from elsewhere.
type formatSpec struct {
	name      string
	parse     func(s *state, line string) (lineResult, string)
	needsDate bool   // lines carry only a time of day (or no year)
	marker    string // the line that dates the lines after it, if the format has one
	header    bool   // the file can name its channel
}

var formats = []*formatSpec{
	{name: "own", parse: parseOwn, needsDate: true, header: true, marker: `its header, "--- IRC logs for Monday, February 02, 2026"`},
	{name: "irssi", parse: parseIrssi, needsDate: true, marker: `"--- Log opened Mon Feb 02 14:00:00 2026" or "--- Day changed Tue Feb 03 2026"`},
	{name: "weechat", parse: parseWeechat},
	{name: "znc", parse: parseZNC, needsDate: true},
	{name: "limnoria", parse: parseLimnoria},
	{name: "xchat", parse: parseXchat, needsDate: true, marker: `"**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026"`},
}

func formatByName(name string) *formatSpec {
	for _, f := range formats {
		if f.name == name {
			return f
		}
	}
	return nil
}

// state is what a parser knows while it reads a file.
type state struct {
	clk        clock
	network    string
	channel    string
	optNetwork string
	optChannel string
	evs        []event.Event // events of the current line
	topic      string        // last topic seen (WeeChat shows the old one)
	// dateFromOpt: the current date came from the options or the file name
	// and no line has used it yet (xchat then takes its year as it is).
	dateFromOpt bool
	x           formatState // what some parsers remember (parse.go)
}

// add appends an event of the current line and returns it for filling in.
func (s *state) add(kind event.Kind, t time.Time, nick string) *event.Event {
	s.evs = append(s.evs, event.Event{
		Network: s.network,
		Channel: s.channel,
		Time:    t,
		Kind:    kind,
		Nick:    nick,
		Flags:   event.FlagImported,
	})
	return &s.evs[len(s.evs)-1]
}

// Reader reads events from a log file, one line at a time.
type Reader struct {
	br      *bufio.Reader
	opt     Options
	spec    *formatSpec
	st      state
	evi     int // next event of st.evs to return
	pending []rawLine
	lineNo  int
	long    []byte
	err     error

	counts   Counts
	examples map[string][]Warning // the first lines of each reason
	warnings []Warning
	nWarn    int

	enc   *textEncoding // Options.Encoding, nil for UTF-8 with Windows-1252
	guess encodingGuess // what the lines that are not UTF-8 look like
}

// rawLine is one line as read, decoded to UTF-8.
type rawLine struct {
	text      string
	no        int
	nul       bool   // NUL bytes were removed
	recoded   string // not UTF-8: the reason that says how it was decoded
	tooLong   bool   // over maxLineBytes: text is only its start
	noNewline bool   // the last line of the file, without its newline
}

// NewReader reads the first lines of r, detects the format (unless
// opt.Format names it) and returns a Reader positioned at the first line.
func NewReader(r io.Reader, opt Options) (*Reader, error) {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10), opt: opt}
	if opt.Encoding != "" {
		enc, err := lookupEncoding(opt.Encoding)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rd.name(), err)
		}
		rd.enc = enc
	}
	for len(rd.pending) < sniffLines {
		l, err := rd.readRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rd.wrap(err)
		}
		rd.pending = append(rd.pending, l)
	}
	lines := make([]string, len(rd.pending))
	for i, l := range rd.pending {
		lines[i] = l.text
	}

	if opt.Format == "" {
		name, ok := Detect(lines)
		if !ok {
			return nil, rd.unknownFormat(lines)
		}
		rd.spec = formatByName(name)
	} else if rd.spec = formatByName(opt.Format); rd.spec == nil {
		return nil, fmt.Errorf("%s: unknown log format %q (want one of %s)",
			rd.name(), opt.Format, strings.Join(Formats(), ", "))
	}

	rd.st = rd.newState()
	if rd.opt.Channel == "" && !rd.spec.header {
		return nil, fmt.Errorf("%s: %s logs do not name their channel: pass the channel name",
			rd.name(), rd.spec.name)
	}
	if err := rd.dryRun(lines); err != nil {
		return nil, err
	}
	return rd, nil
}

// newState starts the parser state from the options.
func (r *Reader) newState() state {
	st := state{
		clk:        newClock(r.opt.Location),
		network:    r.opt.Network,
		channel:    r.opt.Channel,
		optNetwork: r.opt.Network,
		optChannel: r.opt.Channel,
	}
	if r.spec.needsDate {
		if y, m, d, ok := r.startDate(); ok {
			st.clk.setDate(y, m, d)
			st.dateFromOpt = true
		}
	}
	return st
}

// startDate is the date of the first line from the options or the file name.
func (r *Reader) startDate() (int, time.Month, int, bool) {
	if !r.opt.Date.IsZero() {
		y, m, d := r.opt.Date.Date()
		return y, m, d, true
	}
	return dateFromName(r.opt.FileName)
}

// dryRun parses the sniffed lines with a throwaway state to find, before
// any event is returned, that the file cannot be read at all: no date or no
// channel for its first lines.
func (r *Reader) dryRun(lines []string) error {
	st := r.newState()
	for i, l := range lines {
		if isBlank(l) {
			continue
		}
		st.evs = st.evs[:0]
		res, reason := parseLine(r.spec, &st, l)
		if res != resBad {
			continue
		}
		switch reason {
		case reasonNoDate:
			marker := "a date marker in the file (" + r.spec.marker + ")"
			if r.spec.marker == "" {
				marker = "a date marker in the file (" + r.spec.name + " writes none)"
			}
			what := "only times of day"
			if r.spec.name == "xchat" {
				what = "no year"
			}
			return &openError{ErrNoDate, fmt.Sprintf("%s: line %d: cannot tell the date of this %s log: its lines carry %s; give it %s, --date YYYY-MM-DD, or a file name with YYYY-MM-DD or YYYYMMDD in it",
				r.name(), r.pending[i].no, r.spec.name, what, marker)}
		case reasonNoChannel:
			return &openError{ErrNoChannel, fmt.Sprintf("%s: line %d: this log does not name its channel: pass the channel name", r.name(), r.pending[i].no)}
		}
	}
	return nil
}

func (r *Reader) unknownFormat(lines []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: not a log in any known format (%s); first lines:", r.name(), strings.Join(Formats(), ", "))
	n := 0
	for i, l := range lines {
		if isBlank(l) {
			continue
		}
		fmt.Fprintf(&b, "\n  %d: %q", r.pending[i].no, clip(l))
		if n++; n == 5 {
			break
		}
	}
	if n == 0 {
		b.WriteString(" (the file is empty)")
	}
	return &openError{ErrNotLog, b.String()}
}

// The errors of NewReader that say why a file cannot be read as a log wrap
// one of these, for errors.Is.
var (
	ErrNotLog    = errors.New("not a log in any known format")
	ErrNoDate    = errors.New("cannot tell the date of the log's lines")
	ErrNoChannel = errors.New("the log does not name its channel")
)

// openError is an error of NewReader: its message, and which of the errors
// above it is.
type openError struct {
	kind error
	msg  string
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.kind }

func (r *Reader) name() string {
	if r.opt.FileName != "" {
		return r.opt.FileName
	}
	return "log"
}

func (r *Reader) wrap(err error) error {
	return fmt.Errorf("read %s: %w", r.name(), err)
}

// Format returns the name of the format being read.
func (r *Reader) Format() string { return r.spec.name }

// Counts returns the accounting of the lines read so far (all of them once
// Next has returned io.EOF).
func (r *Reader) Counts() Counts {
	c := r.counts
	c.NotKept = maps.Clone(c.NotKept)
	c.NotUnderstood = maps.Clone(c.NotUnderstood)
	c.Repaired = maps.Clone(c.Repaired)
	if n, ok := c.Repaired[reasonNotUTF8]; ok {
		delete(c.Repaired, reasonNotUTF8)
		c.Repaired[r.guess.reason()] += n
	}
	return c
}

// Examples returns the first three lines counted under reason, whether
// NotKept, NotUnderstood or Repaired.
func (r *Reader) Examples(reason string) []Warning {
	if _, ok := r.counts.Repaired[reasonNotUTF8]; ok && reason == r.guess.reason() {
		return r.resolve(r.examples[reasonNotUTF8])
	}
	return slices.Clone(r.examples[reason])
}

// resolve returns a copy of ws with the reason of the lines read as
// Windows-1252 spelt out.
func (r *Reader) resolve(ws []Warning) []Warning {
	out := slices.Clone(ws)
	for i := range out {
		if out[i].Reason == reasonNotUTF8 {
			out[i].Reason = r.guess.reason()
		}
	}
	return out
}

// Warnings returns the first 100 lines that were not understood or had NUL
// bytes removed (a line can give both); WarningCount counts them all. Lines
// decoded from another encoding than UTF-8 are not warned about. Counts and
// Examples say more.
func (r *Reader) Warnings() []Warning { return r.warnings }

// WarningCount returns how many warnings the file gave so far.
func (r *Reader) WarningCount() int { return r.nWarn }

// Skipped returns how many lines were not kept or not understood: the sum
// of Counts().NotKept and Counts().NotUnderstood.
func (r *Reader) Skipped() int {
	return int(sumOf(r.counts.NotKept) + sumOf(r.counts.NotUnderstood))
}

// Next returns the next event, or io.EOF after the last one. In strict mode
// a line that would have been skipped with a warning ends the reading with
// a *LineError.
func (r *Reader) Next() (event.Event, error) {
	for {
		if r.evi < len(r.st.evs) {
			ev := r.st.evs[r.evi]
			r.evi++
			return ev, nil
		}
		if r.err != nil {
			return event.Event{}, r.err
		}
		var l rawLine
		if len(r.pending) > 0 {
			l = r.pending[0]
			r.pending[0] = rawLine{}
			r.pending = r.pending[1:]
		} else {
			var err error
			if l, err = r.readRaw(); err != nil {
				if err != io.EOF {
					err = r.wrap(err)
				}
				r.err = err
				continue
			}
		}
		r.st.evs = r.st.evs[:0]
		r.evi = 0
		if err := r.handle(l); err != nil {
			r.st.evs = r.st.evs[:0]
			r.err = err
		}
	}
}

// handle parses one line into r.st.evs and counts it.
func (r *Reader) handle(l rawLine) error {
	r.counts.Lines++
	if l.nul {
		r.warn(r.repaired(l, reasonNUL))
	}
	if l.recoded != "" {
		r.repaired(l, l.recoded)
	}
	if l.tooLong {
		return r.notUnderstood(l, reasonTooLong)
	}
	if isBlank(l.text) {
		r.counts.Blank++
		return nil
	}
	res, reason := parseLine(r.spec, &r.st, l.text)
	switch res {
	case resEvent:
		if len(r.st.evs) > 0 {
			r.counts.Events++
			return nil
		}
		reason = "" // a parser said event but gave none
		fallthrough
	case resNoise:
		if reason == "" {
			reason = reasonNotKept
		}
		r.counts.NotKept = count(r.counts.NotKept, reason)
		r.example(l, reason)
		return nil
	case resMarker:
		r.counts.Markers++
		return nil
	}
	r.st.evs = r.st.evs[:0]
	if reason == "" {
		reason = reasonBad
	}
	if l.noNewline {
		reason = reasonIncomplete + reason
	}
	return r.notUnderstood(l, reason)
}

// notUnderstood counts a line that was not understood; in strict mode it
// is the error that ends the reading.
func (r *Reader) notUnderstood(l rawLine, reason string) error {
	r.counts.NotUnderstood = count(r.counts.NotUnderstood, reason)
	w := r.example(l, reason)
	if r.opt.Strict {
		return &LineError{FileName: r.opt.FileName, Warning: w}
	}
	r.warn(w)
	return nil
}

// repaired counts a line that was repaired.
func (r *Reader) repaired(l rawLine, reason string) Warning {
	r.counts.Repaired = count(r.counts.Repaired, reason)
	return r.example(l, reason)
}

func count(m map[string]int64, reason string) map[string]int64 {
	if m == nil {
		m = make(map[string]int64)
	}
	m[reason]++
	return m
}

// example keeps the line as an example of its reason, if it is one of the
// first, and returns it as a Warning.
func (r *Reader) example(l rawLine, reason string) Warning {
	w := Warning{Line: l.no, Text: clip(l.text), Reason: reason}
	if len(r.examples[reason]) < maxExamples {
		if r.examples == nil {
			r.examples = make(map[string][]Warning)
		}
		r.examples[reason] = append(r.examples[reason], w)
	}
	return w
}

func (r *Reader) warn(w Warning) {
	r.nWarn++
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, w)
	}
}

// isBlank reports whether a line is empty or only spaces and tabs.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// clip returns the first warnTextLen bytes of s, cut at a rune boundary.
func clip(s string) string {
	if len(s) <= warnTextLen {
		return s
	}
	i := warnTextLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

var cp1252 = charmap.Windows1252

var utf8BOM = []byte("\ufeff")

// readRaw reads one line, without its line end, decoded to valid UTF-8.
func (r *Reader) readRaw() (rawLine, error) {
	b, err := r.br.ReadSlice('\n')
	tooLong := false
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = r.br.ReadSlice('\n')
			if !tooLong {
				if len(r.long)+len(b) > maxLineBytes {
					tooLong = true
					// keep only the start, for the warning
					if len(r.long) > warnTextLen*4 {
						r.long = r.long[:warnTextLen*4]
					}
				} else {
					r.long = append(r.long, b...)
				}
			}
		}
		b = r.long
	}
	if err != nil && err != io.EOF {
		return rawLine{}, err
	}
	if err == io.EOF && len(b) == 0 {
		return rawLine{}, io.EOF
	}
	if r.lineNo == 0 {
		// a byte order mark (Windows editors write one) is not part of
		// the first line
		b = bytes.TrimPrefix(b, utf8BOM)
	}
	r.lineNo++
	l := rawLine{no: r.lineNo, tooLong: tooLong, noNewline: err == io.EOF}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if bytes.IndexByte(b, 0) >= 0 {
		b = bytes.ReplaceAll(b, []byte{0}, nil)
		l.nul = true
	}
	switch {
	case tooLong:
		l.text = clip(strings.ToValidUTF8(string(b), "\uFFFD"))
	case r.enc != nil:
		l.text, l.recoded = r.enc.decode(b)
	case utf8.Valid(b):
		l.text = string(b)
	case bytes.Contains(b, irssiColour24) && utf8.Valid(stripIrssi(b)):
		// irssi's 24-bit colour codes (autolog_colors) were the only
		// bytes that are not UTF-8
		l.text = string(stripIrssi(b))
	default:
		if k := cutUTF8(b); k > 0 {
			l.text, l.recoded = string(b[:len(b)-k])+"\uFFFD", reasonCutUTF8
			break
		}
		r.guess.add(b)
		s, derr := cp1252.NewDecoder().Bytes(b)
		if derr != nil {
			l.text = strings.ToValidUTF8(string(b), "\uFFFD")
		} else {
			l.text = string(s)
		}
		l.recoded = reasonNotUTF8
	}
	return l, nil
}

// irssiColour24 starts irssi's code for a 24-bit colour, whose four bytes
// that follow need not be UTF-8. mIRC's own 0x04 (a hex colour) is followed
// by hex digits, never '#'.
var irssiColour24 = []byte{4, '#'}

// cutUTF8 returns the length of the incomplete character that ends b when
// the rest of b is valid UTF-8 with at least one character beyond ASCII (a
// line an IRC server cut at 512 bytes), else 0.
func cutUTF8(b []byte) int {
	for k := 1; k <= 3 && k < len(b); k++ {
		i := len(b) - k
		if !utf8.RuneStart(b[i]) {
			continue
		}
		if utf8.FullRune(b[i:]) || b[i] < 0xc2 || b[i] > 0xf4 || !utf8.Valid(b[:i]) {
			return 0
		}
		for _, c := range b[:i] {
			if c >= 0x80 {
				return k
			}
		}
		return 0
	}
	return 0
}

// textEncoding is the encoding Options.Encoding names.
type textEncoding struct {
	name     string
	dec      *encoding.Decoder
	utf8     bool   // UTF-8 itself: invalid bytes become U+FFFD
	asRead   string // the reason of a line decoded from it
	replaced string // the reason of a line with bytes invalid in it
}

// encodingExamples are names to show when a name is not known.
const encodingExamples = "shift_jis, euc-jp, iso-2022-jp, gb18030, big5, euc-kr, koi8-r, windows-1251, iso-8859-2, windows-1252 or utf-8"

// ParseEncoding checks the name of a text encoding for Options.Encoding and
// returns its canonical name: a WHATWG label ("sjis", "latin2", "cp1251"…,
// https://encoding.spec.whatwg.org) or an IANA name. The error says which
// names are understood. UTF-16 and the encodings the WHATWG maps to
// "replacement" are refused: their lines cannot be read one by one.
func ParseEncoding(name string) (string, error) {
	enc, err := lookupEncoding(name)
	if err != nil {
		return "", err
	}
	return enc.name, nil
}

func lookupEncoding(name string) (*textEncoding, error) {
	label := strings.ToLower(strings.TrimSpace(name))
	enc, err := htmlindex.Get(label)
	canon := ""
	if err == nil {
		canon, err = htmlindex.Name(enc)
	} else if e, ierr := ianaindex.IANA.Encoding(label); ierr == nil && e != nil {
		enc, err = e, nil
		if canon, err = htmlindex.Name(e); err != nil {
			canon, err = ianaindex.IANA.Name(e)
			canon = strings.ToLower(canon)
		}
	}
	if err != nil || enc == nil || canon == "" {
		return nil, fmt.Errorf("unknown text encoding %q: give a name such as %s", name, encodingExamples)
	}
	switch canon {
	case "utf-16be", "utf-16le", "replacement":
		return nil, fmt.Errorf("text encoding %q (%s) cannot be read line by line: give one such as %s", name, canon, encodingExamples)
	}
	return &textEncoding{
		name:     canon,
		dec:      enc.NewDecoder(),
		utf8:     canon == "utf-8",
		asRead:   "read as " + canon + " (--encoding)",
		replaced: "not valid " + canon + ": bytes replaced with U+FFFD",
	}, nil
}

// decode returns the text of a line and the reason of its repair, if any.
// Lines of ASCII but ESC (which ISO-2022-JP uses to switch) read the same in
// every encoding it accepts.
func (e *textEncoding) decode(b []byte) (string, string) {
	if e.utf8 {
		if utf8.Valid(b) {
			return string(b), ""
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), e.replaced
	}
	ascii := true
	for _, c := range b {
		if c >= 0x80 || c == 0x1b {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), ""
	}
	if bytes.IndexByte(b, 0x1b) < 0 && utf8.Valid(b) {
		// A line beyond ASCII that is valid UTF-8 is read as UTF-8
		// whatever the encoding named: a legacy log goes on in UTF-8 once
		// its writer switched, and KOI8-R, Shift_JIS or Latin-1 text is
		// almost never valid UTF-8 by chance. (ISO-2022 text, all ASCII
		// bytes and escapes, still goes to its decoder.)
		return string(b), ""
	}
	out, err := e.dec.Bytes(b)
	if err != nil || !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD"), e.replaced
	}
	if bytes.Contains(out, []byte("\uFFFD")) {
		return string(out), e.replaced
	}
	return string(out), e.asRead
}

// encodingGuess looks at the first lines of a file that are not UTF-8 to
// say, in the reason they are counted under, what they look like: a CJK
// multibyte encoding, a non-Latin single-byte one, or Windows-1252 indeed.
type encodingGuess struct {
	lines   int                    // lines looked at
	decided int                    // of which with enough bytes beyond ASCII to tell
	cjk     int                    // of which looking like a CJK encoding
	single  int                    // of which looking like a non-Latin single-byte encoding
	valid   [len(cjkEncodings)]int // CJK-looking lines that read well in each
}

const guessLines = 200 // lines looked at; the rest are taken to be alike

var cjkEncodings = [...]struct {
	name string
	enc  encoding.Encoding
}{
	{"shift_jis", japanese.ShiftJIS},
	{"euc-jp", japanese.EUCJP},
	{"gb18030", simplifiedchinese.GB18030},
	{"big5", traditionalchinese.Big5},
	{"euc-kr", korean.EUCKR},
}

// add looks at one line that is not UTF-8.
//
// Western text in Windows-1252 has its bytes beyond ASCII alone or in pairs
// between ASCII letters ("café", "Grüße"). Text in a single-byte encoding of
// another alphabet (windows-1251, koi8-r, iso-8859-7…) has whole words of
// them, nearly all in 0xC0 to 0xFF. Text in a CJK encoding has runs of them
// with many in 0x80 to 0xBF (or, in Shift_JIS, kana), and reads as common
// CJK characters in at least one CJK encoding.
func (g *encodingGuess) add(b []byte) {
	if g.lines == guessLines {
		return
	}
	g.lines++
	high, low, inRuns, run, odd := 0, 0, 0, 0, false
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] >= 0x80 {
			high++
			if b[i] < 0xc0 {
				low++
			}
			run++
			continue
		}
		if run >= 3 {
			inRuns += run
		}
		odd = odd || run%2 == 1
		run = 0
	}
	if high < 4 {
		return
	}
	g.decided++
	// Runs of bytes beyond ASCII are words of another alphabet or CJK text;
	// runs all of even length, or with many bytes below 0xC0, are CJK.
	runs := 10*inRuns >= 6*high
	var valid, withKana [len(cjkEncodings)]bool
	anyKana := false
	for i, ce := range cjkEncodings {
		out, err := ce.enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		common, other, kana := cjkRunes(out)
		if other < 0 || 10*common < 9*(common+other) || common < 2 {
			continue
		}
		valid[i], withKana[i] = true, kana >= 2
		anyKana = anyKana || withKana[i]
	}
	if anyKana { // Japanese: the encodings that read kana in it
		valid = withKana
	}
	anyValid := slices.Contains(valid[:], true)
	switch {
	case anyValid && (runs && (!odd || 5*low >= high) || withKana[0]):
		g.cjk++
		for i, v := range valid {
			if v {
				g.valid[i]++
			}
		}
	case runs && 10*low < high:
		g.single++
	}
}

// cjkRunes counts the characters beyond ASCII of s: those common in CJK text
// (kana, ideographs, Hangul, CJK punctuation and full-width forms), of
// which kana, and the others; other is -1 when s has a U+FFFD (bytes that
// were not valid in the encoding).
func cjkRunes(s []byte) (common, other, kana int) {
	for _, r := range string(s) {
		switch {
		case r == utf8.RuneError:
			return 0, -1, 0
		case r < 0x80:
		case r >= 0x3041 && r <= 0x30ff:
			common++
			kana++
		case r >= 0x3000 && r <= 0x303f, r >= 0x4e00 && r <= 0x9fff, r >= 0xac00 && r <= 0xd7a3, r >= 0xff01 && r <= 0xff5e:
			common++
		default:
			other++
		}
	}
	return common, other, kana
}

// reason is the reason the lines read as Windows-1252 are counted under:
// one that names another encoding when most of the lines looked at look
// like one.
func (g *encodingGuess) reason() string {
	switch {
	case g.decided == 0:
		return reasonCP1252
	case 2*g.cjk > g.decided:
		var names []string
		for i, ce := range cjkEncodings {
			if 10*g.valid[i] >= 9*g.cjk {
				names = append(names, ce.name)
			}
		}
		if len(names) == 0 { // lines of several
			for i, ce := range cjkEncodings {
				if g.valid[i] > 0 {
					names = append(names, ce.name)
				}
			}
		}
		return fmt.Sprintf(reasonLooksCJK, strings.Join(names, ", "))
	case 2*g.single > g.decided:
		return reasonLooksSingleByte
	}
	return reasonCP1252
}

// Detect names the format of a log from its first lines: the format that
// understands the most of them. ok is false when none understands at least
// half of the non-blank lines and at least one event or marker.
//
// Our own format and ZNC's write messages, actions and notices alike
// ("[14:03:11] <alice> hi"); our own always starts with its header. Lines
// that both read as well are ZNC's unless our header is among them.
func Detect(lines []string) (format string, ok bool) {
	nonBlank := 0
	for _, l := range lines {
		if !isBlank(l) {
			nonBlank++
		}
	}
	if nonBlank == 0 {
		return "", false
	}
	best, bestScore, bestRank := "", 0, 0
	for _, f := range formats {
		st := state{clk: newClock(time.UTC), channel: "#detect", network: "detect"}
		st.clk.setDate(2000, 1, 1)
		score, solid, markers := 0, 0, 0
		for _, l := range lines {
			if isBlank(l) {
				continue
			}
			st.evs = st.evs[:0]
			res, _ := f.parse(&st, l)
			if res != resBad {
				score++
			}
			if res == resEvent || res == resMarker {
				solid++
			}
			if res == resMarker {
				markers++
			}
		}
		// Ties go to the format listed first, but for our own: ahead with
		// its header, behind without.
		rank := 2 * score
		if f.name == "own" {
			if markers > 0 {
				rank++
			} else {
				rank--
			}
		}
		if solid > 0 && rank > bestRank {
			best, bestScore, bestRank = f.name, score, rank
		}
	}
	if best == "" || 2*bestScore < nonBlank {
		return "", false
	}
	return best, true
}

// dateFromName finds YYYY-MM-DD or YYYYMMDD in the base of a file name.
func dateFromName(name string) (int, time.Month, int, bool) {
	base := filepath.Base(name)
	for i := 0; i+8 <= len(base); i++ {
		if i > 0 && isDigit(base[i-1]) {
			continue
		}
		for _, n := range [...]int{10, 8} {
			if i+n > len(base) || i+n < len(base) && isDigit(base[i+n]) {
				continue
			}
			if y, m, d, ok := parseDate(base[i : i+n]); ok {
				return y, m, d, true
			}
		}
	}
	return 0, 0, 0, false
}

func checkDate(y, m, d int) (int, time.Month, int, bool) {
	if y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// atoi reads a short run of digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
