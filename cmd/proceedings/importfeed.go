package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot/announce"
)

func init() {
	cmd := &cobra.Command{
		Use:   "import-feed <file-or-url>…",
		Short: "Load past posts (a feed, or a plain list) into the archive without announcing them",
		Long: `import-feed records the posts of RSS, Atom, RDF or JSON feeds, or of plain
lists of past posts, in the archive, recognising series parts in their titles.
Imported posts are known: the bot never announces them later. Use it to seed
old series before the bot's first run, so that "!part 3" finds parts that have
left the site's feed.

An argument is a file, or an http://, https:// or file: URL. A plain list has
one post per line: an optional date (2006-01-02), the URL and the title, e.g.

  2026-01-05 https://example.org/part-i/ From Belarus With Love — Part I: Schizophrenic EPO Policy

Blank lines and lines starting with # are skipped.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			for _, arg := range args {
				if err := checkFeedArg(arg); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			db, err := openArchive(ctx, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()
			for _, arg := range args {
				var added int
				u, perr := url.Parse(arg)
				switch {
				case perr == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file"):
					added, err = announce.ImportFeedURL(ctx, db, arg, "")
				default:
					added, err = importFeedFile(cmd, db, arg)
				}
				if err != nil {
					return err
				}
				noun := "posts"
				if added == 1 {
					noun = "post"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d new %s\n", arg, added, noun)
			}
			return nil
		},
	}
	rootCmd.AddCommand(cmd)
}

// checkFeedArg refuses a URL of a scheme import-feed does not read, which
// would otherwise be looked for as a file of that name.
func checkFeedArg(arg string) error {
	u, err := url.Parse(arg)
	if err != nil || !strings.Contains(arg, "://") {
		return nil // a file name
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "file":
		return nil
	}
	return fmt.Errorf("import-feed %s: %s: URLs are not supported: give an http:// or https:// URL or a local file (a path, or file:)", arg, u.Scheme)
}

// importFeedFile imports one feed file; its absolute path is stored as the
// posts' source.
func importFeedFile(cmd *cobra.Command, db *archive.DB, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("import-feed: %w", err)
	}
	defer f.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return announce.ImportFeed(cmd.Context(), db, f, abs)
}
