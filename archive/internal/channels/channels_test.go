package channels

import (
	"errors"
	"slices"
	"testing"

	"proceedings/archive"
	"proceedings/event"
)

func TestFind(t *testing.T) {
	all := []archive.Channel{
		{ID: 1, Network: "libera", Name: "#Techrights"},
		{ID: 2, Network: "oftc", Name: "#techrights"},
		{ID: 3, Network: "libera", Name: "#other[]"},
	}
	for _, c := range []struct {
		network, name string
		want          int64 // 0: an error
		noChannel     bool
	}{
		{"libera", "#techrights", 1, false},
		{"", "#OTHER{}", 3, false},
		{"", "#techrights", 0, false}, // on two networks
		{"", "#missing", 0, true},
		{"oftc", "#other[]", 0, true},
	} {
		got, err := Find(all, c.network, c.name)
		if c.want != 0 {
			if err != nil || got.ID != c.want {
				t.Errorf("Find(%q, %q) = %d, %v; want %d", c.network, c.name, got.ID, err, c.want)
			}
			continue
		}
		if err == nil || errors.Is(err, archive.ErrNoChannel) != c.noChannel {
			t.Errorf("Find(%q, %q) = %d, %v; want an error (no channel: %v)", c.network, c.name, got.ID, err, c.noChannel)
		}
	}
}

func TestView(t *testing.T) {
	var v View
	if !v.IsPublic("n", "#a", true) || v.IsPublic("n", "#a", false) {
		t.Error("an unset view does not follow the stored flags")
	}
	v.Update([]event.ChannelRef{{Network: "n", Name: "#a"}})
	if v.IsPublic("n", "#a", false) {
		t.Error("Update set a view that was not set")
	}
	v.Set([]event.ChannelRef{{Network: "n", Name: "#A"}})
	if !v.IsPublic("n", "#a", false) || v.IsPublic("n", "#b", true) {
		t.Error("a set view does not replace the stored flags")
	}
	v.Update([]event.ChannelRef{{Network: "n", Name: "#b"}})
	if v.IsPublic("n", "#a", false) || !v.IsPublic("n", "#b", false) {
		t.Error("Update did not replace a set view")
	}
}

func TestSearchChannels(t *testing.T) {
	list := func(add func(id int64, network, name string, public bool)) error {
		add(1, "n", "#pub", true)
		add(2, "n", "#priv", false)
		add(3, "n", "#pub2", true)
		return nil
	}
	var v View
	for _, c := range []struct {
		q    archive.SearchQuery
		want []int64
	}{
		{archive.SearchQuery{}, nil},
		{archive.SearchQuery{ChannelIDs: []int64{2}}, []int64{2}},
		{archive.SearchQuery{PublicOnly: true}, []int64{1, 3}},
		{archive.SearchQuery{PublicOnly: true, ChannelIDs: []int64{2, 3}}, []int64{3}},
		{archive.SearchQuery{PublicOnly: true, ChannelIDs: []int64{2}}, []int64{}},
	} {
		got, err := v.SearchChannels(c.q, list)
		if err != nil || !slices.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("SearchChannels(%+v) = %v, %v; want %v", c.q, got, err, c.want)
		}
	}
	onlyPublic := func(add func(id int64, network, name string, public bool)) error {
		add(1, "n", "#pub", true)
		return nil
	}
	if got, err := v.SearchChannels(archive.SearchQuery{PublicOnly: true}, onlyPublic); err != nil || got != nil {
		t.Errorf("every channel public: %v, %v; want nil (no filter)", got, err)
	}
}
