using System.Formats.Tar;
using System.IO.Compression;
using Build.Engine.Archive;
using Build.Engine.Execution;
using Build.Engine.Oci;
using Build.Engine.Snapshots;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Snapshots;

public sealed class SnapshotStoreTests : IClassFixture<BusyboxRootfs>, IDisposable
{
    private readonly BusyboxRootfs _busybox;
    private readonly TempDirectory _tmp = new("builder-snap");
    private readonly NamespaceExecutor _executor;

    public SnapshotStoreTests(BusyboxRootfs busybox)
    {
        _busybox = busybox;
        _executor = new NamespaceExecutor(new SandboxOptions(_tmp.Combine("exec")));
    }

    public void Dispose() => _tmp.Dispose();

    /// <summary>The busybox tree as a base layer, plus a layer (made by the real writer and unpacked by the
    /// real unpacker in overlay-native mode) that adds /data/keep, /data/gone and deletes /bin/vi.</summary>
    private async Task<(SnapshotStore Store, List<string> Lowers)> TwoLayersAsync(SnapshotOptions? options = null)
    {
        var store = new SnapshotStore(options ?? new SnapshotOptions(_tmp.Combine("snapshots")));
        var baseDir = _busybox.CopyTo(_tmp.Combine("base-" + Guid.NewGuid().ToString("N")[..6]));
        var tar = new MemoryStream();
        await LayerWriter.WriteAsync(LayerSource.FromEntries(
        [
            LayerEntry.Directory("data"),
            LayerEntry.File("data/keep", "keep\n"u8.ToArray()),
            LayerEntry.File("data/gone", "gone\n"u8.ToArray()),
            LayerEntry.File("bin/.wh.vi", ReadOnlyMemory<byte>.Empty, mode: 0),
        ]), tar, null, default);
        var bytes = tar.ToArray();
        var second = await store.EnsureLayerFromArchiveAsync(Digest.Compute(bytes), _ => Task.FromResult<Stream>(new MemoryStream(bytes)), default);
        return (store, [baseDir, second]);
    }

    private Task<ExecResult> RunAsync(RootfsSnapshot snapshot, string script) => RunAsync(snapshot.Path, script, snapshot.PendingOverlay);

    private async Task<ExecResult> RunAsync(string rootfs, string script, OverlayRootfs? overlay = null)
    {
        var spec = ExecSpecFactory.Create(new ExecRequest { RootfsPath = rootfs, Overlay = overlay, Command = [script], ShellForm = true }, UserDatabase.Empty);
        var output = new CapturingOutput();
        var result = await _executor.RunAsync(spec, output, default);
        Assert.True(result.Succeeded, output.Stderr);
        return result;
    }

    private const string Step =
        "test -e /bin/vi && echo VI; cat /data/keep; echo new > /new.txt; rm /data/gone; echo more >> /data/keep; " +
        "mkdir -p /opt/d && echo x > /opt/d/x; rm -rf /home; mkdir /home; echo h > /home/h; cat /etc/hostname >/dev/null";

    private static async Task<Dictionary<string, TarEntry>> CommitAsync(RootfsSnapshot snapshot)
    {
        var blob = new MemoryStream();
        var result = await snapshot.CommitAsync(blob, null, default);
        blob.Position = 0;
        Assert.Equal(blob.Length, result.Size);
        Assert.Equal(Digest.Compute(blob.ToArray()), result.Digest);
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        using var gz = new GZipStream(blob, CompressionMode.Decompress);
        using var reader = new TarReader(gz);
        while (reader.GetNextEntry(copyData: true) is { } e)
            entries[e.Name.TrimEnd('/')] = e;
        return entries;
    }

    private static void AssertStepLayer(Dictionary<string, TarEntry> layer)
    {
        Assert.Contains("new.txt", layer.Keys);
        Assert.Contains("data/keep", layer.Keys);
        Assert.Contains("data/.wh.gone", layer.Keys);
        Assert.Contains("opt/d/x", layer.Keys);
        Assert.Contains("home/h", layer.Keys);
        // The sandbox's /etc files and mount points never reach the layer.
        Assert.DoesNotContain(layer.Keys, k => k.StartsWith("etc", StringComparison.Ordinal));
        Assert.DoesNotContain(layer.Keys, k => k.StartsWith("proc", StringComparison.Ordinal) || k.StartsWith("dev", StringComparison.Ordinal));
        var keep = new StreamReader(layer["data/keep"].DataStream!).ReadToEnd();
        Assert.Equal("keep\nmore\n", keep);
    }

    [RootFact]
    public async Task Overlay_step_changes_become_a_layer_with_whiteouts_and_lowers_stay_untouched()
    {
        var (store, lowers) = await TwoLayersAsync();
        await using var snapshot = await store.PrepareRootfsAsync(lowers, default);
        Assert.Equal(SnapshotMode.Overlay, snapshot.Mode);
        await RunAsync(snapshot.Path, Step);
        Assert.True(File.Exists(Path.Combine(snapshot.UpperDir!, "new.txt")));
        var whiteout = new FileInfo(Path.Combine(snapshot.UpperDir!, "data/gone"));
        Assert.True(whiteout.Exists || whiteout.Attributes != 0);
        snapshot.Unmount();
        var layer = await CommitAsync(snapshot);
        AssertStepLayer(layer);
        // rm -rf of a lower directory then mkdir: an opaque directory.
        Assert.Contains("home/.wh..wh..opq", layer.Keys);
        // The lower layer is unchanged.
        Assert.Equal("keep\n", await File.ReadAllTextAsync(Path.Combine(lowers[1], "data/keep")));
        Assert.True(Directory.Exists(Path.Combine(lowers[0], "home/app")));
    }

    private static bool MountedOnHost(string path) =>
        File.ReadAllLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == path);

    [RootFact]
    public async Task Step_rootfs_overlay_is_mounted_only_inside_the_sandbox()
    {
        var (store, lowers) = await TwoLayersAsync();
        await using var snapshot = await store.PrepareStepRootfsAsync(lowers, default);
        Assert.Equal(SnapshotMode.Overlay, snapshot.Mode);
        Assert.NotNull(snapshot.PendingOverlay);
        Assert.False(MountedOnHost(snapshot.Path));
        Assert.Empty(Directory.GetFileSystemEntries(snapshot.Path));
        // Files are found through the layers before anything is mounted: the base layer's passwd, and
        // nothing for a path the second layer whited out.
        Assert.Equal(Path.Combine(lowers[0], "etc/passwd"), snapshot.HostPath("/etc/passwd"));
        Assert.Equal(Path.Combine(lowers[1], "data/keep"), snapshot.HostPath("/data/../data/./keep"));
        Assert.Null(snapshot.HostPath("/bin/vi"));

        var result = await RunAsync(snapshot, Step + "; grep -c ' / / .* - overlay ' /proc/self/mountinfo");
        Assert.True(result.Succeeded);
        Assert.False(MountedOnHost(snapshot.Path));
        Assert.Empty(Directory.GetFileSystemEntries(snapshot.Path));
        var layer = await CommitAsync(snapshot);
        AssertStepLayer(layer);
        Assert.Contains("home/.wh..wh..opq", layer.Keys);
        Assert.Equal("keep\n", await File.ReadAllTextAsync(Path.Combine(lowers[1], "data/keep")));
    }

    [RootFact]
    public async Task Overlay_refused_as_upper_falls_back_to_copy_automatically_and_reports_once()
    {
        // A real refusal: overlayfs does not accept a directory on another overlayfs as its upper dir
        // ("filesystem on ... not supported as upperdir"), so a snapshot root inside an overlay mount
        // cannot use overlay. The layers themselves live outside it.
        var (_, lowers) = await TwoLayersAsync();
        var outer = _tmp.Combine("outer");
        foreach (var d in (string[])["lower", "upper", "work", "merged"])
            Directory.CreateDirectory(Path.Combine(outer, d));
        var merged = Path.Combine(outer, "merged");
        TempDirectory.Run("mount", "-t", "overlay", "overlay", "-o",
            $"lowerdir={outer}/lower,upperdir={outer}/upper,workdir={outer}/work", merged);
        try
        {
            var reports = new List<string>();
            var store = new SnapshotStore(new SnapshotOptions(Path.Combine(merged, "snapshots"), Report: reports.Add));
            Assert.Null(store.Mode);
            await using (var first = await store.PrepareStepRootfsAsync(lowers, default))
            {
                Assert.Equal(SnapshotMode.Copy, store.Mode);
                Assert.Equal(SnapshotMode.Copy, first.Mode);
                Assert.Null(first.PendingOverlay);
                Assert.False(File.Exists(Path.Combine(first.Path, "bin/vi")));
                await RunAsync(first, Step);
                AssertStepLayer(await CommitAsync(first));
            }
            await using (var second = await store.PrepareStepRootfsAsync(lowers, default))
                Assert.Equal(SnapshotMode.Copy, second.Mode);
            await using (var view = await store.PrepareRootfsAsync(lowers, default))
                Assert.Equal(SnapshotMode.Copy, view.Mode);
            var report = Assert.Single(reports);
            Assert.Contains("falling back to copying", report, StringComparison.Ordinal);
            Assert.Contains("overlay", report, StringComparison.Ordinal);
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Split(' ')[4].StartsWith(merged + "/", StringComparison.Ordinal));
        }
        finally
        {
            TempDirectory.Run("umount", "-l", merged);
        }
    }

    [RootFact]
    public async Task Copy_fallback_gives_the_same_layer_entries()
    {
        var (overlayStore, lowers) = await TwoLayersAsync();
        Dictionary<string, TarEntry> overlayLayer;
        await using (var overlay = await overlayStore.PrepareRootfsAsync(lowers, default))
        {
            await RunAsync(overlay.Path, Step);
            overlay.Unmount();
            overlayLayer = await CommitAsync(overlay);
        }
        var copyStore = new SnapshotStore(new SnapshotOptions(_tmp.Combine("snapshots-copy"), ForceCopy: true));
        await using var copy = await copyStore.PrepareRootfsAsync(lowers, default);
        Assert.Equal(SnapshotMode.Copy, copy.Mode);
        // The copy applied the second layer's whiteout: /bin/vi is gone before the step runs.
        Assert.False(File.Exists(Path.Combine(copy.Path, "bin/vi")));
        await RunAsync(copy.Path, Step);
        var copyLayer = await CommitAsync(copy);
        AssertStepLayer(copyLayer);
        // Copy mode cannot tell "rm -rf dir; mkdir dir" from changing the directory: it lists the
        // deleted children instead of an opaque marker. Everything else matches overlay's layer.
        var overlayNames = overlayLayer.Keys.Where(k => !k.EndsWith(".wh..wh..opq", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var copyNames = copyLayer.Keys.Where(k => !k.StartsWith("home/.wh.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(overlayNames, copyNames);
        Assert.Contains("home/.wh.app", copyLayer.Keys);
    }

    [RootFact]
    public async Task Unchanged_step_commits_the_empty_layer()
    {
        var (store, lowers) = await TwoLayersAsync();
        await using var snapshot = await store.PrepareRootfsAsync(lowers, default);
        await RunAsync(snapshot.Path, "cat /data/keep; ls /etc >/dev/null");
        snapshot.Unmount();
        var diff = await snapshot.DiffAsync(default);
        var result = await snapshot.CommitAsync(new MemoryStream(), null, default);
        Assert.True(diff.IsEmpty, string.Join(", ", diff.Changes.Select(c => c.Path)));
        Assert.True(result.IsEmpty);
    }

    [RootFact]
    public async Task Deep_stack_of_120_lowers_mounts()
    {
        var store = new SnapshotStore(new SnapshotOptions(_tmp.Combine("snapshots")));
        var lowers = new List<string> { _busybox.Path };
        for (var i = 0; i < 120; i++)
        {
            var layer = await store.EnsureLayerAsync(Digest.Compute(BitConverter.GetBytes(i)), (dir, _) =>
            {
                Directory.CreateDirectory(Path.Combine(dir, "layers"));
                File.WriteAllText(Path.Combine(dir, "layers", "f" + i), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return Task.CompletedTask;
            }, default);
            lowers.Add(layer);
        }
        await using var snapshot = await store.PrepareRootfsAsync(lowers, default);
        Assert.Equal(SnapshotMode.Overlay, snapshot.Mode);
        Assert.Equal(120, Directory.GetFiles(Path.Combine(snapshot.Path, "layers")).Length);
        Assert.Equal("119", await File.ReadAllTextAsync(Path.Combine(snapshot.Path, "layers/f119")));
    }

    [RootFact]
    public async Task Concurrent_requests_unpack_a_layer_once()
    {
        var store = new SnapshotStore(new SnapshotOptions(_tmp.Combine("snapshots")));
        var calls = 0;
        var gate = new TaskCompletionSource();
        var diffId = Digest.Compute("one layer"u8);
        async Task Unpack(string dir, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            await File.WriteAllTextAsync(Path.Combine(dir, "f"), "x", ct);
        }
        var a = store.EnsureLayerAsync(diffId, Unpack, default);
        var b = store.EnsureLayerAsync(diffId, Unpack, default);
        gate.SetResult();
        var paths = await Task.WhenAll(a, b);
        Assert.Equal(1, calls);
        Assert.Equal(paths[0], paths[1]);
        Assert.True(File.Exists(Path.Combine(paths[0], "f")));
        Assert.Empty(Directory.GetDirectories(_tmp.Combine("snapshots", "layers"), ".tmp-*"));
    }

    [RootFact]
    public async Task Failed_unpack_leaves_nothing_behind()
    {
        var store = new SnapshotStore(new SnapshotOptions(_tmp.Combine("snapshots")));
        var diffId = Digest.Compute("broken"u8);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.EnsureLayerAsync(diffId, (_, _) => throw new InvalidDataException("bad tar"), default));
        Assert.False(store.HasLayer(diffId));
        Assert.Empty(Directory.GetDirectories(_tmp.Combine("snapshots", "layers"), ".tmp-*"));
    }
}
