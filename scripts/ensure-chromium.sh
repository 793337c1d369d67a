#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests and benchmarks when it is missing (test/chromium.ts runs
# /usr/bin/chromium; see TOOLCHAIN.md). Run by `npm test` and `npm run bench` (their pre-scripts) and by .ci/run, so that
# both work on a fresh machine. Needs apt-get and root (or sudo without a password); otherwise it
# says what to install.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

# Root, or a sudo that asks no password (a developer's machine, most CI images); never a prompt.
AS_ROOT=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  AS_ROOT=(sudo -n)
fi
if { [ "$(id -u)" -ne 0 ] && [ ${#AS_ROOT[@]} -eq 0 ]; } || ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Debian's chromium at $CHROMIUM: install it (apt-get install chromium) and run again." >&2
  exit 1
fi

echo "installing Debian's chromium for the browser tests"
"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
