namespace Build.Engine.Archive;

/// <summary>
/// What a layer is made from: a directory tree (walked without following symlinks) or an explicit
/// list of entries. Either way the writer receives the entries sorted by the bytes of their paths,
/// which is what makes the tar independent of readdir order, inode numbers and creation order.
/// </summary>
public abstract class LayerSource
{
    private protected LayerSource()
    {
    }

    public static LayerSource FromDirectory(string root, DirectoryLayerOptions? options = null) =>
        new DirectoryLayerSource(root, options ?? new DirectoryLayerOptions());

    public static LayerSource FromEntries(IEnumerable<LayerEntry> entries) => new EntryListLayerSource(entries);

    /// <summary>The entries in archive order. Directory walks are materialized: sorting needs them all.</summary>
    internal abstract IReadOnlyList<LayerEntry> CollectEntries(CancellationToken ct);
}
