package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"proceedings/archive"
	"proceedings/bot/announce"
	"proceedings/config"
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
		RunE: func(cmd *cobra.Command, sources []string) error {
			return importFeeds(cmd.Context(), importFeedOptions{global: globals, sources: sources}, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	rootCmd.AddCommand(cmd)
}

// importFeedOptions are the arguments of import-feed.
type importFeedOptions struct {
	global  globalOptions
	sources []string // files and URLs
}

// importFeeds records the posts of each source, saying how many were new.
func importFeeds(ctx context.Context, opts importFeedOptions, stdout, stderr io.Writer) error {
	s, err := openSession(ctx, opts.global, stderr, useFunc(func(*config.Config) (archiveAccess, error) {
		for _, src := range opts.sources {
			if err := checkFeedArg(src); err != nil {
				return noArchive, err
			}
		}
		return readWrite, nil
	}))
	if err != nil {
		return err
	}
	defer s.close()
	for _, src := range opts.sources {
		var added int
		if isFeedURL(src) {
			added, err = announce.ImportFeedURL(ctx, s.db, src, "")
		} else {
			added, err = importFeedFile(ctx, s.db, src)
		}
		if err != nil {
			return err
		}
		noun := "posts"
		if added == 1 {
			noun = "post"
		}
		fmt.Fprintf(stdout, "%s: %d new %s\n", src, added, noun)
	}
	return nil
}

// isFeedURL reports whether src is a URL import-feed fetches, not a file
// name.
func isFeedURL(src string) bool {
	u, err := url.Parse(src)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file")
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
func importFeedFile(ctx context.Context, db archive.Store, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("import-feed: %w", err)
	}
	defer f.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return announce.ImportFeed(ctx, db, f, abs)
}
