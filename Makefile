# make test   installs what the tests need (Debian packages), then vets and runs every test with -race.
# make bench  measures everything the issues name and writes docs/BENCHMARKS.md (BENCH_SIZE=small for a quick run).
# make fuzz   runs every fuzz test for FUZZTIME each.
# make pgo    rewrites cmd/proceedings/default.pgo, the CPU profile go build optimises the binary with.
# make screenshots rewrites docs/screenshot-{day,index,stats}.png: headless Chromium over proceedings demo.

GO        ?= go
DEBS      := inspircd atheme-services ngircd znc chromium irclog2html pisg postgresql
# make bench also runs these reference tools and load generators.
BENCH_DEBS := time limnoria wrk
# make fixtures runs the real clients whose logs the readers are tested on.
FIXTURE_DEBS := irssi weechat-headless limnoria znc
BENCH_SIZE ?= full
FUZZTIME  ?= 60s

.PHONY: test deps bench-deps fixture-deps install-debs vet bench fuzz fixtures build demo soak pgo screenshots

build:
	$(GO) build -o proceedings ./cmd/proceedings

# deps installs the Debian packages the tests start for real (IRC servers,
# Chromium, the reference tools), after one apt-get update, only when missing.
deps:
	@$(MAKE) --no-print-directory install-debs PKGS="$(DEBS)"

bench-deps:
	@$(MAKE) --no-print-directory install-debs PKGS="$(DEBS) $(BENCH_DEBS)"

fixture-deps:
	@$(MAKE) --no-print-directory install-debs PKGS="ngircd $(FIXTURE_DEBS)"

install-debs:
	@missing=""; for p in $(PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	@echo "== go vet ./... (the first time it compiles every dependency: a few minutes on 2 cores)"
	$(GO) vet ./...

# PG_TEST_PKGS are the packages whose tests open an archive through
# internal/archivetest: make test runs them a second time with
# PROCEEDINGS_TEST_ENGINE=postgres, each test on a fresh PostgreSQL database
# (archive/postgres runs the archive's own suite on PostgreSQL in the first
# pass). bot/titles keeps no archive; TestKill9 is about the SQLite file.
PG_TEST_PKGS := ./render ./web ./bot ./bot/announce ./bot/commands

# test builds every test binary with the race detector first, naming each
# package as it is built (the first time this is most of the wait), then
# runs them, naming each package as it passes.
test: deps vet
	@echo "== building the tests with the race detector"
	@$(GO) test -race -exec /bin/true ./... 2>&1 | awk '$$1 == "ok" { print "built", $$2; next } { print }'
	@echo "== running the tests"
	$(GO) test -race -timeout 20m ./...
	@echo "== running the tests of the archive's users again, on PostgreSQL"
	PROCEEDINGS_TEST_ENGINE=postgres $(GO) test -race -timeout 20m -skip '^TestKill9$$' $(PG_TEST_PKGS)

# soak runs the long part of the resilience suite (internal/resilience): the
# bot under 20 lines/s and a command a second for SOAK_DURATION with its
# memory and goroutines checked for growth, and 10 rounds of kill -9 during
# a burst. make test runs only the fast part. SOAK_DURATION=5m for a shorter run.
SOAK_DURATION ?= 1h
SOAK_TIMEOUT  ?= 90m
soak: deps
	$(GO) test -v -timeout $(SOAK_TIMEOUT) ./internal/resilience -args -soak -soak.duration $(SOAK_DURATION)

bench: bench-deps
	$(GO) run ./bench -size $(BENCH_SIZE) -out docs/BENCHMARKS.md

# pgo profiles the work that keeps the CPU busy (a full render of the site,
# a bulk import, parsing irssi logs) through their Go benchmarks and merges
# the profiles into cmd/proceedings/default.pgo, which go build and go run
# use for profile-guided optimisation (about 3% less CPU for a full render).
PGO_TMP := $(shell mktemp -d -u /tmp/proceedings-pgo.XXXXXX)
pgo:
	mkdir -p $(PGO_TMP)
	$(GO) test -run '^$$' -bench 'BenchmarkRender/full' -benchtime 15x -cpuprofile $(PGO_TMP)/render.prof -o $(PGO_TMP)/render.test ./render
	$(GO) test -run '^$$' -bench 'BenchmarkImport' -benchtime 3x -cpuprofile $(PGO_TMP)/import.prof -o $(PGO_TMP)/archive.test ./archive
	$(GO) test -run '^$$' -bench 'BenchmarkReadIrssi' -benchtime 200x -cpuprofile $(PGO_TMP)/logs.prof -o $(PGO_TMP)/logs.test ./logs
	$(GO) tool pprof -proto $(PGO_TMP)/render.prof $(PGO_TMP)/import.prof $(PGO_TMP)/logs.prof > cmd/proceedings/default.pgo
	rm -rf $(PGO_TMP)

fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list 'Fuzz.*' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

demo:
	$(GO) run ./cmd/proceedings demo

# screenshots runs proceedings demo on a free loopback port and has Debian's
# headless Chromium (installed when missing) take the README's pictures at a
# fixed window size: a day page, the front page and a channel's statistics.
screenshots:
	@$(MAKE) --no-print-directory install-debs PKGS="chromium"
	$(GO) run ./internal/screenshots -out docs

# fixtures runs the real irssi, WeeChat, Limnoria and ZNC against a local ngIRCd,
# plays a scripted scene, and writes their logs and the expected events to
# logs/testdata/real (read by logs/real_test.go). fixture-deps installs the
# Debian packages it needs (ngircd irssi weechat-headless limnoria znc).
fixtures: fixture-deps
	$(GO) run ./fixtures/gen -out logs/testdata/real
