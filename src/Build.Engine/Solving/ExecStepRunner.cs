using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Caching;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Snapshots;

namespace Build.Engine.Solving;

/// <summary>RUN: an overlay rootfs over the parent's layers, the namespace sandbox, and the upper dir as the layer.</summary>
internal sealed class ExecStepRunner(Solver solver, Stage stage, Vertex step, IImage image, ImageConfigState before)
    : StepRunner(solver, stage, step, image, before)
{
    private ExecOp Op => (ExecOp)Step.Op;

    public override async Task<ResolvedInputs> ResolveInputsAsync(string parentKey, CancellationToken ct)
    {
        var inputs = BaseInputs(parentKey);
        var argNames = (HashSet<string>)inputs.ArgNames;
        foreach (var kv in Op.Env)
        {
            // A variable the config did not hold (or held with another value) came from an ARG in scope.
            if (Before.GetEnv(kv.Key) != kv.Value)
                argNames.Add(kv.Key);
        }
        var sources = (Dictionary<string, string>)inputs.Sources;
        var files = (Dictionary<string, string>)inputs.FileDigests;
        Dictionary<string, string>? perFile = null;
        var stats = ResolvedInputs.NoHashing;
        foreach (var mount in Op.Mounts)
        {
            if (mount is Graph.BindMount { From.Kind: SourceKind.Context } b)
            {
                var context = Deps.Context ?? throw new BuildException(ErrorCode.InvalidArgument, $"RUN --mount=type=bind at {b.Target} reads the build context, but this build has none");
                var selected = new SourceSelector(context).Select(new CopySources([b.SourcePath.TrimStart('/') is { Length: > 0 } s ? s : "."]));
                var digest = await Deps.Hasher.HashAsync(context, selected, FileTreeHashOptions.Default, ct).ConfigureAwait(false);
                files["bind:" + b.Target] = digest.Digest.ToString();
                perFile ??= new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var e in digest.Entries)
                    perFile[e.SourcePath] = e.Digest.ToString();
                stats = new HashStatistics(stats.FilesHashed + digest.Statistics.FilesHashed, stats.BytesHashed + digest.Statistics.BytesHashed, stats.FilesFromStatCache + digest.Statistics.FilesFromStatCache);
            }
            else if (mount.Source is { Kind: SourceKind.Stage or SourceKind.Image } src)
            {
                var (name, identity, _) = await Solver.ResolveSourceAsync(src, Platform, ct).ConfigureAwait(false);
                sources[name] = identity;
            }
        }
        var fileList = perFile;
        return new ResolvedInputs(inputs, fileList is null ? null : new Lazy<IReadOnlyDictionary<string, string>>(() => fileList), stats);
    }

    public override async Task<ILayer?> ExecuteAsync(int vertex, CacheKey key, CancellationToken ct)
    {
        var lowers = await LowersAsync(Image, ct).ConfigureAwait(false);
        // The step's overlay is mounted by the sandbox inside its own mount namespace (nothing on the host).
        await using var rootfs = await Deps.Snapshots.PrepareStepRootfsAsync(lowers, ct).ConfigureAwait(false);

        // Filesystems the mounts read: the context as is, other stages and images as read-only views.
        var views = new List<RootfsSnapshot>();
        try
        {
            var roots = new Dictionary<SourceRef, string>();
            if (Deps.Context is { } context)
                roots[SourceRef.Context] = context.Root;
            foreach (var src in Op.Mounts.Select(m => m.Source).OfType<SourceRef>().Where(s => s.Kind is SourceKind.Stage or SourceKind.Image).Distinct())
            {
                var (_, _, img) = await Solver.ResolveSourceAsync(src, Platform, ct).ConfigureAwait(false);
                var view = await Deps.Snapshots.PrepareRootfsAsync(await LowersAsync(img, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                views.Add(view);
                roots[src] = view.Path;
            }
            var secrets = new SecretStore(
                Solver.Options.Secrets.ToDictionary(kv => kv.Key, kv => kv.Value.FilePath is { } f ? SecretInput.File(f) : SecretInput.Env(kv.Value.EnvironmentVariable ?? kv.Key)),
                Deps.Environment);
            await using var mounts = await new MountResolver(Deps.CacheMountRoot, Deps.TempRoot)
                .ResolveAsync(Op.Mounts, new MountSources(roots, secrets), ct).ConfigureAwait(false);

            var env = Op.Env.Select(kv => kv.Key + "=" + kv.Value)
                .Concat(Op.ProxyEnv.Select(kv => kv.Key + "=" + kv.Value))
                .Concat(mounts.Env);
            var users = await UserDatabase.LoadAsync(rootfs.HostPath, ct).ConfigureAwait(false);
            var network = Op.Network switch
            {
                Graph.NetworkMode.None => Execution.NetworkMode.None,
                Graph.NetworkMode.Host => Execution.NetworkMode.Host,
                _ => Solver.Options.Network,
            };
            var spec = ExecSpecFactory.Create(new ExecRequest
            {
                RootfsPath = rootfs.Path,
                Overlay = rootfs.PendingOverlay,
                Command = [.. Op.Args],
                Env = [.. env],
                User = Op.User,
                WorkingDirectory = Op.WorkingDir,
                Network = network,
                Mounts = mounts.Mounts,
                Limits = Solver.Options.Limits,
            }, users);

            var output = new EventOutput(Solver, vertex);
            var result = await Deps.Executor.RunAsync(spec, output, ct).ConfigureAwait(false);
            output.Flush();
            if (!result.Succeeded)
            {
                string cmd = string.Join(' ', Op.Args);
                throw new StepExecutionException($"process \"{cmd}\" did not complete successfully: {result.Describe()}", result.OutputTail);
            }
        }
        finally
        {
            foreach (var v in views)
                await v.DisposeAsync().ConfigureAwait(false);
        }
        return await CommitAsync((dest, options) => rootfs.CommitAsync(dest, options, ct), ct).ConfigureAwait(false);
    }
}
