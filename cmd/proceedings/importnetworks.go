package main

import (
	"errors"
	"fmt"
	"strings"

	"proceedings/bot"
	"proceedings/config"
	"proceedings/event"
	"proceedings/logs"
)

// soleNetwork is the configuration's network, when it has one only.
func soleNetwork(cfg *config.Config) (string, error) {
	switch len(cfg.Networks) {
	case 0:
		return "", errors.New("--network is required: the configuration has no network")
	case 1:
		return cfg.Networks[0].Name, nil
	}
	return "", fmt.Errorf("--network is required: the configuration has several (%s)", strings.Join(cfg.NetworkNames(), ", "))
}

// networkNames turns the network a path names into the network the events
// are stored under.
type networkNames struct {
	cfg      *config.Config
	def      string            // --network NAME, else the configured network
	explicit bool              // def is --network NAME
	defErr   error             // why there is no default
	folder   map[string]string // lower-cased folder name → network, from --network FOLDER=NAME
}

func newNetworkNames(cfg *config.Config, flags []string) (networkNames, error) {
	n := networkNames{cfg: cfg, folder: map[string]string{}}
	for _, f := range flags {
		folder, name, mapped := strings.Cut(f, "=")
		switch {
		case !mapped && n.def != "":
			return n, fmt.Errorf("--network %s: a second network for files whose path names none (the first is %s); map a network folder with --network FOLDER=NAME", f, n.def)
		case !mapped && f == "":
			return n, errors.New("--network: empty name")
		case !mapped:
			n.def, n.explicit = f, true
		case folder == "" || name == "" || strings.ContainsAny(folder, `/\`):
			return n, fmt.Errorf("--network %q: want FOLDER=NAME, the name of a network folder of the logs and the network of bot.yaml it holds, e.g. --network Libera.Chat=libera", f)
		default:
			if prev, ok := n.folder[strings.ToLower(folder)]; ok && prev != name {
				return n, fmt.Errorf("--network %s: the folder %s is mapped twice (to %s and %s)", f, folder, prev, name)
			}
			n.folder[strings.ToLower(folder)] = name
		}
	}
	if n.def == "" {
		n.def, n.defErr = soleNetwork(cfg)
	}
	return n, nil
}

// resolve returns the network of a file whose path names the network
// folder (or file name part) named, "" when it names none, and whether
// bot.yaml configures that network. A name mapped with --network
// FOLDER=NAME gives NAME; a configured network's name (case aside) gives
// it; ZNC's prefix USER_NETWORK gives the network in it (see
// logs.NetworkOfPrefix). Any other name is a network only when no plain
// --network NAME was given: then NAME wins.
func (n networkNames) resolve(named string, zncPrefix bool) (name string, configured bool, err error) {
	if mapped := n.folder[strings.ToLower(named)]; named != "" && mapped != "" {
		name = mapped
	} else if named != "" {
		if zncPrefix {
			named = logs.NetworkOfPrefix(named, n.cfg.NetworkNames())
		}
		if c, ok := n.configured(named); ok {
			return c, true, nil
		}
		if !n.explicit {
			return named, false, nil
		}
	}
	if name == "" {
		if n.def == "" {
			return "", false, fmt.Errorf("no network: the path names none, and %s", strings.TrimPrefix(n.defErr.Error(), "--network is required: "))
		}
		name = n.def
	}
	if c, ok := n.configured(name); ok {
		return c, true, nil
	}
	return name, false, nil
}

// configured returns the configured spelling of the network name.
func (n networkNames) configured(name string) (string, bool) {
	for _, c := range n.cfg.Networks {
		if strings.EqualFold(c.Name, name) {
			return c.Name, true
		}
	}
	return "", false
}

// logRef is where the events of a network's channel are stored, and the
// relays of that network.
type logRef struct {
	ref     event.ChannelRef
	bridged bool
	relays  map[string]config.Relay // folded relay nick
}

// relaysOf indexes the configured relays by lower-cased network and folded
// nick.
func relaysOf(cfg *config.Config) map[string]map[string]config.Relay {
	out := map[string]map[string]config.Relay{}
	for _, n := range cfg.Networks {
		for _, rl := range n.Relays {
			if rl.Pattern == nil {
				continue
			}
			if out[strings.ToLower(n.Name)] == nil {
				out[strings.ToLower(n.Name)] = map[string]config.Relay{}
			}
			out[strings.ToLower(n.Name)][config.FoldName(rl.Nick)] = rl
		}
	}
	return out
}

// logRef returns where the events of a network's channel are stored (the
// bridge's log for a bridged channel, the configured spelling of a
// configured one) and the network's relays.
func (r *importRun) logRef(network, channel string) logRef {
	k := [2]string{network, channel}
	if lr, ok := r.refs[k]; ok {
		return lr
	}
	ref, _ := bot.LogRef(r.cfg, network, channel)
	lr := logRef{ref: ref, bridged: ref.Network == bot.BridgeNetwork, relays: r.relays[strings.ToLower(network)]}
	r.refs[k] = lr
	return lr
}

// asLive makes an imported event what the live recorder stores for the
// same line: in the channel's log (a bridge's for a bridged channel), a
// relay's line as its real author's, marked relayed, without the relay's
// account or host, with Via the network it was seen on.
func asLive(ev *event.Event, lr logRef) {
	network := ev.Network
	if lr.relays != nil && ev.Kind.IsSpeech() {
		if rl, ok := lr.relays[config.FoldName(ev.Nick)]; ok {
			if nick, text, ok := rl.Unwrap(ev.Text); ok {
				ev.Nick, ev.Text, ev.Account, ev.UserHost = nick, text, "", ""
				ev.Flags |= event.FlagRelayed
			}
		}
	}
	ev.Network, ev.Channel = lr.ref.Network, lr.ref.Name
	if lr.bridged || ev.Flags&event.FlagRelayed != 0 {
		ev.Via = network
	}
}
