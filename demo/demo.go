// Package demo ships the sample archive data used by proceedings demo.
//
// Files holds, under fixed paths:
//
//   - logs/CHANNEL-YYYY-MM-DD.txt: one channel and one day each, in the
//     project's own text log format (see package logs), with the network and
//     the zone named in the header. Three days of #techrights and one of
//     #techbytes. The nicks, conversations and most links are invented.
//   - feed.xml: an RSS feed of the site's posts, with the ten parts of the
//     series "From Belarus With Love" and the posts the bot announces in the
//     logs, dated around the days of the logs.
//   - content/index.md and content/about.md: the pages of the demo site, in
//     Markdown.
//
// The package only ships the data; loading it into an archive, rendering
// and serving are the command's job.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Files is the sample data: logs/*.txt, feed.xml and content/.
//
//go:embed logs/*.txt feed.xml content
var Files embed.FS

// Network is the network named in the sample logs.
const Network = "techrights"

// Zone is the time zone of the sample logs and of the demo site's days.
const Zone = "Europe/London"

// Logs returns the paths in Files of the sample logs ("logs/….txt"), oldest
// day first, and channels in name order within a day.
func Logs() ([]string, error) {
	ents, err := fs.ReadDir(Files, "logs")
	if err != nil {
		return nil, fmt.Errorf("list the demo logs: %w", err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".txt") {
			names = append(names, e.Name())
		}
	}
	// CHANNEL-YYYY-MM-DD.txt: order by the date, then by the channel.
	key := func(name string) (date, channel string) {
		base := strings.TrimSuffix(name, ".txt")
		if len(base) < len("2006-01-02") {
			return base, base
		}
		cut := len(base) - len("2006-01-02")
		return base[cut:], base[:cut]
	}
	slices.SortFunc(names, func(a, b string) int {
		da, ca := key(a)
		db, cb := key(b)
		if c := strings.Compare(da, db); c != 0 {
			return c
		}
		return strings.Compare(ca, cb)
	})
	for i, n := range names {
		names[i] = path.Join("logs", n)
	}
	return names, nil
}
