#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed[, N skipped]".
# Usage: ./test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Parser]
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if ! dotnet build Builder.sln -c Debug -nologo -v q; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

projects=(tests/*/*.csproj)
status=0
for p in "${projects[@]}"; do
    name=$(basename "$p" .csproj)
    echo "== $name"
    dotnet test "$p" --no-build -c Debug -nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
done

passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    found=$((found + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
    get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
    e=$(get error); t=$(get timeout); a=$(get aborted)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
    skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
# A project that crashed before writing results counts as a failure.
if [ "$found" -lt "${#projects[@]}" ]; then
    failed=$((failed + ${#projects[@]} - found))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
