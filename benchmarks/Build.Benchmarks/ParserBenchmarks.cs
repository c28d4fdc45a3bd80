using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Build.Parser.Parsing;

namespace Build.Benchmarks;

/// <summary>
/// The Dockerfile parser against a plain hand-written line splitter (continuations joined, instruction word split
/// off, nothing else) on the same text: the splitter is the floor any parser of this format pays.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParserBenchmarks
{
    private const string Typical = """
        # syntax=docker/dockerfile:1.7
        ARG GO_VERSION=1.22
        ARG ALPINE_VERSION=3.20

        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
        ARG TARGETOS TARGETARCH
        WORKDIR /src
        ENV CGO_ENABLED=0 \
            GOFLAGS="-trimpath -mod=readonly"
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod \
            go mod download
        COPY . .
        RUN --mount=type=cache,target=/go/pkg/mod \
            --mount=type=cache,target=/root/.cache/go-build \
            GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags="-s -w" -o /out/app ./cmd/app

        FROM build AS test
        RUN go test ./...

        FROM alpine:${ALPINE_VERSION} AS certs
        RUN apk add --no-cache ca-certificates tzdata

        FROM scratch
        LABEL org.opencontainers.image.title="app" \
              org.opencontainers.image.source="https://example.com/app" \
              org.opencontainers.image.licenses="MIT"
        COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
        COPY --from=certs /usr/share/zoneinfo /usr/share/zoneinfo
        COPY --from=build --chown=65532:65532 --chmod=0555 /out/app /app
        COPY <<EOF /etc/app/config.yaml
        listen: ":8080"
        log: info
        EOF
        USER 65532:65532
        EXPOSE 8080/tcp
        HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/app", "health"]
        STOPSIGNAL SIGTERM
        ENTRYPOINT ["/app"]
        CMD ["serve", "--config", "/etc/app/config.yaml"]
        """;

    private readonly string _typical = Typical;
    private string _large = "";

    [GlobalSetup]
    public void Setup()
    {
        // 10,000 lines: the typical file repeated, so every instruction kind and continuations appear.
        var builder = new StringBuilder();
        string[] lines = Typical.Split('\n');
        int count = 0;
        while (count < 10_000)
        {
            foreach (var line in lines)
            {
                if (count++ == 10_000)
                    break;
                builder.Append(line).Append('\n');
            }
        }
        _large = builder.ToString();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("typical-40-lines")]
    public int SplitterTypical() => LineSplitter.Split(_typical);

    [Benchmark, BenchmarkCategory("typical-40-lines")]
    public int ParseTypical() => DockerfileParser.Parse(_typical).Syntax.Instructions.Count;

    [Benchmark(Baseline = true), BenchmarkCategory("generated-10000-lines")]
    public int SplitterLarge() => LineSplitter.Split(_large);

    [Benchmark, BenchmarkCategory("generated-10000-lines")]
    public int ParseLarge() => DockerfileParser.Parse(_large).Syntax.Instructions.Count;
}

/// <summary>The baseline: split lines, skip comments and blanks, join backslash continuations, cut the instruction word.</summary>
internal static class LineSplitter
{
    public static int Split(string text)
    {
        int instructions = 0;
        var logical = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (logical.Length == 0)
            {
                var trimmed = line.TrimStart();
                if (trimmed.Length == 0 || trimmed[0] == '#')
                    continue;
            }
            if (line.EndsWith('\\'))
            {
                logical.Append(line, 0, line.Length - 1);
                continue;
            }
            logical.Append(line);
            string full = logical.ToString().Trim();
            logical.Clear();
            int space = full.IndexOf(' ', StringComparison.Ordinal);
            string keyword = space < 0 ? full : full[..space];
            string rest = space < 0 ? "" : full[(space + 1)..];
            if (keyword.Length > 0 && rest.Length >= 0)
                instructions++;
        }
        return instructions;
    }
}
