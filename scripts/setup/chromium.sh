# shellcheck shell=bash
# Debian's Chromium for the browser test (test/browser/docs.test.ts drives it with playwright-core;
# no browser is downloaded). Missing and not installable: a failure when CI=true, else the test skips.
apt_chromium() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if ! apt_chromium; then apt-get update -q && apt_chromium || echo "apt-get install chromium failed" >&2; fi
fi
if command -v chromium >/dev/null; then
  echo "chromium: $(command -v chromium)"
elif [ "${CI:-}" = true ]; then
  echo "chromium is missing and could not be installed (apt-get install chromium): CI=true needs it" >&2; return 1
else
  echo "chromium is missing (apt-get install chromium): the browser test will skip" >&2
fi
