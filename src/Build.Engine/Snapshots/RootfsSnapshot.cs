using System.Collections.Immutable;

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
        IReadOnlyDictionary<string, (long, uint)>? copiedCtimes)
    {
        _dir = dir;
        Path = path;
        UpperDir = upper;
        Mode = mode;
        LowersTopFirst = lowersTopFirst;
        _lower = new LowerView(lowersTopFirst);
        _copiedCtimes = copiedCtimes;
        _mounted = mode == SnapshotMode.Overlay;
    }

    /// <summary>The root filesystem to run in (the overlay mount point, or the copy).</summary>
    public string Path { get; }

    /// <summary>The overlay upper dir (overlay mode only): overlay-native whiteouts, the step's diff.</summary>
    public string? UpperDir { get; }

    public SnapshotMode Mode { get; }

    public ImmutableArray<string> LowersTopFirst { get; }

    /// <summary>The step's changes against the layers it started from. Call after the step ended.</summary>
    public Task<SnapshotDiff> DiffAsync(CancellationToken ct) =>
        Task.Run(() => Mode == SnapshotMode.Overlay
            ? SnapshotDiffer.FromUpper(UpperDir!, _lower, ct)
            : SnapshotDiffer.FromCopy(Path, _lower, _copiedCtimes!, ct), ct);

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
        return new ValueTask(Task.Run(() =>
        {
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
        }));
    }
}
