package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"proceedings/archive"
	"proceedings/archive/internal/channels"
	"proceedings/archive/internal/fields"
	"proceedings/event"
	"time"
)

// Channels lists every channel log, sorted by network and name.
func (db *DB) Channels(ctx context.Context) ([]archive.Channel, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, `SELECT c.id, c.network, c.name, c.public,
		coalesce(sum(d.events), 0), coalesce(sum(d.lines), 0), count(d.day), coalesce(min(d.day), ''), coalesce(max(d.day), '')
		FROM channels c LEFT JOIN days d ON d.channel = c.id GROUP BY c.id ORDER BY c.network, c.folded`)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	defer rows.Close()
	var out []archive.Channel
	for rows.Next() {
		var c archive.Channel
		var first, last string
		if err := rows.Scan(&c.ID, &c.Network, &c.Name, &c.Public, &c.Events, &c.Lines, &c.Days, &first, &last); err != nil {
			return nil, fmt.Errorf("list channels: %w", err)
		}
		c.First, _ = event.ParseDate(first)
		c.Last, _ = event.ParseDate(last)
		c.Public = db.view.IsPublic(c.Network, c.Name, c.Public)
		out = append(out, c)
	}
	return out, rows.Err()
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
// channel when it is new. The configuration is the source of this flag;
// callers sync it at start.
func (db *DB) SetPublic(ctx context.Context, network, name string, public bool) error {
	if err := db.writable(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var id int64
	err := db.rw.QueryRowContext(ctx, `INSERT INTO channels(network, name, folded, public) VALUES(?, ?, ?, ?)
		ON CONFLICT(network, folded) DO UPDATE SET public = excluded.public RETURNING id`,
		network, name, event.FoldChannel(name), public).Scan(&id)
	if err != nil {
		return fmt.Errorf("mark channel %s: %w", name, err)
	}
	db.cacheChannel(network, name, id)
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
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark public channels: %w", err)
	}
	defer tx.Rollback()
	for _, n := range networks {
		if _, err := tx.ExecContext(ctx, "UPDATE channels SET public = 0 WHERE network = ?", n); err != nil {
			return fmt.Errorf("mark public channels: %w", err)
		}
	}
	var created []newChan
	for _, c := range public {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO channels(network, name, folded, public) VALUES(?, ?, ?, 1)
			ON CONFLICT(network, folded) DO UPDATE SET public = 1 RETURNING id`, c.Network, c.Name, event.FoldChannel(c.Name)).Scan(&id)
		if err != nil {
			return fmt.Errorf("mark channel %s public: %w", c.Name, err)
		}
		created = append(created, newChan{c.Network, c.Name, id})
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark public channels: %w", err)
	}
	for _, c := range created {
		db.cacheChannel(c.network, c.name, c.id)
	}
	db.view.Update(public)
	return nil
}

// SetPublicView makes this handle treat the listed channels as public and
// every other channel as private, in Channels, FindChannel and searches
// with PublicOnly, whatever the file's own flags say. It writes nothing, so
// a read-only handle (ask, search, serve) follows the configuration it was
// opened with even when no writer has synced the flags since the
// configuration changed. SetPublicOnly on the same handle replaces the view.
func (db *DB) SetPublicView(public []event.ChannelRef) { db.view.Set(public) }

const eventColumns = `e.id, c.network, c.name, e.ts, e.kind, e.nick, e.text, coalesce(e.target, ''),
	coalesce(e.userhost, ''), coalesce(e.account, ''), coalesce(e.msgid, ''), coalesce(e.via, ''), e.flags & 2147483647`

func scanEvent(s interface{ Scan(...any) error }, ev *event.Event) error {
	var ts int64
	if err := s.Scan(&ev.ID, &ev.Network, &ev.Channel, &ts, &ev.Kind, &ev.Nick, &ev.Text, &ev.Target,
		&ev.UserHost, &ev.Account, &ev.MsgID, &ev.Via, &ev.Flags); err != nil {
		return err
	}
	ev.Time = fromMS(ts)
	return nil
}

// Range calls fn for each event of a channel from (inclusive) to
// (exclusive), in arrival order, with the fields asked for. It streams:
// memory stays flat whatever the range.
func (db *DB) Range(ctx context.Context, channelID int64, from, to time.Time, fields archive.Fields, fn func(event.Event) error) error {
	return db.rangeEvents(ctx, channelID, from, to, fields, fn)
}

func (db *DB) rangeEvents(ctx context.Context, channelID int64, from, to time.Time, set archive.Fields, fn func(event.Event) error) error {
	cols := "id, ts, kind, flags & 2147483647, nick, text"
	switch set {
	case archive.PageFields:
		cols += ", target, userhost, via"
	case archive.AllFields:
		cols += ", target, userhost, via, account, msgid"
	}
	return db.scan(ctx, func(s *scanner) error {
		ev := event.Event{}
		texts := fields.Texts(nil, &ev, set)
		found := false
		if err := s.query(ctx, "SELECT network, name FROM channels WHERE id = ?", []int64{channelID}, func(st uintptr) error {
			s.texts(st, 0, &ev.Network, &ev.Channel)
			found = true
			return nil
		}); err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		if !found {
			return fmt.Errorf("%w: id %d", archive.ErrNoChannel, channelID)
		}
		return s.query(ctx, `SELECT `+cols+` FROM events WHERE channel = ? AND ts >= ? AND ts < ? ORDER BY ts, id`,
			[]int64{channelID, ms(from), ms(to)}, func(st uintptr) error {
				ev.ID = s.int64(st, 0)
				ev.Time = fromMS(s.int64(st, 1))
				ev.Kind = event.Kind(s.int64(st, 2))
				ev.Flags = event.Flags(s.int64(st, 3))
				s.texts(st, 4, texts...)
				return fn(ev)
			})
	})
}

// Day returns the events of one channel on one local day, in order.
func (db *DB) Day(ctx context.Context, channelID int64, day event.Date) ([]event.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	start, end := day.Bounds(db.loc)
	var out []event.Event
	err := db.Range(ctx, channelID, start, end, archive.AllFields, func(ev event.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", day, err)
	}
	return out, nil
}

// Calendar lists the days with events of a channel, oldest first.
func (db *DB) Calendar(ctx context.Context, channelID int64) ([]archive.DayInfo, error) {
	return db.days(ctx, "WHERE channel = ? ORDER BY day", channelID)
}

// ChangedDays lists the days of every channel that changed after revision
// since, and the archive's current revision.
func (db *DB) ChangedDays(ctx context.Context, since int64) ([]archive.DayInfo, int64, error) {
	rev, err := db.Revision(ctx)
	if err != nil {
		return nil, 0, err
	}
	days, err := db.days(ctx, "WHERE rev > ? ORDER BY channel, day", since)
	return days, rev, err
}

// AllDays lists the days of every channel, by channel then day.
func (db *DB) AllDays(ctx context.Context) ([]archive.DayInfo, error) {
	return db.days(ctx, "ORDER BY channel, day")
}

func (db *DB) days(ctx context.Context, where string, args ...any) ([]archive.DayInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.ro.QueryContext(ctx, "SELECT channel, day, events, lines, rev FROM days "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read the calendar: %w", err)
	}
	defer rows.Close()
	var out []archive.DayInfo
	for rows.Next() {
		var d archive.DayInfo
		var day string
		if err := rows.Scan(&d.Channel, &day, &d.Events, &d.Lines, &d.Rev); err != nil {
			return nil, fmt.Errorf("read the calendar: %w", err)
		}
		if d.Day, err = event.ParseDate(day); err != nil {
			return nil, fmt.Errorf("read the calendar: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revision is the archive's change counter: it grows with every commit.
func (db *DB) Revision(ctx context.Context) (int64, error) {
	var rev int64
	err := db.ro.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rev'").Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the archive revision: %w", err)
	}
	return rev, nil
}

// Seen returns the last thing nick said (message, action or notice) in the
// given channels (all channels when none are given).
func (db *DB) Seen(ctx context.Context, nick string, channelIDs []int64) (event.Event, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	q := `SELECT ` + eventColumns + ` FROM events e INDEXED BY events_nick_ts JOIN channels c ON c.id = e.channel
		WHERE e.nick = ? COLLATE NOCASE AND e.kind IN ` + speechKinds
	args := []any{nick}
	if len(channelIDs) > 0 {
		q += " AND e.channel IN (" + placeholders(len(channelIDs)) + ")"
		for _, id := range channelIDs {
			args = append(args, id)
		}
	}
	q += " ORDER BY e.nick COLLATE NOCASE DESC, e.ts DESC LIMIT 1"
	var ev event.Event
	err := scanEvent(db.ro.QueryRowContext(ctx, q, args...), &ev)
	if errors.Is(err, sql.ErrNoRows) {
		return event.Event{}, false, nil
	}
	if err != nil {
		return event.Event{}, false, fmt.Errorf("look up %s: %w", nick, err)
	}
	return ev, true, nil
}

// Contains reports whether the archive holds an event like ev: in the same
// channel log, of the same kind, by the same nick, with the same text and
// target, at most tol away in time. The recorder asks it of the lines a
// bouncer or the server plays back from before the bot joined, which the
// bot may have recorded live already.
func (db *DB) Contains(ctx context.Context, ev event.Event, tol time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	db.mu.Lock()
	ch, ok := db.channels[chanKey{ev.Network, event.FoldChannel(ev.Channel)}]
	db.mu.Unlock()
	if !ok {
		return false, nil // a log never written to holds nothing
	}
	var one int
	err := db.ro.QueryRowContext(ctx, `SELECT 1 FROM events WHERE channel = ? AND ts >= ? AND ts <= ? AND kind = ? AND nick = ? AND text = ?
		AND coalesce(target, '') = ? LIMIT 1`, ch, ms(ev.Time.Add(-tol)), ms(ev.Time.Add(tol)), ev.Kind, ev.Nick, ev.Text, ev.Target).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up an event of %s: %w", ev.Channel, err)
	}
	return true, nil
}

// Event returns one event by id.
func (db *DB) Event(ctx context.Context, id int64) (event.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var ev event.Event
	err := scanEvent(db.ro.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events e JOIN channels c ON c.id = e.channel WHERE e.id = ?`, id), &ev)
	if err != nil {
		return event.Event{}, fmt.Errorf("read event %d: %w", id, err)
	}
	return ev, nil
}
