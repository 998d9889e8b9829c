package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"time"
)

// The corpus as text is written by the generator's own irssi writer, not by
// package logs: the files are the input of the reference tools and, later,
// of our importer, so they must not share the code under test.

// textCorpus is a corpus written as irssi logs: one file per day (what
// logs2html and grep read) and the same lines in one file (what irclog2html
// and pisg read). It is cached under bench/out keyed by version, seed and
// size; manifest.json, written last, marks a complete corpus.
type textCorpus struct {
	Version int            `json:"version"`
	Seed    uint64         `json:"seed"`
	Lines   int            `json:"lines"`
	Days    int            `json:"days"`
	First   string         `json:"first"`
	Last    string         `json:"last"`
	Bytes   int64          `json:"bytes"` // of the per-day files
	Kinds   map[string]int `json:"kinds"`

	Dir     string `json:"-"`
	DaysDir string `json:"-"`
	AllLog  string `json:"-"`
	Reused  bool   `json:"-"` // found in the cache rather than written by this run
}

// ensureTextCorpus returns the text corpus of spec under outDir, writing it
// when the cache does not hold it yet.
func ensureTextCorpus(outDir string, spec corpusSpec, log *slog.Logger) (*textCorpus, error) {
	name := fmt.Sprintf("corpus-v%d-seed%d-%d", corpusVersion, spec.Seed, spec.Lines)
	dir := filepath.Join(outDir, name)
	tc := &textCorpus{}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil && json.Unmarshal(b, tc) == nil &&
		tc.Version == corpusVersion && tc.Seed == spec.Seed && tc.Lines == spec.Lines {
		tc.setPaths(dir, spec)
		tc.Reused = true
		log.Info("corpus: reusing cached text logs", "dir", dir, "lines", tc.Lines, "days", tc.Days)
		return tc, nil
	}
	tmp := dir + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("clear %s: %w", tmp, err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "days"), 0o755); err != nil {
		return nil, fmt.Errorf("create the corpus directory: %w", err)
	}
	log.Info("corpus: writing irssi text logs", "lines", spec.Lines, "dir", dir)
	start := time.Now()
	tc, err := writeTextCorpus(tmp, spec, log)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(tc, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), b, 0o644); err != nil {
		return nil, fmt.Errorf("write the corpus manifest: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("replace %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("move the corpus into place: %w", err)
	}
	tc.setPaths(dir, spec)
	log.Info("corpus: written", "lines", tc.Lines, "days", tc.Days, "MB", tc.Bytes>>20, "took", time.Since(start).Round(time.Millisecond))
	return tc, nil
}

func (tc *textCorpus) setPaths(dir string, spec corpusSpec) {
	tc.Dir = dir
	tc.DaysDir = filepath.Join(dir, "days")
	tc.AllLog = filepath.Join(dir, safeName(spec.Channel)+".log")
}

// safeName turns a channel name into a file name: lower case letters,
// digits, '-', '_' and '.' only.
func safeName(ch string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return -1
	}, ch)
	s = strings.TrimLeft(s, ".")
	if s == "" {
		return "channel"
	}
	return s
}

// writeTextCorpus writes the per-day files and the single file into dir.
func writeTextCorpus(dir string, spec corpusSpec, log *slog.Logger) (*textCorpus, error) {
	tc := &textCorpus{Version: corpusVersion, Seed: spec.Seed, Lines: spec.Lines, Kinds: map[string]int{}}
	base := safeName(spec.Channel)
	allF, err := os.Create(filepath.Join(dir, base+".log"))
	if err != nil {
		return nil, fmt.Errorf("create the single-file log: %w", err)
	}
	defer allF.Close()
	all := bufio.NewWriterSize(allF, 1<<20)

	var dayF *os.File
	var day *bufio.Writer
	var cur time.Time
	var buf []byte
	closeDay := func(end time.Time) error {
		if day == nil {
			return nil
		}
		fmt.Fprintf(day, "--- Log closed %s\n", end.Format("Mon Jan 02 15:04:05 2006"))
		if err := day.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", dayF.Name(), err)
		}
		return dayF.Close()
	}
	n := 0
	for ev := range spec.events() {
		d := ev.Time.Truncate(24 * time.Hour)
		if day == nil || !d.Equal(cur) {
			if err := closeDay(d); err != nil {
				return nil, err
			}
			if day == nil {
				tc.First = d.Format(time.DateOnly)
				fmt.Fprintf(all, "--- Log opened %s\n", d.Format("Mon Jan 02 15:04:05 2006"))
			} else {
				fmt.Fprintf(all, "--- Day changed %s\n", d.Format("Mon Jan 02 2006"))
			}
			cur = d
			tc.Days++
			dayF, err = os.Create(filepath.Join(dir, "days", base+"."+d.Format(time.DateOnly)+".log"))
			if err != nil {
				return nil, fmt.Errorf("create a day's log: %w", err)
			}
			day = bufio.NewWriterSize(dayF, 64<<10)
			fmt.Fprintf(day, "--- Log opened %s\n", d.Format("Mon Jan 02 15:04:05 2006"))
		}
		buf = appendIrssi(buf[:0], ev)
		tc.Bytes += int64(len(buf))
		tc.Kinds[ev.Kind.String()]++
		if _, err := day.Write(buf); err != nil {
			return nil, fmt.Errorf("write a day's log: %w", err)
		}
		if _, err := all.Write(buf); err != nil {
			return nil, fmt.Errorf("write the single-file log: %w", err)
		}
		if n++; n%1_000_000 == 0 {
			log.Info("corpus: writing", "lines", n, "of", spec.Lines)
		}
	}
	if day == nil {
		return nil, errors.New("the corpus is empty: ask for at least one line")
	}
	if err := closeDay(cur.Add(24 * time.Hour)); err != nil {
		return nil, err
	}
	tc.Last = cur.Format(time.DateOnly)
	fmt.Fprintf(all, "--- Log closed %s\n", cur.Add(24*time.Hour).Format("Mon Jan 02 15:04:05 2006"))
	if err := all.Flush(); err != nil {
		return nil, fmt.Errorf("write the single-file log: %w", err)
	}
	if err := allF.Close(); err != nil {
		return nil, fmt.Errorf("write the single-file log: %w", err)
	}
	return tc, nil
}

// appendIrssi appends ev as a line of an irssi log (default theme, times in
// UTC), newline included.
func appendIrssi(b []byte, ev event.Event) []byte {
	b = ev.Time.UTC().AppendFormat(b, "15:04 ")
	switch ev.Kind {
	case event.KindMessage:
		b = append(b, '<')
		b = append(b, ev.Nick...)
		b = append(b, "> "...)
		b = append(b, ev.Text...)
	case event.KindAction:
		b = append(b, " * "...)
		b = append(b, ev.Nick...)
		b = append(b, ' ')
		b = append(b, ev.Text...)
	case event.KindNotice:
		b = append(b, '-')
		b = append(b, ev.Nick...)
		b = append(b, ':')
		b = append(b, ev.Channel...)
		b = append(b, "- "...)
		b = append(b, ev.Text...)
	case event.KindJoin:
		b = fmt.Appendf(b, "-!- %s [%s] has joined %s", ev.Nick, ev.UserHost, ev.Channel)
	case event.KindPart:
		b = fmt.Appendf(b, "-!- %s [%s] has left %s [%s]", ev.Nick, ev.UserHost, ev.Channel, ev.Text)
	case event.KindQuit:
		b = fmt.Appendf(b, "-!- %s [%s] has quit [%s]", ev.Nick, ev.UserHost, ev.Text)
	case event.KindKick:
		b = fmt.Appendf(b, "-!- %s was kicked from %s by %s [%s]", ev.Target, ev.Channel, ev.Nick, ev.Text)
	case event.KindNick:
		b = fmt.Appendf(b, "-!- %s is now known as %s", ev.Nick, ev.Target)
	case event.KindTopic:
		b = fmt.Appendf(b, "-!- %s changed the topic of %s to: %s", ev.Nick, ev.Channel, ev.Text)
	case event.KindMode:
		b = fmt.Appendf(b, "-!- mode/%s [%s] by %s", ev.Channel, ev.Text, ev.Nick)
	default:
		b = fmt.Appendf(b, "-!- %s", ev.Text)
	}
	return append(b, '\n')
}
