#!/bin/sh
# Launcher: publishes the CLI into .out/cli on first use and again whenever a source file changed since the
# last publish, then runs it with all arguments.
# The publish is native (NativeAOT: ~10 ms start-up instead of ~100 ms; docs/performance.md) when the toolchain
# allows it; otherwise, or with BUILDER_PUBLISH=jit (about a minute quicker to publish while developing), it is
# a ReadyToRun build for the .NET runtime. POSIX sh and one `find`: this runs before every command, so it stays cheap.
set -eu
case $0 in
    */*) self=$0 ;;
    *) self=$(command -v -- "$0") ;;
esac
if [ -L "$self" ]; then self=$(readlink -f -- "$self"); fi
here=${self%/*}
case $here in /*) ;; *) here=$PWD/$here ;; esac
out=$here/.out/cli
stamp=$out/.published

stale() {
    [ -x "$out/builder" ] && [ -f "$stamp" ] || return 0
    # An explicit BUILDER_PUBLISH that differs from what was published last asks for a new publish.
    if [ -n "${BUILDER_PUBLISH:-}" ] && [ "$(cat "$stamp")" != "$BUILDER_PUBLISH" ]; then return 0; fi
    for f in "$here/Directory.Build.props" "$here/Directory.Packages.props" "$here/global.json"; do
        [ "$f" -nt "$stamp" ] && return 0
    done
    # Directories too: a deleted or renamed source file changes only its directory's mtime.
    [ -n "$(find "$here/src" -type d \( -name bin -o -name obj \) -prune -o -newer "$stamp" -print -quit 2>/dev/null)" ]
}

publish() {
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    case $(uname -m) in
        x86_64) rid=linux-x64 ;;
        aarch64) rid=linux-arm64 ;;
        *) rid= ;;
    esac
    project=$here/src/Build.Cli/Build.Cli.csproj
    tmp=$here/.out/cli.tmp.$$
    log=$here/.out/publish.log
    rm -rf "$tmp"
    built=
    if [ "${BUILDER_PUBLISH:-native}" = native ] && [ -n "$rid" ]; then
        echo "builder: publishing the native CLI into .out/cli (a few minutes, once per source change) ..." >&2
        if dotnet publish "$project" -c Release -r "$rid" -p:BuilderNative=true -o "$tmp" -nologo -v q >"$log.native" 2>&1; then
            built=native
        else
            echo "builder: the native publish failed (see .out/publish.log.native); publishing for the .NET runtime instead" >&2
            rm -rf "$tmp"
        fi
    fi
    if [ -z "$built" ] && [ -n "$rid" ]; then
        echo "builder: publishing the CLI (ReadyToRun) into .out/cli ..." >&2
        if dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$tmp" -nologo -v q >"$log" 2>&1; then
            built=jit
        else
            rm -rf "$tmp"
        fi
    fi
    if [ -z "$built" ]; then
        echo "builder: publishing the CLI (Release) into .out/cli ..." >&2
        if ! dotnet publish "$project" -c Release -o "$tmp" -nologo -v q >&2; then
            rm -rf "$tmp"
            echo "builder: publish failed" >&2
            exit 1
        fi
        built=jit
    fi
    echo "$built" >"$tmp/.published"
    rm -rf "$out"
    mv "$tmp" "$out"
}

if stale; then
    mkdir -p "$here/.out"
    (
        # Two launches at once publish once: the second waits for the first.
        flock 9
        if stale; then publish; fi
    ) 9>"$here/.out/.publish.lock"
fi
exec "$out/builder" "$@"
