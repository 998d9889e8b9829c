package logs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"proceedings/archive"
)

const (
	maxLineBytes = 1 << 20 // longer lines are skipped with a warning
	maxWarnings  = 100     // warnings kept; all are counted
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
	// Strict turns every warning into an error.
	Strict bool
	// FileName names the file in messages, and may carry its date.
	FileName string
}

// Warning is a line that was skipped or repaired.
type Warning struct {
	Line   int    // 1-based line number
	Text   string // the first 80 bytes of the line, as valid UTF-8
	Reason string
}

func (w Warning) String() string {
	return fmt.Sprintf("line %d: %s: %q", w.Line, w.Reason, w.Text)
}

// LineError is what Strict reading returns for a line it would otherwise
// have skipped with a warning.
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
	reasonNoDate    = "no date is known for this line (pass the date, or put YYYY-MM-DD in the file name)"
	reasonNoChannel = "no channel is known for this line (pass the channel name)"
	reasonBadTime   = "the line does not start with a time stamp of this format"
)

// formatSpec is one log format: how to parse a line, and whether its lines
// need a date from elsewhere.
type formatSpec struct {
	name      string
	parse     func(s *state, line string) (lineResult, string)
	needsDate bool // lines carry only a time of day (or no year)
	header    bool // the file can name its channel
}

var formats = []*formatSpec{
	{name: "own", parse: parseOwn, needsDate: true, header: true},
	{name: "irssi", parse: parseIrssi, needsDate: true},
	{name: "weechat", parse: parseWeechat},
	{name: "znc", parse: parseZNC, needsDate: true},
	{name: "limnoria", parse: parseLimnoria},
	{name: "xchat", parse: parseXchat, needsDate: true},
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
	evs        []archive.Event // events of the current line
	topic      string          // last topic seen (WeeChat shows the old one)
	// dateFromOpt: the current date came from the options or the file name
	// and no line has used it yet (xchat then takes its year as it is).
	dateFromOpt bool
	x           formatState // what some parsers remember (parse.go)
}

// add appends an event of the current line and returns it for filling in.
func (s *state) add(kind archive.Kind, t time.Time, nick string) *archive.Event {
	s.evs = append(s.evs, archive.Event{
		Network: s.network,
		Channel: s.channel,
		Time:    t,
		Kind:    kind,
		Nick:    nick,
		Flags:   archive.FlagImported,
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

	warnings []Warning
	nWarn    int
	skipped  int
}

// rawLine is one line as read, decoded to UTF-8.
type rawLine struct {
	text      string
	no        int
	nul       bool // NUL bytes were removed
	tooLong   bool // over maxLineBytes: text is only its start
	noNewline bool // the last line of the file, without its newline
}

// NewReader reads the first lines of r, detects the format (unless
// opt.Format names it) and returns a Reader positioned at the first line.
func NewReader(r io.Reader, opt Options) (*Reader, error) {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10), opt: opt}
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
		if l == "" {
			continue
		}
		st.evs = st.evs[:0]
		res, reason := parseLine(r.spec, &st, l)
		if res != resBad {
			continue
		}
		switch reason {
		case reasonNoDate:
			return fmt.Errorf("%s: line %d: cannot tell the date of this %s log: its lines carry only times; pass the date (--date) or name the file with YYYY-MM-DD",
				r.name(), r.pending[i].no, r.spec.name)
		case reasonNoChannel:
			return fmt.Errorf("%s: line %d: this log does not name its channel: pass the channel name", r.name(), r.pending[i].no)
		}
	}
	return nil
}

func (r *Reader) unknownFormat(lines []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: not a log in any known format (%s); first lines:", r.name(), strings.Join(Formats(), ", "))
	n := 0
	for i, l := range lines {
		if l == "" {
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
	return errors.New(b.String())
}

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

// Warnings returns the first 100 warnings; WarningCount counts them all.
func (r *Reader) Warnings() []Warning { return r.warnings }

// WarningCount returns how many warnings the file gave so far.
func (r *Reader) WarningCount() int { return r.nWarn }

// Skipped returns how many non-blank lines gave no event: lines that were
// not understood, and lines of things the archive does not keep (status
// messages, names lists, the reader's own nick changes). Headers and date
// markers are not counted.
func (r *Reader) Skipped() int { return r.skipped }

// Next returns the next event, or io.EOF after the last one. In strict mode
// a line that would have been skipped with a warning ends the reading with
// a *LineError.
func (r *Reader) Next() (archive.Event, error) {
	for {
		if r.evi < len(r.st.evs) {
			ev := r.st.evs[r.evi]
			r.evi++
			return ev, nil
		}
		if r.err != nil {
			return archive.Event{}, r.err
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

// handle parses one line into r.st.evs.
func (r *Reader) handle(l rawLine) error {
	if l.tooLong {
		r.skipped++
		return r.warn(l, "line longer than 1 MiB skipped")
	}
	if l.nul {
		if err := r.warn(l, "NUL bytes removed"); err != nil {
			return err
		}
	}
	if l.text == "" {
		return nil
	}
	res, reason := parseLine(r.spec, &r.st, l.text)
	switch res {
	case resNoise:
		r.skipped++
	case resBad:
		r.st.evs = r.st.evs[:0]
		r.skipped++
		if l.noNewline {
			reason = "incomplete last line: " + reason
		}
		return r.warn(l, reason)
	}
	return nil
}

func (r *Reader) warn(l rawLine, reason string) error {
	w := Warning{Line: l.no, Text: clip(l.text), Reason: reason}
	if r.opt.Strict {
		return &LineError{FileName: r.opt.FileName, Warning: w}
	}
	r.nWarn++
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, w)
	}
	return nil
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
	if utf8.Valid(b) {
		l.text = string(b)
	} else {
		s, derr := cp1252.NewDecoder().Bytes(b)
		if derr != nil {
			l.text = strings.ToValidUTF8(string(b), "\uFFFD")
		} else {
			l.text = string(s)
		}
	}
	if tooLong {
		l.text = clip(l.text)
	}
	return l, nil
}

// Detect names the format of a log from its first lines: the format that
// understands the most of them. ok is false when none understands at least
// half of the non-blank lines and at least one event or marker.
func Detect(lines []string) (format string, ok bool) {
	nonBlank := 0
	for _, l := range lines {
		if l != "" {
			nonBlank++
		}
	}
	if nonBlank == 0 {
		return "", false
	}
	best, bestScore := "", 0
	for _, f := range formats {
		st := state{clk: newClock(time.UTC), channel: "#detect", network: "detect"}
		st.clk.setDate(2000, 1, 1)
		score, solid := 0, 0
		for _, l := range lines {
			if l == "" {
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
		}
		if solid > 0 && score > bestScore {
			best, bestScore = f.name, score
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
		if i+10 <= len(base) && base[i+4] == '-' && base[i+7] == '-' &&
			allDigits(base[i:i+4]) && allDigits(base[i+5:i+7]) && allDigits(base[i+8:i+10]) &&
			(i+10 == len(base) || !isDigit(base[i+10])) {
			if y, m, d, ok := checkDate(atoi(base[i:i+4]), atoi(base[i+5:i+7]), atoi(base[i+8:i+10])); ok {
				return y, m, d, true
			}
		}
		if allDigits(base[i:i+8]) && (i+8 == len(base) || !isDigit(base[i+8])) {
			if y, m, d, ok := checkDate(atoi(base[i:i+4]), atoi(base[i+4:i+6]), atoi(base[i+6:i+8])); ok {
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
