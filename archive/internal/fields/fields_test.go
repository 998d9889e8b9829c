package fields

import (
	"testing"

	"proceedings/archive"
	"proceedings/event"
)

func TestTexts(t *testing.T) {
	for _, c := range []struct {
		f    archive.Fields
		want string
	}{
		{archive.CountFields, "nick text"},
		{archive.PageFields, "nick text target userhost via"},
		{archive.AllFields, "nick text target userhost via account msgid"},
	} {
		var ev event.Event
		names := []string{"nick", "text", "target", "userhost", "via", "account", "msgid"}
		got := ""
		for i, p := range Texts(nil, &ev, c.f) {
			*p = names[i]
			if i > 0 {
				got += " "
			}
			got += names[i]
		}
		filled := event.Event{Nick: ev.Nick, Text: ev.Text, Target: ev.Target, UserHost: ev.UserHost, Via: ev.Via, Account: ev.Account, MsgID: ev.MsgID}
		if got != c.want || filled.Nick != "nick" || filled.Text != "text" {
			t.Errorf("Texts(%v) = %q; want %q", c.f, got, c.want)
		}
		if c.f == archive.AllFields && (ev.Target != "target" || ev.Account != "account" || ev.MsgID != "msgid") {
			t.Errorf("Texts(AllFields) points at the wrong fields: %+v", ev)
		}
		if c.f == archive.CountFields && ev.Target != "" {
			t.Errorf("Texts(CountFields) fills Target")
		}
	}
}
