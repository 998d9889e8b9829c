// Package channels is what both archive engines decide about channels
// beyond their SQL: which channel a name finds, and which channels a
// handle treats as public (SetPublicView) and so lets a public search
// match.
package channels

import (
	"fmt"
	"strings"
	"sync"

	"proceedings/archive"
	"proceedings/event"
)

// Find picks the channel named name (IRC case-insensitive) from all, the
// archive's channels. An empty network matches any network, as long as
// only one has that channel.
func Find(all []archive.Channel, network, name string) (archive.Channel, error) {
	folded := event.FoldChannel(name)
	var found []archive.Channel
	for _, c := range all {
		if event.FoldChannel(c.Name) == folded && (network == "" || c.Network == network) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return archive.Channel{}, fmt.Errorf("%w: %s", archive.ErrNoChannel, name)
	case 1:
		return found[0], nil
	}
	nets := make([]string, len(found))
	for i, c := range found {
		nets[i] = c.Network
	}
	return archive.Channel{}, fmt.Errorf("channel %s is in the archive for several networks (%s): name one", name, strings.Join(nets, ", "))
}

type key struct{ network, folded string }

// View is the set of channels a handle treats as public, in place of the
// flags the archive stores, once Set; the zero View follows the stored
// flags. It is safe for concurrent use.
type View struct {
	mu     sync.Mutex
	public map[key]bool // nil: the stored flags
}

// Set makes the listed channels public and every other channel private.
func (v *View) Set(public []event.ChannelRef) {
	m := viewOf(public)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.public = m
}

// Update is Set when the view was set before: what SetPublicOnly does to
// a handle's view after changing the stored flags.
func (v *View) Update(public []event.ChannelRef) {
	m := viewOf(public)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.public != nil {
		v.public = m
	}
}

func viewOf(public []event.ChannelRef) map[key]bool {
	m := make(map[key]bool, len(public))
	for _, c := range public {
		m[key{c.Network, event.FoldChannel(c.Name)}] = true
	}
	return m
}

// IsPublic is a channel's public flag as the view sees it: stored is the
// archive's own flag.
func (v *View) IsPublic(network, name string, stored bool) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.public == nil {
		return stored
	}
	return v.public[key{network, event.FoldChannel(name)}]
}

// ListFunc passes add every channel of the archive with its stored public
// flag.
type ListFunc func(add func(id int64, network, name string, public bool)) error

// SearchChannels says which channels q may match: nil for all. With
// q.PublicOnly it lists the archive's channels (list) to leave out those
// the view does not treat as public.
func (v *View) SearchChannels(q archive.SearchQuery, list ListFunc) ([]int64, error) {
	if !q.PublicOnly {
		if len(q.ChannelIDs) == 0 {
			return nil, nil
		}
		return q.ChannelIDs, nil
	}
	wanted := map[int64]bool{}
	for _, id := range q.ChannelIDs {
		wanted[id] = true
	}
	allowed := []int64{}
	all := true
	err := list(func(id int64, network, name string, public bool) {
		if v.IsPublic(network, name, public) && (len(wanted) == 0 || wanted[id]) {
			allowed = append(allowed, id)
		} else {
			all = false
		}
	})
	if err != nil {
		return nil, err
	}
	if all {
		return nil, nil // every channel is allowed: no filter needed
	}
	return allowed, nil
}
