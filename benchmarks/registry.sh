#!/usr/bin/env bash
# Push and pull of a ~600 MB image (3 x 200 MB layers) to a local distribution registry with
# `builder push/pull`, beside `skopeo copy` (oci: -> docker:// and back) of the same image, in the
# same run. Prints wall-clock seconds per run, the medians and the builder/skopeo ratios.
#
# Usage: benchmarks/registry.sh [runs=3] [layer MiB=200]
# Needs: docker-registry, skopeo, python3 (all Debian packages).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
mib="${2:-200}"
work="$(mktemp -d /var/tmp/registry-bench.XXXXXX)"
# The generated image is kept between invocations (it takes a minute to make); delete it to regenerate.
image_dir="${REGISTRY_BENCH_IMAGE:-/var/tmp/registry-bench-image-$mib}"
registry_pid=""
stop_registry() {
    if [ -n "$registry_pid" ]; then
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
        registry_pid=""
    fi
}
cleanup() {
    stop_registry
    rm -rf "$work"
}
trap cleanup EXIT

for tool in docker-registry skopeo python3; do
    command -v "$tool" >/dev/null || { echo "registry.sh: $tool is not installed" >&2; exit 1; }
done

# Publish the CLI once, outside the timings.
"$here/builder" --help >/dev/null

# A fresh registry (new port, empty storage) per run: both tools remember where blobs were pushed
# before (skopeo's blob-info cache, builder's blob origins) and would otherwise mount them from the
# previous run's repository instead of uploading, which measures a different thing.
start_registry() {
    stop_registry
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    host="127.0.0.1:$port"
    rm -rf "$work/storage"
    cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: $host
EOF
    docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 100); do
        curl -fsS "http://$host/v2/" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "registry.sh: docker-registry did not start" >&2
    exit 1
}

if [ ! -f "$image_dir/root/.loaded" ]; then
echo "== building a $((3 * mib)) MiB image (3 x $mib MiB uncompressed tar layers of random data) in $image_dir"
# skopeo reads the OCI layout as oci:DIR:bench; builder loads the same layout into its own store
# (untimed), so both tools push byte-identical blobs.
rm -rf "$image_dir"
python3 - "$image_dir/layout" "$mib" <<'EOF'
import hashlib, io, json, os, sys, tarfile
layout, mib = sys.argv[1], int(sys.argv[2])
blobs = os.path.join(layout, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return d
layers = []
for i in range(3):
    payload = os.urandom(mib << 20)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        info = tarfile.TarInfo(f"layer{i}.bin"); info.size = len(payload); info.mtime = 0
        t.addfile(info, io.BytesIO(payload))
    data = buf.getvalue()
    layers.append((put(data), len(data)))
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d, _ in layers]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + put(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + d, "size": s} for d, s in layers]}).encode()
md = put(manifest)
entry = lambda name: {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + md,
                      "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": name}}
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [entry("bench")]}, f)
with open(os.path.join(layout, "oci-layout"), "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
EOF
"$here/builder" --root "$image_dir/root" load -i "$image_dir/layout" -t bench/source:1 >/dev/null
touch "$image_dir/root/.loaded"
sync
fi
layout="$image_dir/layout"

seconds() { local s e; s=$(date +%s.%N); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -a bp sp bl sl
for run in $(seq "$runs"); do
    start_registry
    # Fresh repositories every run, so nothing is skipped by HEAD; alternate who goes first.
    if [ $((run % 2)) -eq 1 ]; then order="skopeo builder"; else order="builder skopeo"; fi
    for tool in $order; do
        if [ "$tool" = skopeo ]; then
            sp+=("$(seconds skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$host/skopeo$run/img:1")")
            sl+=("$(seconds skopeo copy --quiet --src-tls-verify=false "docker://$host/skopeo$run/img:1" "oci:$work/skopeo-pull$run:img")")
            rm -rf "$work/skopeo-pull$run"
        else
            bp+=("$(seconds "$here/builder" push --root "$image_dir/root" bench/source:1 "$host/builder$run/img:1")")
            bl+=("$(seconds "$here/builder" pull --root "$work/pull$run" --platform linux/amd64 "$host/builder$run/img:1")")
            rm -rf "$work/pull$run"
        fi
    done
    echo "run $run: push builder ${bp[-1]}s skopeo ${sp[-1]}s | pull builder ${bl[-1]}s skopeo ${sl[-1]}s"
done

mbp=$(median "${bp[@]}"); msp=$(median "${sp[@]}"); mbl=$(median "${bl[@]}"); msl=$(median "${sl[@]}")
size=$((3 * mib))
printf '\n%-6s %12s %12s %16s\n' "" "builder (s)" "skopeo (s)" "builder/skopeo"
printf '%-6s %12.2f %12.2f %16.2f\n' push "$mbp" "$msp" "$(echo "$mbp / $msp" | bc -l)"
printf '%-6s %12.2f %12.2f %16.2f\n' pull "$mbl" "$msl" "$(echo "$mbl / $msl" | bc -l)"
printf '(median of %d runs, %d MiB image; ratio < 1 means builder is faster; builder MB/s push %.0f pull %.0f)\n' \
    "$runs" "$size" "$(echo "$size / $mbp" | bc -l)" "$(echo "$size / $mbl" | bc -l)"
