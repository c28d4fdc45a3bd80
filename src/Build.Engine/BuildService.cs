using Build.Engine.Caching;
using Build.Engine.Caching.Remote;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Export;
using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Registry;
using Build.Engine.Snapshots;
using Build.Engine.Solving;

namespace Build.Engine;

/// <summary>
/// The one entry point of a build: Dockerfile → parse → graph (with base image configs) → solve → export.
/// Everything under one builder root; time, environment and the image puller are injected.
/// </summary>
public sealed class BuildService
{
    private readonly BuilderRoot root;
    private readonly TimeProvider time;
    private readonly Func<string, string?> environment;
    private readonly Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? pull;
    private readonly RegistryClientOptions registryOptions;

    /// <param name="pull">Pulls an image from its registry into the content store; null when no registry is usable.</param>
    /// <param name="registry">How shared caches (<c>--cache-from/--cache-to type=registry</c>) and pushes reach registries; default anonymous.</param>
    public BuildService(BuilderRoot root, TimeProvider time, Func<string, string?> environment,
        Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? pull = null, RegistryClientOptions? registry = null)
    {
        this.root = root;
        this.time = time;
        this.environment = environment;
        this.pull = pull;
        registryOptions = registry ?? new RegistryClientOptions();
    }

    public BuilderRoot Root => root;

    public async Task<BuildResult> BuildAsync(BuildRequest request, IObserver<BuildEvent> events, CancellationToken ct)
    {
        RegistryClient? client = null;
        try
        {
            return await BuildAsync(request, events, () => client ??= new RegistryClient(registryOptions), ct).ConfigureAwait(false);
        }
        finally
        {
            client?.Dispose();
        }
    }

    private async Task<BuildResult> BuildAsync(BuildRequest request, IObserver<BuildEvent> events, Func<RegistryClient> registry, CancellationToken ct)
    {
        // The lease keeps what this build creates or reuses safe from a concurrent builder prune (docs/oci-and-store.md).
        using var lease = await StoreLease.AcquireAsync(root, ct).ConfigureAwait(false);
        var content = new FileContentStore(root, lease);
        var images = new ImageStore(root, content, time);
        string dockerfileName = request.DockerfilePath is { } p ? Path.GetFileName(p) : "Dockerfile";
        // Opening the cache index (SQLite's library, the header read, the WAL: ~7 ms) overlaps the frontend's work.
        await using var opening = new BackgroundOpen<SqliteCacheStore>(() => SqliteCacheStore.Open(Path.Combine(root.Path, "cache")));
        string text = request.DockerfileText ?? await ReadDockerfileAsync(request, ct).ConfigureAwait(false);
        string platform = request.Platform ?? Platform.Host.ToString();

        // Base images are resolved before the frontend runs: it needs their ENV, WORKDIR, SHELL and ONBUILD.
        var source = new StoreImageSource(images, content, pull, request.Pull);
        // The frontend parses (only it sees syntax); parse errors come back as its diagnostics with file:line:col.
        var frontend = await DockerfileFrontend.BuildAsync(text, request.DockerfilePath ?? dockerfileName, new FrontendOptions
        {
            BuildArgs = request.BuildArgs.ToValueList(),
            Target = request.Target,
            BuildPlatform = Platform.Host.ToString(),
            TargetPlatform = platform,
            ImageConfigs = source,
        }, ct).ConfigureAwait(false);
        var graph = frontend.GetGraphOrThrow();
        foreach (var w in frontend.Warnings)
            events.OnNext(new BuildWarning(time.GetUtcNow(), w.ToString()));

        BuildContext? context = null;
        StatCache? statCache = null;
        if (request.ContextDirectory is { } contextDir)
        {
            if (!Directory.Exists(contextDir))
                throw new BuildException(ErrorCode.NotFound, $"build context {contextDir} is not a directory");
            context = await BuildContext.OpenAsync(Path.GetFullPath(contextDir), request.DockerfilePath, ct).ConfigureAwait(false);
            statCache = StatCache.Open(Path.Combine(root.Path, "statcache"), context.Root, time);
        }

        using var localCache = await opening.TakeAsync().ConfigureAwait(false);
        // --cache-from: the shared caches' records come after the local index; their layers stay remote until read.
        ICacheStore cache = localCache;
        IContentStore solveContent = content;
        LayeredCacheStore? layered = null;
        if (request.CacheFrom.Count > 0)
        {
            var imports = await ImportCachesAsync(request.CacheFrom, events, registry, ct).ConfigureAwait(false);
            solveContent = new LazyContentStore(content, imports);
            cache = layered = new LayeredCacheStore(localCache, content, imports);
        }
        var snapshots = new SnapshotStore(new SnapshotOptions(Path.Combine(root.Path, "snapshots"),
            Report: message => events.OnNext(new BuildWarning(time.GetUtcNow(), message)), Lease: lease));
        string temp = Path.Combine(root.TempDirectory, "build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var deps = new SolverDependencies(
                solveContent, cache, snapshots,
                Executors.Create(request.Runtime, Path.Combine(root.Path, "sandbox")),
                source, context, new FileTreeHasher(statCache),
                Path.Combine(root.Path, "cache-mounts"), temp, time, environment);
            var solver = new Solver(deps, new SolveOptions
            {
                NoCache = request.NoCache,
                NoCacheStages = request.NoCacheStages,
                ExplainCache = request.ExplainCache,
                Network = request.Network,
                Limits = request.Limits,
                SourceDateEpoch = request.SourceDateEpoch ?? SourceDateEpochArg(request.BuildArgs),
                DockerfileName = dockerfileName,
                Secrets = request.Secrets,
            });
            var solved = await solver.SolveAsync(graph, events, ct).ConfigureAwait(false);
            if (statCache is not null)
                await statCache.SaveAsync(ct).ConfigureAwait(false);

            var image = solved.Image;
            if (request.Labels.Count > 0)
            {
                image = Mutate.WithConfig(image, c => c with
                {
                    Labels = (c.Labels ?? new Dictionary<string, string>()).Concat(request.Labels)
                        .GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
                });
            }
            await ExportAsync(image, request, images, registry, solver, events, ct).ConfigureAwait(false);
            if (layered is not null)
                await layered.PersistImportedAsync(time.GetUtcNow(), ct).ConfigureAwait(false);
            foreach (var spec in request.CacheTo)
                await ExportCacheAsync(spec, graph, solved, cache, solveContent, registry, solver, events, ct).ConfigureAwait(false);
            return new BuildResult(image, solved.Metrics with { ImageId = image.ConfigDigest().ToString() });
        }
        finally
        {
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// BuildKit also takes the epoch from <c>--build-arg SOURCE_DATE_EPOCH=SECONDS</c> (buildx passes the environment
    /// variable that way), so a CI that sets it as a build arg gets the same reproducible image.
    /// </summary>
    private static DateTimeOffset? SourceDateEpochArg(IReadOnlyList<KeyValue> args)
    {
        if (args.LastOrDefault(a => a.Key == "SOURCE_DATE_EPOCH") is not { Value.Length: > 0 } arg)
            return null;
        if (!long.TryParse(arg.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds))
            throw new BuildException(ErrorCode.InvalidArgument, $"--build-arg SOURCE_DATE_EPOCH={arg.Value}: not a number of seconds");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private static async Task<string> ReadDockerfileAsync(BuildRequest request, CancellationToken ct)
    {
        string path = request.DockerfilePath
            ?? Path.Combine(request.ContextDirectory ?? ".", "Dockerfile");
        if (!File.Exists(path))
            throw new BuildException(ErrorCode.NotFound, $"failed to read Dockerfile: open {path}: no such file or directory");
        return await File.ReadAllTextAsync(path, new System.Text.UTF8Encoding(false), ct).ConfigureAwait(false);
    }

    private async Task ExportAsync(IImage image, BuildRequest request, ImageStore images, Func<RegistryClient> registry,
        Solver solver, IObserver<BuildEvent> events, CancellationToken ct)
    {
        var outputs = request.Outputs.Count > 0 ? request.Outputs : [ExportTarget.ImageStore(request.Tags)];
        foreach (var target in outputs)
        {
            var names = target.Names.Select(ImageReference.Parse).ToList();
            switch (target.Type)
            {
                case ExportType.Local:
                case ExportType.Tar:
                    await FilesystemExporter.ExportAsync(image, target, ct).ConfigureAwait(false);
                    break;
                case ExportType.Registry:
                    await PushAsync(image, names, registry, solver, events, ct).ConfigureAwait(false);
                    break;
                default:
                    await ImageExporters.Create(target, images).ExportAsync(image, names, ct).ConfigureAwait(false);
                    if (target.Type == ExportType.Image && target.Push)
                        await PushAsync(image, names, registry, solver, events, ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task PushAsync(IImage image, IReadOnlyList<ImageReference> names, Func<RegistryClient> registry,
        Solver solver, IObserver<BuildEvent> events, CancellationToken ct)
    {
        int v = solver.NextVertex();
        var started = time.GetUtcNow();
        events.OnNext(new VertexStarted(started, v, "pushing " + string.Join(", ", names.Select(n => n.FamiliarName))));
        try
        {
            await new RegistryPushExporter(registry(), line => events.OnNext(new VertexLog(time.GetUtcNow(), v, 0, line)))
                .ExportAsync(image, names, ct).ConfigureAwait(false);
        }
        catch (BuildException e)
        {
            events.OnNext(new VertexCompleted(time.GetUtcNow(), v, time.GetUtcNow() - started, e.Message));
            throw;
        }
        events.OnNext(new VertexCompleted(time.GetUtcNow(), v, time.GetUtcNow() - started, null));
    }

    /// <summary>Reads every --cache-from (records only), reported as vertex 0, which the solver never uses.</summary>
    private async Task<IReadOnlyList<ImportedCache>> ImportCachesAsync(IReadOnlyList<RemoteCacheSpec> specs, IObserver<BuildEvent> events,
        Func<RegistryClient> registry, CancellationToken ct)
    {
        const int v = 0;
        var started = time.GetUtcNow();
        events.OnNext(new VertexStarted(started, v, "importing cache manifest from " + string.Join(", ", specs)));
        var imports = await RemoteCache.ImportAsync(specs, registry, w => events.OnNext(new BuildWarning(time.GetUtcNow(), w)), ct).ConfigureAwait(false);
        foreach (var import in imports)
            events.OnNext(new VertexLog(time.GetUtcNow(), v, 0, $"{import.Source.Description}: {import.Records.Count} records"));
        events.OnNext(new VertexCompleted(time.GetUtcNow(), v, time.GetUtcNow() - started, null));
        return imports;
    }

    /// <summary>
    /// --cache-to: the records of this build (mode=max: every keyed step; mode=min: the target stage and the stages
    /// it is built FROM, i.e. the final image's chain) merged into the shared cache.
    /// </summary>
    private async Task ExportCacheAsync(RemoteCacheSpec spec, Graph.BuildGraph graph, SolveResult solved, ICacheStore cache, IContentStore content,
        Func<RegistryClient> registry, Solver solver, IObserver<BuildEvent> events, CancellationToken ct)
    {
        int v = solver.NextVertex();
        var started = time.GetUtcNow();
        events.OnNext(new VertexStarted(started, v, $"exporting cache to {spec.Type.ToString().ToLowerInvariant()} {spec} (mode={spec.Mode.ToString().ToLowerInvariant()})"));
        try
        {
            var records = await SelectRecordsAsync(spec.Mode, graph, solved, cache, ct).ConfigureAwait(false);
            var written = await RemoteCache.ExportAsync(spec, records, content, registry, ct).ConfigureAwait(false);
            events.OnNext(new VertexLog(time.GetUtcNow(), v, 0, written is { } w
                ? $"wrote cache {w.Manifest}: {w.Records} records ({records.Count} from this build)"
                : $"cache unchanged: its records already include this build's {records.Count}"));
        }
        catch (BuildException e)
        {
            events.OnNext(new VertexCompleted(time.GetUtcNow(), v, time.GetUtcNow() - started, e.Message));
            throw;
        }
        events.OnNext(new VertexCompleted(time.GetUtcNow(), v, time.GetUtcNow() - started, null));
    }

    internal static async Task<IReadOnlyCollection<CacheRecord>> SelectRecordsAsync(CacheExportMode mode, Graph.BuildGraph graph, SolveResult solved,
        ICacheStore cache, CancellationToken ct)
    {
        var keyed = solved.Metrics.Steps.Where(m => m.Key is not null).ToList();
        IEnumerable<string> keys;
        if (mode == CacheExportMode.Max)
        {
            keys = keyed.Select(m => m.Key!);
        }
        else
        {
            var chain = new HashSet<string>(StringComparer.Ordinal);
            for (var stage = graph.Target; ; stage = graph.GetStage(stage.Base.StageIndex))
            {
                chain.UnionWith(stage.Steps.Select(s => s.Id));
                if (stage.Base.Kind != Graph.SourceKind.Stage)
                    break;
            }
            keys = keyed.Where(m => chain.Contains(m.Id)).Select(m => m.Key!);
        }
        var records = new Dictionary<CacheKey, CacheRecord>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (await cache.TryGetAsync(CacheKey.Parse(key), ct).ConfigureAwait(false) is { } r)
                records.TryAdd(r.Key, r);
        }
        if (mode == CacheExportMode.Min)
        {
            // A step shared with another stage ran (and was measured) once, under that stage's id: follow the
            // target's parent links too, so the final image's chain is complete.
            string? next = solved.Stages.FirstOrDefault(s => s.StageIndex == graph.TargetIndex)?.Key;
            while (next is not null && next.StartsWith("sha256:", StringComparison.Ordinal)
                && await cache.TryGetAsync(CacheKey.Parse(next), ct).ConfigureAwait(false) is { } r)
            {
                records.TryAdd(r.Key, r);
                next = r.Preimage["parent"];
            }
        }
        return records.Values;
    }
}
