using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Execution;

/// <summary>
/// What every <see cref="IExecutor"/> must do, run against each implementation (the namespace sandbox and
/// the OCI runtime backend): exit codes, forms, env, users, workdir, /etc files, isolation, network,
/// limits, cancellation, mounts.
/// </summary>
public abstract class ExecutorContractTests : IClassFixture<BusyboxRootfs>, IDisposable
{
    private readonly BusyboxRootfs _busybox;
    private readonly TempDirectory _tmp = new("builder-exec");
    private readonly IExecutor _executor;

    protected ExecutorContractTests(BusyboxRootfs busybox)
    {
        _busybox = busybox;
        _executor = CreateExecutor(_tmp.Combine("state"));
    }

    protected abstract IExecutor CreateExecutor(string stateDirectory);

    public void Dispose()
    {
        _tmp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Rootfs() => _busybox.CopyTo(_tmp.Combine("rootfs-" + Guid.NewGuid().ToString("N")[..8]));

    protected async Task<(ExecResult Result, CapturingOutput Output)> Sh(string script, Func<ExecRequest, ExecRequest>? edit = null, string? rootfs = null)
    {
        rootfs ??= Rootfs();
        var request = new ExecRequest { RootfsPath = rootfs, Command = [script], ShellForm = true };
        request = edit?.Invoke(request) ?? request;
        var spec = ExecSpecFactory.Create(request, await UserDatabase.LoadAsync(rootfs, default));
        var output = new CapturingOutput();
        var result = await _executor.RunAsync(spec, output, CancellationToken.None);
        return (result, output);
    }

    [RootFact]
    public async Task Exit_code_comes_back()
    {
        var (ok, _) = await Sh("true");
        var (failed, _) = await Sh("exit 3");
        Assert.True(ok.Succeeded);
        Assert.Equal(3, failed.ExitCode);
        Assert.False(failed.Succeeded);
        Assert.Equal("exit code: 3", failed.Describe());
    }

    [RootFact]
    public async Task Shell_form_and_exec_form()
    {
        var (shell, shellOut) = await Sh("echo $((1+2))");
        var rootfs = Rootfs();
        var spec = ExecSpecFactory.Create(
            new ExecRequest { RootfsPath = rootfs, Command = ["/bin/echo", "a  b", "$HOME"] }, UserDatabase.Empty);
        var execOut = new CapturingOutput();
        var exec = await _executor.RunAsync(spec, execOut, CancellationToken.None);
        Assert.True(shell.Succeeded);
        Assert.Equal("3\n", shellOut.Stdout);
        Assert.True(exec.Succeeded);
        Assert.Equal("a  b $HOME\n", execOut.Stdout);
    }

    [RootFact]
    public async Task Environment_has_the_given_values_and_default_path()
    {
        var (_, output) = await Sh("echo \"$FOO|$PATH|$HOME|$EMPTY|\"", r => r with { Env = ["FOO=bar baz", "EMPTY="] });
        Assert.Equal($"bar baz|{ExecSpecFactory.DefaultPath}|/root||\n", output.Stdout);
    }

    [RootFact]
    public async Task User_by_name_gets_its_groups()
    {
        var (_, output) = await Sh("id; echo $HOME", r => r with { User = "app" });
        Assert.Equal("uid=1000(app) gid=1000(app) groups=50(staff)\n/home/app\n", output.Stdout);
    }

    [RootFact]
    public async Task User_as_uid_and_gid_needs_no_passwd_entry()
    {
        var (_, named) = await Sh("id -u; id -g; id -G", r => r with { User = "1000:50" });
        var (_, unknown) = await Sh("id -u; id -g", r => r with { User = "4242:4343" });
        Assert.Equal("1000\n50\n50\n", named.Stdout);
        Assert.Equal("4242\n4343\n", unknown.Stdout);
    }

    [RootFact]
    public async Task Unknown_user_name_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => Sh("true", r => r with { User = "nosuchuser" }));
        Assert.Contains("nosuchuser", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Missing_working_directory_is_created_owned_by_the_user()
    {
        var rootfs = Rootfs();
        var (result, output) = await Sh("pwd; touch f", r => r with { User = "app", WorkingDirectory = "/work/dir" }, rootfs);
        Assert.True(result.Succeeded, output.Stderr);
        Assert.Equal("/work/dir\n", output.Stdout);
        Assert.Equal("1000", TempDirectory.Run("stat", "-c", "%u", Path.Combine(rootfs, "work/dir/f")).Trim());
        Assert.Equal("1000", TempDirectory.Run("stat", "-c", "%u", Path.Combine(rootfs, "work")).Trim());
    }

    [RootFact]
    public async Task Hostname_and_etc_files_are_supplied_and_not_left_in_the_rootfs()
    {
        var rootfs = Rootfs();
        var etcBefore = File.GetLastWriteTimeUtc(Path.Combine(rootfs, "etc"));
        var (result, output) = await Sh("hostname; cat /etc/hostname; cat /etc/hosts; test -s /etc/resolv.conf && echo resolv",
            r => r with { Hostname = "stepbox" }, rootfs);
        Assert.True(result.Succeeded, output.Stderr);
        Assert.StartsWith("stepbox\nstepbox\n127.0.0.1\tlocalhost stepbox\n", output.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("resolv\n", output.Stdout, StringComparison.Ordinal);
        // The busybox rootfs has none of the three: the placeholders are gone and /etc looks untouched.
        Assert.False(File.Exists(Path.Combine(rootfs, "etc/hosts")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc/hostname")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc/resolv.conf")));
        Assert.Equal(etcBefore, File.GetLastWriteTimeUtc(Path.Combine(rootfs, "etc")));
    }

    [RootFact]
    public async Task Host_files_are_unreachable()
    {
        var marker = Path.Combine(Path.GetTempPath(), "builder-marker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(marker, "host secret");
        try
        {
            var (_, output) = await Sh(
                $"cat {marker}; cat /proc/1/root{marker}; " +
                $"cd /; cd ../../../..; cat .{marker}; " +
                $"mkdir -p /jail; chroot /jail /bin/true; chroot / /bin/sh -c 'cd ../../..; cat .{marker}'; " +
                "mount -t tmpfs none /mnt && echo MOUNTED; umount /proc && echo UNMOUNTED; mount --bind / /mnt && echo BOUND; " +
                "echo done");
            Assert.DoesNotContain("host secret", output.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("MOUNTED", output.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("BOUND", output.Stdout, StringComparison.Ordinal);
            Assert.EndsWith("done\n", output.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [RootFact]
    public async Task Overlay_root_takes_the_writes_and_leaves_no_mount_or_stub()
    {
        var lower = Rootfs();
        var dir = _tmp.Combine("ovl-" + Guid.NewGuid().ToString("N")[..8]);
        var (upper, work, root) = (Path.Combine(dir, "upper"), Path.Combine(dir, "work"), Path.Combine(dir, "root"));
        foreach (var d in (string[])[upper, work, root])
            Directory.CreateDirectory(d);
        var (result, output) = await Sh("echo new > /new.txt; rm /etc/group; head -1 /etc/passwd; cat /etc/hosts >/dev/null",
            r => r with { RootfsPath = root, Overlay = new OverlayRootfs([lower], upper, work) }, rootfs: root);
        Assert.True(result.Succeeded, output.Stderr);
        Assert.Equal("root:x:0:0:root:/root:/bin/sh\n", output.Stdout);
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(upper, "new.txt")));
        Assert.Equal("0 0", TempDirectory.Run("stat", "-c", "%t %T", Path.Combine(upper, "etc/group")).Trim()); // overlay whiteout
        Assert.True(File.Exists(Path.Combine(lower, "etc/group")));
        Assert.False(File.Exists(Path.Combine(upper, "etc/hosts")));
        Assert.Empty(Directory.GetFileSystemEntries(root));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == root);
    }

    [RootFact]
    public async Task Host_processes_are_not_visible()
    {
        var (_, output) = await Sh($"ls /proc | grep -c '^[0-9]*$'; test -e /proc/{Environment.ProcessId} && echo HOSTPID; echo done");
        var lines = output.Stdout.Split('\n');
        Assert.InRange(int.Parse(lines[0], CultureInfo.InvariantCulture), 1, 6);
        Assert.DoesNotContain("HOSTPID", output.Stdout, StringComparison.Ordinal);
        Assert.Contains("done", output.Stdout, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Capabilities_are_dockers_default_and_no_new_privs_is_set()
    {
        var (_, root) = await Sh("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
        var (_, app) = await Sh("grep -E '^CapEff' /proc/self/status", r => r with { User = "app" });
        var mask = LinuxCapabilities.DockerDefault.ToString("x16", CultureInfo.InvariantCulture);
        Assert.Equal($"CapEff:\t{mask}\nCapBnd:\t{mask}\nNoNewPrivs:\t1\n", root.Stdout);
        Assert.Equal("CapEff:\t0000000000000000\n", app.Stdout);
    }

    [RootFact]
    public async Task Dev_proc_and_sys_are_set_up()
    {
        var (result, output) = await Sh(
            "echo x > /dev/null && head -c 4 /dev/zero | wc -c && test -c /dev/urandom && test -L /dev/stdout && " +
            "test -d /dev/shm && test -c /dev/pts/ptmx && ls /sys/class >/dev/null && (touch /sys/x 2>/dev/null || echo sysro)");
        Assert.True(result.Succeeded, output.Stderr);
        Assert.Equal("4\nsysro\n", output.Stdout);
    }

    [RootFact]
    public async Task Network_none_cannot_reach_a_host_listener_but_host_can()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        var script = $"nc -w 2 127.0.0.1 {port} </dev/null && echo CONNECTED; ip link show lo | grep -q UP && echo LOUP";
        var (_, none) = await Sh(script, r => r with { Network = NetworkMode.None });
        var acceptedUnderNone = Volatile.Read(ref accepted);
        var (_, host) = await Sh(script, r => r with { Network = NetworkMode.Host });
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);

        Assert.DoesNotContain("CONNECTED", none.Stdout, StringComparison.Ordinal);
        Assert.Contains("LOUP", none.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, acceptedUnderNone);
        Assert.Contains("CONNECTED", host.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref accepted));
    }

    [RootFact]
    public async Task Memory_limit_kills_with_an_out_of_memory_message()
    {
        var (result, _) = await Sh("awk 'BEGIN { s = \"xxxxxxxxxxxxxxxx\"; while (1) s = s s }'",
            r => r with { Limits = new ResourceLimits(MemoryBytes: 32L << 20), Timeout = TimeSpan.FromMinutes(2) });
        Assert.False(result.Succeeded);
        Assert.True(result.OomKilled);
        Assert.Equal("killed: out of memory (limit 32 MiB)", result.Describe());
    }

    [RootFact]
    public async Task Pids_limit_stops_a_fork_bomb_and_the_step_ends()
    {
        var (result, output) = await Sh("i=0; while [ $i -lt 200 ]; do sleep 600 & i=$((i+1)); done; wait",
            r => r with { Limits = new ResourceLimits(Pids: 16), Timeout = TimeSpan.FromMinutes(2) });
        Assert.False(result.Succeeded);
        Assert.False(result.TimedOut);
        Assert.Contains("fork", output.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [RootFact]
    public async Task Cancelling_kills_every_process_of_the_step()
    {
        var rootfs = Rootfs();
        var spec = ExecSpecFactory.Create(new ExecRequest
        {
            RootfsPath = rootfs,
            Command = ["sleep 987651 & sleep 987652 & echo started; sleep 987653"],
            ShellForm = true,
        }, UserDatabase.Empty);
        using var cts = new CancellationTokenSource();
        var output = new CapturingOutput();
        output.StdoutWritten += text =>
        {
            if (text.Contains("started", StringComparison.Ordinal))
                cts.Cancel();
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _executor.RunAsync(spec, output, cts.Token));
        Assert.Empty(await ProcessesLeftAsync("98765"));
    }

    [RootFact]
    public async Task Timeout_kills_the_step()
    {
        var (result, _) = await Sh("sleep 987660", r => r with { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.True(result.TimedOut);
        Assert.Equal("killed: timed out", result.Describe());
        Assert.Empty(await ProcessesLeftAsync("987660"));
    }

    [RootFact]
    public async Task Missing_executable_is_reported()
    {
        var rootfs = Rootfs();
        var spec = ExecSpecFactory.Create(new ExecRequest { RootfsPath = rootfs, Command = ["no-such-tool", "x"] }, UserDatabase.Empty);
        var e = await Assert.ThrowsAsync<BuildException>(() => _executor.RunAsync(spec, NullExecOutput.Instance, CancellationToken.None));
        Assert.Equal(ErrorCode.SandboxFailed, e.Code);
        Assert.Contains("\"no-such-tool\": executable file not found in $PATH", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Output_tail_keeps_the_last_lines()
    {
        // The order between stdout and stderr is only what each backend can see (runc copies the two streams
        // through its own pipes), so the tail is checked within one stream, and stderr separately.
        var (result, _) = await Sh("for i in $(seq 1 50); do echo line$i; done; exit 1");
        Assert.Equal(Enumerable.Range(31, 20).Select(i => "line" + i), result.OutputTail);
    }

    [RootFact]
    public async Task Output_tail_includes_stderr()
    {
        var (result, _) = await Sh("echo oops >&2; exit 1");
        Assert.Equal("oops", Assert.Single(result.OutputTail));
    }

    [RootFact]
    public async Task Bind_and_tmpfs_mounts()
    {
        var source = _tmp.Combine("bindsrc");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "in.txt"), "from host");
        var rootfs = Rootfs();
        var (result, output) = await Sh(
            "cat /src/in.txt; echo; touch /src/new 2>/dev/null || echo readonly; echo t > /scratch/t && cat /scratch/t; grep ' /scratch ' /proc/mounts | cut -d' ' -f3",
            r => r with { Mounts = [new BindMount(source, "/src", ReadOnly: true), new TmpfsMount("/scratch", 1 << 20)] }, rootfs);
        Assert.True(result.Succeeded, output.Stderr);
        Assert.Equal("from host\nreadonly\nt\ntmpfs\n", output.Stdout);
        Assert.False(File.Exists(Path.Combine(source, "new")));
        // The mount points did not exist in the rootfs: they are removed again.
        Assert.False(Directory.Exists(Path.Combine(rootfs, "src")));
        Assert.False(Directory.Exists(Path.Combine(rootfs, "scratch")));
    }

    /// <summary>
    /// The step's processes still alive a moment after the executor returned: killing the container's init
    /// makes the kernel kill the rest of its PID namespace, and their exit is reaped asynchronously (runc).
    /// </summary>
    protected static async Task<List<int>> ProcessesLeftAsync(string text)
    {
        for (int i = 0; ; i++)
        {
            var left = ProcessesMatching(text);
            if (left.Count == 0 || i == 40)
                return left;
            await Task.Delay(50);
        }
    }

    protected static List<int> ProcessesMatching(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
