package casemap

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"#techrights":      "#techrights",
		"#TechRights":      "#techrights",
		"#A[]\\~":          "#a{}|^",
		"Nick[away]":       "nick{away}",
		"#Ünïcode":         "#Ünïcode",
		"#MIXED_case-123~": "#mixed_case-123^",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMappings(t *testing.T) {
	for _, tc := range []struct {
		mapping, in, want string
		known             bool
	}{
		{"ascii", "X[a]\\~", "x[a]\\~", true},
		{"rfc1459", "X[a]\\~", "x{a}|^", true},
		{"rfc1459-strict", "X[a]\\~", "x{a}|~", true},
		{"", "X[", "x{", false},
		{"unicode", "X[", "x{", false},
	} {
		fold, known := ForName(tc.mapping)
		if got := fold(tc.in); got != tc.want || known != tc.known {
			t.Errorf("ForName(%q)(%q) = %q, known %v; want %q, %v", tc.mapping, tc.in, got, known, tc.want, tc.known)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("#TechRights[]")
	f.Fuzz(func(t *testing.T, s string) {
		for _, fold := range []func(string) string{Fold, FoldASCII, FoldStrict} {
			a := fold(s)
			if fold(a) != a {
				t.Fatalf("a fold is not idempotent on %q", s)
			}
			if len(a) != len(s) {
				t.Fatalf("a fold changed the length of %q", s)
			}
			if Fold(a) != Fold(s) {
				t.Fatalf("%q folds to %q, which rfc1459 tells apart from it", s, a)
			}
		}
	})
}
