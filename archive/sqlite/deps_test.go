package sqlite

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLibcIsTheOneSQLitePins checks that the modernc.org/libc this binary is
// built with (go.mod's) is exactly the version modernc.org/sqlite's go.mod requires.
// modernc's SQLite is C translated to Go against one libc: another libc
// version builds and then fails at run time, and scan.go calls libc itself.
// A routine `go get -u` would move libc alone; this test catches it (go.mod
// says so where the dependency is declared).
func TestLibcIsTheOneSQLitePins(t *testing.T) {
	// The versions go.mod selects, and where sqlite's own go.mod is.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Version}} {{.GoMod}}", "modernc.org/sqlite", "modernc.org/libc").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	var sqliteV, libcV, modFile string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("go list -m printed %q", line)
		}
		switch f[0] {
		case "modernc.org/sqlite":
			sqliteV, modFile = f[1], f[2]
		case "modernc.org/libc":
			libcV = f[1]
		}
	}
	if sqliteV == "" || libcV == "" {
		t.Fatalf("go list -m: modernc.org/sqlite %q and modernc.org/libc %q: go.mod must require both", sqliteV, libcV)
	}
	data, err := os.ReadFile(modFile)
	if err != nil {
		t.Fatalf("read the go.mod of modernc.org/sqlite %s: %v", sqliteV, err)
	}
	want := ""
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "modernc.org/libc" {
			want = f[1]
		} else if len(f) >= 3 && f[0] == "require" && f[1] == "modernc.org/libc" {
			want = f[2]
		}
	}
	if want == "" {
		t.Fatalf("%s requires no modernc.org/libc", modFile)
	}
	if libcV != want {
		t.Errorf("built with modernc.org/libc %s, but modernc.org/sqlite %s requires %s: set go.mod's libc to %s", libcV, sqliteV, want, want)
	}
}
