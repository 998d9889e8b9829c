package postgres

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/archive/internal/redact"
	"proceedings/event"
	"proceedings/internal/casemap"
)

// Redact removes the selected events (and so their search entries) in one
// transaction, writes an audit record (who, when, how many, and the query
// without the text it matched), and stamps every touched day with a new
// revision so that a render rewrites it. A day left without events
// disappears from the calendar. With dryRun it only counts (the days then
// carry their counts, and revisions, before).
func (db *DB) Redact(ctx context.Context, q archive.RedactQuery, actor string, dryRun bool) (archive.RedactResult, error) {
	if err := db.writable(); err != nil {
		return archive.RedactResult{}, err
	}
	ch, err := redact.Channel(ctx, q, db.FindChannel)
	if err != nil {
		return archive.RedactResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	defer tx.Rollback(context.Background())
	var ids []int64
	tally := days.NewTally(db.loc)
	err = redactMatches(ctx, tx, q, ch.ID, "id, ts, text", func(raw [][]byte) error {
		ids = append(ids, int64BE(raw[0]))
		tally.Add(fromMS(int64BE(raw[1])))
		return nil
	})
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	res := archive.RedactResult{Events: len(ids)}
	if res.Events == 0 {
		return res, nil
	}
	if !dryRun {
		if _, err := tx.Exec(ctx, "DELETE FROM events WHERE id = ANY($1)", ids); err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
		}
	}
	var rev int64
	if !dryRun {
		// The days are recounted under the revision lock: a writer that
		// committed before is counted, one that commits after adds its
		// own count to the recounted day.
		if rev, err = db.bumpRevision(ctx, tx, nil); err != nil {
			return archive.RedactResult{}, err
		}
	}
	touched, err := tally.Sorted()
	if err != nil {
		return archive.RedactResult{}, err
	}
	for _, t := range touched {
		day, d := t.Key, t.Date
		start, end := d.Bounds(db.loc)
		var n, lines, first, last int64
		err = tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE kind IN `+speechKinds+`), coalesce(min(id), 0), coalesce(max(id), 0)
			FROM events WHERE channel = $1 AND ts >= $2 AND ts < $3`, ch.ID, ms(start), ms(end)).Scan(&n, &lines, &first, &last)
		if err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: recount %s: %w", day, err)
		}
		info := archive.DayInfo{Channel: ch.ID, Day: d, Events: int(n), Lines: int(lines), Rev: rev}
		if dryRun {
			if err := tx.QueryRow(ctx, "SELECT coalesce((SELECT rev FROM days WHERE channel = $1 AND day = $2::date), 0)", ch.ID, day).Scan(&info.Rev); err != nil {
				return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
			}
			res.Days = append(res.Days, info)
			continue
		}
		res.Days = append(res.Days, info)
		if n == 0 {
			_, err = tx.Exec(ctx, "DELETE FROM days WHERE channel = $1 AND day = $2::date", ch.ID, day)
		} else {
			_, err = tx.Exec(ctx, "UPDATE days SET events = $1, lines = $2, first_id = $3, last_id = $4, rev = $5 WHERE channel = $6 AND day = $7::date",
				n, lines, first, last, rev, ch.ID, day)
		}
		if err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: recount %s: %w", day, err)
		}
	}
	if dryRun {
		return res, nil
	}
	if _, err := tx.Exec(ctx, "INSERT INTO audit(ts, actor, action, detail, count) VALUES($1, $2, 'redact'::bytea, $3, $4)",
		ms(time.Now()), notNull(actor), notNull(redact.Describe(ch, q)), res.Events); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: audit: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: commit: %w", err)
	}
	return res, nil
}

// redactMatches calls fn, in time order, with the raw binary columns cols
// (text last) of each event of channel id that q selects. Nick and time
// are selected in SQL; Match, a case-insensitive substring as SQLite's
// instr(lower(text), lower(match)) finds it (ASCII letters folded), here,
// on the bytes.
func redactMatches(ctx context.Context, q querier, rq archive.RedactQuery, id int64, cols string, fn func(raw [][]byte) error) error {
	where := "channel = $1"
	args := []any{id}
	if rq.Nick != "" {
		args = append(args, notNull(casemap.FoldASCII(rq.Nick)))
		where += " AND nick_lower = $" + strconv.Itoa(len(args))
	}
	if !rq.From.IsZero() {
		args = append(args, ms(rq.From))
		where += " AND ts >= $" + strconv.Itoa(len(args))
	}
	if !rq.To.IsZero() {
		args = append(args, ms(rq.To))
		where += " AND ts < $" + strconv.Itoa(len(args))
	}
	rows, err := q.Query(ctx, "SELECT "+cols+" FROM events WHERE "+where+" ORDER BY ts, id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	match := []byte(casemap.FoldASCII(rq.Match))
	for rows.Next() {
		raw := rows.RawValues()
		if len(match) > 0 && !bytes.Contains([]byte(casemap.FoldASCII(string(raw[len(raw)-1]))), match) {
			continue
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return rows.Err()
}

func int64BE(b []byte) int64 {
	var v int64
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	return v
}

// RedactMatches calls fn, in time order, for each event Redact would remove
// with q, and returns how many there are and on which days (each day with
// the number of its events that match). It only reads. nil fn only counts.
func (db *DB) RedactMatches(ctx context.Context, q archive.RedactQuery, fn func(event.Event) error) (archive.RedactResult, error) {
	ch, err := redact.Channel(ctx, q, db.FindChannel)
	if err != nil {
		return archive.RedactResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var res archive.RedactResult
	tally := days.NewTally(db.loc)
	var ids []int64
	err = redactMatches(ctx, db.pool, q, ch.ID, "id, ts, text", func(raw [][]byte) error {
		tally.Add(fromMS(int64BE(raw[1])))
		res.Events++
		ids = append(ids, int64BE(raw[0]))
		return nil
	})
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	if fn != nil {
		// Read in pages, so that fn may take its time without holding a
		// connection.
		for len(ids) > 0 {
			n := min(len(ids), 1000)
			evs, err := db.events(ctx, db.pool, "SELECT "+allColumns+" FROM events WHERE id = ANY($1) ORDER BY ts, id", ids[:n])
			if err != nil {
				return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
			}
			for _, ev := range evs {
				if err := fn(ev); err != nil {
					return archive.RedactResult{}, err
				}
			}
			ids = ids[n:]
		}
	}
	if res.Days, err = tally.Infos(ch.ID); err != nil {
		return archive.RedactResult{}, err
	}
	return res, nil
}

// Audit returns the audit log, newest first.
func (db *DB) Audit(ctx context.Context) ([]archive.AuditEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT ts, actor, action, detail, count FROM audit ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var out []archive.AuditEntry
	for rows.Next() {
		var a archive.AuditEntry
		var ts int64
		var actor, action, detail []byte
		if err := rows.Scan(&ts, &actor, &action, &detail, &a.Count); err != nil {
			return nil, err
		}
		a.Time, a.Actor, a.Action, a.Detail = fromMS(ts), string(actor), string(action), string(detail)
		out = append(out, a)
	}
	return out, rows.Err()
}
