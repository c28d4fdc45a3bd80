using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Execution;
using Build.Engine.Oci;

namespace Build.Engine.Snapshots;

/// <summary>
/// Unpacked layers and RUN root filesystems under one directory:
/// <c>layers/&lt;diff-id hex&gt;</c> (each layer unpacked once, shared read-only by every build) and
/// <c>w/&lt;id&gt;</c> (one per running step: overlay upper, work and mount point, or the copy).
/// </summary>
public sealed class SnapshotStore
{
    private readonly SnapshotOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _unpacking = new(StringComparer.Ordinal);
    private readonly Lock _modeGate = new();
    private SnapshotMode? _mode;

    public SnapshotStore(SnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.ForceCopy)
            _mode = SnapshotMode.Copy;
        Directory.CreateDirectory(LayersDir);
        Directory.CreateDirectory(WorkDir);
        // Each step's upper dir is created, filled and deleted again: packed into one ext4 block group,
        // every new file would scan past the inodes the previous steps freed (ext4 skips recently
        // deleted inodes), which made creating 1,000 files several times slower. Spread them.
        SnapshotNative.SetTopDirectoryHint(WorkDir);
        SnapshotNative.SetTopDirectoryHint(LayersDir);
    }

    private string LayersDir => Path.Combine(_options.Root, "layers");

    private string WorkDir => Path.Combine(_options.Root, "w");

    /// <summary>The mode in use; null until the first rootfs decides it.</summary>
    public SnapshotMode? Mode => _mode;

    public string LayerPath(Digest diffId) => Path.Combine(LayersDir, diffId.Hex);

    public bool HasLayer(Digest diffId) => Directory.Exists(LayerPath(diffId));

    /// <summary>
    /// The directory of an unpacked layer, unpacking it first if needed. <paramref name="unpack"/> fills an
    /// empty directory (the archive engine's overlay-native unpacker); it runs into a temp directory
    /// that is renamed into place, so a crash never leaves a half layer and concurrent builds needing the
    /// same layer unpack it once (in-process by a shared task, across processes by a file lock).
    /// </summary>
    public async Task<string> EnsureLayerAsync(Digest diffId, Func<string, CancellationToken, Task> unpack, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(unpack);
        var final = LayerPath(diffId);
        if (await ClaimAsync(final, ct).ConfigureAwait(false))
            return final;
        var lazy = _unpacking.GetOrAdd(diffId.Hex, _ => new Lazy<Task<string>>(() => UnpackOnceAsync(diffId, unpack, ct)));
        try
        {
            return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _unpacking.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(diffId.Hex, lazy));
        }
    }

    /// <summary>
    /// <see cref="EnsureLayerAsync"/> for a layer blob (gzip, zstd or plain tar): unpacked by the archive
    /// engine in overlay-native mode (whiteouts as 0/0 character devices, opaque dirs as xattrs).
    /// </summary>
    public Task<string> EnsureLayerFromArchiveAsync(Digest diffId, Func<CancellationToken, Task<Stream>> openLayer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(openLayer);
        return EnsureLayerAsync(diffId, async (dir, c) =>
        {
            var stream = await openLayer(c).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
                await LayerUnpacker.ApplyAsync(stream, dir, LayerUnpackOptions, c).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>How every layer directory of the store is unpacked (also by a commit that unpacks while writing).</summary>
    public static UnpackOptions LayerUnpackOptions { get; } = new() { Whiteouts = WhiteoutMode.OverlayNative };

    /// <summary>
    /// An empty directory beside the unpacked layers, for a layer that is unpacked while it is written
    /// (<see cref="LayerWriteOptions.UnpackInto"/>); hand it to <see cref="AdoptLayerAsync"/> or <see cref="DiscardStaged"/>.
    /// Named like every temp entry there, so a build killed before either is cleaned by prune.
    /// </summary>
    public string CreateStagingDirectory()
    {
        var temp = Path.Combine(LayersDir, ".tmp-staged-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(temp);
        return temp;
    }

    /// <summary>Deletes a staging directory that will not be adopted (the write failed, or its unpack did).</summary>
    public void DiscardStaged(string staged) => TryDelete(staged);

    /// <summary>
    /// Makes <paramref name="staged"/> (a whole layer, unpacked with <see cref="LayerUnpackOptions"/>) the unpacked
    /// directory of <paramref name="diffId"/>, under the same lock and lease as an unpack; if that layer is already
    /// there, the staged copy is deleted. Either way the staged directory is gone afterwards. It is an optimisation:
    /// a file-system error only means the layer is unpacked from its blob when it is needed (false).
    /// </summary>
    public async Task<bool> AdoptLayerAsync(Digest diffId, string staged, CancellationToken ct)
    {
        var final = LayerPath(diffId);
        try
        {
            if (await ClaimAsync(final, ct).ConfigureAwait(false))
                return true;
            await using var lockFile = await AcquireLockAsync(Path.Combine(LayersDir, "." + diffId.Hex + ".lock"), ct).ConfigureAwait(false);
            if (await ClaimAsync(final, ct).ConfigureAwait(false))
                return true;
            await PublishAsync(staged, final, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            TryDelete(staged);
        }
    }

    private async Task<string> UnpackOnceAsync(Digest diffId, Func<string, CancellationToken, Task> unpack, CancellationToken ct)
    {
        var final = LayerPath(diffId);
        var lockPath = Path.Combine(LayersDir, "." + diffId.Hex + ".lock");
        // FileShare.None is an exclusive flock on Linux: another builder process unpacking the same layer waits here.
        await using var lockFile = await AcquireLockAsync(lockPath, ct).ConfigureAwait(false);
        if (await ClaimAsync(final, ct).ConfigureAwait(false))
            return final;
        var temp = Path.Combine(LayersDir, ".tmp-" + diffId.Hex + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(temp);
        try
        {
            await unpack(temp, ct).ConfigureAwait(false);
            await PublishAsync(temp, final, ct).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return final;
    }

    // Renames a finished layer directory into place (the caller holds the layer's lock); under a lease, in the
    // section the collector cannot interleave with.
    private Task PublishAsync(string temp, string final, CancellationToken ct)
    {
        if (_options.Lease is { } lease)
            return lease.GuardAsync(() => MoveAndTouch(temp, final), ct);
        Directory.Move(temp, final);
        return Task.CompletedTask;
    }

    // Whether an unpacked layer exists; under a lease it is also touched so a concurrent prune keeps it.
    private Task<bool> ClaimAsync(string dir, CancellationToken ct) =>
        _options.Lease is { } lease ? lease.TouchAsync(dir, ct) : Task.FromResult(Directory.Exists(dir));

    // The unpacker may have set the directory's mtime from the tar: touch it in the same locked section.
    private static bool MoveAndTouch(string temp, string final)
    {
        Directory.Move(temp, final);
        return Content.StoreLease.Touch(final);
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A fresh writable rootfs over <paramref name="lowers"/> (unpacked layer directories, base layer
    /// first, as in an image manifest), mounted on the host: for filesystems other code reads (a stage's
    /// or image's view for <c>COPY --from</c> or <c>RUN --mount</c>). Overlay where it can be mounted;
    /// otherwise (or with <see cref="SnapshotOptions.ForceCopy"/>) a copy, reported once through
    /// <see cref="SnapshotOptions.Report"/>.
    /// </summary>
    public Task<RootfsSnapshot> PrepareRootfsAsync(IReadOnlyList<string> lowers, CancellationToken ct) =>
        PrepareAsync(lowers, mountOnHost: true, ct);

    /// <summary>
    /// The rootfs of a RUN step. In overlay mode nothing is mounted on the host: the snapshot's
    /// <see cref="RootfsSnapshot.PendingOverlay"/> is what the sandbox mounts on <see cref="RootfsSnapshot.Path"/>
    /// inside the step's own mount namespace, so teardown is that namespace dying (no umount on the host).
    /// The first call of a store probes once, on the host, that overlayfs can be mounted here; if not, the
    /// copy fallback is chosen (and reported once) exactly as for <see cref="PrepareRootfsAsync"/>.
    /// </summary>
    public Task<RootfsSnapshot> PrepareStepRootfsAsync(IReadOnlyList<string> lowers, CancellationToken ct) =>
        PrepareAsync(lowers, mountOnHost: false, ct);

    private async Task<RootfsSnapshot> PrepareAsync(IReadOnlyList<string> lowers, bool mountOnHost, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lowers);
        // The same layer can appear twice (every no-op RUN or WORKDIR commits the one empty layer, as BuildKit
        // does), and overlayfs refuses a lowerdir listed twice (ELOOP). Keeping only the topmost occurrence gives
        // the same merged view: that copy already overrides everything the lower copies could show.
        var topFirst = lowers.Reverse().Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToImmutableArray();
        foreach (var l in topFirst)
            if (!Directory.Exists(l))
                throw new BuildException(ErrorCode.NotFound, $"layer directory {l} does not exist");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var dir = Path.Combine(WorkDir, id);
        Directory.CreateDirectory(dir);
        try
        {
            if (_mode != SnapshotMode.Copy)
            {
                // Decide the mode with a real mount on the host once; afterwards a step's overlay is
                // only laid out here and mounted by the sandbox.
                if (!mountOnHost && _mode is null)
                {
                    var probe = TryOverlay(dir, topFirst, mountOnHost: true);
                    if (probe is not null)
                    {
                        probe.Unmount();
                        await probe.DisposeAsync().ConfigureAwait(false);
                        Directory.CreateDirectory(dir);
                    }
                }
                if (_mode != SnapshotMode.Copy)
                {
                    var snapshot = TryOverlay(dir, topFirst, mountOnHost);
                    if (snapshot is not null)
                        return snapshot;
                }
            }
            return await Task.Run(() => Copy(dir, topFirst, ct), ct).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(dir);
            throw;
        }
    }

    private RootfsSnapshot? TryOverlay(string dir, ImmutableArray<string> topFirst, bool mountOnHost)
    {
        var upper = Path.Combine(dir, "upper");
        var work = Path.Combine(dir, "work");
        var merged = Path.Combine(dir, "root");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        // overlay needs at least one lower dir: FROM scratch gets an empty one.
        var lowers = topFirst.IsEmpty ? [EmptyLower()] : topFirst;
        if (!mountOnHost)
            return new RootfsSnapshot(dir, merged, upper, SnapshotMode.Overlay, topFirst, null,
                new OverlayRootfs(lowers, upper, work));
        try
        {
            OverlayMount.Mount(lowers, upper, work, merged);
        }
        catch (BuildException e)
        {
            lock (_modeGate)
            {
                if (_mode == SnapshotMode.Overlay)
                    throw; // overlay worked before: this is a real failure, not a missing feature
                if (_mode is null)
                {
                    _mode = SnapshotMode.Copy;
                    _options.Report?.Invoke($"overlayfs is not usable here ({e.Message}); falling back to copying layers for each RUN (slower)");
                }
            }
            Directory.Delete(upper);
            Directory.Delete(work, recursive: true);
            Directory.Delete(merged);
            return null;
        }
        lock (_modeGate)
            _mode ??= SnapshotMode.Overlay;
        return new RootfsSnapshot(dir, merged, upper, SnapshotMode.Overlay, topFirst, null, null);
    }

    private string EmptyLower()
    {
        var empty = Path.Combine(_options.Root, "empty");
        Directory.CreateDirectory(empty);
        return empty;
    }

    private static RootfsSnapshot Copy(string dir, ImmutableArray<string> topFirst, CancellationToken ct)
    {
        var root = Path.Combine(dir, "root");
        Directory.CreateDirectory(root);
        for (var i = topFirst.Length - 1; i >= 0; i--)
            LayerCopier.Apply(topFirst[i], root, ct);
        if (topFirst.Length > 0)
            LayerCopier.CopyMetadata(SnapshotNative.Lstat(topFirst[0]), root);
        var ctimes = new Dictionary<string, (long, uint)>(StringComparer.Ordinal);
        RecordCtimes(root, "", ctimes);
        return new RootfsSnapshot(dir, root, null, SnapshotMode.Copy, topFirst, ctimes, null);
    }

    private static void RecordCtimes(string root, string rel, Dictionary<string, (long, uint)> ctimes)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(LowerView.Join(root, rel)))
        {
            var name = Path.GetFileName(entry);
            var childRel = rel.Length == 0 ? name : rel + "/" + name;
            var st = SnapshotNative.Lstat(entry);
            if (st.IsDirectory)
                RecordCtimes(root, childRel, ctimes);
            else
                ctimes[childRel] = (st.CtimeSeconds, st.CtimeNanoseconds);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
