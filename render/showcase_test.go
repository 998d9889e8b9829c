package render

import (
	"proceedings/event"
	"time"
)

// showcase is a realistic day for the README's screenshot.
func showcase() []event.Event {
	day := func(h, m, s int) time.Time { return time.Date(2026, 2, 2, h, m, s, 0, london) }
	var evs []event.Event
	add := func(t time.Time, k event.Kind, nick, text string, mod ...func(*event.Event)) {
		ev := event.Event{Network: "libera", Channel: "#techrights", Time: t, Kind: k, Nick: nick, Text: text}
		for _, f := range mod {
			f(&ev)
		}
		evs = append(evs, ev)
	}
	self := func(e *event.Event) { e.Flags |= event.FlagSelf }
	uh := func(s string) func(*event.Event) { return func(e *event.Event) { e.UserHost = s } }
	onJoin := func(e *event.Event) { e.Flags |= event.FlagTopicOnJoin }
	add(day(6, 58, 2), event.KindTopic, "", "Techrights — https://techrights.org/ | Gemini: gemini://gemini.techrights.org/ | logs are public", onJoin)
	add(day(7, 1, 15), event.KindJoin, "Marjan", "", uh("~marjan@user/marjan"))
	add(day(7, 1, 40), event.KindMessage, "Marjan", "good morning all")
	add(day(7, 2, 3), event.KindMessage, "schestowitz", "morning Marjan. New part of the series is out: https://techrights.org/n/2026/02/02/from-belarus-with-love-part-x/")
	add(day(7, 2, 5), event.KindMessage, "proceedings", "[ From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” ] - techrights.org", self)
	add(day(7, 3, 30), event.KindMessage, "Marjan", "reading it now. The part about the hub is \x02very\x02 good")
	add(day(7, 4, 12), event.KindAction, "schestowitz", "refills the coffee")
	add(day(7, 6, 48), event.KindMessage, "aljazeera", "anyone tried the new Debian point release yet?")
	add(day(7, 7, 20), event.KindMessage, "Marjan", "aljazeera: upgraded two boxes last night, no issues so far")
	add(day(7, 7, 55), event.KindMessage, "aljazeera", "nice, thanks. Release notes: https://www.debian.org/News/2026/20260131")
	add(day(7, 8, 1), event.KindMessage, "proceedings", "[ Debian -- News -- Updated Debian 13: 13.4 released ] - www.debian.org", self)
	add(day(7, 9, 33), event.KindJoin, "psydroid", "", uh("~psydroid@2001:db8::42"))
	add(day(7, 10, 2), event.KindMessage, "psydroid", "hi. \x0303green\x03 means the mirror is back up")
	add(day(7, 12, 47), event.KindQuit, "guest-8841", "Ping timeout: 240 seconds", uh("~guest@203.0.113.9"))
	add(day(7, 14, 9), event.KindMessage, "schestowitz", "Links 02/02/2026 is being prepared; send tips here or to the usual address")
	add(day(7, 15, 36), event.KindNick, "aljazeera", "", func(e *event.Event) { e.Target = "aljazeera_" })
	add(day(7, 16, 0), event.KindMessage, "Marjan", "the Gemini capsule has the same article: gemini://gemini.techrights.org/2026/02/02/")
	add(day(8, 45, 12), event.KindMessage, "schestowitz", "back. Links are up: https://techrights.org/n/2026/02/02/links-02-02-2026/")
	add(day(8, 45, 14), event.KindMessage, "proceedings", "[ Links 02/02/2026: Belarus, Patents and More ] - techrights.org", self)
	add(day(8, 46, 30), event.KindMessage, "psydroid", "thanks, will read after work")
	add(day(8, 47, 5), event.KindPart, "psydroid", "see you later", uh("~psydroid@2001:db8::42"))
	add(day(8, 49, 51), event.KindMessage, "Marjan", "!part 10")
	add(day(8, 49, 52), event.KindMessage, "proceedings", "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — https://techrights.org/n/2026/02/02/from-belarus-with-love-part-x/", self)
	return evs
}
