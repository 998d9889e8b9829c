package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The archive is a SQLite file (a path made absolute) or a postgres:// URL
// kept as given; the password is never in the file.
func TestArchiveLocation(t *testing.T) {
	withArchive := func(lines string) string {
		return strings.Replace(minimal, "archive: data/a.db\n", lines, 1)
	}
	c, err := Parse([]byte(withArchive("archive: postgres://proc@db.example.org:5432/logs?sslmode=verify-full\n")), "/etc/p/bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Archive != "postgres://proc@db.example.org:5432/logs?sslmode=verify-full" || !IsArchiveURL(c.Archive) {
		t.Errorf("archive = %q, want the URL as given", c.Archive)
	}
	if got, err := c.ArchiveLocation(); err != nil || got != c.Archive {
		t.Errorf("ArchiveLocation() = %q, %v; want the URL (no password configured)", got, err)
	}
	for _, w := range c.writes {
		if w.key == "archive" {
			t.Errorf("a database URL is not a path to write: %+v", w)
		}
	}

	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("s3cr:t/@x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Parse([]byte(withArchive("archive: postgres://proc@db.example.org/logs\narchive_password_file: "+pwFile+"\n")), "bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ArchiveLocation()
	if err != nil || got != "postgres://proc:s3cr%3At%2F%40x@db.example.org/logs" {
		t.Errorf("ArchiveLocation() = %q, %v; want the password from the file, escaped", got, err)
	}
	if strings.Contains(c.Archive, "s3cr") {
		t.Errorf("Archive %q holds the password", c.Archive)
	}

	t.Setenv("PROC_TEST_ARCHIVE_PW", "")
	c, err = Parse([]byte(withArchive("archive: postgres://proc@db/logs\narchive_password_env: PROC_TEST_ARCHIVE_PW\n")), "bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ArchiveLocation(); err == nil || !strings.Contains(err.Error(), "PROC_TEST_ARCHIVE_PW") {
		t.Errorf("an empty password variable: %v, want an error naming it", err)
	}

	for _, c := range []struct{ lines, want string }{
		{"archive: postgres://proc:hunter2@db/logs\n", "the URL holds a password"},
		{"archive: postgres://db/logs?password=hunter2\n", "password parameter"},
		{"archive: mysql://db/logs\n", "mysql:// is not an archive engine"},
		{"archive: postgres://db/logs\narchive_password_env: X\n", "name the user"},
		{"archive: data/a.db\narchive_password_env: X\n", "archive_password_env: a password is only for a postgres:// archive"},
		{"archive: data/a.db\narchive_password_file: /etc/pw\n", "archive_password_file: a password is only for a postgres:// archive"},
		{"archive: postgres://u@db/logs\narchive_password_env: X\narchive_password_file: /etc/pw\n", "give archive_password_env or archive_password_file, not both"},
		{"archive: postgres://u@db/logs\narchive_password_env: hunter2!\n", "not an environment variable name"},
		{"archive: host=db dbname=logs password=hunter2\n", "archive: this is a PostgreSQL keyword=value connection string"},
		{"archive: \"  dbname = logs user=proc password=hunter2\"\n", "name the archive with a postgres:// URL"},
		// Passwords that break the URL: net/url quotes what it could not
		// read, and that must not be repeated (an outside helper's find).
		{"archive: \"postgres://proc:hunter2/x@db:5432/logs\"\n", "want a postgres:// URL"},
		{"archive: \"postgres://proc:hun%zzter2@db/logs\"\n", "want a postgres:// URL"},
		{"archive: \"postgres://proc:hu nter2@db/logs\"\n", "want a postgres:// URL"},
		{"archive: \"postgres://proc:hunter2#x@db/logs\"\n", "want a postgres:// URL"},
		{"archive: \"postgres://proc:12345#hunter2@db/logs\"\n", "a # has no place"},
	} {
		probs := problemsOf(t, withArchive(c.lines))
		var all []string
		for _, p := range probs {
			all = append(all, p.String())
			if p.Line == 0 {
				t.Errorf("%q: problem %q names no line", c.lines, p)
			}
		}
		joined := strings.Join(all, "\n")
		if !strings.Contains(joined, c.want) {
			t.Errorf("%q: problems %q, want one saying %q", c.lines, joined, c.want)
		}
		if strings.Contains(joined, "hunter2") {
			t.Errorf("%q: a problem repeats the password: %q", c.lines, joined)
		}
	}
}
