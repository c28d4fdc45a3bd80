#!/usr/bin/env bash
# Replays the generated histories of testdata/histories with builder (`builder cache replay --fresh`, then the
# Dockerfile rewritten by its advice) and, where docker is installed, with `docker build` (BuildKit) through a
# private dockerd (own data root and socket, removed afterwards: the machine's docker state is not touched).
# Prints hit ratio and total time per history and tool. Both tools start from an empty cache and build the
# same commits in a clone that keeps its checkout between commits, .git included (as a CI runner does).
# Needs: busybox-static, jq, git; docker.io optional.
# Usage: benchmarks/cache-replay.sh [node-app|compiled-multistage|log-dir|all] [COMMITS]   (as root; default all 20)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
which_history=${1:-all}
commits=${2:-20}
builder="$repo/builder"
[ "$(id -u)" = 0 ] || { echo "cache-replay.sh: run as root (the builder sandbox and dockerd need it)" >&2; exit 1; }
command -v jq >/dev/null || { echo "cache-replay.sh: needs jq (apt-get install jq)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "cache-replay.sh: needs busybox-static (apt-get install busybox-static)" >&2; exit 1; }

work="$(mktemp -d /tmp/builder-cache-replay.XXXXXX)"
dockerd_pid=""
cleanup() {
    if [ -n "$dockerd_pid" ]; then
        kill "$dockerd_pid" 2>/dev/null || true
        wait "$dockerd_pid" 2>/dev/null || true
        grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== base images" >&2
"$repo/testdata/rootfs/make-busybox-rootfs.sh" "$work/rootfs"
root="$work/builder-root"
"$builder" --root "$root" import "$work/rootfs" -t busybox:local >/dev/null
"$builder" --root "$root" build -q -t builder-tools:local "$repo/testdata/histories/base" >/dev/null

docker=""
if [ -x /usr/bin/docker ] && command -v dockerd >/dev/null 2>&1; then
    docker=/usr/bin/docker # by full path: a newer CLI earlier on PATH refuses BuildKit without buildx
    export DOCKER_HOST="unix://$work/docker.sock" DOCKER_BUILDKIT=1
    dockerd --data-root "$work/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" -H "$DOCKER_HOST" \
        --bridge=none --iptables=false --ip-masq=false --ip-forward=false >"$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 60); do "$docker" info >/dev/null 2>&1 && break; sleep 0.5; done
    if "$docker" info >/dev/null 2>&1; then
        tar -C "$work/rootfs" -c . | "$docker" import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - busybox:local >/dev/null
        "$docker" build -q --network=none -t builder-tools:local "$repo/testdata/histories/base" >/dev/null
    else
        echo "cache-replay.sh: dockerd did not start (see below); BuildKit column skipped" >&2
        tail -5 "$work/dockerd.log" >&2
        docker=""
    fi
else
    echo "cache-replay.sh: docker not installed; BuildKit column skipped" >&2
fi

# json_field FILE NAME / json_advised FILE NAME: a summary figure of the original / advised run, 3 decimals.
json_field() { jq -r ".original.summary.$2 * 1000 | round / 1000" "$1"; }
json_advised() { jq -r ".advised.summary.$2 * 1000 | round / 1000" "$1"; }

# docker_replay HISTORY DOCKERFILE IGNOREFILE BUILD_ARGS...: builds every commit with BuildKit from an empty
# cache; DOCKERFILE (absolute, or empty for the commit's own) and IGNOREFILE (copied over the scratch clone's
# .dockerignore after each checkout, or empty). Prints "hit_ratio total_seconds".
docker_replay() {
    local history=$1 dockerfile=$2 ignore=$3; shift 3
    local clone="$work/docker-clone-$(basename "$history")-$RANDOM"
    "$docker" builder prune -af >/dev/null
    git clone -q --shared --no-checkout "$history" "$clone"
    local fargs=()
    [ -n "$dockerfile" ] && fargs=(-f "$dockerfile")
    local steps=0 cached=0 start end
    start=$(date +%s.%N)
    for c in $(git -C "$history" log --first-parent --reverse -n "$commits" --format=%H HEAD); do
        git -C "$clone" checkout -q --force --detach "$c"
        [ -n "$ignore" ] && cp "$ignore" "$clone/.dockerignore"
        local args=()
        for a in "$@"; do args+=(--build-arg "${a//\{commit\}/$c}"); done
        "$docker" build --progress=plain --network=none "${fargs[@]}" "${args[@]}" -t replay:latest "$clone" >"$work/docker-build.log" 2>&1
        # Steps with a counter except FROM (builder does not count FROM either); cached ones say CACHED.
        local s k
        s=$(grep -E '^#[0-9]+ \[[^]]*[0-9]+/[0-9]+\] ' "$work/docker-build.log" | grep -vE '\] FROM ' | awk '{print $1}' | sort -u | wc -l)
        k=$(grep -cE '^#[0-9]+ CACHED' "$work/docker-build.log" || true)
        steps=$((steps + s)); cached=$((cached + k))
    done
    end=$(date +%s.%N)
    echo "$(awk -v c="$cached" -v s="$steps" 'BEGIN { printf "%.3f", (s ? c / s : 1) }') $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
}

printf '%-22s %-22s %10s %12s\n' history tool "hit ratio" "total time"
for h in node-app compiled-multistage log-dir; do
    [ "$which_history" = all ] || [ "$which_history" = "$h" ] || continue
    history="$work/histories/$h"
    "$repo/testdata/histories/$h.sh" "$history" "$commits" >/dev/null
    args=()
    [ "$h" = log-dir ] && args=("GIT_COMMIT={commit}")
    bargs=()
    for a in "${args[@]}"; do bargs+=(--build-arg "$a"); done
    echo "== $h: builder cache replay" >&2
    "$builder" --root "$root" cache replay --fresh --commits "$commits" "${bargs[@]}" --apply-to "$work/$h.Dockerfile.advised" \
        --format json -o "$work/$h.json" "$history" >&2
    printf '%-22s %-22s %10s %11ss\n' "$h" builder "$(json_field "$work/$h.json" hit_ratio)" "$(awk -v m="$(json_field "$work/$h.json" total_ms)" 'BEGIN { printf "%.2f", m / 1000 }')"
    printf '%-22s %-22s %10s %11ss\n' "$h" "builder (advised)" "$(json_advised "$work/$h.json" hit_ratio)" "$(awk -v m="$(json_advised "$work/$h.json" total_ms)" 'BEGIN { printf "%.2f", m / 1000 }')"
    if [ -n "$docker" ]; then
        echo "== $h: docker build (BuildKit)" >&2
        read -r ratio seconds < <(docker_replay "$history" "" "" "${args[@]}")
        printf '%-22s %-22s %10s %11ss\n' "$h" "docker (BuildKit)" "$ratio" "$seconds"
        # The advised Dockerfile through BuildKit too: the advice is not builder-specific.
        read -r ratio seconds < <(docker_replay "$history" "$work/$h.Dockerfile.advised" "$work/$h.Dockerfile.advised.dockerignore" "${args[@]}")
        printf '%-22s %-22s %10s %11ss\n' "$h" "docker (advised)" "$ratio" "$seconds"
    fi
done
