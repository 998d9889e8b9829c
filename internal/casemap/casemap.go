// Package casemap folds IRC names for comparison, the way IRC servers do by
// default (the rfc1459 case mapping). It is the one copy of that rule: the
// archive (channel logs) and the configuration (channel and nick names) both
// use it.
package casemap

// Fold maps A–Z to a–z and []\~ to {}|^; every other byte is kept.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c >= 'A' && c <= 'Z') || c == '[' || c == ']' || c == '\\' || c == '~' {
			return fold(s, i)
		}
	}
	return s // already folded: no allocation
}

func fold(s string, from int) string {
	b := []byte(s)
	for i := from; i < len(b); i++ {
		switch c := b[i]; {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c == '[':
			b[i] = '{'
		case c == ']':
			b[i] = '}'
		case c == '\\':
			b[i] = '|'
		case c == '~':
			b[i] = '^'
		}
	}
	return string(b)
}
