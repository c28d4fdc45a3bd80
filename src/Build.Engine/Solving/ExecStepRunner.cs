using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Caching;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Snapshots;
using ExecBind = Build.Engine.Execution.BindMount;
using ExecTmpfs = Build.Engine.Execution.TmpfsMount;

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
        return new ResolvedInputs(inputs, perFile, stats);
    }

    public override async Task<ILayer?> ExecuteAsync(int vertex, CacheKey key, CancellationToken ct)
    {
        var lowers = await LowersAsync(Image, ct).ConfigureAwait(false);
        await using var rootfs = await Deps.Snapshots.PrepareRootfsAsync(lowers, ct).ConfigureAwait(false);
        await using var mounts = new MountSet();
        var env = Op.Env.Select(kv => kv.Key + "=" + kv.Value).Concat(Op.ProxyEnv.Select(kv => kv.Key + "=" + kv.Value)).ToList();
        var execMounts = ImmutableArray.CreateBuilder<ExecMount>();
        foreach (var m in Op.Mounts)
            await ResolveMountAsync(m, execMounts, env, mounts, ct).ConfigureAwait(false);

        // Mount points the sandbox has to create inside the rootfs must not end up in the layer.
        var stubs = execMounts.Select(m => m.Target).Where(t => !PathExists(RootfsPath.Resolve(rootfs.Path, t))).ToList();

        var users = await UserDatabase.LoadAsync(rootfs.Path, ct).ConfigureAwait(false);
        var network = Op.Network switch
        {
            Graph.NetworkMode.None => Execution.NetworkMode.None,
            Graph.NetworkMode.Host => Execution.NetworkMode.Host,
            _ => Solver.Options.Network,
        };
        var spec = ExecSpecFactory.Create(new ExecRequest
        {
            RootfsPath = rootfs.Path,
            Command = [.. Op.Args],
            Env = [.. env],
            User = Op.User,
            WorkingDirectory = Op.WorkingDir,
            Network = network,
            Mounts = execMounts.ToImmutable(),
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
        foreach (var stub in stubs)
            RemoveStub(RootfsPath.Resolve(rootfs.Path, stub));
        return await CommitAsync(dest => rootfs.CommitAsync(dest, WriteOptions, ct), ct).ConfigureAwait(false);
    }

    private static bool PathExists(string hostPath) => File.Exists(hostPath) || Directory.Exists(hostPath) || new FileInfo(hostPath).LinkTarget is not null;

    /// <summary>Removes an empty mount-point stub and its empty parents the sandbox created (only when empty: never data).</summary>
    private static void RemoveStub(string hostPath)
    {
        try
        {
            if (Directory.Exists(hostPath) && !Directory.EnumerateFileSystemEntries(hostPath).Any())
                Directory.Delete(hostPath);
            else if (File.Exists(hostPath) && new FileInfo(hostPath).Length == 0)
                File.Delete(hostPath);
        }
        catch (IOException)
        {
            // A stub that cannot be removed stays in the layer; that is harmless.
        }
    }

    private async Task ResolveMountAsync(Mount m, ImmutableArray<ExecMount>.Builder result, List<string> env, MountSet mounts, CancellationToken ct)
    {
        switch (m)
        {
            case Graph.BindMount b:
                result.Add(await ResolveBindAsync(b, mounts, ct).ConfigureAwait(false));
                break;
            case CacheMount c:
                result.Add(await mounts.CacheAsync(c, Deps.CacheMountRoot, ct, SeedAsync).ConfigureAwait(false));
                break;
            case Graph.TmpfsMount t:
                result.Add(new ExecTmpfs(t.Target, t.SizeBytes == 0 ? null : t.SizeBytes));
                break;
            case SecretMount s:
                if (!Solver.Options.Secrets.TryGetValue(s.Id, out var source))
                {
                    if (s.Required)
                        throw new BuildException(ErrorCode.NotFound, $"RUN --mount=type=secret: secret \"{s.Id}\" is required but was not given (use --secret id={s.Id},src=FILE)");
                    break;
                }
                byte[] value;
                try
                {
                    value = source.Read(Deps.Environment);
                }
                catch (IOException e)
                {
                    throw new BuildException(ErrorCode.NotFound, $"secret \"{s.Id}\": cannot read its source file: {e.Message}");
                }
                if (s.FileTarget is { Length: > 0 } target)
                    result.Add(new ExecBind(mounts.SecretFile(s, value), target, ReadOnly: true));
                if (s.Env is { Length: > 0 } name)
                    env.Add(name + "=" + Encoding.UTF8.GetString(value));
                break;
            case SshMount ssh:
                string? sock = Deps.Environment("SSH_AUTH_SOCK");
                if (sock is null || !File.Exists(sock))
                {
                    if (ssh.Required)
                        throw new BuildException(ErrorCode.NotFound, $"RUN --mount=type=ssh: SSH agent \"{ssh.Id}\" is required but SSH_AUTH_SOCK is not set");
                    break;
                }
                result.Add(new ExecBind(sock, ssh.Target, ReadOnly: false));
                break;
            case InlineFileMount f:
                result.Add(new ExecBind(mounts.InlineFiles(f, Deps.TempRoot), f.Target, ReadOnly: true));
                break;
        }
    }

    private async Task<ExecMount> ResolveBindAsync(Graph.BindMount b, MountSet mounts, CancellationToken ct)
    {
        string hostSource;
        if (b.From.Kind == SourceKind.Context)
        {
            var context = Deps.Context!;
            var entry = context.Resolve(b.SourcePath.TrimStart('/'), followFinalSymlink: true)
                ?? throw new BuildException(ErrorCode.NotFound, $"RUN --mount=type=bind: {b.SourcePath} not found in the build context");
            hostSource = context.HostPath(entry.Path);
        }
        else
        {
            var (_, _, img) = await Solver.ResolveSourceAsync(b.From, Platform, ct).ConfigureAwait(false);
            var view = await mounts.MountImageAsync(Deps.Snapshots, await LowersAsync(img, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            hostSource = RootfsPath.Resolve(view, b.SourcePath);
            if (!PathExists(hostSource))
                throw new BuildException(ErrorCode.NotFound, $"RUN --mount=type=bind: {b.SourcePath} not found in {b.From}");
        }
        if (b.ReadWrite && Directory.Exists(hostSource))
        {
            // rw: writes go to a throwaway overlay upper, so the source is never changed (BuildKit discards them too).
            hostSource = await mounts.MountImageAsync(Deps.Snapshots, [hostSource], ct).ConfigureAwait(false);
        }
        return new ExecBind(hostSource, b.Target, ReadOnly: !b.ReadWrite);
    }

    /// <summary>Copies <c>from=</c>/<c>source=</c> of a cache mount into a fresh cache directory.</summary>
    private async Task SeedAsync(CacheMount c, string dir, CancellationToken ct)
    {
        if (c.From.Kind is SourceKind.Scratch)
            return;
        string root;
        if (c.From.Kind == SourceKind.Context)
        {
            root = Deps.Context?.Root ?? throw new BuildException(ErrorCode.InvalidArgument, "cache mount from the context, but this build has none");
            await CopyTreeAsync(RootfsPath.Resolve(root, c.SourcePath), dir, ct).ConfigureAwait(false);
            return;
        }
        var (_, _, img) = await Solver.ResolveSourceAsync(c.From, Platform, ct).ConfigureAwait(false);
        await using var seed = await Deps.Snapshots.PrepareRootfsAsync(await LowersAsync(img, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        await CopyTreeAsync(RootfsPath.Resolve(seed.Path, c.SourcePath), dir, ct).ConfigureAwait(false);
    }

    private static async Task CopyTreeAsync(string from, string to, CancellationToken ct)
    {
        if (!Directory.Exists(from))
            return;
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cp", ["-a", "--", from + "/.", to + "/"]) { RedirectStandardError = true })!;
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new BuildException(ErrorCode.Io, $"cannot seed cache mount from {from}: {(await p.StandardError.ReadToEndAsync(ct).ConfigureAwait(false)).Trim()}");
    }

    internal static string CacheDirectoryName(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32];
}
