// Package event holds what happened in a channel, as every other package
// sees it: an Event with its Kind and Flags, the calendar Date a day page
// stands for, and a ChannelRef naming a channel's log. It knows nothing of
// SQL, text formats or HTML, so the archive, the log readers and writers,
// the bot and the site share these types without depending on each other.
package event

import (
	"fmt"
	"strings"
	"time"

	"proceedings/internal/casemap"
)

// Kind is what happened in a channel.
type Kind uint8

// The kinds of event, in the order they were given numbers. The numbers are
// stored in the database: never renumber, only append.
const (
	KindMessage Kind = iota + 1 // PRIVMSG
	KindAction                  // CTCP ACTION (/me)
	KindNotice                  // NOTICE to the channel
	KindJoin                    // JOIN
	KindPart                    // PART; Text is the reason
	KindQuit                    // QUIT; Text is the reason
	KindKick                    // KICK; Target is the kicked nick, Text the reason
	KindNick                    // NICK; Nick is the old nick, Target the new one
	KindTopic                   // TOPIC set (or seen on join, see FlagTopicOnJoin); Text is the topic
	KindMode                    // MODE; Text is the mode string with its arguments
	KindGap                     // recording gap: nothing was recorded from Text (RFC 3339) until Time
)

var kindNames = [...]string{
	KindMessage: "message",
	KindAction:  "action",
	KindNotice:  "notice",
	KindJoin:    "join",
	KindPart:    "part",
	KindQuit:    "quit",
	KindKick:    "kick",
	KindNick:    "nick",
	KindTopic:   "topic",
	KindMode:    "mode",
	KindGap:     "gap",
}

// Kinds lists every kind in numeric order.
func Kinds() []Kind {
	ks := make([]Kind, 0, len(kindNames)-1)
	for k := KindMessage; int(k) < len(kindNames); k++ {
		ks = append(ks, k)
	}
	return ks
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return k > 0 && int(k) < len(kindNames) }

// IsSpeech reports whether the event is something a person said (a message,
// an action or a notice), as opposed to a join, a mode change and so on.
func (k Kind) IsSpeech() bool { return k == KindMessage || k == KindAction || k == KindNotice }

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if name != "" && strings.EqualFold(name, s) {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("unknown event kind %q (want one of message, action, notice, join, part, quit, kick, nick, topic, mode, gap)", s)
}

// Flags mark how an event came to be recorded.
type Flags uint32

const (
	// FlagSelf marks the bot's own lines.
	FlagSelf Flags = 1 << iota
	// FlagRelayed marks a line unwrapped from a relay bot: Nick is the real
	// author and Via the network the relay carried it from.
	FlagRelayed
	// FlagTopicOnJoin marks a topic that was not changed but reported when
	// the bot joined (RPL_TOPIC).
	FlagTopicOnJoin
	// FlagImported marks an event read from a text log rather than recorded live.
	FlagImported
	// FlagCommand marks a line that asked the bot something ("!search
	// patents"), so that searches can leave such lines out.
	FlagCommand

	// The top bit is the archive's own (it marks stored text with colour
	// codes); a new flag takes the next bit above FlagCommand.
)

// Event is one thing that happened in one channel.
type Event struct {
	ID       int64     // assigned by the archive, increasing in arrival order
	Network  string    // the network (or bridge) whose log the event belongs to
	Channel  string    // the channel name as first seen, e.g. "#techrights"
	Time     time.Time // when it happened; stored in UTC with millisecond precision
	Kind     Kind
	Nick     string
	UserHost string // user@host when known
	Account  string // services account when the server told it
	Text     string // message text, reason, topic or mode string, as the Kind says
	Target   string // kicked nick (KindKick) or new nick (KindNick)
	MsgID    string // IRCv3 msgid when the server sent one
	Via      string // network a bridged or relayed line came through
	Flags    Flags
}

// GapStart returns the start of the interval a KindGap event reports.
func (e Event) GapStart() (time.Time, bool) {
	if e.Kind != KindGap {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, e.Text)
	return t, err == nil
}

// Validate says what is wrong with an event before it is stored.
func (e Event) Validate() error {
	switch {
	case !e.Kind.Valid():
		return fmt.Errorf("event has unknown kind %d", e.Kind)
	case e.Channel == "":
		return fmt.Errorf("%s event has no channel", e.Kind)
	case e.Time.IsZero():
		return fmt.Errorf("%s event in %s has no time", e.Kind, e.Channel)
	case e.Nick == "" && e.Kind != KindGap && e.Kind != KindMode && e.Kind != KindTopic:
		return fmt.Errorf("%s event in %s has no nick", e.Kind, e.Channel)
	}
	return nil
}

// FoldChannel folds a channel name the way IRC servers compare them
// (rfc1459 case mapping: A-Z and []\~ fold to a-z and {}|^).
func FoldChannel(name string) string { return casemap.Fold(name) }

// ChannelRef names a channel log.
type ChannelRef struct{ Network, Name string }
