package sqlite

import (
	"proceedings/event"
	"strconv"
	"strings"
	"testing"
)

// TestKindListsMatchTheSchema checks that the kinds the code indexes and
// counts as speech are the numbers the migrations wrote (migrations are
// never edited, so the schema keeps its literal list).
func TestKindListsMatchTheSchema(t *testing.T) {
	if searchableKinds != "(1, 2, 3, 9)" {
		t.Errorf("searchableKinds = %s, but migration 2's index and delete trigger hold (1, 2, 3, 9)", searchableKinds)
	}
	schema := strings.Join(migrations, "\n")
	if !strings.Contains(schema, "kind IN "+searchableKinds) {
		t.Errorf("no migration filters the index by kind IN %s", searchableKinds)
	}
	for _, k := range []event.Kind{event.KindMessage, event.KindAction, event.KindNotice} {
		if !k.IsSpeech() || !strings.Contains(speechKinds, strconv.Itoa(int(k))) {
			t.Errorf("%v: speech in Kind.IsSpeech and in speechKinds %s alike", k, speechKinds)
		}
	}
	if speechKinds != "(1, 2, 3)" {
		t.Errorf("speechKinds = %s", speechKinds)
	}
}
