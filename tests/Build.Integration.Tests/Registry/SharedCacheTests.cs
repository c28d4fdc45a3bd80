using System.Text.Json;
using Build.Engine;
using Build.Engine.Caching.Remote;
using Build.Engine.Content;
using Build.Engine.Export;
using Build.Engine.Oci;
using Build.Engine.Solving;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Registry;

/// <summary>
/// The shared build cache (<c>--cache-to</c> / <c>--cache-from</c>) across builder roots, against the real
/// distribution registry and an OCI layout directory: keys are pure, so a fresh root gets every hit.
/// </summary>
public sealed class SharedCacheTests : IDisposable
{
    // base (1 step) → build stage (3 steps, read by COPY --from) → final stage (2 steps) = 6 keyed steps;
    // the final image's chain (mode=min) is the base COPY, the COPY --from and the last RUN.
    private const string MultiStage = """
        FROM scratch AS base
        COPY rootfs/ /

        FROM base AS build
        RUN mkdir /out && echo compiled > /out/app
        COPY src.txt /src.txt
        RUN cat /src.txt > /out/data

        FROM base
        COPY --from=build /out /app
        RUN echo final > /final
        """;

    private static readonly Lazy<string> Rootfs = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "builder-cache-rootfs-" + Environment.ProcessId);
        if (!Directory.Exists(dir))
            TempDirectory.Run(Path.Combine(TestRepository.Root, "testdata/rootfs/make-busybox-rootfs.sh"), dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    private readonly TempDirectory _dir = new("shared-cache");

    public void Dispose() => _dir.Dispose();

    /// <summary>A new builder root with a context holding the busybox rootfs, <paramref name="dockerfile"/> and src.txt.</summary>
    private (string Root, string Context) NewRoot(string name, string dockerfile, string src = "source v1\n")
    {
        string root = _dir.Combine(name, "root");
        string context = _dir.Combine(name, "context");
        Directory.CreateDirectory(context);
        TempDirectory.Run("cp", "-a", Rootfs.Value, Path.Combine(context, "rootfs"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        File.WriteAllText(Path.Combine(context, "src.txt"), src);
        return (root, context);
    }

    private static Task<BuildResult> BuildAsync(string root, string context, IReadOnlyList<RemoteCacheSpec>? from = null,
        IReadOnlyList<RemoteCacheSpec>? to = null, IReadOnlyList<ExportTarget>? outputs = null, List<BuildEvent>? events = null) =>
        new BuildService(new BuilderRoot(root), TimeProvider.System, Environment.GetEnvironmentVariable)
            .BuildAsync(new BuildRequest
            {
                ContextDirectory = context,
                Tags = ["app:test"],
                CacheFrom = from ?? [],
                CacheTo = to ?? [],
                Outputs = outputs ?? [],
            }, new EventCollector(events), CancellationToken.None);

    private static async Task<bool> StoredAsync(string root, Digest digest) =>
        await new FileContentStore(new BuilderRoot(root)).ExistsAsync(digest, CancellationToken.None);

    [RegistryBuildFact("docker-registry", "skopeo")]
    public async Task Fresh_root_importing_a_registry_cache_executes_zero_steps_and_fetches_only_needed_layers()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var cache = new RemoteCacheSpec(RemoteCacheType.Registry, $"{registry.Host}/team/cache:main", CacheExportMode.Max);

        var (rootA, contextA) = NewRoot("a", MultiStage);
        var a = await BuildAsync(rootA, contextA, to: [cache]);
        Assert.Equal(6, a.Metrics.Executed);

        // The cache is an OCI artifact other tools can read: skopeo sees our manifest with every layer.
        string raw = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{cache.Location}");
        using (var doc = JsonDocument.Parse(raw))
        {
            Assert.Equal(CacheDocument.ArtifactType, doc.RootElement.GetProperty("artifactType").GetString());
            Assert.Equal("6", doc.RootElement.GetProperty("annotations").GetProperty("dev.builder.cache.records").GetString());
        }

        // Root B is empty: every step hits through the imported records.
        var (rootB, contextB) = NewRoot("b", MultiStage);
        var events = new List<BuildEvent>();
        var b = await BuildAsync(rootB, contextB, from: [cache], events: events);
        Assert.Equal(0, b.Metrics.Executed);
        Assert.Equal(6, b.Metrics.Hits);
        Assert.Equal(a.Image.Config.RootFs.DiffIds, b.Image.Config.RootFs.DiffIds);
        Assert.Contains(events, e => e is VertexLog { Vertex: 0 } l && l.Line.EndsWith(": 6 records", StringComparison.Ordinal));

        // Lazy: the final image's layers were fetched (the image store needs them), the build stage's never were.
        foreach (var layer in b.Image.Layers)
            Assert.True(await StoredAsync(rootB, layer.Digest), $"final layer {layer.Digest} not fetched");
        var buildStageLayers = a.Metrics.Steps.Where(s => s.Id.StartsWith("s1.", StringComparison.Ordinal)).Select(s => s.Key).ToHashSet();
        Assert.Equal(3, buildStageLayers.Count);
        var aRecords = await ReadRegistryCacheAsync(cache);
        var notFetched = aRecords.Where(r => buildStageLayers.Contains(r.Key.ToString()) && r.Layer is not null).ToList();
        Assert.NotEmpty(notFetched);
        foreach (var r in notFetched)
            Assert.False(await StoredAsync(rootB, r.Layer!.Digest), $"build-stage layer {r.Layer.Digest} was fetched although no step needed it");

        // Hits whose layers are now local were written into root B's own index; the others were not (a record is
        // written only after its blob), so without --cache-from root B would rebuild the build stage.
        using var index = Build.Engine.Caching.SqliteCacheStore.Open(Path.Combine(rootB, "cache"));
        foreach (var r in aRecords)
        {
            bool local = await index.TryGetAsync(r.Key, CancellationToken.None) is not null;
            Assert.Equal(!buildStageLayers.Contains(r.Key.ToString()), local);
        }
    }

    [RegistryBuildFact("docker-registry", "skopeo")]
    public async Task Push_output_after_a_full_cache_hit_mounts_layers_without_downloading_them()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var cache = new RemoteCacheSpec(RemoteCacheType.Registry, $"{registry.Host}/team/cache:main", CacheExportMode.Max);
        var (rootA, contextA) = NewRoot("a", MultiStage);
        await BuildAsync(rootA, contextA, to: [cache]);

        var (rootC, contextC) = NewRoot("c", MultiStage);
        string target = $"{registry.Host}/team/app:1";
        var c = await BuildAsync(rootC, contextC, from: [cache], outputs: [new ExportTarget(ExportType.Registry, null, [target], Push: true)]);
        Assert.Equal(0, c.Metrics.Executed);
        // type=registry stores nothing locally, and the cache's layers were mounted into team/app, not downloaded.
        foreach (var layer in c.Image.Layers)
            Assert.False(await StoredAsync(rootC, layer.Digest), $"layer {layer.Digest} was downloaded");

        string json = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{target}");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(c.Image.Digest.ToString(), doc.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(c.Image.Layers.Count, doc.RootElement.GetProperty("Layers").GetArrayLength());
        // Every blob is really there: skopeo copies the whole image out of the registry.
        await ProcessRunner.RunCheckedAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{target}", $"oci:{_dir.Combine("copied")}:app");
    }

    [RegistryBuildFact("docker-registry")]
    public async Task Exports_from_different_branches_merge_instead_of_overwriting()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var cache = new RemoteCacheSpec(RemoteCacheType.Registry, $"{registry.Host}/team/cache:shared");
        const string branchA = "FROM scratch\nCOPY rootfs/ /\nRUN echo branch-a > /branch\n";
        const string branchB = "FROM scratch\nCOPY rootfs/ /\nRUN echo branch-b > /branch\n";

        var (rootA, contextA) = NewRoot("a", branchA);
        Assert.Equal(2, (await BuildAsync(rootA, contextA, to: [cache])).Metrics.Executed);
        var (rootB, contextB) = NewRoot("b", branchB);
        // Runner B imports the shared cache (the COPY hits) and exports its own RUN next to branch A's records.
        var b = await BuildAsync(rootB, contextB, from: [cache], to: [cache]);
        Assert.Equal(1, b.Metrics.Executed);
        Assert.Equal(3, (await ReadRegistryCacheAsync(cache)).Count);

        // A third runner gets full hits for both branches.
        var (rootC, contextC) = NewRoot("c", branchA);
        Assert.Equal(0, (await BuildAsync(rootC, contextC, from: [cache])).Metrics.Executed);
        File.WriteAllText(Path.Combine(contextC, "Dockerfile"), branchB);
        Assert.Equal(0, (await BuildAsync(rootC, contextC, from: [cache])).Metrics.Executed);
    }

    [RootFact]
    public async Task Local_cache_gives_a_fresh_root_zero_steps_and_mode_min_keeps_only_the_final_chain()
    {
        string maxDir = _dir.Combine("cache-max");
        string minDir = _dir.Combine("cache-min");
        var (rootA, contextA) = NewRoot("a", MultiStage);
        var a = await BuildAsync(rootA, contextA, to:
        [
            new RemoteCacheSpec(RemoteCacheType.Local, maxDir, CacheExportMode.Max),
            new RemoteCacheSpec(RemoteCacheType.Local, minDir, CacheExportMode.Min),
        ]);
        Assert.Equal(6, a.Metrics.Executed);

        var max = await new LayoutCacheLocation(maxDir, "latest").ReadAsync(CancellationToken.None);
        var min = await new LayoutCacheLocation(minDir, "latest").ReadAsync(CancellationToken.None);
        Assert.Equal(6, max!.Records.Count);
        var finalChain = a.Metrics.Steps.Where(s => !s.Id.StartsWith("s1.", StringComparison.Ordinal)).Select(s => s.Key!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(finalChain, min!.Records.Select(r => r.Key.ToString()).Order(StringComparer.Ordinal).ToList());
        // An OCI layout other tools accept: umoci-free check, the layout's blobs are all present.
        foreach (var layer in CacheDocument.Layers(max.Records))
            Assert.True(File.Exists(Path.Combine(maxDir, "blobs", "sha256", layer.Digest.Hex)));

        var (rootB, contextB) = NewRoot("b", MultiStage);
        var b = await BuildAsync(rootB, contextB, from: [new RemoteCacheSpec(RemoteCacheType.Local, maxDir)]);
        Assert.Equal(0, b.Metrics.Executed);
        Assert.Equal(a.Image.Config.RootFs.DiffIds, b.Image.Config.RootFs.DiffIds);

        // Exporting the same records again changes nothing; a missing cache is a warning, not a failure.
        var events = new List<BuildEvent>();
        var c = await BuildAsync(rootB, contextB, from: [new RemoteCacheSpec(RemoteCacheType.Local, _dir.Combine("nothing-here")), new RemoteCacheSpec(RemoteCacheType.Local, maxDir)],
            to: [new RemoteCacheSpec(RemoteCacheType.Local, maxDir, CacheExportMode.Max)], events: events);
        Assert.Equal(0, c.Metrics.Executed);
        Assert.Contains(events, e => e is BuildWarning w && w.Message.Contains("no cache found", StringComparison.Ordinal));
        Assert.Contains(events, e => e is VertexLog l && l.Line.StartsWith("cache unchanged", StringComparison.Ordinal));
    }

    [RegistryBuildFact("docker-registry", "skopeo")]
    public async Task Cli_flags_push_the_image_and_share_the_cache()
    {
        await using var registry = await LocalRegistry.StartAsync();
        const string dockerfile = "FROM scratch\nCOPY src.txt /src.txt\nCOPY Dockerfile /Dockerfile\n";
        var (rootA, contextA) = NewRoot("a", dockerfile);
        string cacheRef = $"{registry.Host}/cli/cache:main";
        string image = $"{registry.Host}/cli/app:1";
        var a = Cli("build", "--root", rootA, "--progress", "plain", "--cache-to", $"type=registry,ref={cacheRef},mode=max",
            "-o", $"type=registry,name={image}", contextA);
        Assert.True(a.Exit == 0, a.Err);
        Assert.Contains("0 cached, 2 executed", a.Err, StringComparison.Ordinal);
        Assert.Contains($"exporting cache to registry {registry.Host}/cli/cache:main (mode=max)", a.Err, StringComparison.Ordinal);
        string json = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{image}");
        Assert.Equal(2, JsonDocument.Parse(json).RootElement.GetProperty("Layers").GetArrayLength());

        var (rootB, contextB) = NewRoot("b", dockerfile);
        var b = Cli("build", "--root", rootB, "--progress", "plain", "--cache-from", cacheRef, "-t", "app:b", contextB);
        Assert.True(b.Exit == 0, b.Err);
        Assert.Contains("2 cached, 0 executed", b.Err, StringComparison.Ordinal);
        Assert.Contains($"importing cache manifest from {registry.Host}/cli/cache:main", b.Err, StringComparison.Ordinal);

        var bad = Cli("build", "--root", rootB, "--cache-to", "type=registry,mode=max", contextB);
        Assert.Equal(1, bad.Exit);
        Assert.Equal("error: --cache-to: type=registry needs ref=", bad.Err.Trim());
    }

    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Build.Cli.CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<IReadOnlyList<Build.Engine.Caching.CacheRecord>> ReadRegistryCacheAsync(RemoteCacheSpec spec)
    {
        using var client = new Build.Engine.Registry.RegistryClient();
        var snapshot = await new RegistryCacheLocation(client, ImageReference.Parse(spec.Location)).ReadAsync(CancellationToken.None);
        return snapshot!.Records;
    }
}
