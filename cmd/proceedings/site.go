package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"proceedings/archive"
	"proceedings/archive/postgres"
	"proceedings/bot"
	"proceedings/config"
	"proceedings/event"
	"proceedings/render"
	"proceedings/sitepath"
)

// The PostgreSQL engine is the archive several processes share: it has
// the render lock (taken by render.Render) and word of their commits.
var (
	_ archive.RenderLocker   = (*postgres.DB)(nil)
	_ archive.ChangeNotifier = (*postgres.DB)(nil)
)

// siteLoop keeps the site of a running bot up to date: it renders every
// site.render_interval and just after each local midnight, and then says
// the link of the day that ended in the channels with announce_logs. On an
// archive that tells of changes (PostgreSQL, which other processes write
// too) it renders only when a revision newer than the one it rendered has
// been committed, at most once per site.render_interval, instead of
// looking at every interval. With site.render false it renders nothing
// (another process does) and only says the links of ended days.
func siteLoop(ctx context.Context, live *atomic.Pointer[config.Config], db archive.Store, say func(network, target, text string) error, log *slog.Logger) {
	log = log.With("component", "site")
	var changes <-chan int64
	if n, ok := db.(archive.ChangeNotifier); ok {
		changes = n.Changes(ctx)
	}
	for {
		cfg := live.Load()
		if !cfg.Site.Render {
			announceEndedDays(ctx, cfg, db, time.Now(), say, log)
			if !waitToRender(ctx, cfg, -1, nil) {
				return
			}
			continue
		}
		opt := siteOptions(cfg)
		// One worker: rendering is background work here, and the other
		// cores are left to recording and command replies, which people
		// wait on.
		opt.Workers = 1
		rendered := int64(-1)
		if st, err := render.Render(ctx, db, opt); err != nil && ctx.Err() == nil {
			log.Error("rendering the site failed; will try again", "err", err)
		} else if ctx.Err() == nil {
			rendered = st.Revision
			announceEndedDays(ctx, cfg, db, time.Now(), say, log)
		}
		if !waitToRender(ctx, cfg, rendered, changes) {
			return
		}
	}
}

// waitToRender waits, after a render, until the site loop should render
// again: for site.render_interval, or, when changes is not nil, until it
// delivers a revision newer than rendered (-1: the render failed) and at
// least site.render_interval has passed; at most until just after the next
// local midnight. It reports false when ctx ends first.
func waitToRender(ctx context.Context, cfg *config.Config, rendered int64, changes <-chan int64) bool {
	now := time.Now().In(cfg.Site.Location)
	_, midnight := event.DateOf(now, cfg.Site.Location).Bounds(cfg.Site.Location)
	dayEnd := time.After(midnight.Sub(now) + 5*time.Second)
	next := time.After(cfg.Site.RenderInterval)
	changed := changes == nil || rendered < 0
	for {
		select {
		case <-ctx.Done():
			return false
		case <-dayEnd:
			return true
		case rev, ok := <-changes:
			if !ok { // the archive is closing: look at every interval
				changes, changed = nil, true
				continue
			}
			if rev > rendered && !changed {
				changed = true
				if next == nil {
					return true
				}
			}
		case <-next:
			if changed {
				return true
			}
			next = nil
		}
	}
}

// announceEndedDays says "IRC Proceedings: Monday, February 02, 2026 — URL"
// in every channel with announce_logs whose log had lines on the last day
// that ended before now. Each day is announced once, even across restarts:
// the archive remembers the last day announced per channel. Only the most
// recent ended day is announced, never a backlog.
func announceEndedDays(ctx context.Context, cfg *config.Config, db archive.Store, now time.Time, say func(network, target, text string) error, log *slog.Logger) {
	loc := cfg.Site.Location
	ended := event.DateOf(now, loc).AddDays(-1)
	base := siteBaseURL(cfg)
	for _, n := range cfg.Networks {
		for _, ch := range n.Channels {
			if !ch.AnnounceLogs || !ch.Public {
				continue
			}
			ref, _ := bot.LogRef(cfg, n.Name, ch.Name)
			key := "logs-announced/" + n.Name + "/" + event.FoldChannel(ch.Name)
			last, _, err := db.Meta(ctx, key)
			if err != nil {
				log.Warn("cannot read what was announced", "err", err)
				continue
			}
			if last >= ended.String() {
				continue
			}
			lines, err := dayLines(ctx, db, ref, ended)
			if err != nil {
				log.Warn("cannot read the calendar", "channel", ch.Name, "err", err)
				continue
			}
			if lines > 0 {
				text := render.PageTitle(ended) + " — " + sitepath.DayURL(base, ref.Network, ref.Name, ended)
				if err := say(n.Name, ch.Name, text); err != nil {
					log.Warn("cannot announce the day's logs", "channel", ch.Name, "err", err)
					continue
				}
			}
			if err := db.SetMeta(ctx, key, ended.String()); err != nil {
				log.Warn("cannot remember the announced day", "err", err)
			}
		}
	}
}

// dayLines is how many lines a log has on a day (0 when none, or when the
// log does not exist yet).
func dayLines(ctx context.Context, db archive.Store, ref event.ChannelRef, day event.Date) (int, error) {
	c, err := db.FindChannel(ctx, ref.Network, ref.Name)
	if err != nil {
		return 0, nil
	}
	cal, err := db.Calendar(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	for _, d := range cal {
		if d.Day == day {
			return d.Lines, nil
		}
	}
	return 0, nil
}
