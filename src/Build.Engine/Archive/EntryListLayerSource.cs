using Build.Engine.Errors;

namespace Build.Engine.Archive;

internal sealed class EntryListLayerSource(IEnumerable<LayerEntry> entries) : LayerSource
{
    internal override IReadOnlyList<LayerEntry> CollectEntries(CancellationToken ct)
    {
        var keyed = new List<(byte[] Key, LayerEntry Entry)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            string path = ArchivePath.Normalize(e.Path, e.Path);
            if (path.Length == 0)
                throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{e.Path}\" names the root");
            if (!seen.Add(path))
                throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" is listed twice");
            if (e.Type is LayerEntryType.Symlink or LayerEntryType.Hardlink && string.IsNullOrEmpty(e.LinkTarget))
                throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" is a link without a target");
            keyed.Add((ArchivePath.Utf8(path), path == e.Path ? e : e with { Path = path }));
        }
        ct.ThrowIfCancellationRequested();
        keyed.Sort((a, b) => ArchivePath.CompareUtf8(a.Key, b.Key));
        return keyed.ConvertAll(k => k.Entry);
    }
}
