using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Export;
using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Engine.Oci;
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

    /// <param name="pull">Pulls an image from its registry into the content store; null when no registry is usable.</param>
    public BuildService(BuilderRoot root, TimeProvider time, Func<string, string?> environment, Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? pull = null)
    {
        this.root = root;
        this.time = time;
        this.environment = environment;
        this.pull = pull;
    }

    public BuilderRoot Root => root;

    public async Task<BuildResult> BuildAsync(BuildRequest request, IObserver<BuildEvent> events, CancellationToken ct)
    {
        var content = new FileContentStore(root);
        var images = new ImageStore(root, content, time);
        string dockerfileName = request.DockerfilePath is { } p ? Path.GetFileName(p) : "Dockerfile";
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

        using var cache = SqliteCacheStore.Open(Path.Combine(root.Path, "cache"));
        var snapshots = new SnapshotStore(new SnapshotOptions(Path.Combine(root.Path, "snapshots"),
            Report: message => events.OnNext(new BuildWarning(time.GetUtcNow(), message))));
        string temp = Path.Combine(root.TempDirectory, "build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            var deps = new SolverDependencies(
                content, cache, snapshots,
                new NamespaceExecutor(new SandboxOptions(Path.Combine(root.Path, "sandbox"))),
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
            await ExportAsync(image, request, images, snapshots, ct).ConfigureAwait(false);
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

    private static async Task ExportAsync(IImage image, BuildRequest request, ImageStore images, SnapshotStore snapshots, CancellationToken ct)
    {
        var outputs = request.Outputs.Count > 0 ? request.Outputs : [ExportTarget.ImageStore(request.Tags)];
        foreach (var target in outputs)
        {
            var names = target.Names.Select(ImageName.Parse).ToList();
            switch (target.Type)
            {
                case ExportType.Local:
                case ExportType.Tar:
                    await FilesystemExporter.ExportAsync(image, target, ct).ConfigureAwait(false);
                    break;
                default:
                    await ImageExporters.Create(target, images).ExportAsync(image, names, ct).ConfigureAwait(false);
                    break;
            }
        }
    }
}
