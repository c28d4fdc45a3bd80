using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>Settings of <see cref="OciRuntimeExecutor"/>.</summary>
/// <param name="StateDirectory">Per-step bundles (config.json, /etc files) and the runtime's own state (<c>runc --root</c>).</param>
/// <param name="RuntimePath">The OCI runtime binary (runc; crun takes the same command line).</param>
/// <param name="CgroupParent">Name of the cgroup that holds the steps' cgroups.</param>
/// <param name="HostResolvConf">The host file copied into steps as /etc/resolv.conf.</param>
public sealed record OciRuntimeOptions(
    string StateDirectory,
    string RuntimePath = "runc",
    string CgroupParent = "builder",
    string HostResolvConf = "/etc/resolv.conf");

/// <summary>
/// The second <see cref="IExecutor"/>: writes an OCI runtime-spec bundle (<see cref="OciRuntimeSpec"/>) for the
/// step and runs <c>runc run</c> on it (selected with <c>--runtime runc</c>). Same behaviour as
/// <see cref="NamespaceExecutor"/> (namespaces, mounts, user, capabilities, limits, kill on cancel), at the
/// cost of runc's start-up; it is the route to rootless runtimes later. An overlay root
/// (<see cref="ExecSpec.Overlay"/>) is mounted on the host for the run, as BuildKit does, and mount targets
/// runc had to create are removed afterwards so they never reach the layer.
/// </summary>
public sealed class OciRuntimeExecutor : IExecutor
{
    private const int TailLines = 20;
    private readonly OciRuntimeOptions _options;
    private readonly Lazy<CgroupLayout> _cgroups;

    public OciRuntimeExecutor(OciRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _cgroups = new Lazy<CgroupLayout>(CgroupLayout.Detect);
    }

    public async Task<ExecResult> RunAsync(ExecSpec spec, IExecOutput output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        ct.ThrowIfCancellationRequested();
        if (!Directory.Exists(spec.RootfsPath))
            throw new BuildException(ErrorCode.SandboxFailed, $"rootfs {spec.RootfsPath} does not exist");

        var id = "builder-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var bundle = Path.Combine(_options.StateDirectory, id);
        var runtimeRoot = Path.Combine(_options.StateDirectory, "runtime");
        Directory.CreateDirectory(bundle);
        var mounted = false;
        MountStubs? stubs = null;
        try
        {
            if (spec.Overlay is { } overlay)
            {
                OverlayMount.Mount(overlay.LowersTopFirst, overlay.UpperDir, overlay.WorkDir, spec.RootfsPath);
                mounted = true;
            }
            var systemMounts = EtcFiles.Write(spec, bundle, _options.HostResolvConf);
            stubs = MountStubs.Record(spec.RootfsPath,
                OciRuntimeSpec.BaseMountTargets.Select(t => (t, true))
                    .Concat(systemMounts.Concat(spec.Mounts).Select(m => (m.Target, m is TmpfsMount || (m is BindMount b && Directory.Exists(b.Source))))));
            CreateWorkingDirectory(spec);
            var cgroupsPath = "/" + _options.CgroupParent.Trim('/') + "/" + id;
            await File.WriteAllBytesAsync(Path.Combine(bundle, "config.json"),
                OciRuntimeSpec.Write(spec, systemMounts, cgroupsPath, OpenFilesLimit()), ct).ConfigureAwait(false);

            var limited = !spec.Limits.IsUnlimited;
            var log = Path.Combine(bundle, "runtime.log");
            var args = new List<string> { "--root", runtimeRoot, "--log", log, "--log-format", "json", "run" };
            if (limited)
                args.Add("--keep"); // the cgroup stays until `delete`, so the OOM counter can be read
            args.AddRange(["--bundle", bundle, id]);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (spec.Timeout is { } t)
                timeout.CancelAfter(t);
            var clock = Stopwatch.StartNew();
            var (exitCode, tail) = await RunRuntimeAsync(args, id, runtimeRoot, output, timeout.Token).ConfigureAwait(false);
            clock.Stop();

            var oomKills = limited && spec.Limits.MemoryBytes is not null ? ReadOomKills(cgroupsPath) : 0;
            if (limited)
                await RuntimeAsync(["--root", runtimeRoot, "delete", "--force", id], CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var timedOut = timeout.IsCancellationRequested;
            if (!timedOut && oomKills == 0 && RuntimeError(log) is { } error)
                throw new BuildException(ErrorCode.SandboxFailed, "runc: " + error);
            int? signal = timedOut || oomKills > 0 ? ExecNative.SigKill : null;
            if (signal is not null)
                exitCode = 128 + ExecNative.SigKill;
            return new ExecResult(exitCode, signal, oomKills > 0, spec.Limits.MemoryBytes, timedOut, clock.Elapsed, tail);
        }
        finally
        {
            // Stubs first: they live in the overlay, not in the empty directory under it.
            stubs?.Remove();
            if (mounted)
                OverlayMount.Unmount(spec.RootfsPath);
            try
            {
                Directory.Delete(bundle, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the state directory's garbage collection.
            }
        }
    }

    /// <summary>Runs <c>runc run</c>, streaming its (the container's) stdout and stderr; kills the container on cancellation.</summary>
    private async Task<(int ExitCode, ImmutableArray<string> Tail)> RunRuntimeAsync(
        List<string> args, string id, string runtimeRoot, IExecOutput output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(_options.RuntimePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BuildException(ErrorCode.SandboxFailed, $"cannot start the OCI runtime {_options.RuntimePath}: {e.Message}", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var tail = new OutputTail(TailLines);
            var gate = new Lock();
            Exception? sinkError = null;
            async Task Pump(Stream stream, ExecStream kind)
            {
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = await stream.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
                {
                    lock (gate)
                    {
                        tail.Add(kind, buffer.AsSpan(0, n));
                        if (sinkError is not null)
                            continue;
                        try
                        {
                            output.Write(kind, buffer.AsSpan(0, n));
                        }
                        catch (Exception e)
                        {
                            sinkError = e; // keep draining: a stalled pipe would block the step
                        }
                    }
                }
            }
            var pumps = Task.WhenAll(Pump(process.StandardOutput.BaseStream, ExecStream.Stdout), Pump(process.StandardError.BaseStream, ExecStream.Stderr));
            using (ct.Register(() => _ = KillAsync(process, id, runtimeRoot)))
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                await pumps.ConfigureAwait(false);
            }
            if (sinkError is not null)
                throw new BuildException(ErrorCode.Io, "writing the step's output failed: " + sinkError.Message, sinkError);
            return (process.ExitCode, tail.Lines());
        }
    }

    /// <summary>SIGKILL to the container's init (the kernel then kills its whole PID namespace), retried until runc returns.</summary>
    private async Task KillAsync(Process process, string id, string runtimeRoot)
    {
        for (var attempt = 0; attempt < 200 && !process.HasExited; attempt++)
        {
            await RuntimeAsync(["--root", runtimeRoot, "kill", id, "KILL"], CancellationToken.None).ConfigureAwait(false);
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private async Task RuntimeAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(_options.RuntimePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await Task.WhenAll(p.StandardOutput.ReadToEndAsync(ct), p.StandardError.ReadToEndAsync(ct), p.WaitForExitAsync(ct)).ConfigureAwait(false);
    }

    /// <summary>The first error runc logged (set-up failures: a missing executable, a bad mount), or null.</summary>
    private static string? RuntimeError(string log)
    {
        if (!File.Exists(log))
            return null;
        foreach (var line in File.ReadLines(log))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("level", out var level) && level.GetString() is "error" or "fatal" &&
                    doc.RootElement.TryGetProperty("msg", out var msg))
                    return msg.GetString();
            }
            catch (JsonException)
            {
            }
        }
        return null;
    }

    private long ReadOomKills(string cgroupsPath)
    {
        var layout = _cgroups.Value;
        var root = layout.UnifiedRoot ?? (layout.V1Roots.TryGetValue("memory", out var m) ? m : null);
        return root is null ? 0 : StepCgroup.ReadOomKills(root + cgroupsPath, layout.IsV2);
    }

    /// <summary>The working directory, created owned by the user if missing (as the namespace sandbox and BuildKit do).</summary>
    private static void CreateWorkingDirectory(ExecSpec spec)
    {
        var root = Path.GetFullPath(spec.RootfsPath).TrimEnd('/');
        var rel = RootfsPath.ResolveRelative(spec.WorkingDirectory, r => new FileInfo(root + "/" + r).LinkTarget);
        var path = root;
        foreach (var part in rel.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            if (Directory.Exists(path))
                continue;
            Directory.CreateDirectory(path);
            if (LibC.FchownAt(LibC.AT_FDCWD, path, spec.User.Uid, spec.User.Gid, 0) != 0)
                throw new BuildException(ErrorCode.SandboxFailed, $"chown {spec.WorkingDirectory}: {ExecNative.LastError()}");
        }
    }

    /// <summary>The builder's own RLIMIT_NOFILE, which the namespace sandbox's processes inherit too.</summary>
    private static (ulong, ulong)? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                    continue;
                var parts = line[14..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && ulong.TryParse(parts[0], CultureInfo.InvariantCulture, out var soft) &&
                    ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var hard))
                    return (soft, hard);
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
