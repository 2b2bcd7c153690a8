#!/usr/bin/env bash
# Makes Debian's Chromium ready for the browser tests and prints its path: installs it when it is
# missing (as root, or with password-less sudo). Playwright's own browser download is not used:
# the tests launch this Chromium by its path. Safe to run again. The tests run it themselves when
# EXCHANGE_TEST_CHROMIUM is not set; set that variable to use another Chromium instead.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

if ! command -v chromium >/dev/null; then
  echo "Installing Chromium from Debian's packages" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 \
    || { as_root apt-get update -q >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; }
fi
command -v chromium
