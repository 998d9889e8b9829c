package announce_test

import (
	"strings"
	"testing"

	"proceedings/bot/announce"
)

func TestRoman(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1, "I"}, {3, "III"}, {4, "IV"}, {9, "IX"}, {10, "X"}, {14, "XIV"},
		{40, "XL"}, {90, "XC"}, {400, "CD"}, {900, "CM"}, {1994, "MCMXCIV"},
		{2026, "MMXXVI"}, {3888, "MMMDCCCLXXXVIII"}, {3999, "MMMCMXCIX"},
		// Out of range: arabic digits.
		{0, "0"}, {-5, "-5"}, {4000, "4000"}, {100000, "100000"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := announce.Roman(tc.n); got != tc.want {
				t.Errorf("Roman(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}

func TestParseRoman(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0: an error
	}{
		{"I", 1}, {"i", 1}, {"IV", 4}, {"iv", 4}, {"Ix", 9}, {"X", 10}, {"xIv", 14},
		{"XL", 40}, {"XC", 90}, {"CD", 400}, {"CM", 900}, {"MCMXCIV", 1994},
		{"MMMDCCCLXXXVIII", 3888}, {"MMMCMXCIX", 3999}, {"mmmcmxcix", 3999},

		{"", 0}, {"IIII", 0}, {"VX", 0}, {"MMMMCMXCIX", 0}, {"MMMM", 0},
		{"IC", 0}, {"IM", 0}, {"XM", 0}, {"VL", 0}, {"IIV", 0}, {"IIX", 0},
		{"VV", 0}, {"LL", 0}, {"DD", 0}, {"CMCM", 0}, {"XCX", 0}, {"CMD", 0},
		{"IXI", 0}, {"XIIII", 0}, {"MCMC", 0}, {"DCD", 0},
		{" X", 0}, {"X ", 0}, {"10", 0}, {"A", 0}, {"XIV.", 0}, {"N", 0},
		{"\u0131", 0},           // dotless i, upper-cases to I
		{"\u2169", 0},           // Ⅹ, the roman numeral ten code point
		{"X\x00", 0},            // NUL
		{"\xc9", 0},             // invalid UTF-8; 0xC9|0x20 is not a letter
		{"MMMMMMMMMMMMMMMM", 0}, // longer than any canonical numeral
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := announce.ParseRoman(tc.in)
			if tc.want == 0 {
				if err == nil {
					t.Fatalf("ParseRoman(%q) = %d, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), "roman numeral") {
					t.Errorf("ParseRoman(%q) error %q does not say what is expected", tc.in, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseRoman(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestRomanRoundTrip checks every value: Roman writes it, ParseRoman reads it
// back in either case, and no two values share a numeral.
func TestRomanRoundTrip(t *testing.T) {
	seen := make(map[string]int, 3999)
	for n := 1; n <= 3999; n++ {
		s := announce.Roman(n)
		if m, ok := seen[s]; ok {
			t.Fatalf("Roman(%d) = Roman(%d) = %q", n, m, s)
		}
		seen[s] = n
		for _, in := range []string{s, strings.ToLower(s)} {
			if got, err := announce.ParseRoman(in); err != nil || got != n {
				t.Fatalf("ParseRoman(%q) = %d, %v; want %d", in, got, err, n)
			}
		}
		if got := announce.Roman(mustParseRoman(t, s)); got != s {
			t.Fatalf("Roman(ParseRoman(%q)) = %q", s, got)
		}
	}
}

func mustParseRoman(t *testing.T, s string) int {
	t.Helper()
	n, err := announce.ParseRoman(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestParseRomanStrict tries every string of one to five roman letters:
// exactly the canonical numerals are accepted.
func TestParseRomanStrict(t *testing.T) {
	canonical := make(map[string]int, 3999)
	for n := 1; n <= 3999; n++ {
		canonical[announce.Roman(n)] = n
	}
	const letters = "IVXLCDM"
	accepted := 0
	var try func(prefix string)
	try = func(prefix string) {
		if prefix != "" {
			got, err := announce.ParseRoman(prefix)
			want, ok := canonical[prefix]
			switch {
			case ok && (err != nil || got != want):
				t.Errorf("ParseRoman(%q) = %d, %v; want %d", prefix, got, err, want)
			case !ok && err == nil:
				t.Errorf("ParseRoman(%q) = %d, want an error: not canonical", prefix, got)
			case ok:
				accepted++
			}
		}
		if len(prefix) == 5 {
			return
		}
		for i := 0; i < len(letters); i++ {
			try(prefix + letters[i:i+1])
		}
	}
	try("")
	wantAccepted := 0
	for s := range canonical {
		if len(s) <= 5 {
			wantAccepted++
		}
	}
	if accepted != wantAccepted {
		t.Errorf("accepted %d numerals of up to five letters, want %d", accepted, wantAccepted)
	}
}

func TestParsePartNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0: an error
	}{
		{"1", 1}, {"10", 10}, {"03", 3}, {"100000", 100000}, {"0100000", 100000},
		{"X", 10}, {"x", 10}, {"xiv", 14}, {"MMMCMXCIX", 3999}, {" 7 ", 7}, {"\tIX\n", 9},

		{"", 0}, {" ", 0}, {"0", 0}, {"00", 0}, {"100001", 0}, {"99999999999999999999999", 0},
		{"+3", 0}, {"-3", 0}, {"3.0", 0}, {"1,000", 0}, {"1e3", 0}, {"3rd", 0}, {"0x10", 0},
		{"IIII", 0}, {"VX", 0}, {"MMMMCMXCIX", 0}, {"ten", 0}, {"X1", 0}, {"1X", 0},
		{"\u0663", 0}, // Arabic-Indic digit three
		{"\uff13", 0}, // fullwidth three
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := announce.ParsePartNumber(tc.in)
			if tc.want == 0 {
				if err == nil {
					t.Fatalf("ParsePartNumber(%q) = %d, want an error", tc.in, got)
				}
				const msg = "part number must be 1–100000 or a roman numeral I–MMMCMXCIX"
				if !strings.Contains(err.Error(), msg) {
					t.Errorf("ParsePartNumber(%q) error %q, want it to say %q", tc.in, err, msg)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParsePartNumber(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestParsePartNumberErrorShort checks that a long input is cut in the
// message, which may go back to IRC.
func TestParsePartNumberErrorShort(t *testing.T) {
	_, err := announce.ParsePartNumber(strings.Repeat("é", 500))
	if err == nil {
		t.Fatal("no error for 500 letters")
	}
	if len(err.Error()) > 150 || !strings.HasSuffix(err.Error(), "…") {
		t.Errorf("error not cut short: %q", err)
	}
}

func FuzzParseRoman(f *testing.F) {
	for _, s := range []string{"I", "iv", "MMMCMXCIX", "IIII", "VX", "MMMMCMXCIX", "", "\u0131", "xIv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := announce.ParseRoman(s)
		if err != nil {
			return
		}
		if n < 1 || n > 3999 {
			t.Fatalf("ParseRoman(%q) = %d, out of 1..3999", s, n)
		}
		if got := announce.Roman(n); got != strings.ToUpper(s) {
			t.Fatalf("ParseRoman(%q) = %d, but Roman(%d) = %q", s, n, n, got)
		}
	})
}

func FuzzParsePartNumber(f *testing.F) {
	for _, s := range []string{"1", "X", "x", "100000", "100001", "0", "+3", " 7 ", "IIII"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := announce.ParsePartNumber(s)
		if err != nil {
			return
		}
		if n < 1 || n > 100000 {
			t.Fatalf("ParsePartNumber(%q) = %d, out of 1..100000", s, n)
		}
	})
}
