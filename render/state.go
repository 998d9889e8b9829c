package render

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// stateVersion changes when the state or cache layout changes; a state of
// another version is ignored (everything is rendered again).
const stateVersion = 1

const (
	stateFile = ".proceedings-state.json"
	cacheDir  = ".proceedings-cache"
)

// state is what the last Render left: enough to tell what changed since.
// It holds nothing of channels that are not public.
type state struct {
	Version   int
	DayKey    string
	SiteKey   string
	SeriesKey string
	Rev       int64
	Today     string
	Channels  []stateChannel
	Series    []string // series pages written, relative to Out
	Pages     []string // names of Options.Pages written
	Feed      []feedEntry
}

type stateChannel struct {
	ID            int64
	Network, Name string
	Dir           string // ChannelPath
	Days          int
}

// feedEntry is one day in the Atom feed.
type feedEntry struct {
	Day      string
	Channel  int64
	Network  string
	Name     string
	Path     string // DayPath
	Lines    int
	Speakers int
	Links    []string
	Last     int64 // the day's last event, Unix milliseconds
}

// chanCache keeps, per channel, what each rendered day contributed to the
// channel's stats page and to the feed, so that a change to one day does not
// mean reading the channel's whole history again.
type chanCache struct {
	Version int
	Days    []dayAgg // oldest first
}

// dayAgg is one day's contribution.
type dayAgg struct {
	Day       string
	Rev       int64
	Events    int
	Lines     int
	Hours     [24]int32
	Nicks     []nickAgg // by Key
	Hosts     []hostAgg // by Host
	Links     []string  // the most shared links, at most feedLinks
	LinkCount int
	Last      int64 // last event, Unix milliseconds
}

type nickAgg struct {
	Key, Nick    string // folded and as last written
	Lines, Words int
}

type hostAgg struct {
	Host string
	N    int
}

func (r *renderer) loadState() *state {
	data, err := os.ReadFile(filepath.Join(r.opt.Out, stateFile))
	if err != nil {
		return nil
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil || s.Version != stateVersion {
		return nil
	}
	return &s
}

func (r *renderer) saveState(s *state) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("save the render state: %w", err)
	}
	return r.writeFile(stateFile, data, false)
}

func cachePath(id int64) string {
	return cacheDir + "/" + strconv.FormatInt(id, 10) + ".gob"
}

func (r *renderer) loadCache(id int64) *chanCache {
	data, err := os.ReadFile(filepath.Join(r.opt.Out, filepath.FromSlash(cachePath(id))))
	if err != nil {
		return nil
	}
	var c chanCache
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil || c.Version != stateVersion {
		return nil
	}
	return &c
}

func (r *renderer) saveCache(id int64, c *chanCache) error {
	c.Version = stateVersion
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("save the stats cache: %w", err)
	}
	return r.writeFile(cachePath(id), buf.Bytes(), false)
}

func (r *renderer) removeCache(id int64) error {
	err := os.Remove(filepath.Join(r.opt.Out, filepath.FromSlash(cachePath(id))))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove a stats cache: %w", err)
	}
	return nil
}
