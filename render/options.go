package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"proceedings/event"
	"sort"
	"strings"
	"time"

	"proceedings/archive"
)

// Options say what to render and where.
type Options struct {
	// Out is the directory the site is written to. It is created when
	// missing. Render keeps its bookkeeping in Out/.proceedings-state.json
	// and Out/.proceedings-cache/.
	Out string
	// BaseURL is the absolute address the site is published at, ending in
	// "/" ("https://irc.example.org/logs/"). It makes canonical links and
	// the feed's links absolute; empty leaves them relative.
	BaseURL string
	// Title is the site's name, shown in every page's header. Default
	// "IRC Proceedings".
	Title string
	// Location is the site's timezone. It must be the one the archive was
	// opened with (nil takes the archive's).
	Location *time.Location
	// ContentDir holds optional Markdown pages: index.md (the front
	// page's introduction), about.md (about.html) and channels/SLUG.md (a
	// channel's description, SLUG as sitepath.Slug makes it). Raw HTML in
	// them is not rendered.
	ContentDir string
	// Pages are more Markdown pages, by name: "commands" → commands.html.
	// Each is rendered like about.html (goldmark, raw HTML not rendered)
	// and linked from every page's navigation. A name is lower-case
	// letters, digits and dashes, and not index or about.
	Pages map[string][]byte
	// Channels are the channels the configuration knows, with whether each
	// is published. When Channels is nil, the archive's own public flag
	// decides; when it is not, only the channels listed here as Public are
	// published, whatever the archive says.
	Channels []ChannelOptions
	// Now is the clock (default time.Now). The feed lists days that have
	// ended by Now in Location.
	Now func() time.Time
	// Progress, when not nil, is called as channel-days are rendered with
	// how many are done out of how many.
	Progress func(done, total int)
	// Full renders every page even when the saved state says nothing
	// changed.
	Full bool
	// ShowHosts publishes the user@host of joins, parts and quits; without
	// it no page carries a host.
	ShowHosts bool
	// Workers is how many days are rendered at once (default: the number
	// of CPUs).
	Workers int
	// Logger receives progress notes (default slog.Default()).
	Logger *slog.Logger
}

// ChannelOptions are a channel's site settings.
type ChannelOptions struct {
	Network, Name string
	// Public publishes the channel's logs. A channel that is not public
	// appears nowhere on the site.
	Public bool
	// NoIndex asks search engines to keep the channel's pages out of
	// their index: a robots meta tag on each page and a robots.txt entry.
	NoIndex bool
	// Description is one line about the channel, shown on the front page
	// and its calendar.
	Description string
}

// Stats say what a Render did.
type Stats struct {
	Full     bool          // everything was rendered (first run, changed options, Options.Full)
	Revision int64         // the archive revision the site now shows
	Days     int           // channel-days rendered
	Events   int           // events written into day pages
	Written  []string      // files written, relative to Out, sorted
	Removed  []string      // files removed, relative to Out, sorted
	Duration time.Duration // wall time
}

// LinesPerSecond is the rate at which events were rendered.
func (s Stats) LinesPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Events) / s.Duration.Seconds()
}

// normalize checks the options and fills in defaults.
func (o *Options) normalize(db archive.Store) error {
	if o.Out == "" {
		return fmt.Errorf("render: no output directory given (set site.out)")
	}
	if o.Title == "" {
		o.Title = "IRC Proceedings"
	}
	if o.Location == nil {
		o.Location = db.Location()
	} else if o.Location.String() != db.Location().String() {
		return fmt.Errorf("render: the site's timezone is %s but the archive was opened in %s: open it with the site's timezone", o.Location, db.Location())
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("render: base URL %q is not an absolute http(s) URL", o.BaseURL)
		}
		if !strings.HasSuffix(o.BaseURL, "/") {
			o.BaseURL += "/"
		}
	}
	for name := range o.Pages {
		if !validPageName(name) {
			return fmt.Errorf("render: page name %q: use lower-case letters, digits and dashes (not index or about)", name)
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return nil
}

// validPageName says whether name may name one of Options.Pages: a file
// name of its own at the site's root.
func validPageName(name string) bool {
	if name == "" || len(name) > 64 || name == "index" || name == "about" || name[0] == '-' {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// pageNames are the names of Options.Pages, sorted.
func (o *Options) pageNames() []string {
	names := make([]string, 0, len(o.Pages))
	for name := range o.Pages {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// chanOpts finds a channel's options; ok is false for a channel the
// options do not list.
func (o *Options) chanOpts(network, name string) (ChannelOptions, bool) {
	f := event.FoldChannel(name)
	for _, c := range o.Channels {
		if c.Network == network && event.FoldChannel(c.Name) == f {
			return c, true
		}
	}
	return ChannelOptions{}, false
}

// keys fingerprints what the pages depend on besides the archive.
// dayKey covers what every page shows (a change renders everything);
// siteKey covers what only the listing pages show (descriptions, Markdown).
func (o *Options) keys() (dayKey, siteKey string, err error) {
	d := sha256.New()
	fmt.Fprintf(d, "v%d\x00l%d\x00%s\x00%s\x00%s\x00", stateVersion, lineVersion, o.Title, o.BaseURL, o.Location)
	// The templates, the stylesheet and the script: a new binary with
	// other markup renders everything again.
	fs.WalkDir(assets, ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			data, _ := assets.ReadFile(p)
			fmt.Fprintf(d, "%s\x00%d\x00", p, len(data))
			d.Write(data)
		}
		return nil
	})
	chans := append([]ChannelOptions(nil), o.Channels...)
	sort.Slice(chans, func(i, j int) bool {
		if chans[i].Network != chans[j].Network {
			return chans[i].Network < chans[j].Network
		}
		return event.FoldChannel(chans[i].Name) < event.FoldChannel(chans[j].Name)
	})
	fmt.Fprintf(d, "channels:%t\x00hosts:%t\x00", o.Channels == nil, o.ShowHosts)
	s := sha256.New()
	// Every page links the extra pages: their names are the day key's,
	// their text is the site key's.
	for _, name := range o.pageNames() {
		fmt.Fprintf(d, "page:%s\x00", name)
		fmt.Fprintf(s, "page:%s\x00%d\x00", name, len(o.Pages[name]))
		s.Write(o.Pages[name])
	}
	for _, c := range chans {
		fmt.Fprintf(d, "%s\x00%s\x00%t\x00%t\x00", c.Network, event.FoldChannel(c.Name), c.Public, c.NoIndex)
		if c.Public {
			fmt.Fprintf(s, "%s\x00%s\x00%s\x00", c.Network, c.Name, c.Description)
		}
	}
	if o.ContentDir != "" {
		err := filepath.WalkDir(o.ContentDir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == o.ContentDir {
					return filepath.SkipDir
				}
				return err
			}
			if e.IsDir() || !strings.HasSuffix(p, ".md") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(o.ContentDir, p)
			fmt.Fprintf(s, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
			s.Write(data)
			return nil
		})
		if err != nil {
			return "", "", fmt.Errorf("render: read the content directory: %w", err)
		}
	}
	return hex.EncodeToString(d.Sum(nil)), hex.EncodeToString(s.Sum(nil)), nil
}
