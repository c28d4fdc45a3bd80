using System.Text;
using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Frontend;

/// <summary>
/// Seeded mutations of the conformance Dockerfiles (and our testdata cases) through parser and frontend: every
/// input must give a graph or diagnostics, never an exception, and a graph must be internally consistent.
/// </summary>
public class FrontendFuzzTests
{
    private const int Iterations = 10_000;

    private static readonly string[] Snippets =
    [
        "FROM busybox AS a", "FROM a", "FROM scratch AS b", "FROM $BASE", "FROM --platform=$BUILDPLATFORM busybox", "FROM 0",
        "COPY --from=a /x /y", "COPY --from=0 /x /y", "COPY --from=7 . .", "COPY --from=$X / /", "COPY --from=b /x /y/",
        "ARG BASE=busybox", "ARG X", "ARG Y=${X:-d}", "ENV A=$B B=${A:?unset}", "ENV PATH=$PATH:/x",
        "ONBUILD RUN echo hi", "ONBUILD COPY --from=a /x /x", "ONBUILD ONBUILD RUN x",
        "RUN --mount=type=cache,target=/c,uid=$U x", "RUN --mount=type=bind,from=a,target=. x", "RUN --mount=type=secret,id=s x",
        "RUN --mount=type=tmpfs,target=/t,size=$S x", "RUN --mount=type=ssh x", "RUN --network=none x",
        "WORKDIR ..", "WORKDIR $W", "USER ${U:-app}", "EXPOSE $P 80/udp 1-3", "VOLUME $V", "STOPSIGNAL $SIG",
        "HEALTHCHECK --interval=1s CMD true", "HEALTHCHECK NONE", "SHELL [\"/bin/bash\", \"-c\"]", "CMD [\"a\", 1]",
        "ENTRYPOINT [\"x\"]", "ADD --checksum=sha256:00 http://x/y /z", "ADD https://x/r.git /src", "COPY --chmod=$M a b",
        "LABEL \"a b\"=c", "MAINTAINER me", "COPY <<EOF /f\nbody $A\nEOF", "RUN <<EOF\n#!/bin/sh\necho\nEOF",
        "RUN <<A <<B\na\nA\nb\nB", "# escape=`", "RUN \\", "COPY [\"a\", \"b\"]",
    ];

    private const string Alphabet = "\\ \n\t\"'$`{}[]=:-#<>/.,0aZ\r@!*?";

    private sealed class RandomImages(Random random) : IImageConfigResolver
    {
        public ValueTask<ImageConfigState?> ResolveAsync(string reference, string platform, CancellationToken cancellationToken)
        {
            ImageConfigState? result = random.Next(4) switch
            {
                0 => null,
                1 => ImageConfigState.Empty,
                _ => ImageConfigState.Empty with
                {
                    WorkingDir = random.Next(2) == 0 ? "/srv" : "rel",
                    Shell = random.Next(2) == 0 ? null : ValueList<string>.Empty.Add("/bin/bash").Add("-c"),
                    OnBuild = Enumerable.Range(0, random.Next(3)).Select(_ => Snippets[random.Next(Snippets.Length)]).ToValueList(),
                },
            };
            return ValueTask.FromResult(result);
        }
    }

    private static List<string> Corpus()
    {
        var root = FrontendTestHelpers.RepoRoot();
        var shared = Path.Combine(root, "..", "shared", "conformance", "buildkit", "parser");
        var files = Directory.EnumerateFiles(shared, "Dockerfile", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "testdata", "dockerfiles"), "Dockerfile", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(f => new UTF8Encoding(false).GetString(File.ReadAllBytes(f)))
            .ToList();
        Assert.True(files.Count >= 40, "conformance corpus not found under " + shared);
        return files;
    }

    private static string Mutate(string text, IReadOnlyList<string> corpus, Random random)
    {
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(7))
            {
                case 0 when text.Length > 0: // character flips
                    {
                        var chars = text.ToCharArray();
                        for (var n = random.Next(1, 6); n > 0; n--)
                            chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
                        text = new string(chars);
                        break;
                    }
                case 1: // truncation
                    text = text[..random.Next(text.Length + 1)];
                    break;
                case 2: // a line spliced from another file
                    {
                        var other = corpus[random.Next(corpus.Count)].Split('\n');
                        text = InsertLine(text, other[random.Next(other.Length)], random);
                        break;
                    }
                case 3: // random heredoc, sometimes unterminated
                    {
                        var marker = random.Next(2) == 0 ? "EOF" : "'END'";
                        var body = "line $X\n" + (random.Next(3) == 0 ? "" : marker.Trim('\'') + "\n");
                        text = InsertLine(text, (random.Next(2) == 0 ? "RUN <<" : "COPY <<") + marker + (random.Next(2) == 0 ? " /dst" : "") + "\n" + body, random);
                        break;
                    }
                case 4: // a semantic snippet
                    text = InsertLine(text, Snippets[random.Next(Snippets.Length)], random);
                    break;
                case 5: // delete or duplicate a line
                    {
                        var lines = text.Split('\n').ToList();
                        var at = random.Next(lines.Count);
                        if (random.Next(2) == 0) lines.RemoveAt(at);
                        else lines.Insert(at, lines[at]);
                        text = string.Join('\n', lines);
                        break;
                    }
                default: // whole-file splice
                    text += "\n" + corpus[random.Next(corpus.Count)];
                    break;
            }
        }
        return text;
    }

    private static string InsertLine(string text, string line, Random random)
    {
        var lines = text.Split('\n').ToList();
        lines.Insert(random.Next(lines.Count + 1), line);
        return string.Join('\n', lines);
    }

    private static FrontendOptions RandomOptions(Random random) => new()
    {
        Target = random.Next(10) switch { 0 => "a", 1 => "b", 2 => "nope", _ => null },
        TargetPlatform = random.Next(5) == 0 ? "linux/arm64" : null,
        BuildArgs = random.Next(2) == 0
            ? ValueList<KeyValue>.Empty
            : ValueList<KeyValue>.Empty.Add(new KeyValue("X", "a")).Add(new KeyValue("U", random.Next(2) == 0 ? "1000" : "bad"))
                .Add(new KeyValue("HTTP_PROXY", "http://p")).Add(new KeyValue("BASE", random.Next(8) == 0 ? "" : "alpine")),
        ImageConfigs = new RandomImages(random),
    };

    [Fact]
    public async Task Mutated_dockerfiles_never_throw()
    {
        var corpus = Corpus();
        var random = new Random(20251123);
        var graphs = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(corpus[i % corpus.Count], corpus, random);
            var options = RandomOptions(random);
            FrontendResult result;
            try
            {
                result = await DockerfileFrontend.BuildAsync(input, "Dockerfile", options, CancellationToken.None);
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} threw {e.GetType().Name}: {e.Message}\n--- input ---\n{input}\n--- trace ---\n{e}");
                return;
            }
            if (result.Graph is { } graph)
            {
                graphs++;
                Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
                CheckConsistency(graph, input);
            }
            else
            {
                Assert.Contains(result.Diagnostics, d => d.IsError);
            }
        }
        // The mutations must not be so destructive that the graph builder is never reached.
        Assert.True(graphs > Iterations / 10, $"only {graphs} of {Iterations} inputs produced a graph");
    }

    private static void CheckConsistency(BuildGraph graph, string input)
    {
        var ids = graph.Stages.SelectMany(s => s.Steps).Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        Assert.NotNull(graph.TryGetStage(graph.TargetIndex));
        foreach (var stage in graph.Stages)
        {
            foreach (var dep in stage.StageDependencies)
            {
                Assert.True(dep < stage.Index, "dependency on a later stage in\n" + input);
                Assert.NotNull(graph.TryGetStage(dep));
            }
            foreach (var vertex in stage.Steps)
                foreach (var dep in graph.DependenciesOf(vertex))
                    Assert.Contains(dep, ids);
            _ = stage.FinalConfig;
        }
    }
}
