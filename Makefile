# paycert: conformance suites for mobile-balance / OTP payment APIs.
#
#   make conformance   the main job: every suite against the embedded simulator, report in reports/
#   make test          every test of the repo (what CI runs)

GO      ?= go
GINKGO  := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
TOOLS   := $(CURDIR)/.tools
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LISTEN  ?= 127.0.0.1:8080

.PHONY: conformance test unit lint browser sim bench selftest clean

## conformance: run all suites against the configured target (the embedded simulator by default)
conformance:
	$(GO) run ./cmd/paycert run

## test: lint, then every test with the race detector; installs the browser the report test uses
test: lint browser
	CGO_ENABLED=1 PAYCERT_REQUIRE_BROWSER=1 PAYCERT_REPORT_DIR=$(TOOLS)/test-reports \
		$(GO) test -race -count=1 -timeout 20m ./...

## unit: the tests without the race detector and without the browser (quick)
unit:
	PAYCERT_REPORT_DIR=$(TOOLS)/test-reports $(GO) test -count=1 ./...

## lint: formatting, vet, and go.mod/go.sum tidy
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet ./...
	$(GO) mod tidy -diff

## browser: Debian's Chromium, for the test that reads the report page in a real browser
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium (Debian package) for the report page test"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## sim: serve the reference simulator (LISTEN=host:port)
sim:
	$(GO) run ./cmd/paycert sim -listen $(LISTEN)

## bench: validation and simulator figures
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./harness/validate ./harness/sim/...

## selftest: the suites against a deliberately broken simulator and misbehaving targets
selftest:
	$(GO) test -count=1 -v -run . ./harness/selftest

clean:
	rm -rf reports $(TOOLS)
