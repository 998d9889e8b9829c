// Package ascii finds the printable ASCII at the start of text eight bytes
// at a time. Log lines are mostly printable ASCII, and the writers of HTML,
// plain text and Gemini look for the few bytes they must treat specially
// (controls, mIRC formatting codes, non-ASCII) in every one of them; this
// lets them skip the rest quickly.
package ascii

// PlainPrefix is the length of the longest prefix of s made of printable
// ASCII (0x20–0x7e).
func PlainPrefix[T string | []byte](s T) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		y := x ^ 0x7f*lo
		// A byte of 0x80 or more, under 0x20, or 0x7f sets its top bit
		// here (the borrows may mark bytes after a real one, never before).
		if (x|(x-0x20*lo)&^x|(y-lo)&^y)&hi != 0 {
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
