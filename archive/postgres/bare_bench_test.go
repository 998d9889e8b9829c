package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"proceedings/archive/storetest"
	"proceedings/internal/casemap"
)

// BenchmarkBareCopy is the floor under the engine's bulk import on the
// same server: the benchmark corpus's events (storetest.Corpus,
// PROCEEDINGS_BENCH_EVENTS) COPYed into a table with the events table's
// columns but no index, no tsvector and no day counts, one transaction
// per 10,000 rows, as the SQLite benchmarks' bare inserts. It reports
// events/s and the processor time per event of this process and of the
// server.
func BenchmarkBareCopy(b *testing.B) {
	ctx := context.Background()
	n := storetest.CorpusSize()
	for range b.N {
		b.StopTimer()
		conn, err := pgx.Connect(ctx, benchDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE bare (id bigint NOT NULL, channel bigint NOT NULL, ts bigint NOT NULL,
			flags bigint NOT NULL, kind smallint NOT NULL, nick bytea NOT NULL, nick_lower bytea NOT NULL, text bytea NOT NULL,
			target bytea, userhost bytea, account bytea, msgid bytea, via bytea)`); err != nil {
			b.Fatal(err)
		}
		cols := []string{"id", "channel", "ts", "flags", "kind", "nick", "nick_lower", "text", "target", "userhost", "account", "msgid", "via"}
		srv0, err := bench.srv.CPUTime()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		b.StartTimer()
		rows := make([][]any, 0, 10000)
		id := int64(0)
		flush := func() {
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"bare"}, cols, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
		for ev := range storetest.Corpus(n) {
			id++
			rows = append(rows, []any{id, int64(1), ms(ev.Time), int64(ev.Flags), int16(ev.Kind), notNull(ev.Nick),
				notNull(casemap.FoldASCII(ev.Nick)), notNull(ev.Text), nullable(ev.Target), nullable(ev.UserHost),
				nullable(ev.Account), nullable(ev.MsgID), nullable(ev.Via)})
			if len(rows) == cap(rows) {
				flush()
			}
		}
		flush()
		b.StopTimer()
		took := time.Since(start)
		srv1, err := bench.srv.CPUTime()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "events/s")
		b.ReportMetric(float64((srv1-srv0).Microseconds())/float64(n), "server-cpu-µs/event")
		conn.Close(ctx)
	}
}
