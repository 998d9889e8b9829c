package redact

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
)

func TestDescribe(t *testing.T) {
	q := archive.RedactQuery{Channel: "#c", Nick: "bob", From: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Match: "secret"}
	got := Describe(archive.Channel{Network: "libera", Name: "#c"}, q)
	if want := "channel=libera/#c nick=bob from=2026-02-02T00:00:00Z match=(text not kept)"; got != want {
		t.Errorf("Describe = %q; want %q", got, want)
	}
	if strings.Contains(got, "secret") {
		t.Error("the audit record keeps the matched text")
	}
}

func TestChannel(t *testing.T) {
	find := func(ctx context.Context, network, name string) (archive.Channel, error) {
		if name == "#c" {
			return archive.Channel{ID: 7, Name: name}, nil
		}
		return archive.Channel{}, archive.ErrNoChannel
	}
	if _, err := Channel(context.Background(), archive.RedactQuery{Channel: "#c"}, find); err == nil {
		t.Error("a query that selects a whole log was not refused")
	}
	ch, err := Channel(context.Background(), archive.RedactQuery{Channel: "#c", Nick: "bob"}, find)
	if err != nil || ch.ID != 7 {
		t.Errorf("Channel = %+v, %v; want channel 7", ch, err)
	}
	_, err = Channel(context.Background(), archive.RedactQuery{Channel: "#x", Nick: "bob"}, find)
	if !errors.Is(err, archive.ErrNoChannel) || !strings.HasPrefix(err.Error(), "redact: ") {
		t.Errorf("Channel of a missing channel: %v", err)
	}
}
