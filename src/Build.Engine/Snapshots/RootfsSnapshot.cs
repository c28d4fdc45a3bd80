using System.Collections.Immutable;
using Build.Engine.Archive;
using Build.Engine.Execution;

namespace Build.Engine.Snapshots;

/// <summary>
/// A RUN's writable root filesystem over a stack of layers. <see cref="Path"/> is what the sandbox
/// pivots into; <see cref="DiffAsync"/> gives the step's changes; disposing unmounts and deletes it.
/// </summary>
public sealed class RootfsSnapshot : IAsyncDisposable
{
    private readonly string _dir;
    private readonly LowerView _lower;
    private readonly IReadOnlyDictionary<string, (long, uint)>? _copiedCtimes;
    private bool _mounted;

    internal RootfsSnapshot(string dir, string path, string? upper, SnapshotMode mode, ImmutableArray<string> lowersTopFirst,
        IReadOnlyDictionary<string, (long, uint)>? copiedCtimes, OverlayRootfs? pendingOverlay)
    {
        PendingOverlay = pendingOverlay;
        _dir = dir;
        Path = path;
        UpperDir = upper;
        Mode = mode;
        LowersTopFirst = lowersTopFirst;
        _lower = new LowerView(lowersTopFirst);
        _copiedCtimes = copiedCtimes;
        _mounted = mode == SnapshotMode.Overlay && pendingOverlay is null;
    }

    /// <summary>The root filesystem to run in (the overlay mount point, or the copy).</summary>
    public string Path { get; }

    /// <summary>
    /// For a step's rootfs (<see cref="SnapshotStore.PrepareStepRootfsAsync"/>) in overlay mode: the overlay the
    /// sandbox mounts on <see cref="Path"/> in its own mount namespace; <see cref="Path"/> itself stays an
    /// empty directory on the host. Null when <see cref="Path"/> is ready to use as it is.
    /// </summary>
    public OverlayRootfs? PendingOverlay { get; }

    /// <summary>
    /// The host path of <paramref name="pathInRootfs"/> as the step will see it before it runs, symlinks
    /// followed and clamped to the rootfs (null when absent). Works whether or not the overlay is mounted:
    /// an unmounted one is read through its layers (its upper dir is still empty).
    /// </summary>
    public string? HostPath(string pathInRootfs)
    {
        ArgumentNullException.ThrowIfNull(pathInRootfs);
        if (PendingOverlay is null)
        {
            var host = RootfsPath.Resolve(Path, pathInRootfs);
            return System.IO.Path.Exists(host) ? host : null;
        }
        var rel = RootfsPath.ResolveRelative(pathInRootfs,
            r => _lower.Find(r) is { } p ? new FileInfo(p).LinkTarget : null, Path);
        return _lower.Find(rel);
    }

    /// <summary>The overlay upper dir (overlay mode only): overlay-native whiteouts, the step's diff.</summary>
    public string? UpperDir { get; }

    public SnapshotMode Mode { get; }

    public ImmutableArray<string> LowersTopFirst { get; }

    /// <summary>The step's changes against the layers it started from. Call after the step ended.</summary>
    public Task<SnapshotDiff> DiffAsync(CancellationToken ct) =>
        Task.Run(() => Mode == SnapshotMode.Overlay
            ? SnapshotDiffer.FromUpper(UpperDir!, _lower, ct)
            : SnapshotDiffer.FromCopy(Path, _lower, _copiedCtimes!, ct), ct);

    /// <summary>
    /// Writes the step's changes as a layer (deterministic tar through the archive engine's writer):
    /// overlay whiteouts and opaque dirs become OCI <c>.wh.</c> entries; directories only copied up are
    /// left out; an empty diff gives the empty layer, as BuildKit does. Call after the step ended.
    /// </summary>
    public async Task<LayerWriteResult> CommitAsync(Stream destination, LayerWriteOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var diff = await DiffAsync(ct).ConfigureAwait(false);
        var entries = await Task.Run(() => LayerEntries(diff, ct), ct).ConfigureAwait(false);
        return await LayerWriter.WriteAsync(LayerSource.FromEntries(entries), destination, options, ct).ConfigureAwait(false);
    }

    private List<LayerEntry> LayerEntries(SnapshotDiff diff, CancellationToken ct)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in diff.Changes)
            if (c.Kind != SnapshotChangeKind.Deleted)
                changed.Add(c.Path);
        var result = new List<LayerEntry>();
        if (diff.IsEmpty)
            return result;
        if (Mode == SnapshotMode.Overlay)
        {
            // The upper dir walked in overlay format already has the whiteouts right; only drop the
            // directories that are there merely because a child changed.
            var walked = LayerSource.FromDirectory(UpperDir!, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Overlay }).CollectEntries(ct);
            foreach (var e in walked)
                if (e.Type != LayerEntryType.Directory || changed.Contains(e.Path))
                    result.Add(e);
            return result;
        }
        // Copy mode: the whole tree is walked, the changed paths kept, deletions added as whiteouts.
        var all = LayerSource.FromDirectory(Path, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Oci }).CollectEntries(ct);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in all)
        {
            if (!changed.Contains(e.Path))
                continue;
            // A hard link whose first path did not change would point at a path absent from the layer:
            // carry the content instead.
            if (e.Type == LayerEntryType.Hardlink && !kept.Contains(e.LinkTarget!))
            {
                var source = LowerView.Join(Path, e.Path);
                var st = SnapshotNative.Lstat(source);
                result.Add(e with { Type = LayerEntryType.RegularFile, LinkTarget = null, SourcePath = source, Size = st.Size });
            }
            else
            {
                result.Add(e);
            }
            kept.Add(e.Path);
        }
        foreach (var c in diff.Changes)
        {
            if (c.Kind != SnapshotChangeKind.Deleted)
                continue;
            var slash = c.Path.LastIndexOf('/');
            var wh = (slash < 0 ? "" : c.Path[..(slash + 1)]) + ".wh." + c.Path[(slash + 1)..];
            result.Add(new LayerEntry { Path = wh, Type = LayerEntryType.RegularFile, Mode = 0, Content = ReadOnlyMemory<byte>.Empty });
        }
        return result;
    }

    /// <summary>Unmounts the overlay, keeping the upper dir readable for a commit that follows.</summary>
    public void Unmount()
    {
        if (!_mounted)
            return;
        OverlayMount.Unmount(Path);
        _mounted = false;
    }

    public ValueTask DisposeAsync()
    {
        Unmount();
        // In the caller's thread: a Task.Run hop per step costs more than deleting a small tree.
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the store's garbage collection (e.g. a busy mount); never fail a build for it.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
