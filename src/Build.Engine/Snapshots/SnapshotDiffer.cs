using System.Collections.Immutable;

using Build.Engine.Archive.Native;

namespace Build.Engine.Snapshots;

/// <summary>Computes a step's <see cref="SnapshotDiff"/> from an overlay upper dir or, in copy mode, by
/// comparing the step's directory with the layers it started from.</summary>
internal static class SnapshotDiffer
{
    /// <summary>
    /// Overlay: the upper dir is the diff. Directories that were only copied up (a child changed, the
    /// directory itself did not: same mode, owner and mtime as the lower one) are not entries of their
    /// own, as in BuildKit's overlay differ; their changed children are.
    /// </summary>
    public static SnapshotDiff FromUpper(string upper, LowerView lower, CancellationToken ct)
    {
        var changes = ImmutableArray.CreateBuilder<SnapshotChange>();
        WalkUpper(upper, "", lower, changes, ct);
        changes.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return new SnapshotDiff(changes.ToImmutable());
    }

    private static void WalkUpper(string upper, string rel, LowerView? lower, ImmutableArray<SnapshotChange>.Builder changes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var lowerChildren = lower?.Children(rel);
        foreach (var entry in Sorted(LowerView.Join(upper, rel)))
        {
            var name = Path.GetFileName(entry);
            var childRel = rel.Length == 0 ? name : rel + "/" + name;
            var st = SnapshotNative.Lstat(entry);
            if (st.IsWhiteout)
            {
                changes.Add(new SnapshotChange(childRel, SnapshotChangeKind.Deleted, null));
                continue;
            }
            string? lowerPath = null;
            lowerChildren?.TryGetValue(name, out lowerPath);
            if (!st.IsDirectory)
            {
                changes.Add(new SnapshotChange(childRel, SnapshotChangeKind.Changed, entry));
                continue;
            }
            if (LowerView.IsOpaque(entry))
            {
                changes.Add(new SnapshotChange(childRel, SnapshotChangeKind.OpaqueDirectory, entry));
                WalkUpper(upper, childRel, null, changes, ct);
                continue;
            }
            if (lowerPath is null || !SameMetadata(entry, lowerPath, st))
                changes.Add(new SnapshotChange(childRel, SnapshotChangeKind.Changed, entry));
            WalkUpper(upper, childRel, lowerPath is null ? null : lower, changes, ct);
        }
    }

    /// <summary>
    /// Copy mode: every path that differs from the lower view, and deletions as whiteouts. A file whose
    /// metadata matches but whose ctime moved since the copy was rewritten (a tool may reset mtime, e.g.
    /// <c>touch -r</c> or <c>tar -x</c>); <paramref name="copiedCtimes"/> holds each file's ctime right after the copy.
    /// </summary>
    public static SnapshotDiff FromCopy(string root, LowerView lower, IReadOnlyDictionary<string, (long, uint)> copiedCtimes, CancellationToken ct)
    {
        var changes = ImmutableArray.CreateBuilder<SnapshotChange>();
        WalkCopy(root, "", lower, copiedCtimes, changes, ct);
        changes.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return new SnapshotDiff(changes.ToImmutable());
    }

    private static void WalkCopy(string root, string rel, LowerView? lower, IReadOnlyDictionary<string, (long, uint)> ctimes,
        ImmutableArray<SnapshotChange>.Builder changes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var lowerChildren = lower?.Children(rel) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Sorted(LowerView.Join(root, rel)))
        {
            var name = Path.GetFileName(entry);
            present.Add(name);
            var childRel = rel.Length == 0 ? name : rel + "/" + name;
            var st = SnapshotNative.Lstat(entry);
            lowerChildren.TryGetValue(name, out var lowerPath);
            var lowerIsDir = lowerPath is not null && SnapshotNative.Lstat(lowerPath).IsDirectory;
            var rewritten = !st.IsDirectory && (!ctimes.TryGetValue(childRel, out var ctime) || ctime != (st.CtimeSeconds, st.CtimeNanoseconds));
            if (lowerPath is null || rewritten || !SameMetadata(entry, lowerPath, st))
                changes.Add(new SnapshotChange(childRel, SnapshotChangeKind.Changed, entry));
            if (st.IsDirectory)
                WalkCopy(root, childRel, lowerIsDir ? lower : null, ctimes, changes, ct);
        }
        foreach (var name in lowerChildren.Keys.Order(StringComparer.Ordinal))
            if (!present.Contains(name))
                changes.Add(new SnapshotChange(rel.Length == 0 ? name : rel + "/" + name, SnapshotChangeKind.Deleted, null));
    }

    private static bool SameMetadata(string path, string lowerPath, in FileStatus st)
    {
        var lo = SnapshotNative.Lstat(lowerPath);
        if (st.Mode != lo.Mode || st.Uid != lo.Uid || st.Gid != lo.Gid)
            return false;
        if (st.MtimeSeconds != lo.MtimeSeconds || st.MtimeNanoseconds != lo.MtimeNanoseconds)
            return false;
        if (st.IsDirectory)
            return true;
        if (st.Size != lo.Size || st.RdevMajor != lo.RdevMajor || st.RdevMinor != lo.RdevMinor)
            return false;
        return !st.IsSymlink || new FileInfo(path).LinkTarget == new FileInfo(lowerPath).LinkTarget;
    }

    private static List<string> Sorted(string dir)
    {
        var list = Directory.EnumerateFileSystemEntries(dir).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}

