package render

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"proceedings/event"
	"reflect"
	"strings"
	"testing"
)

func sampleCache() *chanCache {
	c := &chanCache{Version: stateVersion, Days: []dayAgg{
		{Day: "2026-02-01", Rev: 7, Events: 3, Lines: 2, Last: 1769990399000,
			Nicks: []nickAgg{{Key: "alice", Nick: "Alice", Lines: 2, Words: 9}}},
		{Day: "2026-02-02", Rev: -1, Events: 1 << 40, Lines: 5, LinkCount: 3, Last: -5,
			Nicks: []nickAgg{{Key: "alice", Nick: "alice", Lines: 1}, {Key: "боб", Nick: "Боб", Lines: 4, Words: 40}},
			Hosts: []hostAgg{{Host: "techrights.org", N: 2}, {Host: "", N: 1}},
			Links: []string{"https://techrights.org/a", "https://techrights.org/a"}},
		{Day: "2026-02-03"},
	}}
	c.Days[0].Hours[0], c.Days[0].Hours[23], c.Days[1].Hours[12] = 1, 2, -3
	return c
}

func TestCacheRoundTrip(t *testing.T) {
	c := sampleCache()
	data := encodeCache(c)
	got, err := decodeCache(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
	}
	if !bytes.Equal(encodeCache(got), data) {
		t.Error("encoding the decoded cache gives other bytes")
	}
	// Every cut of the file, and a byte too many, is refused.
	for n := range len(data) {
		if _, err := decodeCache(data[:n]); err == nil {
			t.Errorf("a cache cut to %d of %d bytes was read", n, len(data))
		}
	}
	if _, err := decodeCache(append(data, 0)); err == nil {
		t.Error("a cache with a trailing byte was read")
	}
	other := bytes.Clone(data)
	other[len(cacheMagic)] = stateVersion + 1
	if _, err := decodeCache(other); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("a cache of another version: %v", err)
	}
}

// A damaged cache costs a full render of that channel, with a warning, and
// the site comes out as a fresh render makes it.
func TestDamagedCacheRendersAgain(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	out := t.TempDir()
	var logs bytes.Buffer
	opt := fixtureOptions(out)
	opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	render(t, db, opt)
	ch, err := db.FindChannel(context.Background(), "testnet", "#test")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, cachePath(ch.ID))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	store(t, db, event.Event{Network: "testnet", Channel: "#test", Time: at(2, 23, 59, 59).Add(-1), Kind: event.KindMessage, Nick: "dave", Text: "late"})
	st := render(t, db, opt)
	if st.Days != 3 {
		t.Errorf("rendered %d days after the cache was damaged, want all 3", st.Days)
	}
	if !strings.Contains(logs.String(), "the stats cache is unreadable") {
		t.Errorf("no warning about the damaged cache in the log:\n%s", logs.String())
	}
	fresh := t.TempDir()
	render(t, db, fixtureOptions(fresh))
	a, b := readTree(t, out), readTree(t, fresh)
	for k, v := range b {
		if k == StateFile {
			continue
		}
		if !bytes.Equal(a[k], v) {
			t.Errorf("%s differs from a fresh render:\n%s", k, firstDiff(a[k], v))
		}
	}
}

func FuzzDecodeCache(f *testing.F) {
	data := encodeCache(sampleCache())
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte(cacheMagic + "\x01\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCache(data)
		if err != nil {
			return
		}
		again, err := decodeCache(encodeCache(c))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("a cache read from %q does not survive a round trip: %v", data, err)
		}
	})
}
