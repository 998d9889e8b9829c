// Package fts5gen asks SQLite's FTS5 (modernc.org/sqlite), code point by
// code point, how its unicode61 tokenizer with remove_diacritics 2 cuts
// and folds text, and writes the tables archive/postgres cuts and folds
// words with (fts5_tables.go), so that its search index finds what the
// SQLite engine's finds. Run it with go generate in archive/postgres;
// TestFTS5TablesAreSQLites there fails when the tables differ from what
// the SQLite this module is built with says.
package fts5gen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Tokenizer is the tokenizer the SQLite engine's index uses
// (archive/sqlite/schema.go).
const Tokenizer = "unicode61 remove_diacritics 2"

// Class is what the tokenizer makes of a code point.
type Class uint8

const (
	// Separator ends a word and starts none.
	Separator Class = iota
	// Word starts a word or continues one.
	Word
	// Mark continues a word but starts none (a diacritic): after a
	// separator it is skipped as one.
	Mark
)

// Table is the tokenizer's view of every code point it can read
// (SQLite's UTF-8 reader gives U+FFFD for surrogates, U+FFFE and U+FFFF,
// which are not probed).
type Table struct {
	Class [utf8.MaxRune + 1]Class
	// Fold is what a Word or Mark code point becomes in the word it is
	// part of: -1 for nothing (a diacritic dropped), else a code point.
	Fold [utf8.MaxRune + 1]rune
}

// probed reports whether c is read by SQLite as itself (its UTF-8 reader
// makes U+FFFD of the others).
func probed(c rune) bool {
	return !(c >= 0xD800 && c < 0xE000) && c != 0xFFFE && c != 0xFFFF
}

// block is how many code points one probe document holds.
const block = 512

// marker ends each code point's probe: a term no single code point folds
// to nor makes with the probe's x and y.
const marker = "00"

// Probe asks the SQLite FTS5 this module is built with about every code
// point SQLite reads as itself (Probe). Generate asks about them all;
// a test with the race detector, which makes SQLite twenty times slower,
// about some.
func Probe(ctx context.Context) (*Table, error) {
	t := new(Table)
	err := ProbeSome(ctx, nil, func(c rune, class Class, fold rune) {
		t.Class[c], t.Fold[c] = class, fold
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ProbeSome asks SQLite about the code points want says (all when nil),
// in order, and calls fn with what it says of each: its class, and what it
// folds to in a word (-1: nothing). Each code point c is probed as "x" c
// "y " c " 00 ": the first term is "x" when c separates words, else x, c's
// folded form and y; the second, when there is one besides the marker, c
// alone starting a word.
func ProbeSome(ctx context.Context, want func(rune) bool, fn func(c rune, class Class, fold rune)) error {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE VIRTUAL TABLE f USING fts5(x, content = '', tokenize = '"+Tokenizer+"'); CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)"); err != nil {
		return fmt.Errorf("create the FTS5 table: %w", err)
	}
	var doc strings.Builder
	var cps []rune
	flush := func() error {
		if len(cps) == 0 {
			return nil
		}
		terms, err := instances(ctx, db, doc.String())
		if err != nil {
			return err
		}
		for _, c := range cps {
			end := 0
			for end < len(terms) && terms[end] != marker {
				end++
			}
			if end == len(terms) {
				return fmt.Errorf("probe of U+%04X: no marker in %q", c, terms)
			}
			class, fold, err := read(terms[:end])
			if err != nil {
				return fmt.Errorf("probe of U+%04X: %w", c, err)
			}
			fn(c, class, fold)
			terms = terms[end+1:]
		}
		if len(terms) > 0 {
			return fmt.Errorf("probes from U+%04X: terms left over: %q", cps[0], terms)
		}
		cps = cps[:0]
		doc.Reset()
		return nil
	}
	for c := rune(0); c <= utf8.MaxRune; c++ {
		if !probed(c) || want != nil && !want(c) {
			continue
		}
		cps = append(cps, c)
		doc.WriteByte('x')
		doc.WriteRune(c)
		doc.WriteString("y ")
		doc.WriteRune(c)
		doc.WriteString(" " + marker + " ")
		if len(cps) == block {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// read reads the terms of one code point's probe.
func read(terms []string) (Class, rune, error) {
	switch {
	case len(terms) == 2 && terms[0] == "x" && terms[1] == "y":
		return Separator, 0, nil
	case len(terms) < 1 || len(terms) > 2 || !strings.HasPrefix(terms[0], "x") || !strings.HasSuffix(terms[0], "y") || len(terms[0]) < 2:
		return 0, 0, fmt.Errorf("unexpected terms %q", terms)
	}
	f := terms[0][1 : len(terms[0])-1]
	fold := rune(-1)
	if f != "" {
		r, n := utf8.DecodeRuneInString(f)
		if n != len(f) || r == utf8.RuneError {
			return 0, 0, fmt.Errorf("folds to %q, not one code point", f)
		}
		fold = r
	}
	if len(terms) == 1 {
		return Mark, fold, nil
	}
	if terms[1] != f {
		return 0, 0, fmt.Errorf("folds to %q inside a word, %q alone", f, terms[1])
	}
	if f == "" {
		return 0, 0, errors.New("starts a word of nothing") // read as Mark
	}
	return Word, fold, nil
}

// instances indexes text alone and returns its terms in order.
func instances(ctx context.Context, db *sql.DB, text string) ([]string, error) {
	if _, err := db.ExecContext(ctx, "INSERT INTO f(f) VALUES('delete-all')"); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO f(x) VALUES(?)", text); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT term FROM v ORDER BY offset")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, rows.Err()
}
