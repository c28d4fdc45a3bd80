using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;

namespace Build.Engine.Execution;

/// <summary>
/// Builder's own sandbox: spawns the native <c>builder-sandbox</c> helper (sandbox-init.c) with
/// posix_spawn, which enters new mount, PID, UTS, IPC and (for <see cref="NetworkMode.None"/>)
/// network namespaces, pivots into the rootfs and execs the command. This side writes the spec and
/// the /etc files, creates the cgroup, streams the output and kills the step on cancellation.
/// Why a helper and not namespaces from .NET: docs/sandbox.md.
/// </summary>
public sealed class NamespaceExecutor : IExecutor
{
    private const int TailLines = 20;
    private readonly SandboxOptions _options;
    private readonly string _helper;
    private readonly Lazy<CgroupLayout> _cgroups;

    public NamespaceExecutor(SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _helper = options.HelperPath ?? DefaultHelperPath();
        _cgroups = new Lazy<CgroupLayout>(CgroupLayout.Detect);
    }

    /// <summary>
    /// <c>builder-sandbox</c> in the application's directory: the build copies it next to the assemblies of every
    /// project that references the engine and into publish output (a native build has no assembly location).
    /// </summary>
    public static string DefaultHelperPath() => Path.Combine(AppContext.BaseDirectory, "builder-sandbox");

    public async Task<ExecResult> RunAsync(ExecSpec spec, IExecOutput output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        ct.ThrowIfCancellationRequested();
        if (!File.Exists(_helper))
            throw new BuildException(ErrorCode.SandboxFailed, $"the sandbox helper {_helper} is missing; rebuild Build.Engine (it needs a C compiler: cc)");
        if (!Directory.Exists(spec.RootfsPath))
            throw new BuildException(ErrorCode.SandboxFailed, $"rootfs {spec.RootfsPath} does not exist");

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var stepDir = Path.Combine(_options.StateDirectory, id);
        Directory.CreateDirectory(stepDir);
        StepCgroup? cgroup = null;
        try
        {
            var systemMounts = EtcFiles.Write(spec, stepDir, _options.HostResolvConf);
            if (!spec.Limits.IsUnlimited)
                cgroup = StepCgroup.Create(_cgroups.Value, _options.CgroupParent, id, spec.Limits);
            var specPath = Path.Combine(stepDir, "spec");
            File.WriteAllBytes(specPath, SandboxSpecWriter.Write(spec, systemMounts, cgroup?.ProcsFiles ?? []));

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (spec.Timeout is { } t)
                timeout.CancelAfter(t);
            var clock = Stopwatch.StartNew();
            var run = SandboxProcess.Start(_helper, specPath, output, TailLines);
            SandboxOutcome outcome;
            using (timeout.Token.Register(run.Kill))
                outcome = await run.Completion.ConfigureAwait(false);
            clock.Stop();

            var oomKills = cgroup?.OomKills() ?? 0;
            ct.ThrowIfCancellationRequested();
            var timedOut = timeout.IsCancellationRequested;
            if (outcome.Error is { } error && !timedOut)
                throw new BuildException(ErrorCode.SandboxFailed, "sandbox: " + error);
            if (outcome.SinkError is { } sinkError)
                throw new BuildException(ErrorCode.Io, "writing the step's output failed: " + sinkError.Message, sinkError);
            var (exitCode, signal) = outcome.ExitCode is { } code
                ? (code, (int?)null)
                : outcome.Signal is { } sig ? (128 + sig, (int?)sig) : (128 + ExecNative.SigKill, (int?)ExecNative.SigKill);
            if (outcome.ExitCode is null && outcome.Signal is null && !timedOut && oomKills == 0)
                throw new BuildException(ErrorCode.SandboxFailed, "sandbox: " + outcome.Describe());
            return new ExecResult(exitCode, signal, oomKills > 0, cgroup?.MemoryLimitBytes, timedOut, clock.Elapsed, outcome.Tail);
        }
        finally
        {
            cgroup?.Dispose();
            TryDeleteDirectory(stepDir);
        }
    }

    private static void TryDeleteDirectory(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftover state is garbage-collected with the state directory; never fail a step for it.
        }
    }

    /// <summary>What the helper reported on its status pipe, and its output tail.</summary>
    internal sealed record SandboxOutcome(
        string? Error, int? ExitCode, int? Signal, int? InitSignal, int WaitStatus, ImmutableArray<string> Tail, Exception? SinkError)
    {
        public string Describe() => InitSignal is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"the sandbox init was killed by signal {s}")
            : string.Create(CultureInfo.InvariantCulture, $"the helper ended without a status (wait status 0x{WaitStatus:x})");
    }

    /// <summary>One spawned helper (or OCI runtime): its pipes, the I/O thread and the pidfd used to kill it.</summary>
    internal sealed unsafe class SandboxProcess
    {
        private readonly int _pid;
        private readonly int _pidfd;
        private readonly int[] _readFds;
        private readonly IExecOutput _output;
        private readonly OutputTail _tail;
        private readonly TaskCompletionSource<SandboxOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private bool _reaped;

        private SandboxProcess(int pid, int pidfd, int[] readFds, IExecOutput output, int tailLines)
        {
            _pid = pid;
            _pidfd = pidfd;
            _readFds = readFds;
            _output = output;
            _tail = new OutputTail(tailLines);
        }

        public Task<SandboxOutcome> Completion => _done.Task;

        public static SandboxProcess Start(string helper, string specPath, IExecOutput output, int tailLines) =>
            Start(helper, [specPath], output, tailLines);

        /// <summary>Spawns <paramref name="program"/> with <paramref name="arguments"/>, an empty environment,
        /// stdin /dev/null, stdout and stderr pipes streamed by one I/O thread, and fd 3 a status pipe.</summary>
        public static SandboxProcess Start(string program, IReadOnlyList<string> arguments, IExecOutput output, int tailLines)
        {
            var helper = program;
            var (outR, outW) = Pipe();
            var (errR, errW) = Pipe();
            var (statusR, statusW) = Pipe();
            int pid;
            var actions = NativeMemory.AllocZeroed(512);
            var path = ExecNative.Utf8(helper);
            var argv = (byte**)NativeMemory.AllocZeroed((nuint)(arguments.Count + 2), (nuint)sizeof(byte*));
            argv[0] = path;
            for (var i = 0; i < arguments.Count; i++)
                argv[i + 1] = ExecNative.Utf8(arguments[i]);
            try
            {
                ExecNative.posix_spawn_file_actions_init(actions);
                ExecNative.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0);
                ExecNative.posix_spawn_file_actions_adddup2(actions, outW, 1);
                ExecNative.posix_spawn_file_actions_adddup2(actions, errW, 2);
                ExecNative.posix_spawn_file_actions_adddup2(actions, statusW, 3);
                var envp = stackalloc byte*[1] { null };
                // glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK) + exec: safe in a multi-threaded
                // runtime, unlike fork(). Every fd of ours is O_CLOEXEC, so only these four reach the helper.
                var rc = ExecNative.posix_spawn(&pid, path, actions, null, argv, envp);
                if (rc != 0)
                {
                    foreach (var fd in (int[])[outR, errR, statusR])
                        LibC.Close(fd);
                    throw new BuildException(ErrorCode.SandboxFailed, $"cannot start {helper}: {Marshal.GetPInvokeErrorMessage(rc)}");
                }
            }
            finally
            {
                ExecNative.posix_spawn_file_actions_destroy(actions);
                NativeMemory.Free(actions);
                for (var i = 0; i < arguments.Count + 1; i++)
                    NativeMemory.Free(argv[i]);
                NativeMemory.Free(argv);
                foreach (var fd in (int[])[outW, errW, statusW])
                    LibC.Close(fd);
            }
            var pidfd = ExecNative.PidfdOpen(pid);
            var process = new SandboxProcess(pid, pidfd, [outR, errR, statusR], output, tailLines);
            // One thread per step polls all three pipes: no thread-pool thread is ever blocked in read().
            var thread = new Thread(process.Pump) { IsBackground = true, Name = "sandbox-io" };
            thread.Start();
            return process;
        }

        /// <summary>SIGTERM to the helper, which SIGKILLs the namespace's init: the kernel then kills every process in it.</summary>
        public void Kill()
        {
            lock (_gate)
            {
                if (_reaped)
                    return;
                // pidfd: no risk of signalling a recycled pid.
                if (_pidfd >= 0)
                    ExecNative.PidfdSendSignal(_pidfd, ExecNative.SigTerm);
            }
        }

        private void Pump()
        {
            Exception? sinkError = null;
            var status = new List<byte>();
            var buffer = new byte[64 * 1024];
            var fds = stackalloc ExecNative.PollFd[3];
            for (var i = 0; i < 3; i++)
                fds[i] = new ExecNative.PollFd { Fd = _readFds[i], Events = ExecNative.PollIn };
            var open = 3;
            while (open > 0)
            {
                if (ExecNative.poll(fds, 3, -1) < 0)
                {
                    if (Marshal.GetLastPInvokeError() == ExecNative.EIntr)
                        continue;
                    break;
                }
                for (var i = 0; i < 3; i++)
                {
                    if (fds[i].Fd < 0 || fds[i].Revents == 0)
                        continue;
                    nint n;
                    fixed (byte* p = buffer)
                        n = ExecNative.read(fds[i].Fd, p, buffer.Length);
                    if (n < 0 && Marshal.GetLastPInvokeError() is ExecNative.EIntr or ExecNative.EAgain)
                        continue;
                    if (n <= 0)
                    {
                        LibC.Close(fds[i].Fd);
                        fds[i].Fd = -1;
                        open--;
                        continue;
                    }
                    var data = buffer.AsSpan(0, (int)n);
                    if (i == 2)
                    {
                        status.AddRange(data);
                        continue;
                    }
                    var stream = i == 0 ? ExecStream.Stdout : ExecStream.Stderr;
                    _tail.Add(stream, data);
                    if (sinkError is null)
                    {
                        try
                        {
                            _output.Write(stream, data);
                        }
                        catch (Exception e)
                        {
                            // Keep draining: a stalled pipe would block the command forever.
                            sinkError = e;
                        }
                    }
                }
            }
            for (var i = 0; i < 3; i++)
                if (fds[i].Fd >= 0)
                    LibC.Close(fds[i].Fd);
            int waitStatus = 0;
            while (ExecNative.waitpid(_pid, &waitStatus, 0) < 0 && Marshal.GetLastPInvokeError() == ExecNative.EIntr)
            {
            }
            lock (_gate)
            {
                _reaped = true;
                if (_pidfd >= 0)
                    LibC.Close(_pidfd);
            }
            _done.SetResult(Parse(Encoding.UTF8.GetString([.. status]), waitStatus, _tail.Lines(), sinkError));
        }

        private static SandboxOutcome Parse(string status, int waitStatus, ImmutableArray<string> tail, Exception? sinkError)
        {
            string? error = null;
            int? exit = null, signal = null, initSignal = null;
            foreach (var line in status.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length < 2)
                    continue;
                var value = line[2..];
                switch (line[0])
                {
                    case 'E':
                        error ??= value;
                        break;
                    case 'X':
                        exit = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                    case 'S':
                        signal = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                    case 'K':
                        initSignal = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                }
            }
            return new SandboxOutcome(error, exit, signal, initSignal, waitStatus, tail, sinkError);
        }

        private static (int Read, int Write) Pipe()
        {
            var fds = stackalloc int[2];
            if (ExecNative.pipe2(fds, ExecNative.OCloexec) != 0)
                throw new BuildException(ErrorCode.SandboxFailed, "pipe2 failed: " + ExecNative.LastError());
            // The write ends are dup2'ed onto 1, 2 and 3 in the helper; a source fd that is itself one
            // of those would keep O_CLOEXEC (dup2 onto itself is a no-op), so move it out of the way.
            var w = fds[1];
            if (w <= 3)
            {
                var moved = ExecNative.fcntl(w, ExecNative.FDupfdCloexec, 10);
                LibC.Close(w);
                w = moved;
            }
            return (fds[0], w);
        }
    }
}
