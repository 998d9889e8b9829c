package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"proceedings/event"
	"proceedings/logs"
)

// status is the error that gives the exit status: exitSkipped when files
// that may hold lines were skipped.
func (r *importRun) status(dry bool) error {
	var n int
	for _, p := range r.plans {
		if p.skip != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if dry {
		return exitError{code: exitSkipped, msg: fmt.Sprintf("%d file(s) would be skipped, listed above with why (exit status %d)", n, exitSkipped)}
	}
	return exitError{code: exitSkipped, msg: fmt.Sprintf("imported, but %d file(s) were skipped, listed above with why (exit status %d)", n, exitSkipped)}
}

// nothingToImport is the error of a plan that reads no file.
func (r *importRun) nothingToImport() error {
	var b strings.Builder
	b.WriteString("import: no file to import")
	for _, p := range r.plans {
		why := p.skip
		if why == "" {
			why = "left out, " + p.leftOut
		}
		fmt.Fprintf(&b, "\n  %s: %s", shown(p.path), why)
	}
	return errors.New(b.String())
}

// read reports whether (some of) the file was read.
func (p *planFile) read() bool {
	return p.leftOut == "" && (p.skip == "" || p.readPart)
}

// printFiles lists the files read, one a line: network/channel, format,
// days and events.
func (r *importRun) printFiles(w io.Writer) {
	for _, p := range r.plans {
		if !p.read() {
			continue
		}
		where := []string{}
		for ref := range p.stored {
			where = append(where, shown(ref.Network)+"/"+shown(ref.Name))
		}
		sort.Strings(where)
		if len(where) == 0 {
			where = append(where, shown(p.network)+"/"+shown(p.channel))
		}
		net := ""
		if p.netNote != "" {
			net = " (network " + shown(p.network) + " " + p.netNote + ")"
		}
		if named := p.place.Channel(); r.channel != "" && named != "" && !strings.EqualFold(named, p.channel) {
			// --channel puts every file into one channel: say so where
			// the path names another.
			net += " (the path names " + shown(named) + ")"
		}
		days := "no events"
		if !p.first.IsZero() {
			days = p.first.String()
			if p.last != p.first {
				days += " to " + p.last.String()
			}
		}
		c := p.counts
		fmt.Fprintf(w, "  %s -> %s%s: %s, %s, %d events; %s\n", shown(p.path), strings.Join(where, ", "), net, p.format, days, p.events, linesOf(c))
	}
}

// printUnknownNetworks names the networks of the files read that bot.yaml
// does not configure: the dry run and the import say it alike.
func (r *importRun) printUnknownNetworks(w io.Writer) {
	var unknown []string
	for _, p := range r.plans {
		if p.read() && p.netNote != "" {
			unknown = appendUnique(unknown, shown(p.network))
		}
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "networks not in bot.yaml: %s (store them under a configured network with --network FOLDER=NAME)\n", strings.Join(unknown, ", "))
	}
}

// printSkips lists the files left out and the files skipped, with why.
func (r *importRun) printSkips(w io.Writer) {
	var left, skipped []*planFile
	for _, p := range r.plans {
		switch {
		case p.leftOut != "":
			left = append(left, p)
		case p.skip != "":
			skipped = append(skipped, p)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "left out, no channel's log (%d):\n", len(left))
		for _, p := range left {
			fmt.Fprintf(w, "  %s: %s\n", shown(p.path), p.leftOut)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "skipped, could not be read (%d):\n", len(skipped))
		for _, p := range skipped {
			why := p.skip
			if p.readPart {
				why = fmt.Sprintf("%s (its first %d events were read)", why, p.events)
			}
			fmt.Fprintf(w, "  %s: %s\n", shown(p.path), strings.ReplaceAll(why, "\n", "\n    "))
		}
	}
}

// importSummary adds up what was read and written.
type importSummary struct {
	files, events, added, dups int64
	kinds                      map[event.Kind]int64
	lines                      logs.Counts // every line read, over all files
	notReached                 int64       // the lines after where the import stopped
	stoppedIn                  string      // the file it stopped in
	examples                   map[string][]lineExample
	formats                    []string
}

// maxExamples is how many lines the summary shows of each reason.
const maxExamples = 3

// lineExample is a line of a file, shown as an example of its reason.
type lineExample struct {
	path string
	w    logs.Warning
}

// add adds a file's counts.
func (s *importSummary) add(c logs.Counts) {
	t := &s.lines
	t.Lines += c.Lines
	t.Blank += c.Blank
	t.Events += c.Events
	t.Markers += c.Markers
	t.NotKept = addCounts(t.NotKept, c.NotKept)
	t.NotUnderstood = addCounts(t.NotUnderstood, c.NotUnderstood)
	t.Repaired = addCounts(t.Repaired, c.Repaired)
}

func addCounts(to, from map[string]int64) map[string]int64 {
	for k, v := range from {
		if to == nil {
			to = map[string]int64{}
		}
		to[k] += v
	}
	return to
}

func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// linesOf says what the lines read were: every line is counted once.
func linesOf(c logs.Counts) string {
	s := fmt.Sprintf("lines read: %d = %d with events + %d headers and date markers + %d blank + %d not imported",
		c.Lines, c.Events, c.Markers, c.Blank, total(c.NotKept)+total(c.NotUnderstood))
	if n := total(c.Repaired); n > 0 {
		s += fmt.Sprintf(" (%d repaired)", n)
	}
	return s
}

func (s *importSummary) print(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "files: %d (%s)\n", s.files, strings.Join(s.formats, ", "))
	fmt.Fprintln(w, linesOf(s.lines))
	if s.notReached > 0 {
		fmt.Fprintf(w, "lines not reached: %d, the rest of %s (the import stopped there; the files after it were not read)\n", s.notReached, shown(s.stoppedIn))
	}
	fmt.Fprintf(w, "events read: %d, added: %d, already in the archive: %d (%.0f events/s)\n",
		s.events, s.added, s.dups, float64(s.events)/max(took.Seconds(), 1e-3))
	if lost := s.events - s.added - s.dups; lost > 0 {
		fmt.Fprintf(w, "events read but not written (the import stopped): %d\n", lost)
	}
	var kinds []string
	for _, k := range event.Kinds() {
		if n := s.kinds[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(kinds) > 0 {
		fmt.Fprintf(w, "by kind: %s\n", strings.Join(kinds, ", "))
	}
	s.printReasons(w)
}

// printReasons lists the lines not imported and the lines repaired, by
// reason, most first, each with its first examples.
func (s *importSummary) printReasons(w io.Writer) {
	for _, group := range []struct {
		title string
		m     map[string]int64
	}{
		{"not imported: not kept", s.lines.NotKept},
		{"not imported: not understood", s.lines.NotUnderstood},
		{"repaired (counted above as what they were)", s.lines.Repaired},
	} {
		if len(group.m) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s (%s):\n", group.title, plural(total(group.m), "line"))
		reasons := make([]string, 0, len(group.m))
		for r := range group.m {
			reasons = append(reasons, r)
		}
		sort.Slice(reasons, func(i, j int) bool {
			if a, b := group.m[reasons[i]], group.m[reasons[j]]; a != b {
				return a > b
			}
			return reasons[i] < reasons[j]
		})
		for _, r := range reasons {
			fmt.Fprintf(w, "  %6d  %s\n", group.m[r], r)
			for _, e := range s.examples[r] {
				fmt.Fprintf(w, "          %s:%d: %q\n", shown(e.path), e.w.Line, e.w.Text)
			}
		}
	}
}

// plural is "1 line", "2 lines".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// appendUnique appends s to list unless list holds it.
func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
