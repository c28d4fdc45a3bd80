#!/usr/bin/env bash
# The main job: on a fresh machine (as root), build the example image and run it.
# No registry is reachable here, so the base image busybox:local is made from Debian's
# busybox-static package (installed if missing) with `builder import` when it is not stored yet.
# Usage: examples/run.sh [EXAMPLE]   (hello-compiled, static-site, python-app; default hello-compiled)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
example="${1:-hello-compiled}"
builder="$repo/builder"

if [ ! -x /bin/busybox ]; then
    apt-get update -q && apt-get install -y -q busybox-static
fi
if ! "$builder" inspect busybox:local >/dev/null 2>&1; then
    rootfs="$(mktemp -d)"
    trap 'rm -rf "$rootfs"' EXIT
    "$repo/testdata/rootfs/make-busybox-rootfs.sh" "$rootfs/rootfs"
    "$builder" import "$rootfs/rootfs" -t busybox:local
fi
"$builder" build --progress plain -t "example/$example" "$here/$example"
case "$example" in
    static-site) "$builder" run --rm "example/$example" cat /www/index.html ;;
    *) "$builder" run --rm "example/$example" ;;
esac
