using Build.Engine;
using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Solving;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.EndToEnd;

public sealed class BuildEndToEndTests : IDisposable
{
    private readonly BuildHarness h = new();

    public void Dispose() => h.Dispose();

    private const string AppDockerfile = """
        FROM busybox:test
        WORKDIR /app
        COPY deps.txt /app/
        RUN cat /app/deps.txt > /app/installed.txt
        COPY src/ /app/src/
        RUN ls /app/src > /app/files.txt
        CMD ["cat", "/app/files.txt"]
        """;

    private async Task WriteAppAsync()
    {
        await h.MakeBaseImageAsync();
        h.Write("deps.txt", "left-pad 1.0\n");
        h.Write("src/main.sh", "echo main\n");
        h.Write("src/util.sh", "echo util\n");
        h.Write("README.md", "not copied\n");
    }

    private static StepMetrics Step(BuildResult r, string instructionStart) =>
        r.Metrics.Steps.Single(s => s.Name.Contains(instructionStart, StringComparison.Ordinal));

    [RootFact]
    public async Task Second_build_executes_zero_steps()
    {
        await WriteAppAsync();
        var first = await h.BuildAsync(AppDockerfile);
        Assert.Equal(5, first.Metrics.Executed);
        var second = await h.BuildAsync(AppDockerfile);
        Assert.Equal(0, second.Metrics.Executed);
        Assert.Equal(1.0, second.Metrics.HitRatio);
        Assert.Equal(first.Image.Config.RootFs.DiffIds, second.Image.Config.RootFs.DiffIds);
    }

    [RootFact]
    public async Task A_no_op_rebuild_gives_the_same_image_and_a_change_a_new_one()
    {
        // No SOURCE_DATE_EPOCH: a fully cached build takes its times from the reused records (as BuildKit does).
        await WriteAppAsync();
        var first = await h.BuildAsync(AppDockerfile);
        await Task.Delay(50);
        var second = await h.BuildAsync(AppDockerfile);
        Assert.Equal(0, second.Metrics.Executed);
        Assert.Equal(first.ImageId, second.ImageId);
        Assert.Equal(first.Image.Digest, second.Image.Digest);

        h.Write("src/util.sh", "echo changed\n");
        await Task.Delay(50);
        var third = await h.BuildAsync(AppDockerfile);
        Assert.True(third.Metrics.Executed > 0);
        Assert.NotEqual(first.ImageId, third.ImageId);
        Assert.True(third.Image.Config.Created > first.Image.Config.Created);
    }

    [RootFact]
    public async Task Touching_an_unrelated_context_file_executes_zero_steps()
    {
        await WriteAppAsync();
        await h.BuildAsync(AppDockerfile);
        h.Write("README.md", "changed, but no step reads it\n");
        var r = await h.BuildAsync(AppDockerfile);
        Assert.Equal(0, r.Metrics.Executed);
    }

    [RootFact]
    public async Task Changing_one_copied_file_reruns_exactly_the_dependent_steps_and_names_the_file()
    {
        await WriteAppAsync();
        await h.BuildAsync(AppDockerfile);
        h.Write("src/util.sh", "echo util v2\n");
        var r = await h.BuildAsync(AppDockerfile);
        Assert.True(Step(r, "COPY deps.txt").Cached);
        Assert.True(Step(r, "RUN cat").Cached);
        var copy = Step(r, "COPY src/");
        Assert.False(copy.Cached);
        var change = Assert.Single(copy.Explanation);
        Assert.Equal(CacheChangeKind.FileChanged, change.Kind);
        Assert.Equal("src/util.sh", change.Subject);
        Assert.False(Step(r, "RUN ls").Cached);
        Assert.Equal(CacheChangeKind.ParentChanged, Assert.Single(Step(r, "RUN ls").Explanation).Kind);
        Assert.Equal(2, r.Metrics.Executed);
        // The explanation reached the progress stream too.
        Assert.Contains(h.Events.OfType<VertexExplained>(), e => e.Changes.Any(c => c.Subject == "src/util.sh"));
    }

    [RootFact]
    public async Task Changing_a_build_arg_reruns_only_the_steps_in_its_scope()
    {
        await h.MakeBaseImageAsync();
        const string dockerfile = """
            FROM busybox:test
            RUN echo before > /before.txt
            ARG VERSION=1
            RUN echo $VERSION > /version.txt
            RUN echo after > /after.txt
            """;
        await h.BuildAsync(dockerfile, ("VERSION", "1"));
        var r = await h.BuildAsync(dockerfile, ("VERSION", "2"));
        Assert.True(Step(r, "RUN echo before").Cached);
        var v = Step(r, "/version.txt");
        Assert.False(v.Cached);
        var change = Assert.Single(v.Explanation);
        Assert.Equal(CacheChangeKind.ArgChanged, change.Kind);
        Assert.Equal("VERSION", change.Subject);
        Assert.False(Step(r, "RUN echo after").Cached);
    }

    [RootFact]
    public async Task Run_output_is_committed_and_deletions_are_whiteouts()
    {
        await h.MakeBaseImageAsync();
        var r = await h.BuildAsync("""
            FROM busybox:test
            RUN echo data > /etc/created.txt && rm /etc/group
            """);
        var layer = r.Image.Layers[^1];
        var names = await LayerNamesAsync(layer);
        Assert.Contains("etc/created.txt", names);
        Assert.Contains("etc/.wh.group", names);
        Assert.DoesNotContain(names, n => n.StartsWith("etc/hosts", StringComparison.Ordinal) || n.StartsWith("etc/resolv.conf", StringComparison.Ordinal));
    }

    [RootFact]
    public async Task Layers_a_later_step_stands_on_are_unpacked_while_committed_exactly_as_from_their_blobs()
    {
        await h.MakeBaseImageAsync();
        h.Write("conf/app.conf", "setting=1\n");
        var r = await h.BuildAsync("""
            FROM busybox:test
            COPY conf/ /etc/app/
            RUN echo data > /etc/created.txt && rm /etc/group && mkdir -p /var/empty
            RUN cat /etc/app/app.conf > /copied.txt
            """);
        string layers = Path.Combine(h.Root, "snapshots", "layers");
        foreach (var layer in r.Image.Layers.Skip(1).SkipLast(1))
        {
            string teed = Path.Combine(layers, layer.DiffId.Hex);
            Assert.True(Directory.Exists(teed), $"{layer.DiffId} was not unpacked while committed");
            string unpacked = Path.Combine(h.Root, "check-" + layer.DiffId.Hex[..12]);
            await using (var blob = await layer.OpenCompressedAsync(CancellationToken.None))
                await Build.Engine.Archive.LayerUnpacker.ApplyAsync(blob, Directory.CreateDirectory(unpacked).FullName,
                    Build.Engine.Snapshots.SnapshotStore.LayerUnpackOptions, CancellationToken.None);
            // Directory times aside: a layer without an entry for a whiteout's directory (here etc/, whose time the
            // sandbox restores after removing its /etc/hosts stub, as BuildKit does) gets that directory made at unpack time.
            Assert.Equal(Archive.ArchiveIntegrationSupport.Snapshot(unpacked, withDirMtimes: false), Archive.ArchiveIntegrationSupport.Snapshot(teed, withDirMtimes: false));
        }
        // Nothing stands on the target's last layer: it is not unpacked, and no staging directory is left behind.
        Assert.False(Directory.Exists(Path.Combine(layers, r.Image.Layers[^1].DiffId.Hex)));
        Assert.Empty(Directory.GetDirectories(layers, ".tmp-*"));
    }

    [RootFact]
    public async Task Copy_from_a_stage_rebuilt_with_identical_output_hits_and_so_do_the_steps_after_it()
    {
        await h.MakeBaseImageAsync();
        h.Write("src/main.txt", "the program\n");
        h.Write("src/NOTES.md", "notes 1\n");
        const string dockerfile = """
            FROM busybox:test AS build
            COPY src/ /src/
            RUN mkdir -p /out && cat /src/main.txt > /out/app
            FROM busybox:test
            COPY --from=build /out/app /app
            RUN cat /app > /copied
            """;
        var first = await h.BuildAsync(dockerfile);
        Assert.Equal(4, first.Metrics.Executed);

        // A file the build stage copies but does not put into /out: the stage reruns and makes the same /out/app
        // (a new mtime); COPY --from matches its secondary key, and the RUN after it its usual one.
        h.Write("src/NOTES.md", "notes 2\n");
        var second = await h.BuildAsync(dockerfile);
        Assert.False(Step(second, "COPY src/").Cached);
        Assert.False(Step(second, "RUN mkdir").Cached);
        Assert.True(Step(second, "COPY --from=build").Cached);
        Assert.True(Step(second, "RUN cat /app").Cached);
        Assert.Equal(first.Image.Config.RootFs.DiffIds, second.Image.Config.RootFs.DiffIds);

        // And then nothing at all reruns: the primary key of the COPY --from was recorded on its secondary hit.
        var third = await h.BuildAsync(dockerfile);
        Assert.Equal(0, third.Metrics.Executed);
        Assert.Equal(second.ImageId, third.ImageId);

        // Output that does change misses both keys.
        h.Write("src/main.txt", "the program, changed\n");
        var fourth = await h.BuildAsync(dockerfile);
        Assert.False(Step(fourth, "COPY --from=build").Cached);
        Assert.False(Step(fourth, "RUN cat /app").Cached);
    }

    [RootFact]
    public async Task No_cache_filter_reruns_only_the_named_stage()
    {
        await h.MakeBaseImageAsync();
        h.Write("main.txt", "program\n");
        h.Write("Dockerfile", """
            FROM busybox:test AS build
            COPY main.txt /src/main.txt
            RUN mkdir -p /out && cat /src/main.txt > /out/app
            FROM busybox:test AS other
            RUN echo other > /other.txt
            FROM busybox:test
            COPY --from=build /out/app /app
            COPY --from=other /other.txt /other.txt
            """);
        var request = new BuildRequest { ContextDirectory = h.Context, Tags = ["test:latest"], ExplainCache = true };
        var first = await h.BuildAsync(request);
        Assert.Equal(5, first.Metrics.Executed);

        var second = await h.BuildAsync(request with { NoCacheStages = new HashSet<string> { "build" } });
        // Both steps of "build" ran again, and say why; "other" and the final stage's copy from it hit.
        Assert.False(Step(second, "COPY main.txt").Cached);
        Assert.False(Step(second, "RUN mkdir").Cached);
        Assert.Contains(Step(second, "RUN mkdir").Explanation, c => c.Subject == "--no-cache");
        Assert.True(Step(second, "RUN echo other").Cached);
        Assert.True(Step(second, "COPY --from=other").Cached);
        // The rerun stage made the same /out/app, so the copy from it hits by content and the image is the same.
        Assert.True(Step(second, "COPY --from=build").Cached);
        Assert.Equal(first.Image.Config.RootFs.DiffIds, second.Image.Config.RootFs.DiffIds);
    }

    [RootFact]
    public async Task Failing_run_reports_the_command_exit_code_and_output()
    {
        await h.MakeBaseImageAsync();
        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.BuildAsync("""
            FROM busybox:test
            RUN echo doomed && exit 3
            """));
        Assert.Contains("exit code: 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("doomed", e.OutputTail);
    }

    [RootFact]
    public async Task Multi_stage_copy_from_and_target_pruning()
    {
        await h.MakeBaseImageAsync();
        const string dockerfile = """
            FROM busybox:test AS build
            RUN mkdir /out && echo compiled > /out/app

            FROM busybox:test AS unused
            RUN echo never > /never

            FROM scratch
            COPY --from=build /out/app /app
            """;
        var r = await h.BuildAsync(dockerfile);
        Assert.DoesNotContain(r.Metrics.Steps, s => s.Name.Contains("never", StringComparison.Ordinal));
        var names = await LayerNamesAsync(Assert.Single(r.Image.Layers));
        Assert.Equal(["app"], names);
    }

    [RootFact]
    public async Task Two_fresh_roots_give_identical_digests_with_SOURCE_DATE_EPOCH()
    {
        await WriteAppAsync();
        h.Write("Dockerfile", AppDockerfile);
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var request = new BuildRequest { ContextDirectory = h.Context, Tags = ["repro:1"], SourceDateEpoch = epoch };
        await h.MakeBaseImageAsync(epoch);
        var a = await h.BuildAsync(request);
        using var other = new BuildHarness();
        await other.MakeBaseImageAsync(epoch);
        // The other root builds the same base (same bytes with the same epoch rules), then the same app.
        var b = await new BuildService(new BuilderRoot(other.Root), TimeProvider.System, Environment.GetEnvironmentVariable)
            .BuildAsync(request, EventCollector.None, CancellationToken.None);
        Assert.Equal(a.Image.Config.RootFs.DiffIds, b.Image.Config.RootFs.DiffIds);
        Assert.Equal(a.Image.Digest, b.Image.Digest);
        Assert.Equal(epoch, b.Image.Config.Created);
    }

    [RootFact]
    public async Task Secret_mount_reaches_run_but_never_a_layer_a_key_or_the_index()
    {
        await h.MakeBaseImageAsync();
        using var secretDir = new TempDirectory("builder-secret");
        string secretFile = secretDir.Combine("token");
        await File.WriteAllTextAsync(secretFile, "s3cr3t-value");
        h.Write("Dockerfile", """
            FROM busybox:test
            RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /ok.txt
            RUN --mount=type=cache,target=/cache echo run >> /cache/runs && cp /cache/runs /runs.txt
            """);
        var request = new BuildRequest
        {
            ContextDirectory = h.Context,
            Tags = ["secret:1"],
            Secrets = new Dictionary<string, SecretSource> { ["tok"] = new("tok", secretFile, null) },
        };
        var r = await h.BuildAsync(request);
        var names = await LayerNamesAsync(r.Image.Layers[^2]);
        Assert.Contains("ok.txt", names); // the secret's length, 12, proves RUN read it
        Assert.DoesNotContain(names, n => n.Contains("secrets", StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(h.Root, "cache")))
            Assert.DoesNotContain("s3cr3t-value", await File.ReadAllTextAsync(file));
        foreach (var step in r.Metrics.Steps)
            Assert.DoesNotContain("s3cr3t-value", step.Key ?? "", StringComparison.Ordinal);

        // A required secret that is not given fails with a message naming it.
        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.BuildAsync(request with { Secrets = new Dictionary<string, SecretSource>(), NoCache = true }));
        Assert.Contains("id=tok", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task A_directory_source_copies_its_contents_and_several_sources_need_a_directory()
    {
        await h.MakeBaseImageAsync();
        var r = await h.BuildAsync("""
            FROM busybox:test AS b
            RUN mkdir -p /out/sub && echo 1 > /out/a && echo 2 > /out/sub/b

            FROM scratch
            COPY --from=b /out /dest
            """);
        Assert.Equal(["dest", "dest/a", "dest/sub", "dest/sub/b"], (await LayerNamesAsync(Assert.Single(r.Image.Layers))).Order(StringComparer.Ordinal));

        h.Write("one.txt", "1");
        h.Write("two.txt", "2");
        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.BuildAsync("FROM scratch\nCOPY one.txt two.txt /nodir\n"));
        Assert.Contains("must be a directory", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Missing_base_image_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => h.BuildAsync("FROM nosuchimage:1\nRUN true\n"));
        Assert.Contains("nosuchimage", e.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> LayerNamesAsync(ILayer layer)
    {
        await using var s = await layer.OpenUncompressedAsync(CancellationToken.None);
        using var reader = new System.Formats.Tar.TarReader(s);
        var names = new List<string>();
        while (await reader.GetNextEntryAsync() is { } entry)
            names.Add(entry.Name.TrimEnd('/'));
        return names;
    }
}
