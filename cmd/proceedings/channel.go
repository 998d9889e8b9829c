package main

import (
	"context"
	"fmt"
	"proceedings/event"
	"strings"

	"proceedings/archive"
)

// channelPrefixes start a channel name on IRC.
const channelPrefixes = "#&+!"

// findChannel is archive.FindChannel that also takes a name without its
// channel prefix ("techrights" for #techrights), as the web API does. Such
// a name must fit one channel; when several do (#x and ##x), the message
// lists them.
func findChannel(ctx context.Context, db *archive.DB, network, name string) (archive.Channel, error) {
	if name == "" || strings.ContainsRune(channelPrefixes, rune(name[0])) {
		return db.FindChannel(ctx, network, name)
	}
	chans, err := db.Channels(ctx)
	if err != nil {
		return archive.Channel{}, err
	}
	folded := event.FoldChannel(name)
	var names []string
	for _, c := range chans {
		if network != "" && c.Network != network {
			continue
		}
		bare := strings.TrimLeft(c.Name, channelPrefixes)
		if event.FoldChannel(bare) == folded && !containsFolded(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	switch len(names) {
	case 0:
		return db.FindChannel(ctx, network, name) // says there is no such channel
	case 1:
		return db.FindChannel(ctx, network, names[0])
	}
	return archive.Channel{}, fmt.Errorf("--channel %s fits several channels (%s): give the name with its prefix, e.g. '%s'", name, strings.Join(names, ", "), names[0])
}

func containsFolded(list []string, name string) bool {
	for _, s := range list {
		if event.FoldChannel(s) == event.FoldChannel(name) {
			return true
		}
	}
	return false
}
