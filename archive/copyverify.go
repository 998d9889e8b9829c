package archive

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"reflect"
	"slices"

	"proceedings/event"
)

// Summary is what Verify compares of an archive: its channels with their
// counts and a checksum of every event.
type Summary struct {
	Channels []ChannelSum
	Events   int64
	Checksum string // SHA-256 over every channel's events, hex
}

// ChannelSum is one channel of a Summary.
type ChannelSum struct {
	Network, Name string
	Public        bool
	Events, Lines int64
	Days          int
	Counted       int64  // events read
	Checksum      string // SHA-256 over its events, hex
}

// Summarize reads every event of every channel that has any, with all its
// fields, in the archive's order (time, then id), and sums them up.
func Summarize(ctx context.Context, st Store) (Summary, error) {
	var s Summary
	chans, err := st.Channels(ctx)
	if err != nil {
		return s, fmt.Errorf("verify: %w", err)
	}
	all := sha256.New()
	var buf []byte
	for _, c := range chans {
		if c.Events == 0 {
			continue
		}
		cs := ChannelSum{Network: c.Network, Name: c.Name, Public: c.Public, Events: c.Events, Lines: c.Lines, Days: c.Days}
		h := sha256.New()
		err := st.Range(ctx, c.ID, rangeStart, rangeEnd, AllFields, func(ev event.Event) error {
			cs.Counted++
			buf = appendEvent(buf[:0], ev)
			h.Write(buf)
			return ctx.Err()
		})
		if err != nil {
			return s, fmt.Errorf("verify %s: %w", c.Name, err)
		}
		cs.Checksum = hex.EncodeToString(h.Sum(nil))
		writeString(all, c.Network+"\x00"+c.Name+"\x00"+cs.Checksum)
		s.Channels = append(s.Channels, cs)
		s.Events += cs.Counted
	}
	s.Checksum = hex.EncodeToString(all.Sum(nil))
	return s, nil
}

// appendEvent encodes every field of ev, each string with its length.
func appendEvent(b []byte, ev event.Event) []byte {
	b = binary.AppendVarint(b, ev.ID)
	b = binary.AppendVarint(b, ev.Time.UnixMilli())
	b = binary.AppendUvarint(b, uint64(ev.Kind))
	b = binary.AppendUvarint(b, uint64(ev.Flags))
	for _, s := range []string{ev.Network, ev.Channel, ev.Nick, ev.Text, ev.Target, ev.UserHost, ev.Account, ev.MsgID, ev.Via} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func writeString(h hash.Hash, s string) {
	h.Write(binary.AppendUvarint(nil, uint64(len(s))))
	h.Write([]byte(s))
}

// Verify compares two archives: every channel with its counts and the
// checksum of its events, and the posts, opt-outs, audit log and meta. It
// returns the differences found (none when both hold the same) and the
// summary of a.
func Verify(ctx context.Context, a, b Store) ([]string, Summary, error) {
	sa, err := Summarize(ctx, a)
	if err != nil {
		return nil, sa, err
	}
	sb, err := Summarize(ctx, b)
	if err != nil {
		return nil, sa, err
	}
	diffs := compareSummaries(sa, sb)
	ca, ok1 := a.(Copier)
	cb, ok2 := b.(Copier)
	if ok1 && ok2 {
		sta, err := readState(ctx, a, ca)
		if err != nil {
			return nil, sa, err
		}
		stb, err := readState(ctx, b, cb)
		if err != nil {
			return nil, sa, err
		}
		diffs = append(diffs, compareStates(sta, stb)...)
	}
	return diffs, sa, nil
}

func compareSummaries(a, b Summary) []string {
	var diffs []string
	bs := map[[2]string]ChannelSum{}
	for _, c := range b.Channels {
		bs[[2]string{c.Network, c.Name}] = c
	}
	for _, c := range a.Channels {
		k := [2]string{c.Network, c.Name}
		d, ok := bs[k]
		delete(bs, k)
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s %s: %d events in the source, missing in the destination", c.Network, c.Name, c.Events))
		case c.Counted != d.Counted || c.Events != d.Events || c.Lines != d.Lines || c.Days != d.Days:
			diffs = append(diffs, fmt.Sprintf("%s %s: %d events (%d counted), %d lines, %d days in the source; %d events (%d counted), %d lines, %d days in the destination",
				c.Network, c.Name, c.Events, c.Counted, c.Lines, c.Days, d.Events, d.Counted, d.Lines, d.Days))
		case c.Checksum != d.Checksum:
			diffs = append(diffs, fmt.Sprintf("%s %s: the events differ (checksum %s in the source, %s in the destination)", c.Network, c.Name, c.Checksum[:16], d.Checksum[:16]))
		case c.Public != d.Public:
			diffs = append(diffs, fmt.Sprintf("%s %s: public is %t in the source, %t in the destination", c.Network, c.Name, c.Public, d.Public))
		}
	}
	for _, c := range b.Channels {
		if _, extra := bs[[2]string{c.Network, c.Name}]; extra {
			diffs = append(diffs, fmt.Sprintf("%s %s: %d events in the destination, none in the source", c.Network, c.Name, c.Events))
		}
	}
	return diffs
}

func compareStates(a, b CopyState) []string {
	var diffs []string
	if !reflect.DeepEqual(a.Posts, b.Posts) {
		diffs = append(diffs, fmt.Sprintf("posts differ: %d in the source, %d in the destination", len(a.Posts), len(b.Posts)))
	}
	if !slices.Equal(a.OptOuts, b.OptOuts) {
		diffs = append(diffs, fmt.Sprintf("opt-outs differ: %d in the source, %d in the destination", len(a.OptOuts), len(b.OptOuts)))
	}
	if !reflect.DeepEqual(a.Audit, b.Audit) {
		diffs = append(diffs, fmt.Sprintf("audit logs differ: %d entries in the source, %d in the destination", len(a.Audit), len(b.Audit)))
	}
	if !maps.Equal(a.Meta, b.Meta) {
		diffs = append(diffs, fmt.Sprintf("meta differs: %d keys in the source, %d in the destination", len(a.Meta), len(b.Meta)))
	}
	return diffs
}
