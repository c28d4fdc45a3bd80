using System.Collections.Immutable;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Snapshots;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Execution;

public sealed class MountResolverTests : IClassFixture<BusyboxRootfs>, IDisposable
{
    private readonly BusyboxRootfs _busybox;
    private readonly TempDirectory _tmp = new("builder-mounts");
    private readonly NamespaceExecutor _executor;
    private readonly MountResolver _resolver;
    private readonly SnapshotStore _snapshots;
    private readonly string _context;

    public MountResolverTests(BusyboxRootfs busybox)
    {
        _busybox = busybox;
        _executor = new NamespaceExecutor(new SandboxOptions(_tmp.Combine("exec")));
        _resolver = new MountResolver(_tmp.Combine("cache-mounts"), _tmp.Combine("scratch"));
        _snapshots = new SnapshotStore(new SnapshotOptions(_tmp.Combine("snapshots")));
        _context = _tmp.Combine("context");
        Directory.CreateDirectory(Path.Combine(_context, "src"));
        File.WriteAllText(Path.Combine(_context, "src/a.txt"), "from context\n");
    }

    public void Dispose() => _tmp.Dispose();

    private MountSources Sources(SecretStore? secrets = null) =>
        new(new Dictionary<SourceRef, string> { [SourceRef.Context] = _context }, secrets ?? SecretStore.Empty);

    private async Task<(ExecResult Result, CapturingOutput Output, string Upper)> RunAsync(string script, IReadOnlyList<Mount> mounts, MountSources sources)
    {
        await using var snapshot = await _snapshots.PrepareRootfsAsync([_busybox.Path], default);
        await using var resolved = await _resolver.ResolveAsync(mounts, sources, default);
        var spec = ExecSpecFactory.Create(new ExecRequest
        {
            RootfsPath = snapshot.Path,
            Command = [script],
            ShellForm = true,
            Env = resolved.Env,
            Mounts = resolved.Mounts,
        }, UserDatabase.Empty);
        var output = new CapturingOutput();
        var result = await _executor.RunAsync(spec, output, default);
        snapshot.Unmount();
        // Collect the upper dir's files before the snapshot is deleted.
        var upperFiles = string.Join('\n', Directory.EnumerateFileSystemEntries(snapshot.UpperDir!, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(snapshot.UpperDir!, p) + (File.Exists(p) ? "=" + File.ReadAllText(p) : "")));
        return (result, output, upperFiles);
    }

    [RootFact]
    public async Task Secret_is_visible_inside_and_never_in_the_upper_dir()
    {
        var secretFile = _tmp.Combine("token");
        await File.WriteAllTextAsync(secretFile, "s3cr3t-value");
        var secrets = new SecretStore(new Dictionary<string, SecretInput>
        {
            ["tok"] = SecretInput.File(secretFile),
            ["envtok"] = SecretInput.Env("BUILDER_TEST_SECRET"),
        }, name => name == "BUILDER_TEST_SECRET" ? "env-secret" : null);
        Mount[] mounts =
        [
            new SecretMount(null, "tok", null, Required: true, Mode: 0b100_000_000, Uid: 1000, Gid: 1000),
            new SecretMount(null, "envtok", "API_TOKEN", Required: true, Mode: 0b100_000_000, Uid: 0, Gid: 0),
            new SecretMount("/etc/app/secret", "tok", null, Required: true, Mode: 0b110_100_000, Uid: 0, Gid: 0),
        ];
        var (result, output, upper) = await RunAsync(
            "cat /run/secrets/tok; echo; stat -c '%a %u' /run/secrets/tok; echo $API_TOKEN; test -e /run/secrets/envtok || echo noenvfile; stat -c %a /etc/app/secret; cp /run/secrets/tok /tmp/leak 2>/dev/null; true",
            mounts, Sources(secrets));
        Assert.True(result.Succeeded, output.Stderr);
        Assert.Equal("s3cr3t-value\n400 1000\nenv-secret\nnoenvfile\n640\n", output.Stdout);
        // The step copied the secret into /tmp itself: that is its choice. Our own mount never leaves a trace:
        Assert.DoesNotContain("run/secrets", upper, StringComparison.Ordinal);
        Assert.DoesNotContain("etc/app", upper, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Missing_required_secret_fails_and_optional_is_skipped()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => _resolver.ResolveAsync(
            [new SecretMount(null, "nope", null, Required: true, Mode: 256, Uid: 0, Gid: 0)], Sources(), default));
        Assert.Contains("id=nope", e.Message, StringComparison.Ordinal);
        var (result, output, _) = await RunAsync("test -e /run/secrets/nope && echo FOUND; echo ok",
            [new SecretMount(null, "nope", null, Required: false, Mode: 256, Uid: 0, Gid: 0)], Sources());
        Assert.True(result.Succeeded);
        Assert.Equal("ok\n", output.Stdout);
    }

    [RootFact]
    public async Task Cache_mount_persists_across_steps_with_its_owner_and_mode()
    {
        Mount[] mounts = [new CacheMount("/cache", "pkg", CacheSharing.Shared, false, SourceRef.Scratch, "/", 0b111_111_000, 1000, 1000)];
        var (first, out1, upper) = await RunAsync("stat -c '%a %u' /cache; echo hello > /cache/x", mounts, Sources());
        var (second, out2, _) = await RunAsync("cat /cache/x", mounts, Sources());
        Assert.True(first.Succeeded, out1.Stderr);
        Assert.Equal("770 1000\n", out1.Stdout);
        Assert.Equal("hello\n", out2.Stdout);
        Assert.DoesNotContain("cache", upper, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_resolver.CacheDirectory("pkg"), "x")));
    }

    [RootFact]
    public async Task Cache_mount_is_seeded_from_its_source()
    {
        Mount[] mounts = [new CacheMount("/c", "seeded", CacheSharing.Shared, false, SourceRef.Context, "/src", 0b111_101_101, 0, 0)];
        var (_, output, _) = await RunAsync("cat /c/a.txt", mounts, Sources());
        Assert.Equal("from context\n", output.Stdout);
    }

    [RootFact]
    public async Task Locked_cache_serializes_steps_and_private_gets_a_fresh_copy_when_busy()
    {
        Mount[] locked = [new CacheMount("/c", "lk", CacheSharing.Locked, false, SourceRef.Scratch, "/", 0b111_101_101, 0, 0)];
        var script = "echo start >> /c/log; sleep 0.3; echo end >> /c/log";
        await Task.WhenAll(RunAsync(script, locked, Sources()), RunAsync(script, locked, Sources()));
        Assert.Equal("start\nend\nstart\nend\n", await File.ReadAllTextAsync(Path.Combine(_resolver.CacheDirectory("lk"), "log")));

        Mount[] priv = [new CacheMount("/c", "pv", CacheSharing.Private, false, SourceRef.Scratch, "/", 0b111_101_101, 0, 0)];
        await using var first = await _resolver.ResolveAsync(priv, Sources(), default);
        await using var second = await _resolver.ResolveAsync(priv, Sources(), default);
        Assert.Equal(_resolver.CacheDirectory("pv"), ((Build.Engine.Execution.BindMount)first.Mounts[0]).Source);
        Assert.NotEqual(_resolver.CacheDirectory("pv"), ((Build.Engine.Execution.BindMount)second.Mounts[0]).Source);
    }

    [RootFact]
    public async Task Bind_is_read_only_by_default_and_rw_writes_are_discarded()
    {
        var (ro, roOut, _) = await RunAsync("cat /ctx/a.txt; echo x > /ctx/new || echo refused",
            [new Build.Engine.Graph.BindMount("/ctx", SourceRef.Context, "/src", ReadWrite: false)], Sources());
        var (rw, rwOut, upper) = await RunAsync("echo x > /ctx/new && cat /ctx/new; echo y >> /ctx/a.txt",
            [new Build.Engine.Graph.BindMount("/ctx", SourceRef.Context, "/src", ReadWrite: true)], Sources());
        Assert.Equal("from context\nrefused\n", roOut.Stdout);
        Assert.True(rw.Succeeded, rwOut.Stderr);
        Assert.Equal("x\n", rwOut.Stdout);
        Assert.False(File.Exists(Path.Combine(_context, "src/new")));
        Assert.Equal("from context\n", await File.ReadAllTextAsync(Path.Combine(_context, "src/a.txt")));
        Assert.DoesNotContain("ctx", upper, StringComparison.Ordinal);
        _ = ro;
    }

    [RootFact]
    public async Task Bind_source_outside_the_source_is_refused_by_resolution()
    {
        File.CreateSymbolicLink(Path.Combine(_context, "escape"), "/etc");
        var (_, output, _) = await RunAsync("ls /m/passwd 2>&1 || echo none",
            [new Build.Engine.Graph.BindMount("/m", SourceRef.Context, "/escape", ReadWrite: false)], Sources()).ContinueWith(t =>
                t.IsFaulted ? (null!, new CapturingOutput(), "") : t.Result, TaskScheduler.Default);
        // /escape -> /etc resolves to <context>/etc, which does not exist: never the host's /etc.
        Assert.DoesNotContain("/m/passwd\n", output.Stdout, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<BuildException>(() => _resolver.ResolveAsync(
            [new Build.Engine.Graph.BindMount("/m", SourceRef.Context, "/escape", ReadWrite: false)], Sources(), default));
        Assert.Contains("not found in context", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Tmpfs_mount_is_a_fresh_tmpfs()
    {
        var (_, output, upper) = await RunAsync("grep ' /scratch ' /proc/mounts | cut -d' ' -f3; echo t > /scratch/f",
            [new Build.Engine.Graph.TmpfsMount("/scratch", 1 << 20)], Sources());
        Assert.Equal("tmpfs\n", output.Stdout);
        Assert.DoesNotContain("scratch", upper, StringComparison.Ordinal);
    }
}
