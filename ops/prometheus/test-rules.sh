#!/usr/bin/env bash
# Checks and unit-tests the alerting rules with promtool (Debian package "prometheus").
# Installs it when missing and apt-get can; otherwise says so and exits 0 (skipped).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) \
      || { echo "SKIPPED: promtool not installable here; rules not tested"; exit 0; }
  else
    echo "SKIPPED: promtool not found (apt-get install prometheus); rules not tested"
    exit 0
  fi
fi
promtool check rules tessera-alerts.yml
promtool test rules tessera-alerts.test.yml
