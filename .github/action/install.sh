#!/usr/bin/env bash
# Installs paycert for the action (action.yml at the root of the repository) and puts it on the
# job's PATH: the release archive ACTION_VERSION when it is set, checked against the release's
# SHA256SUMS; otherwise a build of the action's own source, which needs Go (a Go older than
# go.mod's fetches the right toolchain by itself).
set -euo pipefail
: "${ACTION_PATH:?}" "${RUNNER_TEMP:?}" "${GITHUB_PATH:?}"

bin="$RUNNER_TEMP/paycert-bin"
mkdir -p "$bin"
if [ -n "${ACTION_VERSION:-}" ]; then
	os=$(uname -s | tr '[:upper:]' '[:lower:]')
	case "$(uname -m)" in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	# The platforms make dist builds archives for.
	case "$os/$arch" in
	linux/amd64 | linux/arm64 | darwin/arm64) ;;
	*)
		echo "::error title=paycert::no release archive for $os/$arch; leave version empty to build paycert from source" >&2
		exit 2
		;;
	esac
	name="paycert_${ACTION_VERSION}_${os}_${arch}"
	base="${ACTION_RELEASE_URL%/}/$ACTION_VERSION"
	work="$RUNNER_TEMP/paycert-download"
	mkdir -p "$work"
	curl -fsSL --retry 3 -o "$work/$name.tar.gz" "$base/$name.tar.gz"
	curl -fsSL --retry 3 -o "$work/SHA256SUMS" "$base/SHA256SUMS"
	(cd "$work" && grep " $name.tar.gz\$" SHA256SUMS | sha256sum -c -)
	tar -xzf "$work/$name.tar.gz" -C "$work"
	cp "$work/$name/paycert" "$bin/paycert"
else
	CGO_ENABLED=0 go build -C "$ACTION_PATH" -trimpath -o "$bin/paycert" ./cmd/paycert
fi
echo "$bin" >>"$GITHUB_PATH"
"$bin/paycert" version
