using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Caching.Remote;

/// <summary>
/// A place a shared cache is read from and written to: a registry reference (<see cref="RegistryCacheLocation"/>)
/// or an OCI image layout directory (<see cref="LayoutCacheLocation"/>). Reading fetches only the manifest and the
/// records; layer blobs are fetched one at a time, when a hit needs them (<see cref="FetchLayerAsync"/>).
/// </summary>
public abstract class CacheLocation
{
    /// <summary>Names the location in messages (never with credentials).</summary>
    public abstract string Description { get; }

    /// <summary>The records stored there, or null when there is no cache yet (nothing at the reference, no layout).</summary>
    public abstract Task<CacheSnapshot?> ReadAsync(CancellationToken ct);

    /// <summary>Copies one layer blob into <paramref name="into"/> (verified by the store's writer).</summary>
    public abstract Task FetchLayerAsync(CachedLayer layer, IContentStore into, CancellationToken ct);

    /// <summary>
    /// Replaces the cache with <paramref name="records"/> (already merged by the caller): layer blobs first (read
    /// through <paramref name="content"/>, skipped when already there), then the config, then the manifest, so a
    /// reader never sees a manifest whose blobs are missing.
    /// </summary>
    public abstract Task<Digest> WriteAsync(IReadOnlyCollection<CacheRecord> records, IContentStore content, CancellationToken ct);

    /// <summary>The config and manifest bytes of <paramref name="records"/>.</summary>
    protected static (byte[] Config, Descriptor ConfigDescriptor, byte[] Manifest) Serialize(IReadOnlyCollection<CacheRecord> records)
    {
        byte[] config = CacheDocument.WriteConfig(records);
        var descriptor = new Descriptor { MediaType = CacheDocument.ConfigMediaType, Digest = Digest.Compute(config), Size = config.Length };
        return (config, descriptor, CacheDocument.WriteManifest(descriptor, records));
    }
}

/// <summary>What a cache location held when it was read: its manifest digest and its valid records.</summary>
public sealed record CacheSnapshot(Digest Manifest, IReadOnlyList<CacheRecord> Records, int Rejected);
