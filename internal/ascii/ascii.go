// Package ascii looks at text eight bytes at a time. Log lines are mostly
// printable ASCII, and the writers of HTML, plain text and Gemini look for
// the few bytes they must treat specially (controls, mIRC formatting codes,
// non-ASCII, HTML's & < > " ') in every one of them; these let them skip
// the rest quickly.
package ascii

// Ones has 0x01 in every byte, High 0x80: multiply a byte by Ones to
// repeat it, and mask with High the bits the Has functions set.
const (
	Ones = 0x0101010101010101
	High = 0x8080808080808080
)

// Word is the eight bytes of s from i on, s[i] lowest: the caller checks
// that i+8 <= len(s).
func Word[T string | []byte](s T, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// HasByte is not zero under High when a byte of x is c. Only that is
// exact: the bytes after a match may be marked too.
func HasByte(x uint64, c byte) uint64 {
	y := x ^ uint64(c)*Ones
	return (y - Ones) &^ y
}

// HasLess is not zero under High when a byte of x is below n (n at most
// 0x80), with HasByte's caveat.
func HasLess(x uint64, n byte) uint64 {
	return (x - uint64(n)*Ones) &^ x
}

// PlainPrefix is the length of the longest prefix of s made of printable
// ASCII (0x20–0x7e).
func PlainPrefix[T string | []byte](s T) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := Word(s, i)
		// A byte of 0x80 or more sets its own top bit.
		if (x|HasLess(x, 0x20)|HasByte(x, 0x7f))&High != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			break
		}
	}
	return i
}
