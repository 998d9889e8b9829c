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

func FuzzFold(f *testing.F) {
	f.Add("#TechRights[]")
	f.Fuzz(func(t *testing.T, s string) {
		a := Fold(s)
		if Fold(a) != a {
			t.Fatalf("Fold is not idempotent on %q", s)
		}
		if len(a) != len(s) {
			t.Fatalf("Fold changed the length of %q", s)
		}
	})
}
