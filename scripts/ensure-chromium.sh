#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (test/chromium.ts runs
# /usr/bin/chromium; see TOOLCHAIN.md). Run by `npm test` (its pretest) and by .ci/run, so that
# both work on a fresh machine. Needs root and apt-get; otherwise it says what to install.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Debian's chromium at $CHROMIUM: install it (apt-get install chromium) and run again." >&2
  exit 1
fi

echo "installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
