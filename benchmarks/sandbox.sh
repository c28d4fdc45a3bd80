#!/usr/bin/env bash
# Sandbox overhead: Builder's namespace sandbox vs runc (and crun where it works) on the same rootfs.
#   1. RUN true: set-up + teardown only (ours: fresh overlay over the rootfs, namespaces, pivot_root,
#      /proc /dev /sys, teardown; runc: `runc run` of a bundle whose root is the rootfs).
#   2. RUN writing 1,000 files + commit (ours: overlay upper dir -> gzip layer through the archive
#      writer; runc: the same command, then `tar -cz` of what it wrote).
# Ours is measured two ways: per step inside one builder process (`run --repeat N`, what a build pays
# per RUN) and as whole `builder run` processes (adds .NET start-up, paid once per build).
# Usage: benchmarks/sandbox.sh [runs]   (root; needs runc, hyperfine, busybox-static)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs=${1:-30}
work=$(mktemp -d /tmp/builder-sandbox-bench.XXXXXX)
trap 'umount -l "$work"/ovl/root 2>/dev/null || true; rm -rf "$work"' EXIT

"$repo/testdata/rootfs/make-busybox-rootfs.sh" "$work/rootfs" >/dev/null
"$repo/builder" --help >/dev/null   # publish once, outside the timings
builder="$repo/.out/cli/builder"
root="$work/state"
write1000='i=0; mkdir -p /out; while [ $i -lt 1000 ]; do echo $i > /out/f$i; i=$((i+1)); done'

bundle() { # $1 = dir, $2.. = args
    local dir=$1; shift
    mkdir -p "$dir"
    (cd "$dir" && runc spec)
    python3 - "$dir/config.json" "$work/rootfs" "$@" <<'PY'
import json, sys
path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = args
json.dump(c, open(path, "w"))
PY
}
bundle "$work/runc-true" /bin/true
bundle "$work/runc-write" /bin/sh -c "$write1000"
# BuildKit runs runc on an overlay it mounts itself: the write scenario does the same (mount, run, tar
# the upper dir, unmount), since file creation on overlayfs costs more than on the plain directory.
mkdir -p "$work/ovl"
python3 - "$work/runc-write/config.json" "$work/ovl/root" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["root"]["path"] = sys.argv[2]; json.dump(c, open(sys.argv[1], "w"))
PY
cat > "$work/runc-write.sh" <<SH
set -e
rm -rf $work/ovl/upper $work/ovl/work; mkdir -p $work/ovl/upper $work/ovl/work $work/ovl/root
mount -t overlay overlay -o lowerdir=$work/rootfs,upperdir=$work/ovl/upper,workdir=$work/ovl/work,volatile $work/ovl/root
runc run -b $work/runc-write bench-write
umount $work/ovl/root
tar -czf $work/runc-layer.tgz -C $work/ovl/upper .
SH

per_step() { # prints the mean ms per run reported by builder run --repeat
    "$builder" --root "$root" run --rootfs "$work/rootfs" --repeat "$runs" "$@" 2>&1 >/dev/null | sed -n 's/.* runs, \([0-9.]*\) ms per run/\1/p'
}

echo "== RUN true (set-up + teardown), $runs runs each"
ours_true=$(per_step -- /bin/true)
ours_true_none=$(per_step --network none -- /bin/true)
hyperfine -N -w 3 -r "$runs" --export-json "$work/true.json" \
    -n "runc run" "runc run -b $work/runc-true bench-true" \
    -n "builder run (whole process)" "$builder --root $root run --rootfs $work/rootfs -- /bin/true" >/dev/null
runc_true=$(python3 -c "import json;r=json.load(open('$work/true.json'))['results'];print(f\"{r[0]['mean']*1000:.1f}\")")
whole_true=$(python3 -c "import json;r=json.load(open('$work/true.json'))['results'];print(f\"{r[1]['mean']*1000:.1f}\")")
crun_true="n/a"
if command -v crun >/dev/null && crun run -b "$work/runc-true" bench-crun >/dev/null 2>&1; then
    hyperfine -N -w 3 -r "$runs" --export-json "$work/crun.json" "crun run -b $work/runc-true bench-crun" >/dev/null
    crun_true=$(python3 -c "import json;r=json.load(open('$work/crun.json'))['results'];print(f\"{r[0]['mean']*1000:.1f}\")")
fi

echo "== RUN writing 1,000 files + commit, $runs runs each"
ours_write=$(per_step --commit "$work/layer.tgz" -- /bin/sh -c "$write1000")
hyperfine -N -w 2 -r "$runs" --export-json "$work/write.json" \
    -n "overlay + runc run + tar -cz" "sh $work/runc-write.sh" >/dev/null
runc_write=$(python3 -c "import json;r=json.load(open('$work/write.json'))['results'];print(f\"{r[0]['mean']*1000:.1f}\")")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '\n%-44s %10s %8s\n' "scenario" "mean ms" "vs runc"
printf '%-44s %10s %8s\n' "RUN true: runc run" "$runc_true" "1.00"
printf '%-44s %10s %8s\n' "RUN true: crun run" "$crun_true" "-"
printf '%-44s %10s %8s\n' "RUN true: builder, per step (network host)" "$ours_true" "$(ratio "$ours_true" "$runc_true")"
printf '%-44s %10s %8s\n' "RUN true: builder, per step (network none)" "$ours_true_none" "$(ratio "$ours_true_none" "$runc_true")"
printf '%-44s %10s %8s\n' "RUN true: builder run, whole process" "$whole_true" "$(ratio "$whole_true" "$runc_true")"
printf '%-44s %10s %8s\n' "1,000 files + commit: overlay+runc+tar -cz" "$runc_write" "1.00"
printf '%-44s %10s %8s\n' "1,000 files + commit: builder, per step" "$ours_write" "$(ratio "$ours_write" "$runc_write")"
