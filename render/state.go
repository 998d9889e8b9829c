package render

import (
	"bytes"
	"encoding/binary"
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
	// StateFile, in the output directory, is what the last render saw of
	// the archive (its revision, fingerprints): it differs between two
	// archives holding the same events.
	StateFile = ".proceedings-state.json"
	// CacheDir, in the output directory, holds each channel's per-day
	// aggregates with the day's revision, for the next render.
	CacheDir = ".proceedings-cache"
)

// state is what the last Render left: enough to tell what changed since.
// It holds nothing of channels that are not public.
type state struct {
	Version int
	fingerprint
	Channels []stateChannel
	Series   []string // series pages written, relative to Out
	Pages    []string // names of Options.Pages written
	Feed     []feedEntry
}

type stateChannel struct {
	ID            int64
	Network, Name string
	Dir           string // sitepath.ChannelPath
	Days          int
}

// feedEntry is one day in the Atom feed.
type feedEntry struct {
	Day      string
	Channel  int64
	Network  string
	Name     string
	Path     string // sitepath.DayPath
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
	data, err := os.ReadFile(filepath.Join(r.opt.Out, StateFile))
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
	return r.writeFile(StateFile, false, data)
}

func cachePath(id int64) string {
	return CacheDir + "/" + strconv.FormatInt(id, 10) + ".cache"
}

func (r *renderer) loadCache(id int64) *chanCache {
	data, err := os.ReadFile(filepath.Join(r.opt.Out, filepath.FromSlash(cachePath(id))))
	if err != nil {
		return nil
	}
	c, err := decodeCache(data)
	if err != nil {
		r.opt.Logger.Warn("the stats cache is unreadable; the channel's days are read again", "component", "render", "file", cachePath(id), "err", err)
		return nil
	}
	return c
}

func (r *renderer) saveCache(id int64, c *chanCache) error {
	c.Version = stateVersion
	return r.writeFile(cachePath(id), false, encodeCache(c))
}

// The stats cache is read and written whole on every render that changes
// the channel, so its format is a compact one of our own: the magic, the
// version, a table of the distinct strings (nicks, hosts and links repeat
// from day to day), then the days, every number a varint and every string
// an index into the table.
const cacheMagic = "PRCC"

func encodeCache(c *chanCache) []byte {
	idx := make(map[string]uint64, 64)
	var table []string
	ref := func(s string) uint64 {
		i, ok := idx[s]
		if !ok {
			i = uint64(len(table))
			idx[s] = i
			table = append(table, s)
		}
		return i
	}
	days := make([]byte, 0, 512*len(c.Days))
	u := func(v uint64) { days = binary.AppendUvarint(days, v) }
	i := func(v int64) { days = binary.AppendVarint(days, v) }
	u(uint64(len(c.Days)))
	for _, d := range c.Days {
		u(ref(d.Day))
		i(d.Rev)
		i(int64(d.Events))
		i(int64(d.Lines))
		for _, h := range d.Hours {
			i(int64(h))
		}
		u(uint64(len(d.Nicks)))
		for _, n := range d.Nicks {
			u(ref(n.Key))
			u(ref(n.Nick))
			i(int64(n.Lines))
			i(int64(n.Words))
		}
		u(uint64(len(d.Hosts)))
		for _, h := range d.Hosts {
			u(ref(h.Host))
			i(int64(h.N))
		}
		u(uint64(len(d.Links)))
		for _, l := range d.Links {
			u(ref(l))
		}
		i(int64(d.LinkCount))
		i(d.Last)
	}
	out := binary.AppendUvarint([]byte(cacheMagic), uint64(c.Version))
	out = binary.AppendUvarint(out, uint64(len(table)))
	for _, s := range table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, days...)
}

// decodeCache reads what encodeCache wrote; anything else (another
// version, a truncated or damaged file) is an error, never a panic.
func decodeCache(data []byte) (*chanCache, error) {
	d := cacheDecoder{data: data}
	if !bytes.HasPrefix(data, []byte(cacheMagic)) {
		return nil, errors.New("not a stats cache")
	}
	d.pos = len(cacheMagic)
	c := &chanCache{Version: int(d.uint())}
	if d.err == nil && c.Version != stateVersion {
		return nil, fmt.Errorf("stats cache version %d, want %d", c.Version, stateVersion)
	}
	table := make([]string, d.count(1))
	for k := range table {
		n := d.count(1)
		if d.err != nil {
			break
		}
		table[k] = string(d.data[d.pos : d.pos+n])
		d.pos += n
	}
	str := func() string {
		k := d.uint()
		if k >= uint64(len(table)) {
			d.fail("a string index out of range")
			return ""
		}
		return table[k]
	}
	// A day takes at least 32 bytes (24 hours and 8 other fields), a nick
	// 4, a host 2 and a link 1: counts beyond what is left are damage.
	c.Days = make([]dayAgg, d.count(32))
	for k := range c.Days {
		a := &c.Days[k]
		a.Day, a.Rev, a.Events, a.Lines = str(), d.int(), int(d.int()), int(d.int())
		for h := range a.Hours {
			a.Hours[h] = int32(d.int())
		}
		if n := d.count(4); n > 0 {
			a.Nicks = make([]nickAgg, n)
			for x := range a.Nicks {
				a.Nicks[x] = nickAgg{Key: str(), Nick: str(), Lines: int(d.int()), Words: int(d.int())}
			}
		}
		if n := d.count(2); n > 0 {
			a.Hosts = make([]hostAgg, n)
			for x := range a.Hosts {
				a.Hosts[x] = hostAgg{Host: str(), N: int(d.int())}
			}
		}
		if n := d.count(1); n > 0 {
			a.Links = make([]string, n)
			for x := range a.Links {
				a.Links[x] = str()
			}
		}
		a.LinkCount, a.Last = int(d.int()), d.int()
		if d.err != nil {
			return nil, d.err
		}
	}
	if d.err == nil && d.pos != len(d.data) {
		d.fail("bytes after the last day")
	}
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

// cacheDecoder reads varints and remembers the first error; after it,
// every read returns zero.
type cacheDecoder struct {
	data []byte
	pos  int
	err  error
}

func (d *cacheDecoder) fail(why string) {
	if d.err == nil {
		d.err = fmt.Errorf("damaged stats cache at byte %d: %s", d.pos, why)
	}
}

func (d *cacheDecoder) uint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *cacheDecoder) int() int64 { return readVarint(d, binary.Varint) }

// readVarint reads one number with read (binary.Uvarint or Varint).
func readVarint[T uint64 | int64](d *cacheDecoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.data[d.pos:])
	if n <= 0 {
		d.fail("a truncated or overlong number")
		return 0
	}
	d.pos += n
	return v
}

// count reads a length whose items take at least size bytes each.
func (d *cacheDecoder) count(size int) int {
	v := d.uint()
	if d.err == nil && v > uint64((len(d.data)-d.pos)/size) {
		d.fail("a count larger than the rest of the file")
	}
	if d.err != nil {
		return 0
	}
	return int(v)
}

func (r *renderer) removeCache(id int64) error {
	err := os.Remove(filepath.Join(r.opt.Out, filepath.FromSlash(cachePath(id))))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove a stats cache: %w", err)
	}
	return nil
}
