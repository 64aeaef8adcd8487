#!/usr/bin/env bash
# Runs every test of Julia Grains. Installs what the tests need when it is missing:
# PostgreSQL server binaries (the tests start a throwaway cluster from them) and chromium (browser tests).
set -euo pipefail
cd "$(dirname "$0")"

# --fast: the fast half alone, without the fault tests (kill -9, node kills, failover, server processes, deployment)
# and the browser tests; the whole suite is what CI runs.
filter=()
case "${1:-}" in
  --fast) filter=(--filter "Category!=Fault&Category!=Browser") ;;
  "") ;;
  *) echo "usage: bash test.sh [--fast]" >&2; exit 2 ;;
esac

have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if ! have_pg; then
  echo "PostgreSQL server binaries not found; installing them (Debian package postgresql)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# Debian's chromium for the console's browser tests (Playwright drives it; it cannot download browsers of its own).
if [ "${1:-}" != "--fast" ] && [ ! -x /usr/bin/chromium ]; then
  echo "chromium not found; installing it (Debian package chromium)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

log=$(mktemp)
# Every line the in-process servers log during the whole run, scanned below for full numbers and secrets.
export JULIA_TEST_LOG=$(mktemp)
trap 'rm -f "$log" "$JULIA_TEST_LOG"' EXIT
status=0
# deploy/: Dockerfile lint, compose validation, Kubernetes manifests rendered and schema-checked (offline, seconds).
bash deploy/lint || { echo "deploy/lint failed"; status=1; }
dotnet test Julia.Grains.sln -c Release "${filter[@]}" 2>&1 | tee "$log" || status=$?
# The house style (.editorconfig): whitespace, code style and analyzers, offline (the restore above is reused).
if [ "${1:-}" != "--fast" ]; then
  if dotnet format Julia.Grains.sln --verify-no-changes --no-restore -v q; then echo "dotnet format: no changes needed"
  else echo "dotnet format found code not in the house style (run: dotnet format Julia.Grains.sln)"; status=1; fi
fi

# Phones are logged masked (+55 11 ****-4321); the tests' instance tokens, webhook and signing secrets, the
# simulators' Slack path, Telegram token and provider key never appear.
leaks=$(grep -En '(^|[^0-9])\+?55[1-9][0-9]9?[0-9]{8}([^0-9]|$)|tok-test-|sec-test-|meta-tok-|demo-token-|demo-secret-|agent-signing-secret|meta-app-secret|meta-verify-token|simulatedwebhooksecret|SIMULATEDbotTOKEN|salvy-test-key' "$JULIA_TEST_LOG" | head -5 || true)
lines=$(wc -l < "$JULIA_TEST_LOG")
if [ -n "$leaks" ]; then
  echo "The servers' log ($lines lines) shows a full phone number or a secret:"; echo "$leaks"; status=1
else
  echo "The servers' log ($lines lines over the whole run) shows no full phone number and no test secret."
fi

# One closing line over all test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then echo "no test ran"; exit 1; fi
exit $status
