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
