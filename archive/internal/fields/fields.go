// Package fields says which of an event's text fields each archive.Fields
// fills in, and in which order both engines read them: after the numbers
// (id, time, kind, flags), nick and text; then target, user@host and via
// for PageFields; then account and msgid for AllFields.
package fields

import (
	"proceedings/archive"
	"proceedings/event"
)

// Texts appends to dst where each text column of f goes in ev, in the
// order of the columns.
func Texts(dst []*string, ev *event.Event, f archive.Fields) []*string {
	dst = append(dst, &ev.Nick, &ev.Text)
	if f == archive.CountFields {
		return dst
	}
	dst = append(dst, &ev.Target, &ev.UserHost, &ev.Via)
	if f == archive.PageFields {
		return dst
	}
	return append(dst, &ev.Account, &ev.MsgID)
}
