package announce

import (
	"fmt"
	"strconv"
	"strings"
)

// romanMax is the largest number a canonical roman numeral can write
// (MMMCMXCIX); romanMaxLen is the longest canonical numeral (MMMDCCCLXXXVIII,
// 3888).
const (
	romanMax    = 3999
	romanMaxLen = 15
)

// partNumberMax is the largest arabic part number ParsePartNumber accepts.
const partNumberMax = 100000

// romanSymbols lists the symbols of canonical roman numerals, largest first,
// with the subtractive pairs in between.
var romanSymbols = [...]struct {
	value  int
	symbol string
}{
	{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"},
	{100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"},
	{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"},
	{1, "I"},
}

// Roman formats 1..3999 as an upper-case canonical numeral; other values as arabic digits.
func Roman(n int) string {
	if n < 1 || n > romanMax {
		return strconv.Itoa(n)
	}
	var b strings.Builder
	b.Grow(romanMaxLen)
	for _, s := range romanSymbols {
		for n >= s.value {
			b.WriteString(s.symbol)
			n -= s.value
		}
	}
	return b.String()
}

// romanDigit is the value of one roman letter in either case, or 0.
func romanDigit(c byte) int {
	switch c | 0x20 { // folds only the ASCII upper-case letters onto these
	case 'i':
		return 1
	case 'v':
		return 5
	case 'x':
		return 10
	case 'l':
		return 50
	case 'c':
		return 100
	case 'd':
		return 500
	case 'm':
		return 1000
	}
	return 0
}

// ParseRoman parses a canonical roman numeral (case-insensitive), 1..3999.
//
// Canonical means the form Roman writes: "IV", not "IIII"; "XC", not "LXL";
// "VX" and "IC" are refused. Only the ASCII letters I V X L C D M count, so
// look-alikes such as the dotless "ı" (which upper-cases to "I") are refused.
func ParseRoman(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("empty roman numeral: write one of I–MMMCMXCIX, such as XIV")
	}
	if len(s) > romanMaxLen {
		return 0, romanError(s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		v := romanDigit(s[i])
		if v == 0 {
			return 0, romanError(s)
		}
		if i+1 < len(s) && v < romanDigit(s[i+1]) {
			n -= v
		} else {
			n += v
		}
	}
	// The additive reading above accepts many non-canonical strings (IIII,
	// VX, IM); the canonical spelling of the value it found must be the input.
	if n < 1 || n > romanMax || !strings.EqualFold(Roman(n), s) {
		return 0, romanError(s)
	}
	return n, nil
}

func romanError(s string) error {
	return fmt.Errorf("%s is not a roman numeral in canonical form I–MMMCMXCIX (such as XIV; not IIII or VX)", partQuote(s))
}

// ParsePartNumber accepts arabic ("10", 1..100000) or roman ("X", "x") and errors clearly otherwise ("part number must be 1–100000 or a roman numeral I–MMMCMXCIX").
//
// Surrounding white space is ignored. Arabic numbers are ASCII digits only:
// no sign, no separators; leading zeros are allowed ("03" is 3).
func ParsePartNumber(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		if n, ok := parseArabicPart(t); ok {
			return n, nil
		}
		return 0, partNumberError(s)
	}
	if n, err := ParseRoman(t); err == nil {
		return n, nil
	}
	return 0, partNumberError(s)
}

// parseArabicPart parses ASCII digits as 1..partNumberMax.
func parseArabicPart(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > partNumberMax {
			return 0, false
		}
	}
	return n, n >= 1
}

func partNumberError(s string) error {
	return fmt.Errorf("part number must be 1–100000 or a roman numeral I–MMMCMXCIX, not %s", partQuote(s))
}

// partQuote quotes user input for an error message, cut to a length that
// still fits in an IRC reply.
func partQuote(s string) string {
	const keep = 24 // runes
	n := 0
	for i := range s {
		if n == keep {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
