#!/usr/bin/env bash
# Layer write/unpack throughput against the physical references on the same data:
#   write:  builder's LayerWriter (tar + sha256 diff-id + compress + sha256 digest, one pass)
#           vs `tar -c DIR | gzip -1` (and `| zstd -3`), `tar -c`, `sha256sum`
#   unpack: builder's LayerUnpacker vs `tar -xzf` (and `tar --zstd -xf`)
# Data: a tree of 5,000 small files (~40 MB) and three 200 MB files, built from real /usr content
# (binaries and text, about 2.7:1 under gzip) plus base64 of random bytes (about 1.3:1).
# The machine is shared: compare the columns of one run (ours/ref), not absolute numbers across runs.
# Usage: RUNS=3 benchmarks/layers.sh [WORKDIR]   (default /tmp/builder-layer-bench; needs hyperfine, python3, zstd)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/builder-layer-bench}
runs=${RUNS:-3}
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build benchmarks/Build.Benchmarks -c Release -nologo -v q >/dev/null
bench="dotnet benchmarks/Build.Benchmarks/bin/Release/net10.0/Build.Benchmarks.dll"

if [ ! -f "$work/.ready" ]; then
    echo "generating data in $work ..."
    rm -rf "$work/small" "$work/big"
    python3 - "$work" benchmarks <<'PY'
import os, sys, random
sys.path.insert(0, sys.argv[2])
from realdata import real_content_pool, write_big_files, write_small_files
work = sys.argv[1]
rng = random.Random(42)
# A pool of real file content: shared libraries, executables, docs.
pool = real_content_pool(200 << 20)
total = write_small_files(pool, os.path.join(work, "small"), rng)
write_big_files(pool, os.path.join(work, "big"), rng)
print(f"small: 5000 files, {total / 1e6:.1f} MB; big: 3 x 200 MiB")
PY
    touch "$work/.ready"
fi

results="$work/results"
rm -rf "$results"; mkdir -p "$results"
time_cmd() { # name, command, [prepare]
    local name=$1 cmd=$2 prep=${3:-true}
    hyperfine --style none --runs "$runs" --prepare "$prep" --export-json "$results/$name.json" "$cmd" >/dev/null 2>&1 \
        || { echo "FAILED: $cmd" >&2; exit 1; }
}

for set in small big; do
    src="$work/$set"
    tarbytes=$(tar -C "$src" -cf - . | wc -c)
    echo "$set $tarbytes" >> "$results/sizes"
    dest="$work/dest-$set"
    # The blobs the unpack runs read (untimed); the timed writes discard their output like the references.
    $bench layer-write "$src" "$work/$set.tar.gz" gzip >/dev/null
    $bench layer-write "$src" "$work/$set.tar.zst" zstd >/dev/null
    time_cmd "$set-ours-gzip"   "$bench layer-write $src - gzip"
    time_cmd "$set-ours-zstd"   "$bench layer-write $src - zstd"
    time_cmd "$set-ours-none"   "$bench layer-write $src - none"
    time_cmd "$set-tar-gzip1"   "tar -C $src -cf - . | gzip -1 > /dev/null"
    time_cmd "$set-tar-zstd3"   "tar -C $src -cf - . | zstd -3 -q > /dev/null"
    # GNU tar skips reading file data when its output is /dev/null: pipe through cat.
    time_cmd "$set-tar"         "tar -C $src -cf - . | cat > /dev/null"
    time_cmd "$set-sha256sum"   "find $src -type f -print0 | xargs -0 sha256sum > /dev/null"
    time_cmd "$set-unpack-ours-gzip" "$bench layer-unpack $work/$set.tar.gz $dest" "rm -rf $dest"
    time_cmd "$set-unpack-tar-gzip"  "mkdir -p $dest && tar -xzf $work/$set.tar.gz -C $dest" "rm -rf $dest"
    time_cmd "$set-unpack-ours-zstd" "$bench layer-unpack $work/$set.tar.zst $dest" "rm -rf $dest"
    time_cmd "$set-unpack-tar-zstd"  "mkdir -p $dest && tar --zstd -xf $work/$set.tar.zst -C $dest" "rm -rf $dest"
    rm -rf "$dest"
    ls -l "$work/$set.tar.gz" "$work/$set.tar.zst" | awk '{print $5, $9}' >> "$results/blobs"
done

python3 - "$results" <<'PY'
import json, os, sys
r = sys.argv[1]
sizes = dict(l.split() for l in open(os.path.join(r, "sizes")))
blobs = {os.path.basename(p): int(s) for s, p in (l.split() for l in open(os.path.join(r, "blobs")))}
def res(name): return json.load(open(os.path.join(r, name + ".json")))["results"][0]
def t(name): return res(name)["median"]
# CPU seconds (user + system, children included): steadier than wall time on a shared machine.
def cpu(name): x = res(name); return x["user"] + x["system"]
print(f"{'data':6} {'operation':34} {'ours s':>8} {'ref s':>8} {'ours MB/s':>10} {'ref MB/s':>9} {'speedup':>8} {'ours cpu':>9} {'ref cpu':>8}")
rows = [
    ("write gzip  vs tar|gzip -1", "ours-gzip", "tar-gzip1"),
    ("write zstd  vs tar|zstd -3", "ours-zstd", "tar-zstd3"),
    ("write none  vs tar -c", "ours-none", "tar"),
    ("(sha256sum of the files)", None, "sha256sum"),
    ("unpack gzip vs tar -xzf", "unpack-ours-gzip", "unpack-tar-gzip"),
    ("unpack zstd vs tar --zstd -xf", "unpack-ours-zstd", "unpack-tar-zstd"),
]
for s in ("small", "big"):
    mb = int(sizes[s]) / 1e6
    for label, ours, ref in rows:
        tr = t(f"{s}-{ref}")
        if ours is None:
            print(f"{s:6} {label:34} {'':>8} {tr:8.3f} {'':>10} {mb / tr:9.0f} {'':>8} {'':>9} {cpu(f'{s}-{ref}'):8.2f}")
            continue
        to = t(f"{s}-{ours}")
        # throughput in uncompressed tar MB per second; speedup = ref wall time / ours (> 1: faster than the reference)
        print(f"{s:6} {label:34} {to:8.3f} {tr:8.3f} {mb / to:10.0f} {mb / tr:9.0f} {tr / to:8.2f} {cpu(f'{s}-{ours}'):9.2f} {cpu(f'{s}-{ref}'):8.2f}")
    print(f"{s:6} tar {mb:.0f} MB; gzip blob {blobs[s + '.tar.gz'] / 1e6:.1f} MB (ratio {int(sizes[s]) / blobs[s + '.tar.gz']:.2f}); zstd blob {blobs[s + '.tar.zst'] / 1e6:.1f} MB (ratio {int(sizes[s]) / blobs[s + '.tar.zst']:.2f})")
PY
