package archive

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"free software", []string{"free", "software"}},
		{`"free software" patents`, []string{"free software", "patents"}},
		{`"unclosed phrase`, []string{"unclosed phrase"}},
		{`minsk AND (`, []string{"minsk", "AND"}}, // no syntax: the words themselves
		{"*** minsk ---", []string{"minsk"}},
		{"a\x00b\tc", []string{"a", "b", "c"}},
		{"caf\xffé", []string{"café"}},
		{`say "it's"`, []string{"say", "it's"}},
	} {
		got, err := ParseQuery(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseQuery(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "   ", "*** ---", `""`, strings.Repeat("a", MaxQueryLen+1)} {
		if _, err := ParseQuery(bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("ParseQuery(%q): %v, want ErrBadQuery", bad, err)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`"free software" patents`, `"`, `a"b"c`, "\x00\"\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms, err := ParseQuery(q)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("error %v is not ErrBadQuery", err)
			}
			return
		}
		for _, term := range terms {
			if !strings.ContainsFunc(term, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) || !utf8.ValidString(term) {
				t.Fatalf("term %q of %q", term, q)
			}
		}
	})
}

func TestSearchQueryWithDefaults(t *testing.T) {
	for _, c := range []struct {
		in, want SearchQuery
	}{
		{SearchQuery{}, SearchQuery{Limit: 20, CountLimit: DefaultCountLimit, RelevanceWindow: RelevanceWindow}},
		{SearchQuery{Limit: 500, Offset: -3, CountLimit: 7, RelevanceWindow: 9}, SearchQuery{Limit: 100, CountLimit: 7, RelevanceWindow: 9}},
	} {
		if got := c.in.WithDefaults(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v.WithDefaults() = %+v; want %+v", c.in, got, c.want)
		}
	}
}
