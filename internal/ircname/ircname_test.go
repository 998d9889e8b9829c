package ircname

import "testing"

func TestValidChannel(t *testing.T) {
	for name, want := range map[string]bool{
		"#techrights": true, "##linux": true, "&local": true, "+modeless": true, "!12345chan": true,
		"#c++": true, "##c++": true, "+x": true, "!ABCDEchan": true, "#a.b-c_d[e]": true, "#Ünïcødé": true, "#日本語": true,
		"": false, "#": false, "techrights": false, "#with space": false, "#comma,chan": false,
		"#colon:chan": false, "#cr\r": false, "#c1csi\u009b": false, "#bell\a": false, "#esc\x1b[31m": false, "#new\nline": false,
		"#nul\x00": false, "#del\x7f": false, "#c1\u0085": false, "#ls\u2028": false,
		"#bad\xff": false, "#" + string(make([]byte, 200)): false,
	} {
		if got := ValidChannel(name); got != want {
			t.Errorf("ValidChannel(%q) = %v, want %v", name, got, want)
		}
	}
}

func FuzzValidChannel(f *testing.F) {
	f.Add("#techrights")
	f.Add("#a b")
	f.Fuzz(func(t *testing.T, name string) {
		if !ValidChannel(name) {
			return
		}
		for _, r := range name {
			if r < ' ' || r == ' ' || r == ',' || r == ':' {
				t.Fatalf("ValidChannel(%q) accepts %q", name, r)
			}
		}
	})
}
