using Build.Engine.Oci;

namespace Build.Engine.Caching;

/// <summary>The layer a cached step produced, as stored in the content store.</summary>
public sealed record CachedLayer(Digest Digest, Digest DiffId, long Size, string MediaType);
