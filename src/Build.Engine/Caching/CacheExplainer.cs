namespace Build.Engine.Caching;

/// <summary>
/// Explains a cache miss by diffing the step's preimage against the preimage of the previous record for the
/// same step. Component names follow the convention of docs/cache-keys.md: <c>parent</c>, <c>base</c>,
/// <c>cmd</c>, <c>arg:NAME</c>, <c>env:NAME</c>, <c>files</c> (or <c>files:N</c>), <c>from:…</c>, and others.
/// </summary>
public static class CacheExplainer
{
    /// <summary>
    /// The changes, most specific first. A changed <c>parent</c> is reported only when nothing in the step
    /// itself changed: the parent's own explanation already names the root cause, and repeating "parent
    /// changed" under every later step would bury it.
    /// </summary>
    public static IReadOnlyList<CacheChange> Explain(
        CacheKeyPreimage current,
        IReadOnlyDictionary<string, string>? currentFiles,
        CacheRecord? previous)
    {
        if (previous is null)
            return [new CacheChange(CacheChangeKind.NoPreviousRecord, "", null, null)];
        if (previous.Preimage.Scheme != current.Scheme)
            return [new CacheChange(CacheChangeKind.SchemeChanged, "scheme", previous.Preimage.Scheme.ToString(System.Globalization.CultureInfo.InvariantCulture), current.Scheme.ToString(System.Globalization.CultureInfo.InvariantCulture))];

        var changes = new List<CacheChange>();
        bool parentChanged = false;
        var names = current.Components.Keys.Union(previous.Preimage.Components.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string? before = previous.Preimage[name];
            string? after = current[name];
            if (before == after)
                continue;
            if (name == "parent")
            {
                parentChanged = true;
                continue;
            }
            if (name == "files" || name.StartsWith("files:", StringComparison.Ordinal))
            {
                int before0 = changes.Count;
                if (currentFiles is not null && previous.Files is not null)
                    changes.AddRange(DiffFiles(previous.Files, currentFiles));
                if (changes.Count == before0)
                    changes.Add(new CacheChange(CacheChangeKind.FilesChanged, name, before, after));
                continue;
            }
            changes.Add(Classify(name, before, after));
        }
        if (changes.Count == 0 && parentChanged)
            changes.Add(new CacheChange(CacheChangeKind.ParentChanged, "parent", previous.Preimage["parent"], current["parent"]));
        return changes;
    }

    private static CacheChange Classify(string name, string? before, string? after)
    {
        static string After(string name, string prefix) => name[prefix.Length..];
        if (name.StartsWith("arg:", StringComparison.Ordinal))
            return new CacheChange(CacheChangeKind.ArgChanged, After(name, "arg:"), before, after);
        if (name.StartsWith("env:", StringComparison.Ordinal))
            return new CacheChange(CacheChangeKind.EnvChanged, After(name, "env:"), before, after);
        if (name.StartsWith("from:", StringComparison.Ordinal))
            return new CacheChange(CacheChangeKind.DependencyChanged, After(name, "from:"), before, after);
        return name switch
        {
            "cmd" => new CacheChange(CacheChangeKind.CommandChanged, name, before, after),
            "base" => new CacheChange(CacheChangeKind.BaseImageChanged, name, before, after),
            _ => new CacheChange(CacheChangeKind.OtherChanged, name, before, after),
        };
    }

    /// <summary>Per-file differences, sorted by path; at most <paramref name="limit"/> are listed.</summary>
    public static IEnumerable<CacheChange> DiffFiles(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, int limit = 50)
    {
        var result = new List<CacheChange>();
        foreach (var path in before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            bool had = before.TryGetValue(path, out var b);
            bool has = after.TryGetValue(path, out var a);
            CacheChange? c = (had, has) switch
            {
                (false, true) => new CacheChange(CacheChangeKind.FileAdded, path, null, a),
                (true, false) => new CacheChange(CacheChangeKind.FileRemoved, path, b, null),
                (true, true) when b != a => new CacheChange(CacheChangeKind.FileChanged, path, b, a),
                _ => null,
            };
            if (c is null)
                continue;
            if (result.Count == limit)
                break;
            result.Add(c);
        }
        return result;
    }
}
