#!/usr/bin/env bash
# End-to-end build times: builder beside BuildKit (docker 20.10's, `DOCKER_BUILDKIT=1 docker build`) and
# `buildah bud --layers`, in the same run, on the scenarios in benchmarks/scenarios/:
#   small-files  COPY of 5,000 small files (43 MB) + a RUN that reads them
#   multi-stage  stages with RUN loops, COPY --from between them, the result copied into scratch
#   big-files    COPY of three 200 MiB files, then a small configuration file
# Each tool builds each scenario cold (its build cache emptied, the base image kept), then again with
# nothing changed (no-op), then after one context file is rewritten (change: see each Dockerfile's header).
# The tools take turns inside every round, so machine load hits them alike; the table shows medians and
# the ratios builder/peer (< 1: builder is faster) against the goals of issue #5.
#
# Peers are optional: a missing docker.io or buildah is skipped with a note (as in CI). docker gets its own
# private dockerd (data in WORKDIR, --bridge=none, no iptables), started and stopped by this script.
# The base image `bench-base:1` is made locally for each tool from the same busybox-static rootfs tarball
# (builder import / docker import / buildah add): no registry is needed.
#
# Usage: RUNS=3 SCENARIOS="small-files multi-stage big-files" TOOLS="builder docker buildah" \
#        benchmarks/e2e.sh [WORKDIR]            (root; default WORKDIR /tmp/builder-e2e-bench)
# builder is published through the ./builder launcher first (untimed), then its binary .out/cli/builder is
# timed: what an installed builder is, as docker's time is its CLI binary's (the launcher's own staleness
# check, a `find` over src/, adds ~10 ms that only a source checkout pays).
# BUILDER_BIN=/path/to/builder times another binary (e.g. a copy of .out/cli while editing sources).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work=${1:-/tmp/builder-e2e-bench}
runs=${RUNS:-3}
scenarios=(${SCENARIOS:-small-files multi-stage big-files})
wanted=(${TOOLS:-builder docker buildah})
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$work"
work="$(cd "$work" && pwd)"
results="$work/results.tsv"
log="$work/last.log"
: > "$results"

note() { echo "e2e: $*" >&2; }
die() { note "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (RUN steps need namespaces; docker and buildah need root here)"

# ---------------------------------------------------------------- data (generated once, kept in WORKDIR)
if [ ! -f "$work/data/.ready" ]; then
    note "generating the scenario data in $work/data (once) ..."
    rm -rf "$work/data"
    mkdir -p "$work/data"
    python3 - "$work/data" "$repo/benchmarks" <<'PY'
import os, random, sys
sys.path.insert(0, sys.argv[2])
from realdata import real_content_pool, write_big_files, write_small_files
out = sys.argv[1]
rng = random.Random(42)
# Real file content (binaries, text) so compression behaves as on real projects (~2.7:1 under gzip).
pool = real_content_pool(200 << 20)
total = write_small_files(pool, os.path.join(out, "files"), rng)
write_big_files(pool, os.path.join(out, "blobs"), rng)
print(f"files: 5000, {total / 1e6:.1f} MB; blobs: 3 x 200 MiB", file=sys.stderr)
PY
    "$repo/testdata/rootfs/make-busybox-rootfs.sh" "$work/data/rootfs"
    tar -C "$work/data/rootfs" -cf "$work/data/base.tar" .
    touch "$work/data/.ready"
fi

# The contexts: each scenario's directory from the repository plus its generated data (hard links: no copy).
for s in "${scenarios[@]}"; do
    [ -f "$repo/benchmarks/scenarios/$s/Dockerfile" ] || die "unknown scenario $s"
    ctx="$work/ctx/$s"
    rm -rf "$ctx"
    mkdir -p "$work/ctx"
    cp -a "$repo/benchmarks/scenarios/$s" "$ctx"
    case $s in
        small-files) cp -al "$work/data/files" "$ctx/files" ;;
        big-files) cp -al "$work/data/blobs" "$ctx/blobs"; echo "setting=1" > "$ctx/app.conf" ;;
    esac
done
# Linking changed the files' ctime: let it age past builder's racy-timestamp window (2 s, git's racy-clean
# rule), as a real project's files have, so the first no-op build may trust its stat cache.
sleep 3

changes=0
change() { # rewrites the scenario's one file with new content
    changes=$((changes + 1))
    case $1 in
        small-files) printf 'changed %d\n' "$changes" > "$work/ctx/$1/files/d07/s3/f00357.bin" ;;
        multi-stage) printf '/* changed %d */\nint main;\n' "$changes" > "$work/ctx/$1/src/mod13.c" ;;
        big-files) printf 'setting=%d\n' "$changes" > "$work/ctx/$1/app.conf" ;;
    esac
}

# ---------------------------------------------------------------- tools
tools=()
dockerd_pid=""
cleanup() {
    if [ -n "$dockerd_pid" ]; then
        kill "$dockerd_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
    fi
}
trap cleanup EXIT

builder_cmd=${BUILDER_BIN:-$repo/.out/cli/builder}
bb() { "$builder_cmd" --root "$work/builder/root" "$@"; }
dk() { DOCKER_BUILDKIT=1 DOCKER_HOST="unix://$work/docker/sock" /usr/bin/docker "$@"; }
ba() { buildah --root "$work/buildah/root" --runroot "$work/buildah/run" --storage-driver overlay "$@"; }

for t in "${wanted[@]}"; do
    case $t in
        builder)
            "$repo/builder" --help >/dev/null   # the launcher publishes the CLI here, outside the timings
            rm -rf "$work/builder"
            "$builder_cmd" --root "$work/builder/template" import "$work/data/base.tar" -t bench-base:1 >/dev/null
            tools+=(builder) ;;
        docker)
            if [ ! -x /usr/bin/docker ] || ! command -v dockerd >/dev/null; then
                note "docker.io is not installed: BuildKit skipped"; continue
            fi
            mkdir -p "$work/docker"
            dockerd --data-root "$work/docker/data" --exec-root "$work/docker/exec" --pidfile "$work/docker/pid" \
                -H "unix://$work/docker/sock" --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
                >"$work/docker/dockerd.log" 2>&1 &
            dockerd_pid=$!
            for _ in $(seq 1 100); do dk info >/dev/null 2>&1 && break; sleep 0.2; done
            if ! dk info >/dev/null 2>&1; then
                note "dockerd did not start (see $work/docker/dockerd.log): BuildKit skipped"; cleanup; dockerd_pid=""; continue
            fi
            dk rmi -f bench-base:1 >/dev/null 2>&1 || true
            dk import "$work/data/base.tar" bench-base:1 >/dev/null
            tools+=(docker) ;;
        buildah)
            if ! command -v buildah >/dev/null; then note "buildah is not installed: buildah skipped"; continue; fi
            ba rmi -a -f >/dev/null 2>&1 || true
            ctr=$(ba from scratch)
            ba add "$ctr" "$work/data/base.tar" / >/dev/null
            ba commit -q --rm "$ctr" localhost/bench-base:1 >/dev/null
            tools+=(buildah) ;;
        *) die "unknown tool $t (builder, docker, buildah)" ;;
    esac
done
[ ${#tools[@]} -gt 0 ] || die "no tool to run"

# ---------------------------------------------------------------- one build
reset_cache() { # $1 tool: empty its build cache, keep the base image
    case $1 in
        builder) rm -rf "$work/builder/root"; cp -a "$work/builder/template" "$work/builder/root" ;;
        docker)
            dk builder prune -af >/dev/null
            dk image ls -q --filter dangling=true | xargs -r /usr/bin/docker -H "unix://$work/docker/sock" rmi -f >/dev/null 2>&1 || true
            dk image ls --format '{{.Repository}}:{{.Tag}}' | grep '^bench/' | xargs -r /usr/bin/docker -H "unix://$work/docker/sock" rmi -f >/dev/null 2>&1 || true ;;
        buildah)
            local base
            base=$(ba images -q localhost/bench-base:1)
            ba images -aq | sort -u | grep -v "^$base" | xargs -r buildah --root "$work/buildah/root" --runroot "$work/buildah/run" --storage-driver overlay rmi -f >/dev/null 2>&1 || true ;;
    esac
    sync
}

build() { # $1 tool, $2 scenario
    local ctx="$work/ctx/$2" tag="bench/$2:latest"
    case $1 in
        builder) bb build -q -t "$tag" "$ctx" ;;
        docker) dk build -q --network=none -t "$tag" "$ctx" ;;
        buildah) ba bud --layers --isolation=chroot -q -t "$tag" "$ctx" ;;
    esac
}

timed() { # $1 tool, $2 scenario, $3 phase, $4 round
    local t0 t1
    t0=$(date +%s%N)
    if ! build "$1" "$2" >"$log" 2>&1; then
        cat "$log" >&2
        die "$1 failed on $2 ($3)"
    fi
    t1=$(date +%s%N)
    printf '%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" "$4" "$(( (t1 - t0) / 1000000 ))" >> "$results"
    printf '  %-8s %-12s %-7s %6d ms\n' "$1" "$2" "$3" "$(( (t1 - t0) / 1000000 ))" >&2
}

note "tools: ${tools[*]}; scenarios: ${scenarios[*]}; $runs rounds"
for s in "${scenarios[@]}"; do
    for ((r = 1; r <= runs; r++)); do
        for t in "${tools[@]}"; do
            reset_cache "$t"
            timed "$t" "$s" cold "$r"
            timed "$t" "$s" noop "$r"
            change "$s"
            timed "$t" "$s" change "$r"
        done
    done
done

python3 - "$results" "${tools[@]}" <<'PY'
import statistics, sys
path, tools = sys.argv[1], sys.argv[2:]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
med = {}
for s, t, p, _, ms in rows:
    med.setdefault((s, t, p), []).append(int(ms) / 1000)
med = {k: statistics.median(v) for k, v in med.items()}
scen = list(dict.fromkeys(r[0] for r in rows))
goal = {"cold": 1.0, "noop": 1 / 3, "change": 0.5}
peers = [t for t in tools if t != "builder"]
head = f"{'scenario':13} {'phase':7}" + "".join(f" {t:>8}" for t in tools)
head += "".join(f" {'b/' + p:>9}" for p in peers) + ("   goal (vs docker)" if "docker" in peers else "")
print()
print("median seconds; b/X = builder time / X time (< 1: builder faster)")
print(head)
for s in scen:
    for p in ("cold", "noop", "change"):
        line = f"{s:13} {p:7}" + "".join(f" {med.get((s, t, p), float('nan')):8.2f}" for t in tools)
        if "builder" in tools:
            b = med[(s, "builder", p)]
            for q in peers:
                line += f" {b / med[(s, q, p)]:9.2f}"
            if "docker" in peers:
                r = b / med[(s, "docker", p)]
                line += f"   <= {goal[p]:.2f} {'ok' if r <= goal[p] else 'MISSED'}"
        print(line)
PY
