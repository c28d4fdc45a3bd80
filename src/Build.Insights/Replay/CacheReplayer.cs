using System.Diagnostics;
using System.Globalization;
using Build.Engine;
using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Export;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Solving;
using Build.Insights.Reports;

namespace Build.Insights.Replay;

/// <summary>
/// Replays a git history: every commit checked out in turn into a <see cref="ScratchCheckout"/> and built
/// in-process with <see cref="BuildService"/> against the builder root (or, with <see cref="ReplayOptions.Fresh"/>,
/// an empty temporary root), with cache explanations on. A commit that fails to build is recorded with its
/// error and the replay goes on, as the next CI run would. Cancelling stops the build in progress and removes
/// the scratch tree and temporary root; the user's repository is only ever read.
/// </summary>
public sealed class CacheReplayer
{
    private readonly BuilderRoot root;
    private readonly TimeProvider time;
    private readonly Func<string, string?> environment;
    private readonly Func<BuilderRoot, Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>?>? registryPuller;

    /// <param name="registryPuller">Makes a registry puller for a root (null: base images must be stored locally).</param>
    public CacheReplayer(BuilderRoot root, TimeProvider time, Func<string, string?> environment,
        Func<BuilderRoot, Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>?>? registryPuller = null)
    {
        this.root = root;
        this.time = time;
        this.environment = environment;
        this.registryPuller = registryPuller;
    }

    public async Task<ReplayResult> ReplayAsync(ReplayOptions options, IProgress<ReplayProgress>? progress, CancellationToken ct)
    {
        string repository = await ScratchCheckout.ResolveRepositoryAsync(options.Repository, ct).ConfigureAwait(false);
        var commits = await ScratchCheckout.ListCommitsAsync(repository, options.Commits, options.Revisions, ct).ConfigureAwait(false);
        string? fixedDockerfile = options.Dockerfile is { } d && Path.IsPathRooted(d) ? d : null;
        if (fixedDockerfile is not null && !File.Exists(fixedDockerfile))
            throw new BuildException(ErrorCode.NotFound, $"-f {fixedDockerfile}: no such file");
        string relativeDockerfile = fixedDockerfile is null ? options.Dockerfile ?? "Dockerfile" : "";
        if (fixedDockerfile is null && (relativeDockerfile.Split('/', '\\').Contains("..")))
            throw new BuildException(ErrorCode.UnsafePath, $"-f {relativeDockerfile}: a Dockerfile inside the repository cannot name a path outside it");

        Directory.CreateDirectory(root.TempDirectory);
        await using var scratch = await ScratchCheckout.CreateAsync(repository, root.TempDirectory, ct).ConfigureAwait(false);
        string? freshDirectory = options.Fresh ? Path.Combine(root.TempDirectory, "replay-root-" + Guid.NewGuid().ToString("N")[..12]) : null;
        var buildRoot = freshDirectory is null ? root : new BuilderRoot(freshDirectory);
        try
        {
            var pull = freshDirectory is null ? registryPuller?.Invoke(root) : SeedFromBuilderRoot(buildRoot, registryPuller?.Invoke(buildRoot));
            var service = new BuildService(buildRoot, time, environment, pull);
            var images = new ImageStore(buildRoot, new FileContentStore(buildRoot), time);
            var builds = new List<ReplayBuild>();
            string? previous = null;
            for (int i = 0; i < commits.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var commit = commits[i];
                await scratch.CheckoutAsync(commit.Id, ct).ConfigureAwait(false);
                var changed = previous is null ? [] : await scratch.ChangedFilesAsync(previous, commit.Id, ct).ConfigureAwait(false);
                previous = commit.Id;
                string dockerfile = fixedDockerfile ?? Path.Combine(scratch.Directory, relativeDockerfile);
                var build = await BuildOneAsync(service, images, options, scratch.Directory, dockerfile, i + 1, commit, changed, ct).ConfigureAwait(false);
                builds.Add(build);
                progress?.Report(new ReplayProgress(i + 1, commits.Count, build));
            }
            string lastDockerfile = fixedDockerfile ?? Path.Combine(scratch.Directory, relativeDockerfile);
            string text = File.Exists(lastDockerfile) ? await File.ReadAllTextAsync(lastDockerfile, ct).ConfigureAwait(false) : "";
            var files = await scratch.FilesAsync(commits[^1].Id, ct).ConfigureAwait(false);
            string ignorePath = Path.Combine(scratch.Directory, ".dockerignore");
            string? ignore = File.Exists(ignorePath) ? await File.ReadAllTextAsync(ignorePath, ct).ConfigureAwait(false) : null;
            string label = fixedDockerfile ?? relativeDockerfile;
            var run = ReportAnalyzer.Summarize(label, options.Fresh, builds, options.MeasureNoCache);
            return new ReplayResult(run, text, fixedDockerfile is null ? relativeDockerfile : Path.GetFileName(fixedDockerfile), files, ignore);
        }
        finally
        {
            if (freshDirectory is not null)
                DeleteQuietly(freshDirectory);
            else
                DeleteFileQuietly(StatCache.FileFor(Path.Combine(root.Path, StatCacheDirectory), scratch.Directory));
        }
    }

    private async Task<ReplayBuild> BuildOneAsync(BuildService service, ImageStore images, ReplayOptions options, string context, string dockerfile,
        int number, Commit commit, IReadOnlyList<string> changed, CancellationToken ct)
    {
        if (!File.Exists(dockerfile))
            return ReportAnalyzer.Failed(number, commit.Id, commit.Subject, changed, 0, $"no Dockerfile at {Path.GetFileName(dockerfile)} in this commit");
        var request = new BuildRequest
        {
            ContextDirectory = context,
            DockerfilePath = dockerfile,
            BuildArgs = options.BuildArgs.Select(a => new KeyValue(a.Key, Substitute(a.Value, commit, number))).ToList(),
            Target = options.Target,
            ExplainCache = true,
            Network = options.Network,
            Outputs = [ExportTarget.ImageStore([])],
        };
        var existing = (await images.ListAsync(ct).ConfigureAwait(false)).Select(r => r.Digest).ToHashSet();
        var clock = Stopwatch.StartNew();
        BuildResult result;
        try
        {
            result = await service.BuildAsync(request, NullObserver.Instance, ct).ConfigureAwait(false);
        }
        catch (BuildException e) when (!ct.IsCancellationRequested)
        {
            return ReportAnalyzer.Failed(number, commit.Id, commit.Subject, changed, clock.Elapsed.TotalMilliseconds, e.Message);
        }
        await ForgetAsync(images, result.Image.Digest, existing, ct).ConfigureAwait(false);
        double? noCacheMs = null;
        if (options.MeasureNoCache)
        {
            try
            {
                var baseline = await service.BuildAsync(request with { NoCache = true, ExplainCache = false }, NullObserver.Instance, ct).ConfigureAwait(false);
                noCacheMs = Math.Round(baseline.Metrics.Duration.TotalMilliseconds, 3);
                await ForgetAsync(images, baseline.Image.Digest, existing, ct).ConfigureAwait(false);
            }
            catch (BuildException e) when (!ct.IsCancellationRequested)
            {
                return ReportAnalyzer.Failed(number, commit.Id, commit.Subject, changed, clock.Elapsed.TotalMilliseconds, "--no-cache baseline: " + e.Message);
            }
        }
        return ReportAnalyzer.ToBuild(number, commit.Id, commit.Subject, changed, result.Metrics, noCacheMs);
    }

    /// <summary>
    /// A replayed commit's image is not one the user asked for: its untagged store entry is removed again unless
    /// the image was already stored (the user's own build of that commit keeps its names). Its blobs stay
    /// in the content store with the cache records, as after any build.
    /// </summary>
    private static async Task ForgetAsync(ImageStore images, Digest digest, HashSet<Digest> existing, CancellationToken ct)
    {
        if (existing.Contains(digest))
            return;
        try
        {
            await images.RemoveAsync(digest.ToString(), ct).ConfigureAwait(false);
        }
        catch (BuildException e) when (e.Code == ErrorCode.NotFound)
        {
        }
    }

    internal static string Substitute(string value, Commit commit, int number) => value
        .Replace("{commit}", commit.Id, StringComparison.Ordinal)
        .Replace("{short}", commit.Id.Length > 7 ? commit.Id[..7] : commit.Id, StringComparison.Ordinal)
        .Replace("{n}", number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>
    /// For a fresh root: base images come from the builder root's image store (copied, blobs and name), else
    /// from the registry. The fresh root starts without cache records, which is the point; its base images are
    /// the ones the user's builds use, so fresh and warm replays build the same thing.
    /// </summary>
    private Func<string, Platform, IContentStore, CancellationToken, Task<IImage>> SeedFromBuilderRoot(
        BuilderRoot fresh, Func<string, Platform, IContentStore, CancellationToken, Task<IImage>>? fallback) =>
        async (reference, platform, content, ct) =>
        {
            var userImages = new ImageStore(root, new FileContentStore(root), time);
            if (await userImages.TryResolveAsync(reference, ct).ConfigureAwait(false) is not null)
            {
                var image = await userImages.OpenAsync(reference, platform, ct).ConfigureAwait(false);
                var freshImages = new ImageStore(fresh, content, time);
                var names = ImageReference.TryParse(reference, out var name) && name.Tag is not null && name.Digest is null ? new[] { name } : [];
                await freshImages.PutImageAsync(image, names, ct).ConfigureAwait(false);
                return await freshImages.OpenAsync(names.Length > 0 ? reference : image.Digest.ToString(), platform, ct).ConfigureAwait(false);
            }
            if (fallback is null)
                throw new BuildException(ErrorCode.NotFound, $"image \"{reference}\" is not in the local image store and no registry is configured to pull it (load it with builder load or builder import)");
            return await fallback(reference, platform, content, ct).ConfigureAwait(false);
        };

    /// <summary>Where BuildService keeps stat caches under a root (one file per context path).</summary>
    private const string StatCacheDirectory = "statcache";

    private static void DeleteFileQuietly(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    internal static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class NullObserver : IObserver<BuildEvent>
    {
        public static readonly NullObserver Instance = new();

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(BuildEvent value)
        {
        }
    }
}
