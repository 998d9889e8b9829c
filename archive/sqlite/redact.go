package sqlite

import (
	"context"
	"fmt"
	"proceedings/archive"
	"proceedings/archive/internal/days"
	"proceedings/archive/internal/redact"
	"proceedings/event"
	"time"
)

// Redact removes the selected events and their search-index entries in one
// transaction, writes an audit record (who, when, how many, and the query
// without the text it matched: never the removed text), and stamps every
// touched day with a new revision so that a render rewrites it. A day left
// without events disappears from the calendar. With dryRun it only counts
// (the days then carry their counts before).
func (db *DB) Redact(ctx context.Context, q archive.RedactQuery, actor string, dryRun bool) (archive.RedactResult, error) {
	if err := db.writable(); err != nil {
		return archive.RedactResult{}, err
	}
	ch, err := redact.Channel(ctx, q, db.FindChannel)
	if err != nil {
		return archive.RedactResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	defer tx.Rollback()
	// Everything to be deleted must be in the index first, so that the
	// delete trigger takes it out again.
	if err := indexPending(ctx, tx); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	where, args := redactWhere(q, "", ch.ID)
	rows, err := tx.QueryContext(ctx, "SELECT ts FROM events WHERE "+where, args...)
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	var res archive.RedactResult
	tally := days.NewTally(db.loc)
	for rows.Next() {
		var ts int64
		if err := rows.Scan(&ts); err != nil {
			rows.Close()
			return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
		}
		tally.Add(fromMS(ts))
		res.Events++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	if res.Events == 0 {
		return res, nil
	}
	if !dryRun {
		if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE "+where, args...); err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
		}
	}
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return archive.RedactResult{}, err
	}
	touched, err := tally.Sorted()
	if err != nil {
		return archive.RedactResult{}, err
	}
	for _, t := range touched {
		day, d := t.Key, t.Date
		start, end := d.Bounds(db.loc)
		var n, lines, first, last int64
		err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(kind IN `+speechKinds+`), 0), coalesce(min(id), 0), coalesce(max(id), 0)
			FROM events WHERE channel = ? AND ts >= ? AND ts < ?`, ch.ID, ms(start), ms(end)).Scan(&n, &lines, &first, &last)
		if err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: recount %s: %w", day, err)
		}
		res.Days = append(res.Days, archive.DayInfo{Channel: ch.ID, Day: d, Events: int(n), Lines: int(lines), Rev: rev})
		if dryRun {
			continue
		}
		if n == 0 {
			_, err = tx.ExecContext(ctx, "DELETE FROM days WHERE channel = ? AND day = ?", ch.ID, day)
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE days SET events = ?, lines = ?, first_id = ?, last_id = ?, rev = ? WHERE channel = ? AND day = ?",
				n, lines, first, last, rev, ch.ID, day)
		}
		if err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: recount %s: %w", day, err)
		}
	}
	if dryRun {
		return res, nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit(ts, actor, action, detail, count) VALUES(?, ?, 'redact', ?, ?)",
		ms(time.Now()), actor, redact.Describe(ch, q), res.Events); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: commit: %w", err)
	}
	return res, nil
}

// redactWhere is the SQL condition selecting q's events of channel id; prefix
// qualifies the events table's columns ("e." in a join).
func redactWhere(q archive.RedactQuery, prefix string, id int64) (string, []any) {
	where := prefix + "channel = ?"
	args := []any{id}
	if q.Nick != "" {
		where += " AND " + prefix + "nick = ? COLLATE NOCASE"
		args = append(args, q.Nick)
	}
	if !q.From.IsZero() {
		where += " AND " + prefix + "ts >= ?"
		args = append(args, ms(q.From))
	}
	if !q.To.IsZero() {
		where += " AND " + prefix + "ts < ?"
		args = append(args, ms(q.To))
	}
	if q.Match != "" {
		where += " AND instr(lower(" + prefix + "text), lower(?)) > 0"
		args = append(args, q.Match)
	}
	return where, args
}

// RedactMatches calls fn, in time order, for each event Redact would remove
// with q, and returns how many there are and on which days (each day with
// the number of its events that match). It only reads: a dry run needs no
// writable archive. nil fn only counts.
func (db *DB) RedactMatches(ctx context.Context, q archive.RedactQuery, fn func(event.Event) error) (archive.RedactResult, error) {
	ch, err := redact.Channel(ctx, q, db.FindChannel)
	if err != nil {
		return archive.RedactResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, bulkTimeout)
	defer cancel()
	where, args := redactWhere(q, "e.", ch.ID)
	rows, err := db.ro.QueryContext(ctx, "SELECT "+eventColumns+" FROM events e JOIN channels c ON c.id = e.channel WHERE "+where+" ORDER BY e.ts, e.id", args...)
	if err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
	}
	defer rows.Close()
	var res archive.RedactResult
	tally := days.NewTally(db.loc)
	for rows.Next() {
		var ev event.Event
		if err := scanEvent(rows, &ev); err != nil {
			return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
		}
		tally.Add(ev.Time)
		res.Events++
		if fn != nil {
			if err := fn(ev); err != nil {
				return archive.RedactResult{}, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return archive.RedactResult{}, fmt.Errorf("redact: %w", err)
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
	rows, err := db.ro.QueryContext(ctx, "SELECT ts, actor, action, detail, count FROM audit ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var out []archive.AuditEntry
	for rows.Next() {
		var a archive.AuditEntry
		var ts int64
		if err := rows.Scan(&ts, &a.Actor, &a.Action, &a.Detail, &a.Count); err != nil {
			return nil, err
		}
		a.Time = fromMS(ts)
		out = append(out, a)
	}
	return out, rows.Err()
}
