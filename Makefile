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

# The OpenAPI documents the linters check (the catalogues and ledgers beside them are not OpenAPI).
SPECS := $(filter-out %.requirements.yaml %.errata.yaml,$(wildcard specs/*.yaml))
ACTIONLINT_VERSION := v1.7.12

.PHONY: conformance test unit lint lint-go lint-specs lint-actions shellcheck browser sim bench selftest dist dist-build clean

## conformance: ./paycert run, for those who type make; make turns every failure into its own
## exit status 2, so a CI gate that tells 1 from 2 calls ./paycert run
conformance:
	./paycert run

## test: lint, then every test with the race detector; installs the browser the report test uses
## and the platform's JavaScript SDK the Monetix signature is compared with
test: lint browser $(TOOLS)/ecommpay-js/node_modules/.installed
	CGO_ENABLED=1 PAYCERT_REQUIRE_BROWSER=1 PAYCERT_REPORT_DIR=$(TOOLS)/test-reports \
		ECOMMPAY_JS_SDK=$(TOOLS)/ecommpay-js/node_modules/ecommpay \
		$(GO) test -race -count=1 -timeout 20m ./...

## unit: the tests without the race detector and without the browser (quick)
unit:
	PAYCERT_REPORT_DIR=$(TOOLS)/test-reports $(GO) test -count=1 ./...

## lint: Go formatting, vet and go.mod tidiness; the OpenAPI documents; the workflows and action
lint: lint-go lint-specs lint-actions

lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet ./...
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
	shellcheck paycert examples/otp/*.sh .github/action/*.sh

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

## bench: validation and simulator figures
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./harness/validate ./harness/sim/...

## selftest: the suites against a deliberately broken simulator and misbehaving targets
selftest:
	$(GO) test -count=1 -v -run . ./harness/selftest

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
