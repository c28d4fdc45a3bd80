using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;
using Build.Engine.Graph;

namespace Build.Engine.Execution;

/// <summary>
/// Turns a step's <c>RUN --mount</c>s (graph values) into what the sandbox mounts: cache mounts become
/// persistent directories under <c>&lt;root&gt;/cache-mounts</c>, bind mounts host paths of the context, a
/// stage or an image (read-only, or rw over a throwaway overlay), secrets files on a private tmpfs.
/// </summary>
public sealed class MountResolver
{
    private const ulong MsNosuid = 2, MsNodev = 4, MsNoexec = 8;
    private readonly string _cacheRoot;
    private readonly string _scratchRoot;

    /// <param name="cacheRoot">Where cache mounts persist, e.g. <c>&lt;builder root&gt;/cache-mounts</c>.</param>
    /// <param name="scratchRoot">Where per-step temporary mount state goes (removed after each step).</param>
    public MountResolver(string cacheRoot, string scratchRoot)
    {
        _cacheRoot = cacheRoot;
        _scratchRoot = scratchRoot;
    }

    /// <summary>The directory that holds cache mount <paramref name="id"/> (a hash: ids are free text).</summary>
    public string CacheDirectory(string id) =>
        Path.Combine(_cacheRoot, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32]);

    public async Task<ResolvedMounts> ResolveAsync(IReadOnlyList<Mount> mounts, MountSources sources, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentNullException.ThrowIfNull(sources);
        var result = ImmutableArray.CreateBuilder<ExecMount>();
        var env = ImmutableArray.CreateBuilder<string>();
        var cleanup = new List<Action>();
        var scratch = Path.Combine(_scratchRoot, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(scratch);
        cleanup.Add(() => Directory.Delete(scratch, recursive: true));
        string? secretsDir = null;
        var index = 0;
        try
        {
            foreach (var mount in mounts)
            {
                ct.ThrowIfCancellationRequested();
                index++;
                switch (mount)
                {
                    case CacheMount cache:
                        result.Add(await ResolveCacheAsync(cache, sources, scratch, index, cleanup, ct).ConfigureAwait(false));
                        break;
                    case Graph.BindMount bind:
                        result.Add(ResolveBind(bind, sources, scratch, index, cleanup));
                        break;
                    case Graph.TmpfsMount tmpfs:
                        result.Add(new TmpfsMount(tmpfs.Target, tmpfs.SizeBytes > 0 ? tmpfs.SizeBytes : null));
                        break;
                    case SecretMount secret:
                        var bytes = sources.Secrets.TryRead(secret.Id);
                        if (bytes is null)
                        {
                            if (secret.Required)
                                throw new BuildException(ErrorCode.NotFound,
                                    $"RUN --mount=type=secret,id={secret.Id}: the secret is required but was not given (--secret id={secret.Id},src=FILE or env=VAR)");
                            break; // optional and absent: no file, no variable (BuildKit's behaviour)
                        }
                        if (secret.Env is { } name)
                            env.Add(name + "=" + Encoding.UTF8.GetString(bytes));
                        var target = secret.FileTarget ?? (secret.Env is null ? "/run/secrets/" + secret.Id : null);
                        if (target is null)
                            break;
                        secretsDir ??= MountSecretsTmpfs(scratch, cleanup);
                        var file = Path.Combine(secretsDir, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        await File.WriteAllBytesAsync(file, bytes, ct).ConfigureAwait(false);
                        Check(LibC.FchownAt(LibC.AT_FDCWD, file, (uint)secret.Uid, (uint)secret.Gid, 0), $"RUN --mount=type=secret,id={secret.Id}: chown");
                        Check(LibC.FchmodAt(LibC.AT_FDCWD, file, (uint)secret.Mode, 0), $"RUN --mount=type=secret,id={secret.Id}: chmod");
                        result.Add(new BindMount(file, target, ReadOnly: true));
                        break;
                    case InlineFileMount inline:
                        var dir = Path.Combine(scratch, "inline-" + index);
                        Directory.CreateDirectory(dir);
                        foreach (var f in inline.Files)
                        {
                            var path = Path.Combine(dir, f.Name.TrimStart('/'));
                            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                            await File.WriteAllTextAsync(path, f.Content, ct).ConfigureAwait(false);
                            Check(LibC.FchmodAt(LibC.AT_FDCWD, path, (uint)f.Mode, 0), "inline file " + f.Name);
                        }
                        result.Add(new BindMount(dir, inline.Target, ReadOnly: true));
                        break;
                    case SshMount { Required: false }:
                        // BuildKit skips an optional ssh mount when the build forwards no agent (this builder never does):
                        // `RUN --mount=type=ssh git fetch` on a public remote must still build.
                        break;
                    case SshMount ssh:
                        throw new BuildException(ErrorCode.InvalidArgument,
                            $"RUN --mount=type=ssh,target={ssh.Target}: SSH agent forwarding is not available in this builder");
                    default:
                        throw new BuildException(ErrorCode.InvalidArgument, $"RUN --mount target {mount.Target}: unknown mount type {mount.GetType().Name}");
                }
            }
        }
        catch
        {
            await new ResolvedMounts([], [], cleanup).DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ResolvedMounts(result.ToImmutable(), env.ToImmutable(), cleanup);
    }

    private async Task<ExecMount> ResolveCacheAsync(CacheMount cache, MountSources sources, string scratch, int index, List<Action> cleanup, CancellationToken ct)
    {
        var id = string.IsNullOrEmpty(cache.Id) ? cache.Target : cache.Id;
        var name = $"RUN --mount=type=cache,id={id},target={cache.Target}";
        var dir = CacheDirectory(id);
        Directory.CreateDirectory(_cacheRoot);
        if (!Directory.Exists(dir))
        {
            // Made in a temp dir and renamed: a concurrent step sees either nothing or the seeded cache.
            var temp = dir + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            CreateCacheDir(cache, sources, temp, name);
            try
            {
                Directory.Move(temp, dir);
            }
            catch (IOException)
            {
                Directory.Delete(temp, recursive: true); // another step created it first
            }
        }
        switch (cache.Sharing)
        {
            case CacheSharing.Locked:
                cleanup.Add((await LockAsync(dir + ".lock", wait: true, ct).ConfigureAwait(false))!.Dispose);
                return new BindMount(dir, cache.Target, cache.ReadOnly);
            case CacheSharing.Private:
                var held = await LockAsync(dir + ".lock", wait: false, ct).ConfigureAwait(false);
                if (held is not null)
                {
                    cleanup.Add(held.Dispose);
                    return new BindMount(dir, cache.Target, cache.ReadOnly);
                }
                // In use by another step: this one gets a fresh instance of its own, discarded afterwards.
                var fresh = Path.Combine(scratch, "cache-" + index);
                CreateCacheDir(cache, sources, fresh, name);
                return new BindMount(fresh, cache.Target, cache.ReadOnly);
            default:
                return new BindMount(dir, cache.Target, cache.ReadOnly);
        }
    }

    private static void CreateCacheDir(CacheMount cache, MountSources sources, string dir, string name)
    {
        Directory.CreateDirectory(dir);
        if (cache.From.Kind != SourceKind.Scratch)
        {
            var source = SourcePath(cache.From, cache.SourcePath, sources, name);
            if (!Directory.Exists(source))
                throw new BuildException(ErrorCode.NotFound, $"{name}: source {cache.SourcePath} in {cache.From} is not a directory");
            CopyTree(source, dir, name);
        }
        Check(LibC.FchownAt(LibC.AT_FDCWD, dir, (uint)cache.Uid, (uint)cache.Gid, 0), name + ": chown");
        Check(LibC.FchmodAt(LibC.AT_FDCWD, dir, (uint)cache.Mode, 0), name + ": chmod");
    }

    private ExecMount ResolveBind(Graph.BindMount bind, MountSources sources, string scratch, int index, List<Action> cleanup)
    {
        var name = $"RUN --mount=type=bind,from={bind.From},source={bind.SourcePath},target={bind.Target}";
        var source = SourcePath(bind.From, bind.SourcePath, sources, name);
        var isDir = Directory.Exists(source);
        if (!isDir && !File.Exists(source))
            throw new BuildException(ErrorCode.NotFound, $"{name}: {bind.SourcePath} not found in {bind.From}");
        if (!bind.ReadWrite)
            return new BindMount(source, bind.Target, ReadOnly: true);
        // rw: the step may write, but its writes must vanish (BuildKit discards them): an overlay with a
        // throwaway upper dir for a directory, a private copy for a file.
        var root = Path.Combine(scratch, "rw-" + index);
        Directory.CreateDirectory(root);
        if (!isDir)
        {
            var copy = Path.Combine(root, "file");
            File.Copy(source, copy);
            return new BindMount(copy, bind.Target, ReadOnly: false);
        }
        var upper = Path.Combine(root, "upper");
        var work = Path.Combine(root, "work");
        var merged = Path.Combine(root, "merged");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        if (source.Contains(',', StringComparison.Ordinal))
            throw new BuildException(ErrorCode.InvalidArgument, $"{name}: the source path {source} contains a comma, which overlay options cannot carry");
        var options = $"lowerdir={source.Replace(":", "\\:", StringComparison.Ordinal)},upperdir={upper},workdir={work}";
        Check(ExecNative.mount("overlay", merged, "overlay", 0, options), name + ": overlay for rw");
        cleanup.Add(() => ExecNative.umount2(merged, ExecNative.MntDetach));
        return new BindMount(merged, bind.Target, ReadOnly: false);
    }

    private static string SourcePath(SourceRef from, string path, MountSources sources, string name)
    {
        if (!sources.Roots.TryGetValue(from, out var root))
            throw new BuildException(ErrorCode.NotFound, $"{name}: no filesystem was provided for {from}");
        // Resolved inside the source: a symlink in a stage or image cannot point the mount at a host path.
        return RootfsPath.Resolve(root, path);
    }

    private static string MountSecretsTmpfs(string scratch, List<Action> cleanup)
    {
        // Secrets live only in RAM, on a tmpfs private to this step; the bind mounts in the sandbox read
        // from it and it is unmounted right after the step.
        var dir = Path.Combine(scratch, "secrets");
        Directory.CreateDirectory(dir);
        Check(ExecNative.mount("tmpfs", dir, "tmpfs", MsNosuid | MsNodev | MsNoexec, "mode=0755,size=16m"), "secrets tmpfs");
        cleanup.Add(() => ExecNative.umount2(dir, ExecNative.MntDetach));
        return dir;
    }

    private static async Task<FileStream?> LockAsync(string path, bool wait, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock: it also excludes other builder processes.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (wait)
            {
                await Task.Delay(25, ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static void CopyTree(string source, string dest, string name)
    {
        // cp -a keeps owners, modes, links and times, which a seeded cache needs to behave like its source.
        var psi = new System.Diagnostics.ProcessStartInfo("cp") { RedirectStandardError = true };
        foreach (var a in (string[])["-a", "--", source + "/.", dest + "/"])
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new BuildException(ErrorCode.Io, $"{name}: seeding the cache failed: {err.Trim()}");
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new BuildException(ErrorCode.SandboxFailed, $"{what}: {ExecNative.LastError()}");
    }
}
