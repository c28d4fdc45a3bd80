#!/usr/bin/env bash
# A compiled project built in two stages (a Go-style module): sources change in most commits, the docs and
# README in about a third, go.mod/go.sum twice. The build stage copies everything, so doc-only commits
# recompile and retest; the final stage takes only the binary.
# Usage: compiled-multistage.sh DIR [COMMITS]   (default 24 commits; base image builder-tools:local)
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
dir=${1:?usage: compiled-multistage.sh DIR [COMMITS]}
commits=${2:-24}
history_init "$dir"

cat > Dockerfile <<'D'
FROM builder-tools:local AS build
WORKDIR /src
COPY . .
RUN go mod download
RUN go build -o /out/app .
RUN go test ./...

FROM busybox:local
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
D
mods() {
    { echo "module example.com/tool"; echo; echo "go 1.22"; echo; echo "require ("
      for m in "$@"; do echo "	$m"; done; echo ")"; } > go.mod
    : > go.sum
    for m in "$@"; do echo "$m h1:$(echo "$m" | md5sum | cut -c1-16)=" >> go.sum; done
}
mods "github.com/spf13/cobra v1.8.0" "golang.org/x/sync v0.6.0"
mkdir -p internal/core docs
echo 'package main // main' > main.go
echo 'package core // core' > internal/core/core.go
echo 'package core // test' > internal/core/core_test.go
echo "# tool" > README.md
echo "# Usage" > docs/usage.md
commit "initial tool"

n=1
while [ "$n" -lt "$commits" ]; do
    n=$((n + 1))
    case $((n % 10)) in
    4)  mods "github.com/spf13/cobra v1.8.$n" "golang.org/x/sync v0.6.0"
        commit "bump cobra to v1.8.$n" ;;
    2|6|8)
        echo "Section $n." >> "docs/usage.md"
        [ $((n % 4)) = 0 ] && echo "Changelog $n." >> README.md
        commit "docs: section $n" ;;
    *)  echo "func f$n() {} // change $n" >> "internal/core/core.go"
        [ $((n % 3)) = 0 ] && echo "// main change $n" >> main.go
        commit "core: change $n" ;;
    esac
done
echo "compiled-multistage: $(git rev-list --count HEAD) commits in $dir"
