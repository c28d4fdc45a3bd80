using BenchmarkDotNet.Attributes;
using Build.Engine.Frontend;
using Build.Parser.Parsing;

namespace Build.Benchmarks;

/// <summary>
/// Dockerfile → BuildGraph for a typical 40-line multi-stage file, with parsing alone as the baseline in the same
/// run (the frontend's own cost is the difference).
/// </summary>
[MemoryDiagnoser]
public class FrontendBenchmarks
{
    private const string Dockerfile = """
        # syntax=docker/dockerfile:1
        ARG GO_VERSION=1.22
        ARG BASE=busybox
        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
        ARG TARGETOS
        ARG TARGETARCH
        ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH
        WORKDIR /src
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod go mod download
        COPY . .
        RUN --mount=type=cache,target=/root/.cache/go-build \
            --mount=type=cache,target=/go/pkg/mod \
            go build -o /out/app ./cmd/app
        FROM build AS test
        RUN go test ./...
        FROM ${BASE} AS assets
        WORKDIR /assets
        COPY web/ ./
        RUN <<EOF
        set -e
        find . -name '*.css' | xargs gzip -k
        EOF
        FROM ${BASE}
        LABEL org.opencontainers.image.title="app" org.opencontainers.image.version="1.0"
        ARG UID=1000
        RUN adduser -D -u $UID app
        COPY --from=build /out/app /usr/local/bin/app
        COPY --from=assets --chown=app:app /assets /srv/www
        COPY <<EOF /etc/app.conf
        listen=:8080
        root=/srv/www
        EOF
        ENV APP_ENV=production PORT=8080
        EXPOSE 8080
        VOLUME /data
        USER app
        WORKDIR /home/app
        HEALTHCHECK --interval=30s --timeout=3s CMD wget -q -O- http://localhost:8080/health || exit 1
        STOPSIGNAL SIGTERM
        ENTRYPOINT ["/usr/local/bin/app"]
        CMD ["serve"]
        """;

    private static readonly FrontendOptions Options = new() { TargetPlatform = "linux/arm64" };

    [Benchmark(Baseline = true)]
    public object ParseOnly() => DockerfileParser.Parse(Dockerfile, "Dockerfile");

    [Benchmark]
    public object ParseAndBuildGraph() => DockerfileFrontend.Build(Dockerfile, "Dockerfile", Options).GetGraphOrThrow();
}
