using Build.Engine.Oci;

namespace Build.Engine.Caching;

/// <summary>
/// The content address of a build step: the SHA-256 of its <see cref="CacheKeyPreimage"/>'s canonical
/// encoding. Equal keys mean equal results on any machine, which is what lets a registry-shared cache work.
/// </summary>
public readonly record struct CacheKey(Digest Digest)
{
    public override string ToString() => Digest.ToString();

    public static CacheKey Parse(string text) => new(Digest.Parse(text));
}
