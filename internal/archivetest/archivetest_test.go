package archivetest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func TestMain(m *testing.M) { Main(m) }

// TestEngines: each engine's location has the form bot.yaml takes, opens,
// and two handles on it (a writer, a read-only reader) see the same
// archive.
func TestEngines(t *testing.T) {
	for _, tc := range []struct {
		engine, prefix string
	}{
		{"", "/"},
		{SQLite, "/"},
		{Postgres, "postgres://"},
	} {
		t.Run(tc.engine, func(t *testing.T) {
			t.Setenv(EngineVar, tc.engine)
			dir := t.TempDir()
			where := Location(t, dir)
			if !strings.HasPrefix(where, tc.prefix) {
				t.Fatalf("location %q, want it to start with %q", where, tc.prefix)
			}
			if tc.prefix == "/" && filepath.Dir(where) != dir {
				t.Errorf("the SQLite file %s is not in %s", where, dir)
			}
			ctx := context.Background()
			w := OpenAt(t, where, archive.Options{})
			ev := event.Event{Network: "net", Channel: "#c", Kind: event.KindMessage, Nick: "a", Text: "hello", Time: time.Date(2026, 2, 2, 14, 0, 0, 0, time.UTC)}
			if _, err := w.Append(ctx, ev); err != nil {
				t.Fatal(err)
			}
			r := OpenAt(t, where, archive.Options{ReadOnly: true})
			if ok, err := r.Contains(ctx, ev, 0); err != nil || !ok {
				t.Errorf("the reader does not see the writer's event: %v %v", ok, err)
			}
		})
	}
}

// TestUnknownEngine: a misspelt engine stops the tests rather than run
// them on SQLite again.
func TestUnknownEngine(t *testing.T) {
	t.Setenv(EngineVar, "postgresql")
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"postgresql"`) {
			t.Errorf("Engine() with %q: recovered %v", "postgresql", r)
		}
	}()
	Engine()
}
