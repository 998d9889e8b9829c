package ascii

import "testing"

func TestPlainPrefix(t *testing.T) {
	slow := func(s string) int {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c >= 0x7f {
				return i
			}
		}
		return len(s)
	}
	cases := []string{"", "a", "hello world, a plain line of text", "0123456\x7f", "01234567\x00abc", "abcdefghijklmn\x1f",
		"tab\there", "ünïcode", "abcdefgh\xff", "~~~~~~~~~~~~~~~~", "        \x80", "\x20\x20\x20\x20\x20\x20\x20\x21\x7e\x7f"}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 17; pos++ {
			b := []byte("abcdefghijklmnopq")
			b[pos] = byte(c)
			cases = append(cases, string(b))
		}
	}
	for _, s := range cases {
		if got, want := PlainPrefix(s), slow(s); got != want {
			t.Errorf("PlainPrefix(%q) = %d, want %d", s, got, want)
		}
		if got, want := PlainPrefix([]byte(s)), slow(s); got != want {
			t.Errorf("PlainPrefix([]byte(%q)) = %d, want %d", s, got, want)
		}
	}
}

func FuzzPlainPrefix(f *testing.F) {
	f.Add("plain text then \x02bold")
	f.Fuzz(func(t *testing.T, s string) {
		n := PlainPrefix(s)
		for i := 0; i < n; i++ {
			if c := s[i]; c < 0x20 || c >= 0x7f {
				t.Fatalf("PlainPrefix(%q) = %d includes byte %#x at %d", s, n, c, i)
			}
		}
		if n < len(s) && s[n] >= 0x20 && s[n] < 0x7f {
			t.Fatalf("PlainPrefix(%q) = %d stops at printable %q", s, n, s[n])
		}
	})
}

// TestHasByteAndHasLess: over a whole word, the answer is exact for every
// byte value at every position, next to bytes on either side of c and n.
func TestHasByteAndHasLess(t *testing.T) {
	for _, c := range []byte{0x00, 0x20, '&', '<', 0x7f, 0x80} {
		for v := 0; v < 256; v++ {
			for pos := 0; pos < 8; pos++ {
				b := []byte{c + 1, c ^ 0x80, 0xff, c + 1, 0x01 | c, c + 2, 0x7e, c + 1}
				for i := range b {
					if b[i] == c {
						b[i] = c + 1
					}
				}
				b[pos] = byte(v)
				x := Word(b, 0)
				wantByte, wantLess := false, false
				for _, d := range b {
					wantByte = wantByte || d == c
					wantLess = wantLess || d < c
				}
				if got := HasByte(x, c)&High != 0; got != wantByte {
					t.Errorf("HasByte(% x, %#x) = %v", b, c, got)
				}
				if c <= 0x80 {
					if got := HasLess(x, c)&High != 0; got != wantLess {
						t.Errorf("HasLess(% x, %#x) = %v", b, c, got)
					}
				}
			}
		}
	}
}
