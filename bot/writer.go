package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// priority orders the bot's outgoing lines: lower goes first. PONG and QUIT
// do not queue at all (netConn.sendNow).
type priority int

const (
	prioControl  priority = iota // registration, JOIN, PART, NICK, NickServ
	prioChannel                  // lines to channels: answers, announcements, titles
	prioPrivate                  // lines to nicks in a channel with the bot: private answers, CTCP replies
	prioWho                      // WHO for accounts, when the capabilities do not give them
	prioStranger                 // lines to nicks the bot sees in no channel (netConn.strangers), once the server said they are there
	prioPresence                 // ISON of the strangers whose lines are held (netConn.askPresence)
	numPriorities
)

// outLine is one line the bot sends.
type outLine struct {
	prio   priority
	key    string // round-robin key: the folded target, "" for control lines
	line   string // without CR LF
	secret bool   // never logged (NickServ IDENTIFY, keyed JOIN, AUTHENTICATE)
	// cmd, target and text are set for PRIVMSG and NOTICE, which are
	// recorded when sent to a channel and the server does not echo them.
	cmd, target, text string
	// ttl, when not 0, is how long the line is worth sending: an answer
	// still waiting after it is dropped when its turn comes (expired).
	ttl time.Duration
	// queued is when push took the line.
	queued time.Time
	// build, when set, makes the line when its turn comes (false: there
	// is nothing to send after all): ISON names the strangers held at
	// that moment (netConn.buildIson).
	build func() (string, bool)
}

const (
	// maxWait is how long a line waits before it goes next whatever its
	// priority: under a flood of answers to channels, private answers and
	// WHO still go out.
	maxWait = 10 * time.Second
	// answerTTL is how long a command answer or a CTCP reply is worth
	// sending; announcements have no limit.
	answerTTL = 60 * time.Second
	// busyLines is the backlog past which the network counts as busy
	// (Bot.Busy): about 15 s of lines at the default pace, past which the
	// router takes no more commands but admins'.
	busyLines = 10
	// maxPrivate is how many lines to nicks may wait at once in each of
	// prioPrivate and prioStranger: past it a new one is shed. Lines to
	// nicks go after every channel's, so under a flood of private
	// questions from new nicks (each one's first is taken, see Bot.Busy)
	// they would fill the queue and wait there until they expire; and
	// each answer to a nick that has left costs an error from the server
	// (on ngIRCd, 2 s of penalty). Those who share a channel with the bot
	// have their own places: a flood of strangers, which a server may go
	// on delivering minutes after they left, does not take them.
	maxPrivate = 2 * busyLines
)

// writer is the one queue every line of the bot's own goes through on one
// network: a token bucket paces them (the server must never cut the bot for
// flooding), priorities order them, and within a priority the targets take
// turns, so that one channel's answer never waits behind a pile of private
// ones. A line that waited maxWait goes next whatever its priority, so
// that no priority starves; an answer that waited longer than its ttl is
// dropped instead of sent late (expired). The queue is bounded: when it is
// full the lowest priority is shed first. Shed and expired lines are
// counted.
type writer struct {
	limiter *rate.Limiter
	max     int
	wake    chan struct{}
	now     func() time.Time
	maxWait time.Duration

	mu     sync.Mutex
	queues [numPriorities]turns
	n      int
	aged   bool // the last line taken was taken for its age

	shed    atomic.Int64 // lines dropped because the queue was full
	expired atomic.Int64 // lines dropped because they waited past their ttl

	gate lagGate
}

// turns is one priority's lines: a FIFO per key, and the keys with lines
// waiting in the order they get their next turn.
type turns struct {
	byKey map[string][]outLine
	ring  []string
}

// len is the number of lines waiting in t.
func (t *turns) len() int {
	n := 0
	for _, lines := range t.byKey {
		n += len(lines)
	}
	return n
}

func newWriter(every rate.Limit, burst, max int) *writer {
	w := &writer{limiter: rate.NewLimiter(every, burst), max: max, wake: make(chan struct{}, 1), now: time.Now, maxWait: maxWait}
	for i := range w.queues {
		w.queues[i].byKey = map[string][]outLine{}
	}
	return w
}

// push queues l. It reports false (l is then shed) when the queue is full
// and l is of the lowest priority waiting, or l is to a nick in a channel
// with the bot and maxPrivate such lines wait; a line to a stranger past
// maxPrivate takes the place of the stranger's line whose turn is next.
func (w *writer) push(l outLine) bool {
	if l.queued.IsZero() {
		l.queued = w.now()
	}
	w.mu.Lock()
	if l.prio == prioStranger && w.queues[l.prio].len() >= maxPrivate {
		// The oldest goes, not the newest: under a flood of strangers
		// the newest is likeliest to be someone still there (askPresence).
		w.shedFirst(&w.queues[l.prio])
	}
	if l.prio == prioPrivate && w.queues[l.prio].len() >= maxPrivate || w.n >= w.max && !w.shedBelow(l.prio) {
		w.mu.Unlock()
		w.shed.Add(1)
		return false
	}
	q := &w.queues[l.prio]
	if len(q.byKey[l.key]) == 0 {
		q.ring = append(q.ring, l.key)
	}
	q.byKey[l.key] = append(q.byKey[l.key], l)
	w.n++
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return true
}

// pushOnce queues l unless a line with the same priority and key waits
// already (WHO of a channel: one is enough).
func (w *writer) pushOnce(l outLine) bool {
	w.mu.Lock()
	waiting := len(w.queues[l.prio].byKey[l.key]) > 0
	w.mu.Unlock()
	if waiting {
		return true
	}
	return w.push(l)
}

// shedFirst drops the line of q whose turn is next, and counts it as shed.
// w.mu is held.
func (w *writer) shedFirst(q *turns) {
	if len(q.ring) == 0 {
		return
	}
	w.takeAt(q, 0)
	w.shed.Add(1)
}

// shedBelow drops the newest line of the lowest priority below p that has
// any; false when there is none. w.mu is held.
func (w *writer) shedBelow(p priority) bool {
	for lp := numPriorities - 1; lp > p; lp-- {
		q := &w.queues[lp]
		if len(q.ring) == 0 {
			continue
		}
		key := q.ring[len(q.ring)-1]
		lines := q.byKey[key]
		if len(lines) == 1 {
			delete(q.byKey, key)
			q.ring = q.ring[:len(q.ring)-1]
		} else {
			q.byKey[key] = lines[:len(lines)-1]
		}
		w.n--
		w.shed.Add(1)
		return true
	}
	return false
}

// pop takes the next line: one that waited maxWait or longer (the oldest),
// else the highest priority's next key in turn. Lines past their ttl are
// dropped and counted on the way.
func (w *writer) pop() (outLine, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	for {
		l, ok := w.take(now)
		if !ok {
			return outLine{}, false
		}
		if l.ttl > 0 && now.Sub(l.queued) > l.ttl {
			w.expired.Add(1)
			continue
		}
		return l, true
	}
}

// take removes the next line in order (see pop): at most every other line
// is taken for its age, so that a backlog that all waited maxWait (a
// server that reads the bot slowly, see lagGate) does not hold up every
// newer line of a higher priority. w.mu is held.
func (w *writer) take(now time.Time) (outLine, bool) {
	op, oi := -1, -1
	var oldest time.Time
	for p := range w.queues {
		q := &w.queues[p]
		for i, key := range q.ring {
			if t := q.byKey[key][0].queued; !w.aged && now.Sub(t) >= w.maxWait && (op < 0 || t.Before(oldest)) {
				op, oi, oldest = p, i, t
			}
		}
	}
	w.aged = op >= 0
	if op >= 0 {
		return w.takeAt(&w.queues[op], oi), true
	}
	for p := range w.queues {
		if q := &w.queues[p]; len(q.ring) > 0 {
			return w.takeAt(q, 0), true
		}
	}
	return outLine{}, false
}

// takeAt removes the first line of the key at ring index i; the key, when
// it has more lines, takes its next turn after the others. w.mu is held.
func (w *writer) takeAt(q *turns, i int) outLine {
	key := q.ring[i]
	q.ring = append(q.ring[:i], q.ring[i+1:]...)
	lines := q.byKey[key]
	l := lines[0]
	if len(lines) == 1 {
		delete(q.byKey, key)
	} else {
		lines[0] = outLine{}
		q.byKey[key] = lines[1:]
		q.ring = append(q.ring, key)
	}
	w.n--
	return l
}

// dropKey drops every waiting line to key (a folded nick the server says
// is not there: each line would only earn another error, and on ngIRCd 2 s
// of penalty, see lagGate) and returns how many there were; they count as
// expired.
func (w *writer) dropKey(key string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := 0
	for p := range w.queues {
		q := &w.queues[p]
		lines, ok := q.byKey[key]
		if !ok {
			continue
		}
		k += len(lines)
		delete(q.byKey, key)
		q.ring = slices.DeleteFunc(q.ring, func(r string) bool { return r == key })
	}
	w.n -= k
	w.expired.Add(int64(k))
	return k
}

// waiting is the number of lines waiting at prio.
func (w *writer) waiting(prio priority) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.queues[prio].len()
}

// len is the number of lines waiting.
func (w *writer) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// clear drops every waiting line (the connection they were meant for is
// gone) and returns how many there were.
func (w *writer) clear() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := w.n
	for i := range w.queues {
		w.queues[i] = turns{byKey: map[string][]outLine{}}
	}
	w.n = 0
	return k
}

// run sends lines with send, paced by the token bucket, until ctx is done.
func (w *writer) run(ctx context.Context, send func(outLine)) {
	for {
		if w.len() == 0 {
			select {
			case <-ctx.Done():
				return
			case <-w.wake:
			}
			continue
		}
		if err := w.gate.wait(ctx); err != nil {
			return
		}
		if err := w.limiter.Wait(ctx); err != nil {
			return
		}
		// The line is chosen after the wait: an answer that came in
		// meanwhile goes before the lower priorities.
		if l, ok := w.pop(); ok {
			if l.build != nil {
				if l.line, ok = l.build(); !ok {
					continue
				}
			}
			send(l)
			w.gate.sent(time.Now())
		}
	}
}

// lagGate keeps few of the bot's lines waiting in the server: after
// lagWindow lines it asks the server for a PONG (a probe, PING
// :proceedings-lag-N; at most one every probeEvery), and it lets no more
// than 2×lagWindow lines go ahead of the last probe answered. A server may
// read a client more slowly than the bot's pace allows: ngIRCd adds seconds
// of penalty for each error it answers (a message to a nick that just
// quit), each second with 256 bytes or more and each WHO, and reads nothing
// from the client meanwhile. The lines the bot sent pile up unread in the
// server, the PONG owed to its PING waits behind them, and the server drops
// the bot ("Ping timeout"). With the gate the pile waits here instead,
// where newer answers go first and stale ones expire (answerTTL).
type lagGate struct {
	mu       sync.Mutex
	probe    func(token string) bool // sends a probe; false when it cannot (not registered)
	unacked  int                     // lines sent since the last probe answered
	before   int                     // of those, sent before the probe in flight
	token    string                  // the probe in flight; "" none
	sentAt   time.Time               // when it was sent
	since    time.Time               // when the first probe since the last answer was sent
	seq      int
	acked    chan struct{}
	answered bool // a probe was answered on this connection
	deaf     bool // the first probe of this connection went unanswered: no more probes on it
}

const (
	// lagWindow is how many lines go between two probes.
	lagWindow = 3
	// probeEvery is the least time between two probes: a bot answering
	// questions one after another sends few, which cost the server a
	// command each (ngIRCd reads three a turn, and the fourth waits for
	// its next turn) and the answers' latency.
	probeEvery = 2 * time.Second
	// probeLost is how long a probe may go unanswered: on a connection
	// that never answered one (a bouncer or server that does not answer
	// PING with its token) the gate then opens for good; on one that did,
	// the server is far behind, and the gate asks again and stays shut.
	probeLost = 90 * time.Second
	// probePrefix starts the token of a probe.
	probePrefix = "proceedings-lag-"
)

// sent counts a line sent, and sends a probe when lagWindow lines went
// since the last one was answered, none is in flight and the last was sent
// probeEvery ago or more. Only the writer's goroutine calls it.
func (g *lagGate) sent(now time.Time) {
	g.mu.Lock()
	g.unacked++
	if g.token != "" || g.unacked < lagWindow || g.probe == nil || g.deaf || now.Sub(g.sentAt) < probeEvery {
		g.mu.Unlock()
		return
	}
	g.send(now)
}

// send sends a probe; g.mu is held, and released.
func (g *lagGate) send(now time.Time) {
	g.seq++
	tok := probePrefix + strconv.Itoa(g.seq)
	if g.token == "" {
		g.since = now
	}
	g.token, g.before, g.sentAt = tok, g.unacked, now
	probe := g.probe
	g.mu.Unlock()
	if !probe(tok) {
		g.reset() // not registered: nothing is waiting in the server
	}
}

// ack takes the PONG of a probe.
func (g *lagGate) ack(token string) {
	if !strings.HasPrefix(token, probePrefix) {
		return
	}
	g.mu.Lock()
	if token == g.token {
		g.unacked -= g.before
		g.token, g.answered = "", true
	}
	g.signal()
	g.mu.Unlock()
}

// behind reports for how long the server has not answered a probe, on a
// connection that answered one before (0 when none waits): how long the
// server has left the bot's lines unread. On ngIRCd, whose penalties keep
// growing while the bot's lines earn errors (see lagGate), a fresh
// connection starts without any; the bot reconnects past
// botOptions.lagReconnect, as irssi (lag_max_before_disconnect) and
// WeeChat (irc.server.lag_reconnect) do after 5 minutes.
func (g *lagGate) behind(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.token == "" || !g.answered {
		return 0
	}
	return now.Sub(g.since)
}

// reset forgets the lines and the probe of a connection that is gone.
func (g *lagGate) reset() {
	g.mu.Lock()
	g.unacked, g.before, g.token, g.answered, g.deaf = 0, 0, "", false, false
	g.sentAt = time.Time{}
	g.signal()
	g.mu.Unlock()
}

// signal wakes a wait; g.mu is held.
func (g *lagGate) signal() {
	if g.acked == nil {
		g.acked = make(chan struct{}, 1)
	}
	select {
	case g.acked <- struct{}{}:
	default:
	}
}

// wait returns once the next line may go: no probe is in flight, or fewer
// than 2×lagWindow lines went since the last one answered, or the probe in
// flight is lost on a connection that never answered one.
func (g *lagGate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		if g.acked == nil {
			g.acked = make(chan struct{}, 1)
		}
		if g.token != "" && time.Since(g.sentAt) > probeLost {
			if !g.answered {
				g.token, g.unacked, g.deaf = "", 0, true
			} else {
				g.send(time.Now()) // releases g.mu
				g.mu.Lock()
			}
		}
		open := g.token == "" || g.unacked < 2*lagWindow
		acked := g.acked
		g.mu.Unlock()
		if open {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-acked:
		case <-time.After(time.Second):
		}
	}
}
