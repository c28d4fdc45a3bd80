#!/usr/bin/env bash
# Sandbox overhead: Builder's namespace sandbox vs runc (and crun where it works) on the same rootfs.
#   1. RUN true: set-up + teardown only (ours: fresh overlay over the rootfs, namespaces, pivot_root,
#      /proc /dev /sys, teardown; runc: `runc run` of a bundle whose root is the rootfs).
#   2. RUN writing 1,000 files + commit (ours: overlay upper dir -> gzip layer through the archive
#      writer; runc: the same command, then `tar -cz` of what it wrote).
# The goal (issue #4) is about per-step *overhead*: what a runtime adds to the command's own work. So the
# write scenario is also run bare (the same overlay, `chroot` instead of a runtime, no commit) and the table
# gives each runtime's overhead = its time - the bare time, and the ratio of the overheads.
# Ours is measured two ways: per step inside one builder process (`run --repeat N`, what a build pays
# per RUN) and as whole `builder run` processes (adds .NET start-up, paid once per build); also the
# OCI backend (`--runtime runc`: our config.json, runc, our commit).
# Usage: benchmarks/sandbox.sh [runs]   (root; needs runc, hyperfine, busybox-static; ROUNDS=5)
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
# the upper dir, unmount, delete). The upper dir gets the same layout as Builder's snapshots (a fresh
# directory per run under a parent marked `chattr +T`, see docs/sandbox.md), so that both sides pay the
# same file-creation cost and the difference is the runtime's and the commit's.
mkdir -p "$work/ovl"
chattr +T "$work/ovl" 2>/dev/null || true
python3 - "$work/runc-write/config.json" "$work/ovl/root" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["root"]["path"] = sys.argv[2]; json.dump(c, open(sys.argv[1], "w"))
PY
mkdir -p "$work/ovl/root"
cat > "$work/bare-write.sh" <<SH
set -e
d=\$(mktemp -d $work/ovl/s.XXXXXX); mkdir \$d/upper \$d/work
mount -t overlay overlay -o lowerdir=$work/rootfs,upperdir=\$d/upper,workdir=\$d/work,volatile $work/ovl/root
chroot $work/ovl/root /bin/sh -c '$write1000'
umount $work/ovl/root
rm -rf \$d
SH
cat > "$work/runc-write.sh" <<SH
set -e
d=\$(mktemp -d $work/ovl/s.XXXXXX); mkdir \$d/upper \$d/work
mount -t overlay overlay -o lowerdir=$work/rootfs,upperdir=\$d/upper,workdir=\$d/work,volatile $work/ovl/root
runc run -b $work/runc-write bench-write
umount $work/ovl/root
tar -czf $work/runc-layer.tgz -C \$d/upper .
rm -rf \$d
SH

per_step() { # prints "wall:cpu", the mean ms per run reported by builder run --repeat (after 2 untimed
    # runs, as hyperfine's warm-up: what a RUN costs inside a running build, not the .NET start-up)
    "$builder" --root "$root" run --rootfs "$work/rootfs" --warmup 2 --repeat "$1" "${@:2}" 2>&1 >/dev/null \
        | sed -n 's/.* runs, \([0-9.]*\) ms per run, \([0-9.]*\) ms CPU per run/\1:\2/p'
}
hf() { # $1 = runs, $2 = command: prints "wall:cpu" in ms (cpu = user + system of it and its children)
    hyperfine -N -w 1 -r "$1" --export-json "$work/hf.json" "$2" >/dev/null 2>&1
    python3 -c "import json;r=json.load(open('$work/hf.json'))['results'][0];print(f\"{r['mean']*1000:.2f}:{(r['user']+r['system'])*1000:.2f}\")"
}
# mean of the wall (field 1) or cpu (field 2) parts of "wall:cpu" values
mean() { local f=$1; shift; python3 -c "import sys;v=[float(x.split(':')[$f-1]) for x in sys.argv[1:]];print(f'{sum(v)/len(v):.1f}')" "$@"; }

# The machine is shared: each round measures every variant back to back, so load changes hit all of
# them alike; the table gives the mean over the rounds.
rounds=${ROUNDS:-5}
per=$(( (runs + rounds - 1) / rounds )); [ "$per" -ge 2 ] || per=2
"$builder" --root "$root" run --rootfs "$work/rootfs" -- /bin/true >/dev/null   # state dirs, first probe
declare -a T_RUNC T_OURS T_NONE T_RUNCB T_WHOLE W_BARE W_RUNC W_OURS W_RUNCB
for ((r = 1; r <= rounds; r++)); do
    echo "== round $r/$rounds: $per runs of each" >&2
    T_RUNC+=("$(hf "$per" "runc run -b $work/runc-true bench-true")")
    T_OURS+=("$(per_step "$per" -- /bin/true)")
    T_NONE+=("$(per_step "$per" --network none -- /bin/true)")
    T_RUNCB+=("$(per_step "$per" --runtime runc -- /bin/true)")
    T_WHOLE+=("$(hf "$per" "$builder --root $root run --rootfs $work/rootfs -- /bin/true")")
    W_BARE+=("$(hf "$per" "sh $work/bare-write.sh")")
    W_RUNC+=("$(hf "$per" "sh $work/runc-write.sh")")
    W_OURS+=("$(per_step "$per" --commit "$work/layer.tgz" -- /bin/sh -c "$write1000")")
    W_RUNCB+=("$(per_step "$per" --runtime runc --commit "$work/layer.tgz" -- /bin/sh -c "$write1000")")
done
crun_true="n/a (fails here)"
if command -v crun >/dev/null && crun run -b "$work/runc-true" bench-crun >/dev/null 2>&1; then
    crun_true=$(hf "$runs" "crun run -b $work/runc-true bench-crun")
fi

runc_true=$(mean 1 "${T_RUNC[@]}"); runc_write=$(mean 1 "${W_RUNC[@]}")
runc_true_cpu=$(mean 2 "${T_RUNC[@]}"); runc_write_cpu=$(mean 2 "${W_RUNC[@]}")
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
row() { printf '%-52s %9s %7s %9s %7s\n' "$@"; }
echo
echo "$rounds rounds x $per runs, interleaved; cpu = user + system of every process of the run"
row "scenario" "wall ms" "vs runc" "cpu ms" "vs runc"
row "RUN true: runc run" "$runc_true" "1.00" "$runc_true_cpu" "1.00"
row "RUN true: crun run" "${crun_true%%:*}" "-" "-" "-"
for v in "builder, per step (network host):T_OURS" "builder, per step (network none):T_NONE" \
         "builder --runtime runc, per step:T_RUNCB" "builder run, whole process:T_WHOLE"; do
    name=${v%%:*}; arr="${v##*:}[@]"; m=$(mean 1 "${!arr}"); c=$(mean 2 "${!arr}")
    row "RUN true: $name" "$m" "$(ratio "$m" "$runc_true")" "$c" "$(ratio "$c" "$runc_true_cpu")"
done
row "1,000 files + commit: overlay + runc run + tar -cz" "$runc_write" "1.00" "$runc_write_cpu" "1.00"
for v in "builder, per step:W_OURS" "builder --runtime runc, per step:W_RUNCB"; do
    name=${v%%:*}; arr="${v##*:}[@]"; m=$(mean 1 "${!arr}"); c=$(mean 2 "${!arr}")
    row "1,000 files + commit: $name" "$m" "$(ratio "$m" "$runc_write")" "$c" "$(ratio "$c" "$runc_write_cpu")"
done
bare_write=$(mean 1 "${W_BARE[@]}"); bare_write_cpu=$(mean 2 "${W_BARE[@]}")
echo
echo "1,000 files + commit, overhead over the bare command (overlay + chroot, no runtime, no commit: $bare_write ms, cpu $bare_write_cpu ms)"
row "runtime" "wall ms" "vs runc" "cpu ms" "vs runc"
runc_over=$(python3 -c "print(f'{$runc_write-$bare_write:.1f}')"); runc_over_cpu=$(python3 -c "print(f'{$runc_write_cpu-$bare_write_cpu:.1f}')")
row "overlay + runc run + tar -cz" "$runc_over" "1.00" "$runc_over_cpu" "1.00"
for v in "builder, per step:W_OURS" "builder --runtime runc, per step:W_RUNCB"; do
    name=${v%%:*}; arr="${v##*:}[@]"; m=$(mean 1 "${!arr}"); c=$(mean 2 "${!arr}")
    o=$(python3 -c "print(f'{$m-$bare_write:.1f}')"); oc=$(python3 -c "print(f'{$c-$bare_write_cpu:.1f}')")
    row "$name" "$o" "$(ratio "$o" "$runc_over")" "$oc" "$(ratio "$oc" "$runc_over_cpu")"
done
echo
echo "per round (wall:cpu ms): bare write ${W_BARE[*]} | runc true ${T_RUNC[*]} | ours true ${T_OURS[*]} | runc write ${W_RUNC[*]} | ours write ${W_OURS[*]}"
