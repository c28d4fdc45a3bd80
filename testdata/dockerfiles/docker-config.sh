#!/usr/bin/env bash
# Prints the image config `docker build` (BuildKit) writes for a case, in the form of expected-config.json
# (timestamps and null members dropped, layer digests replaced by their count), to review a case's expected
# file against docker. Not used by the tests. Needs a dockerd holding busybox:test and busybox:latest made
# from testdata/rootfs (see README.md). Usage: docker-config.sh CASE [extra docker build flags...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case=${1:?usage: docker-config.sh CASE [flags...]}; shift
dir="$here/$case"
ctx="$dir/context"; [ -d "$ctx" ] || ctx="$(mktemp -d)"
flags=()
if [ -f "$dir/build-flags" ]; then
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        flags+=("${line//\{case\}/$dir}")
    done < "$dir/build-flags"
fi
tag="builder-case-$case:latest"
DOCKER_BUILDKIT=1 /usr/bin/docker build -q --network=none -f "$dir/Dockerfile" -t "$tag" "${flags[@]}" "$@" "$ctx" >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
/usr/bin/docker save "$tag" | tar -x -C "$out"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
m = json.load(open(out + "/manifest.json"))
c = json.load(open(out + "/" + m[0]["Config"]))
def drop(x):
    if isinstance(x, dict):
        return {k: drop(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [drop(v) for v in x]
    return x
c = drop(c)
c.pop("created", None)
c["layers"] = len(c.pop("rootfs")["diff_ids"])
for h in c.get("history", []):
    h.pop("created", None)
print(json.dumps(c, indent=2))
PY
