package bot

import (
	"testing"

	"proceedings/internal/archivetest"
)

// TestMain stops the PostgreSQL server the tests started, when they run on
// PostgreSQL (internal/archivetest).
func TestMain(m *testing.M) { archivetest.Main(m) }
