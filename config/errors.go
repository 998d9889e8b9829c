package config

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a configuration file.
type Problem struct {
	Line int    // 1-based line in the file; 0 when the problem concerns the whole file
	Key  string // dotted path of the key, e.g. "networks[0].channels[1].name"; may be empty
	Msg  string // what is wrong and, where possible, how to fix it
}

// String formats the problem without the file name: "LINE: KEY: MESSAGE".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d: ", p.Line)
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is returned by Load and Parse when the file has problems. It lists
// every problem found, not just the first.
type Error struct {
	File     string // the path given to Load or Parse
	problems []Problem
}

// Problems returns every problem found, ordered by line.
func (e *Error) Problems() []Problem {
	return append([]Problem(nil), e.problems...)
}

// Error joins the problems one per line as "FILE:LINE: KEY: MESSAGE".
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Key != "" {
			b.WriteString(p.Key)
			b.WriteString(": ")
		}
		b.WriteString(p.Msg)
	}
	return b.String()
}

// maxProblems bounds the list so that a pathological file cannot make the
// error itself huge.
const maxProblems = 200

// problems collects Problems while a file is decoded and validated.
type problems struct {
	list      []Problem
	truncated bool
	fatals    []Problem // reported even when the list is full
}

func (ps *problems) add(line int, key, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		ps.truncated = true
		return
	}
	ps.list = append(ps.list, Problem{Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// fatal records a problem that stopped the work early; it is always reported.
func (ps *problems) fatal(line int, key, format string, args ...any) {
	ps.fatals = append(ps.fatals, Problem{Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// at reports a problem at the position of a decoded value.
func (ps *problems) at(p *pos, format string, args ...any) {
	ps.add(p.Line, p.Key, format, args...)
}

func (ps *problems) err(file string) error {
	if len(ps.list)+len(ps.fatals) == 0 {
		return nil
	}
	list := append(append([]Problem(nil), ps.fatals...), ps.list...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	if ps.truncated {
		list = append(list, Problem{Msg: fmt.Sprintf("more than %d problems; fix these and run check again", maxProblems)})
	}
	return &Error{File: file, problems: list}
}
