#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests need (PostgreSQL 15 server
# and PostGIS 3, via apt when run as root), builds in Release and runs every test project against a
# real PostgreSQL. Ends with one summary line: "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

pg_bin=/usr/lib/postgresql/15/bin
missing=()
[ -x "$pg_bin/initdb" ] || missing+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
if [ -z "${LAKEHOUSE_TEST_PG:-}" ] && [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "PostgreSQL test server missing. Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "(or set LAKEHOUSE_TEST_PG to a PostgreSQL 15 + PostGIS 3 connection string)" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net" >&2; exit 1; }
# Only one PostgreSQL install is needed: the tests start their own throwaway cluster on a free port.

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "==> build (Release)"
dotnet build Lakehouse.sln -c Release -nologo -v quiet

results=artifacts/test-results
rm -rf "$results"
echo "==> test"
set +e
dotnet test Lakehouse.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
status=$?
set -e

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$files" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # The runner itself failed (crash, no results): count it so the summary never says all green.
  failed=$((failed + 1))
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
