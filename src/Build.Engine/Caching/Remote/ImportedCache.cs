namespace Build.Engine.Caching.Remote;

/// <summary>The records read from one <c>--cache-from</c>, and where their layer blobs can be fetched.</summary>
public sealed record ImportedCache(CacheLocation Source, IReadOnlyList<CacheRecord> Records);
