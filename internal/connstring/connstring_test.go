package connstring

import "testing"

func TestIsKeywordValue(t *testing.T) {
	for s, want := range map[string]bool{
		"host=db.example.org dbname=proceedings password=secret": true,
		"  dbname = proceedings":                                 true,
		"password=x":                                             true,
		"service=archive":                                        true,
		"PASSWORD=x HOST=db":                                     true,
		"data/archive.db":                                        false,
		"data/host=1.db":                                         false,
		"archive=1.db":                                           false,
		"postgres://u@h/db?sslmode=disable":                      false,
		"":                                                       false,
		"host":                                                   false,
	} {
		if got := IsKeywordValue(s); got != want {
			t.Errorf("IsKeywordValue(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzIsKeywordValue(f *testing.F) {
	f.Add("host=db dbname=x")
	f.Add("data/archive.db")
	f.Fuzz(func(t *testing.T, s string) {
		if IsKeywordValue(s) && !containsEq(s) {
			t.Errorf("%q has no '=' but is taken for a connection string", s)
		}
	})
}

func containsEq(s string) bool {
	for i := range len(s) {
		if s[i] == '=' {
			return true
		}
	}
	return false
}
