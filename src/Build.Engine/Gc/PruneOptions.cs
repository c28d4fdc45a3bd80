namespace Build.Engine.Gc;

/// <summary>What <c>builder prune</c> removes, as <c>docker buildx prune</c>'s flags say it.</summary>
public sealed record PruneOptions
{
    /// <summary>Every cache record, not only those whose layer no stored image uses (<c>--all</c>); also cache mounts.</summary>
    public bool All { get; init; }

    /// <summary>Keep this many bytes of cache, removing least recently used records first (<c>--keep-storage</c>).</summary>
    public long? KeepStorage { get; init; }

    /// <summary>Keep records used within this duration (<c>--filter until=24h</c>).</summary>
    public TimeSpan? Until { get; init; }
}

/// <summary>Reads <c>builder prune</c>'s flags into <see cref="PruneOptions"/>.</summary>
public static class PruneFlags
{
    /// <param name="all"><c>--all</c>.</param>
    /// <param name="keepStorage"><c>--keep-storage</c> text (e.g. <c>10gb</c>), or null.</param>
    /// <param name="filters"><c>--filter</c> values: <c>until=DURATION</c> (Go syntax, e.g. <c>24h</c>); repeated, the last wins.</param>
    public static PruneOptions Parse(bool all, string? keepStorage, IEnumerable<string> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        TimeSpan? until = null;
        foreach (string f in filters)
        {
            int eq = f.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? f : f[..eq].Trim();
            if (eq < 0 || key.Length == 0)
                throw new Errors.BuildException(Errors.ErrorCode.InvalidArgument, $"--filter: \"{f}\" is not KEY=VALUE (e.g. until=24h)");
            until = key.ToLowerInvariant() switch
            {
                "until" or "unused-for" => GoDuration.Parse("--filter until", f[(eq + 1)..]),
                _ => throw new Errors.BuildException(Errors.ErrorCode.InvalidArgument, $"--filter: unknown filter \"{key}\" (supported: until)"),
            };
        }
        return new PruneOptions
        {
            All = all,
            KeepStorage = keepStorage is null ? null : ByteSize.Parse("--keep-storage", keepStorage),
            Until = until,
        };
    }
}
