package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"proceedings/archive"
	"proceedings/archive/internal/channels"
	"proceedings/archive/internal/fields"
	"proceedings/event"
	"proceedings/internal/casemap"
)

// Channels lists every channel log, sorted by network and name.
func (db *DB) Channels(ctx context.Context) ([]archive.Channel, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, `SELECT c.id, c.network, c.name, c.public,
		coalesce(sum(d.events), 0)::bigint, coalesce(sum(d.lines), 0)::bigint, count(d.day), min(d.day), max(d.day)
		FROM channels c LEFT JOIN days d ON d.channel = c.id GROUP BY c.id ORDER BY c.network, c.folded`)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	defer rows.Close()
	var out []archive.Channel
	for rows.Next() {
		var c archive.Channel
		var network, name []byte
		var first, last *time.Time
		if err := rows.Scan(&c.ID, &network, &name, &c.Public, &c.Events, &c.Lines, &c.Days, &first, &last); err != nil {
			return nil, fmt.Errorf("list channels: %w", err)
		}
		c.Network, c.Name = string(network), string(name)
		c.First, c.Last = dateOf(first), dateOf(last)
		c.Public = db.view.IsPublic(c.Network, c.Name, c.Public)
		out = append(out, c)
	}
	return out, rows.Err()
}

// dateOf reads a date column (nil: NULL).
func dateOf(t *time.Time) event.Date {
	if t == nil {
		return event.Date{}
	}
	return event.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// FindChannel finds a channel log by name (IRC case-insensitive). An empty
// network matches any network, as long as only one has that channel.
func (db *DB) FindChannel(ctx context.Context, network, name string) (archive.Channel, error) {
	all, err := db.Channels(ctx)
	if err != nil {
		return archive.Channel{}, err
	}
	return channels.Find(all, network, name)
}

// SetPublic records whether a channel's log is published, adding the
// channel when it is new.
func (db *DB) SetPublic(ctx context.Context, network, name string, public bool) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var id int64
	var stored []byte
	err := db.pool.QueryRow(ctx, `INSERT INTO channels(network, name, folded, public) VALUES($1, $2, $3, $4)
		ON CONFLICT (network, folded) DO UPDATE SET public = EXCLUDED.public RETURNING id, name`,
		notNull(network), notNull(name), notNull(event.FoldChannel(name)), public).Scan(&id, &stored)
	if err != nil {
		return fmt.Errorf("mark channel %s: %w", name, err)
	}
	db.cacheChannel(id, network, string(stored))
	return nil
}

// SetPublicOnly marks the listed channels public and every other channel
// of networks private, in one transaction (archive.Store).
func (db *DB) SetPublicOnly(ctx context.Context, networks []string, public []event.ChannelRef) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("mark public channels: %w", err)
	}
	defer tx.Rollback(context.Background())
	nets := make([][]byte, len(networks))
	for i, n := range networks {
		nets[i] = notNull(n)
	}
	if _, err := tx.Exec(ctx, "UPDATE channels SET public = false WHERE public AND network = ANY($1)", nets); err != nil {
		return fmt.Errorf("mark public channels: %w", err)
	}
	type added struct {
		id            int64
		network, name string
	}
	var created []added
	for _, c := range public {
		var id int64
		var stored []byte
		err := tx.QueryRow(ctx, `INSERT INTO channels(network, name, folded, public) VALUES($1, $2, $3, true)
			ON CONFLICT (network, folded) DO UPDATE SET public = true RETURNING id, name`,
			notNull(c.Network), notNull(c.Name), notNull(event.FoldChannel(c.Name))).Scan(&id, &stored)
		if err != nil {
			return fmt.Errorf("mark channel %s public: %w", c.Name, err)
		}
		created = append(created, added{id, c.Network, string(stored)})
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("mark public channels: %w", err)
	}
	for _, c := range created {
		db.cacheChannel(c.id, c.network, c.name)
	}
	db.view.Update(public)
	return nil
}

// SetPublicView makes this handle treat the listed channels as public and
// every other channel as private, in Channels, FindChannel and searches
// with PublicOnly, whatever the stored flags say. It writes nothing.
// SetPublicOnly on the same handle replaces the view.
func (db *DB) SetPublicView(public []event.ChannelRef) { db.view.Set(public) }

// The columns an event is read with, for each archive.Fields, and for a
// whole event with its channel id (allColumns).
const (
	countColumns = "id, ts, kind, flags, nick, text"
	pageColumns  = countColumns + ", target, userhost, via"
	fullColumns  = pageColumns + ", account, msgid"
	allColumns   = fullColumns + ", channel"
)

// rawEvents reads rows of countColumns, pageColumns or fullColumns (with
// channel last for allColumns) straight from pgx's buffers: every column
// in the binary format, the text columns copied into one string per row.
type rawEvents struct {
	rows   pgx.Rows
	fields archive.Fields
	chanID bool
	dst    []*string // where the current row's text columns go
}

func newRawEvents(rows pgx.Rows, set archive.Fields, chanID bool) (*rawEvents, error) {
	r := &rawEvents{rows: rows, fields: set, chanID: chanID}
	for _, fd := range rows.FieldDescriptions() {
		if fd.Format != pgtype.BinaryFormatCode {
			return nil, fmt.Errorf("column %s came in text format", fd.Name)
		}
	}
	return r, nil
}

// event decodes the current row into ev (whose Network and Channel the
// caller sets); it returns the row's channel id when asked for.
func (r *rawEvents) event(ev *event.Event) (int64, error) {
	r.dst = fields.Texts(r.dst[:0], ev, r.fields)
	raw := r.rows.RawValues()
	if len(raw) != 4+len(r.dst)+btoi(r.chanID) {
		return 0, fmt.Errorf("read events: %d columns", len(raw))
	}
	ev.ID = int64(binary.BigEndian.Uint64(raw[0]))
	ev.Time = fromMS(int64(binary.BigEndian.Uint64(raw[1])))
	ev.Kind = event.Kind(binary.BigEndian.Uint16(raw[2]))
	ev.Flags = event.Flags(binary.BigEndian.Uint64(raw[3]))
	texts := raw[4 : 4+len(r.dst)]
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	var all string
	if total > 0 {
		var b strings.Builder
		b.Grow(total)
		for _, t := range texts {
			b.Write(t)
		}
		all = b.String()
	}
	off := 0
	for i, dst := range r.dst {
		n := len(texts[i])
		*dst = all[off : off+n]
		off += n
	}
	if r.chanID {
		return int64(binary.BigEndian.Uint64(raw[4+len(r.dst)])), nil
	}
	return 0, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Range calls fn for each event of a channel from (inclusive) to
// (exclusive), in arrival order (time, then id), with the fields asked
// for. It streams: memory stays flat whatever the range.
func (db *DB) Range(ctx context.Context, channelID int64, from, to time.Time, fields archive.Fields, fn func(event.Event) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := db.channelName(ctx, db.pool, channelID)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	rows, err := db.pool.Query(ctx, rangeSQL(fields), channelID, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	return readRange(ctx, rows, name, fields, fn)
}

// rangeSQL selects the events of a channel in a time range, $1 to $3.
func rangeSQL(fields archive.Fields) string {
	cols := fullColumns
	switch fields {
	case archive.CountFields:
		cols = countColumns
	case archive.PageFields:
		cols = pageColumns
	}
	return "SELECT " + cols + " FROM events WHERE channel = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, id"
}

// readRange calls fn for each row of a rangeSQL query, and closes rows.
func readRange(ctx context.Context, rows pgx.Rows, name chanName, fields archive.Fields, fn func(event.Event) error) error {
	defer rows.Close()
	r, err := newRawEvents(rows, fields, false)
	if err != nil {
		return err
	}
	ev := event.Event{Network: name.network, Channel: name.name}
	for n := 1; rows.Next(); n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := r.event(&ev); err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	return nil
}

// Day returns the events of one channel on one local day, in order. The
// day's count comes in the same round trip, to size the result at once.
func (db *DB) Day(ctx context.Context, channelID int64, day event.Date) ([]event.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	name, err := db.channelName(ctx, db.pool, channelID)
	if err != nil {
		return nil, fmt.Errorf("read %s: read events: %w", day, err)
	}
	start, end := day.Bounds(db.loc)
	b := &pgx.Batch{}
	b.Queue("SELECT coalesce((SELECT events FROM days WHERE channel = $1 AND day = $2::date), 0)", channelID, day.String())
	b.Queue(rangeSQL(archive.AllFields), channelID, ms(start), ms(end))
	br := db.pool.SendBatch(ctx, b)
	defer br.Close()
	var n int64
	if err := br.QueryRow().Scan(&n); err != nil {
		return nil, fmt.Errorf("read %s: %w", day, err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", day, err)
	}
	out := make([]event.Event, 0, min(n, 1<<20))
	err = readRange(ctx, rows, name, archive.AllFields, func(ev event.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", day, err)
	}
	return out, nil
}

// events reads whole events (allColumns) of a query, in its order.
func (db *DB) events(ctx context.Context, q querier, sql string, args ...any) ([]event.Event, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r, err := newRawEvents(rows, archive.AllFields, true)
	if err != nil {
		return nil, err
	}
	var out []event.Event
	for rows.Next() {
		var ev event.Event
		ch, err := r.event(&ev)
		if err != nil {
			return nil, err
		}
		name, err := db.channelName(ctx, db.pool, ch)
		if err != nil {
			return nil, err
		}
		ev.Network, ev.Channel = name.network, name.name
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Calendar lists the days with events of a channel, oldest first.
func (db *DB) Calendar(ctx context.Context, channelID int64) ([]archive.DayInfo, error) {
	return db.days(ctx, "WHERE channel = $1 ORDER BY day", channelID)
}

// ChangedDays lists the days of every channel that changed after revision
// since, and the archive's current revision, read in one snapshot: every
// day changed up to the revision returned is in the list.
func (db *DB) ChangedDays(ctx context.Context, since int64) ([]archive.DayInfo, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, `SELECT r.rev, d.channel, d.day, d.events, d.lines, d.rev
		FROM revision r LEFT JOIN days d ON d.rev > $1 ORDER BY d.channel, d.day`, since)
	if err != nil {
		return nil, 0, fmt.Errorf("read the calendar: %w", err)
	}
	defer rows.Close()
	var out []archive.DayInfo
	var rev int64
	for rows.Next() {
		var ch, events, lines, drev *int64
		var day *time.Time
		if err := rows.Scan(&rev, &ch, &day, &events, &lines, &drev); err != nil {
			return nil, 0, fmt.Errorf("read the calendar: %w", err)
		}
		if ch == nil {
			continue // no day changed
		}
		out = append(out, archive.DayInfo{Channel: *ch, Day: dateOf(day), Events: int(*events), Lines: int(*lines), Rev: *drev})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read the calendar: %w", err)
	}
	return out, rev, nil
}

// AllDays lists the days of every channel, by channel then day.
func (db *DB) AllDays(ctx context.Context) ([]archive.DayInfo, error) {
	return db.days(ctx, "ORDER BY channel, day")
}

func (db *DB) days(ctx context.Context, where string, args ...any) ([]archive.DayInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT channel, day, events, lines, rev FROM days "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read the calendar: %w", err)
	}
	defer rows.Close()
	var out []archive.DayInfo
	for rows.Next() {
		var d archive.DayInfo
		var day time.Time
		if err := rows.Scan(&d.Channel, &day, &d.Events, &d.Lines, &d.Rev); err != nil {
			return nil, fmt.Errorf("read the calendar: %w", err)
		}
		d.Day = dateOf(&day)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revision is the archive's change counter: it grows with every commit.
func (db *DB) Revision(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var rev int64
	if err := db.pool.QueryRow(ctx, "SELECT rev FROM revision").Scan(&rev); err != nil {
		return 0, fmt.Errorf("read the archive revision: %w", err)
	}
	return rev, nil
}

// speechKinds are what people say (Kind.IsSpeech), as an SQL list.
const speechKinds = "(1, 2, 3)"

// Seen returns the last thing nick said (message, action or notice) in the
// given channels (all channels when none are given).
func (db *DB) Seen(ctx context.Context, nick string, channelIDs []int64) (event.Event, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	q := "SELECT " + allColumns + " FROM events WHERE nick_lower = $1 AND kind IN " + speechKinds
	args := []any{notNull(casemap.FoldASCII(nick))}
	if len(channelIDs) > 0 {
		q += " AND channel = ANY($2)"
		args = append(args, channelIDs)
	}
	q += " ORDER BY nick_lower DESC, ts DESC, id DESC LIMIT 1"
	evs, err := db.events(ctx, db.pool, q, args...)
	if err != nil {
		return event.Event{}, false, fmt.Errorf("look up %s: %w", nick, err)
	}
	if len(evs) == 0 {
		return event.Event{}, false, nil
	}
	return evs[0], true, nil
}

// Contains reports whether the archive holds an event like ev: in the same
// channel log, of the same kind, by the same nick, with the same text and
// target, at most tol away in time. It sees what every process committed.
func (db *DB) Contains(ctx context.Context, ev event.Event, tol time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	ch, ok, err := db.knownChannel(ctx, ev.Network, ev.Channel)
	if err != nil || !ok {
		return false, err // a log never written to holds nothing
	}
	var found bool
	err = db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM events WHERE channel = $1 AND ts >= $2 AND ts <= $3 AND kind = $4
		AND nick = $5 AND text = $6 AND coalesce(target, ''::bytea) = $7)`,
		ch, ms(ev.Time.Add(-tol)), ms(ev.Time.Add(tol)), int16(ev.Kind), notNull(ev.Nick), notNull(ev.Text), notNull(ev.Target)).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("look up an event of %s: %w", ev.Channel, err)
	}
	return found, nil
}

// Event returns one event by id.
func (db *DB) Event(ctx context.Context, id int64) (event.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	evs, err := db.events(ctx, db.pool, "SELECT "+allColumns+" FROM events WHERE id = $1", id)
	if err == nil && len(evs) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return event.Event{}, fmt.Errorf("read event %d: %w", id, err)
	}
	return evs[0], nil
}
