// Package casemap folds IRC names for comparison, the way IRC servers do:
// by default the rfc1459 case mapping, and the others a server may name in
// its CASEMAPPING token (ascii, rfc1459-strict). It is the one copy of those
// rules: the archive (channel logs) and the configuration (channel and nick
// names) use Fold; the bot's view of a server uses the server's own (ForName).
package casemap

// Fold maps A–Z to a–z and []\~ to {}|^ (rfc1459); every other byte is kept.
func Fold(s string) string { return fold(s, true, true) }

// FoldASCII maps A–Z to a–z only (CASEMAPPING=ascii, as on ngIRCd and
// ergo): "x[" and "x{" are two nicks there.
func FoldASCII(s string) string { return fold(s, false, false) }

// FoldStrict maps A–Z to a–z and []\ to {}| but keeps ~ and ^ apart
// (CASEMAPPING=rfc1459-strict).
func FoldStrict(s string) string { return fold(s, true, false) }

// ForName returns the fold of a CASEMAPPING token's value, and whether it
// is one of the mappings known here; an unknown or empty one is rfc1459,
// the protocol's default.
func ForName(name string) (fold func(string) string, known bool) {
	switch name {
	case "ascii":
		return FoldASCII, true
	case "rfc1459-strict", "strict-rfc1459":
		return FoldStrict, true
	case "rfc1459":
		return Fold, true
	}
	return Fold, false
}

func fold(s string, brackets, tilde bool) string {
	for i := 0; i < len(s); i++ {
		if mapped(s[i], brackets, tilde) {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if mapped(b[j], brackets, tilde) {
					b[j] = lower(b[j])
				}
			}
			return string(b)
		}
	}
	return s // already folded: no allocation
}

func mapped(c byte, brackets, tilde bool) bool {
	switch {
	case c >= 'A' && c <= 'Z':
		return true
	case c == '[' || c == ']' || c == '\\':
		return brackets
	case c == '~':
		return tilde
	}
	return false
}

// lower maps one byte that mapped reports: A–Z to a–z, []\~ to {}|^.
func lower(c byte) byte {
	switch c {
	case '[':
		return '{'
	case ']':
		return '}'
	case '\\':
		return '|'
	case '~':
		return '^'
	}
	return c + 'a' - 'A'
}
