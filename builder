#!/usr/bin/env bash
# Launcher: publishes the CLI (Release) into .out/cli on first use, and again whenever a source
# file is newer than the last publish, then runs it with all arguments.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
out="$here/.out/cli"
stamp="$out/.published"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

stale() {
    [ -x "$out/builder" ] && [ -f "$stamp" ] || return 0
    [ -n "$(find "$here/src" "$here/Directory.Build.props" "$here/Directory.Packages.props" "$here/global.json" \
        -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

if stale; then
    mkdir -p "$here/.out"
    (
        # Two launches at once publish once: the second waits for the first.
        flock 9
        if stale; then
            echo "builder: publishing the CLI (Release) into .out/cli ..." >&2
            tmp="$here/.out/cli.tmp.$$"
            rm -rf "$tmp"
            if ! dotnet publish "$here/src/Build.Cli/Build.Cli.csproj" -c Release -o "$tmp" -nologo -v q >&2; then
                rm -rf "$tmp"
                echo "builder: publish failed" >&2
                exit 1
            fi
            touch "$tmp/.published"
            rm -rf "$out"
            mv "$tmp" "$out"
        fi
    ) 9>"$here/.out/.publish.lock"
fi
exec "$out/builder" "$@"
