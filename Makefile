# paycert: conformance suites for mobile-balance / OTP payment APIs.
#
#   ./paycert run      the main job: every suite against the embedded simulator, report in reports/
#                      (exit 0 conformant, 1 non-conformant, 2 configuration or harness error)
#   make test          every test of the repo (what CI runs)

SHELL   := bash
.SHELLFLAGS := -eo pipefail -c
GO      ?= go
TOOLS   := $(CURDIR)/.tools
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LISTEN  ?= 127.0.0.1:8080

# Release archives: one per platform, each the static binary with the README and the examples.
VERSION        ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
DIST_DIR       ?= $(CURDIR)/dist
DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/arm64
HOST_PLATFORM  := $(shell $(GO) env GOOS)/$(shell $(GO) env GOARCH)

# How long each fuzz target is fuzzed: briefly in make test, longer in make fuzz.
TEST_FUZZTIME ?= 1s
FUZZTIME      ?= 30s

# The OpenAPI documents the linters check (the catalogues and ledgers beside them are not OpenAPI).
SPECS := $(filter-out %.requirements.yaml %.errata.yaml,$(wildcard specs/*.yaml))
ACTIONLINT_VERSION := v1.7.12

# The Pact FFI library pact-go v2.4 links against (libpact_ffi 0.4.x), taken from the npm package
# that ships it for linux/amd64 (glibc) at the version pinned here and checked against its SHA-256,
# into a folder of the repository's. Only contracts/ links it (cgo, build tag pact); everything
# else builds with CGO_ENABLED=0.
PACT_FFI_PACKAGE := @pact-foundation/pact-core-linux-x64-glibc
PACT_FFI_VERSION := 18.1.0
PACT_FFI_SHA256  := b7cd02d81749ab11a8d388410a2c99d822620f525de9fdeaa32830b8cfe82025
PACT_FFI_DIR     := $(TOOLS)/pact-ffi/$(PACT_FFI_VERSION)
PACT_FFI         := $(PACT_FFI_DIR)/libpact_ffi.so
PACT_ENV         := PACT_DO_NOT_TRACK=true CGO_ENABLED=1 CGO_LDFLAGS=-L$(PACT_FFI_DIR) LD_LIBRARY_PATH=$(PACT_FFI_DIR)

.PHONY: conformance test fuzz soak unit lint lint-go lint-specs lint-actions shellcheck browser sim bench selftest dist dist-build clean pact-ffi pacts paycert-pact

## conformance: ./paycert run, for those who type make; make turns every failure into its own
## exit status 2, so a CI gate that tells 1 from 2 calls ./paycert run
conformance:
	./paycert run

## test: lint, then every test with the race detector (the fuzz targets on their seeds), then the
## soak without it, then each fuzz target for TEST_FUZZTIME; installs the browser the report test uses
## and the platform's JavaScript SDK the Monetix signature is compared with
test: lint browser $(TOOLS)/ecommpay-js/node_modules/.installed $(PACT_FFI)
	$(PACT_ENV) PAYCERT_REQUIRE_BROWSER=1 PAYCERT_REPORT_DIR=$(TOOLS)/test-reports \
		ECOMMPAY_JS_SDK=$(TOOLS)/ecommpay-js/node_modules/ecommpay \
		$(GO) test -tags pact -race -count=1 -timeout 20m ./...
	$(MAKE) --no-print-directory soak
	GO=$(GO) .ci/fuzz $(TEST_FUZZTIME)

## soak: 10,000 payment flows through the simulator at once, without the race detector (the race
## run of make test drives a tenth of them): no payment, callback or webhook lost or doubled
soak:
	$(GO) test -count=1 -timeout 10m -run '^TestSoak$$' -v ./harness/sim/simload | grep -E '^(=== RUN|--- |\s+soak_test|ok|FAIL|PASS)'

## fuzz: every fuzz target for FUZZTIME each (30s unless told); what one finds lands in the
## package's testdata/fuzz/, to be fixed and kept as a seed
fuzz:
	GO=$(GO) .ci/fuzz $(FUZZTIME)

## pact-ffi: install the Pact FFI library into .tools/pact-ffi (pinned, checksum-verified)
pact-ffi: $(PACT_FFI)

$(PACT_FFI): $(TOOLS)/lint/node_modules/.installed
	@[ "$(HOST_PLATFORM)" = linux/amd64 ] || { echo "the Pact FFI library is pinned for linux/amd64 only; this machine is $(HOST_PLATFORM)"; exit 1; }
	@rm -rf $(PACT_FFI_DIR).part && mkdir -p $(PACT_FFI_DIR).part
	cd $(PACT_FFI_DIR).part && npm pack --silent --loglevel=error $(PACT_FFI_PACKAGE)@$(PACT_FFI_VERSION) >/dev/null
	cd $(PACT_FFI_DIR).part && echo "$(PACT_FFI_SHA256)  $$(ls *.tgz)" | sha256sum --check --quiet
	tar -xzf $(PACT_FFI_DIR).part/*.tgz -C $(PACT_FFI_DIR).part --strip-components=3 package/prebuilds/linux-x64/libpact_ffi.so
	@rm -rf $(PACT_FFI_DIR) && mkdir -p $(PACT_FFI_DIR) && mv $(PACT_FFI_DIR).part/libpact_ffi.so $@ && touch $@ && rm -rf $(PACT_FFI_DIR).part

## paycert-pact: build the pact verifier (cgo, the Pact FFI library) beside ./paycert's binary in
## .tools/bin, where paycert pact verify finds it; it finds the library through its run path
paycert-pact: $(PACT_FFI)
	CGO_ENABLED=1 CGO_LDFLAGS="-L$(PACT_FFI_DIR) -Wl,-rpath,$(PACT_FFI_DIR)" \
		$(GO) build -tags pact -o $(TOOLS)/bin/paycert-pact ./contracts/cmd/paycert-pact

## pacts: run the consumer contract tests and write their pact files into contracts/pacts
pacts: $(PACT_FFI)
	$(PACT_ENV) PAYCERT_WRITE_PACTS=1 $(GO) test -tags pact -count=1 -run Consumer ./contracts

## unit: the tests without the race detector and without the browser (quick)
unit:
	PAYCERT_REPORT_DIR=$(TOOLS)/test-reports $(GO) test -count=1 ./...

## lint: Go formatting, vet and go.mod tidiness; the OpenAPI documents; the workflows and action
lint: lint-go lint-specs lint-actions

lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet ./...
	CGO_ENABLED=1 $(GO) vet -tags pact ./contracts/...
	$(GO) mod tidy -diff

## lint-specs: Spectral (spectral:oas) and Redocly (recommended, strict) on every OpenAPI
## document, at the versions pinned in lint/package-lock.json; no error, no warning
lint-specs: $(TOOLS)/lint/node_modules/.installed
	@cd lint && for spec in $(SPECS); do \
		echo "lint $$spec"; \
		$(TOOLS)/lint/node_modules/.bin/spectral lint --quiet --fail-severity warn --ruleset .spectral.yaml ../$$spec; \
		REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
			$(TOOLS)/lint/node_modules/.bin/redocly lint --config redocly.yaml --format stylish ../$$spec 2>&1 | \
			{ grep -v -e '^ *[║╔╚]' -e '^$$' || true; }; \
	done

$(TOOLS)/lint/node_modules/.installed: lint/package.json lint/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "installing Node.js and npm (Debian packages) for the OpenAPI linters"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	@mkdir -p $(TOOLS)/lint
	cp lint/package.json lint/package-lock.json $(TOOLS)/lint/
	cd $(TOOLS)/lint && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	@touch $@

# The npm package ecommpay (pinned in its lock file), run by node in the signature tests; npm
# itself comes with the linters.
$(TOOLS)/ecommpay-js/node_modules/.installed: harness/signing/testdata/ecommpay-js/package.json harness/signing/testdata/ecommpay-js/package-lock.json $(TOOLS)/lint/node_modules/.installed
	@mkdir -p $(TOOLS)/ecommpay-js
	cp harness/signing/testdata/ecommpay-js/package.json harness/signing/testdata/ecommpay-js/package-lock.json $(TOOLS)/ecommpay-js/
	cd $(TOOLS)/ecommpay-js && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	@touch $@

## lint-actions: actionlint (with shellcheck) on the workflows and, through them, the action at
## the root; shellcheck on the repository's shell scripts
lint-actions: shellcheck
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION) -color=false
	shellcheck paycert examples/otp/*.sh .github/action/*.sh .ci/fuzz

## shellcheck: Debian's shellcheck, when it is not installed
shellcheck:
	@command -v shellcheck >/dev/null 2>&1 || { \
		echo "installing shellcheck (Debian package) for the script and workflow lint"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; }

## browser: Debian's Chromium, for the test that reads the report page in a real browser
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium (Debian package) for the report page test"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## sim: serve the reference simulator (LISTEN=host:port)
sim:
	./paycert sim -listen $(LISTEN)

## bench: validation and simulator figures, then the load generator: req/s and latency of every
## provider's status, create and full flow at 1, 16 and 64 connections (BENCH_ARGS: its flags,
## e.g. BENCH_ARGS='-duration 5s -providers paysage')
BENCH_ARGS ?=
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./harness/validate ./harness/sim ./harness/sim/paysage ./harness/sim/bepaid
	$(GO) test -run '^$$' -bench '^BenchmarkFlow$$' -benchmem ./harness/sim/simload
	@mkdir -p $(TOOLS)
	$(GO) test -run '^$$' -bench 'CreateAtScale' -benchtime=1000x ./harness/sim/simload | tee $(TOOLS)/bench-scale.txt
	@awk '/CreateAtScale/ { split($$1, n, "/"); sub(/-[0-9]+$$/, "", n[3]); t[n[2] " " n[3]] = $$3; p[n[2]] = 1 } \
		END { for (q in p) printf "create at 100k / at 1k stored, %-10s %.2fx\n", q, t[q " stored=100000"] / t[q " stored=1000"] }' $(TOOLS)/bench-scale.txt
	$(GO) test -run '^$$' -bench 'MemoryAt100k' -benchtime=1x ./harness/sim/simload
	$(GO) run ./cmd/paycert-load $(BENCH_ARGS)

## selftest: the suites against a deliberately broken simulator and misbehaving targets, and
## against every mutation derived from the specs; prints the mutation score per provider
selftest:
	@mkdir -p $(TOOLS)
	PAYCERT_MUTATION=all $(GO) test -count=1 -timeout 60m -v -run . ./harness/selftest | \
		tee $(TOOLS)/selftest.log | grep -v -e '^=== ' -e '^ *--- PASS'


## dist: release archives for $(DIST_PLATFORMS) in dist/, then the host's archive tested in an
## empty folder with a PATH that has no Go
dist: dist-build
	$(GO) test -count=1 -run '^TestReleaseArchive$$' ./cmd/paycert \
		-args -archive $(DIST_DIR)/paycert_$(VERSION)_$(subst /,_,$(HOST_PLATFORM)).tar.gz

## dist-build: the release archives alone
dist-build:
	@rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR)
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=paycert_$(VERSION)_$${os}_$${arch}; \
		echo "building $$name"; \
		mkdir -p $(DIST_DIR)/$$name; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" \
			-o $(DIST_DIR)/$$name/paycert ./cmd/paycert; \
		cp README.md $(DIST_DIR)/$$name/; cp -R examples $(DIST_DIR)/$$name/; \
		find $(DIST_DIR)/$$name/examples -name "*_test.go" -delete; \
		tar -C $(DIST_DIR) -czf $(DIST_DIR)/$$name.tar.gz $$name; \
		rm -rf $(DIST_DIR)/$$name; \
	done
	cd $(DIST_DIR) && sha256sum *.tar.gz > SHA256SUMS

clean:
	rm -rf reports dist $(TOOLS)
