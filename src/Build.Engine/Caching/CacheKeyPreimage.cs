using System.Collections.Immutable;
using System.Text;
using Build.Engine.Oci;

namespace Build.Engine.Caching;

/// <summary>
/// Everything a step's cache key is computed from, as named components (<c>parent</c>, <c>cmd</c>,
/// <c>env:PATH</c>, <c>files</c>, ...). It is stored beside every cache record so a miss can be explained
/// by diffing it against the previous record for the same step, component by component.
/// </summary>
/// <remarks>
/// The encoding is canonical: components are sorted by name (ordinal) and each name and value is
/// length-prefixed, so no two different preimages encode to the same bytes (a value containing a
/// separator cannot forge another component). <see cref="Scheme"/> is part of the hashed bytes: changing
/// what goes into keys means bumping it, which invalidates old records instead of silently reusing them.
/// </remarks>
public sealed record CacheKeyPreimage
{
    /// <summary>
    /// The version of the key scheme; bump it whenever the set or meaning of components changes, or a step's
    /// result for the same key does. 2: no-op steps commit the empty layer, ADD of a URL takes its mtime from
    /// Last-Modified, and a directory source's own mode is no longer given to the COPY destination (records of
    /// scheme 1 hold the old results). 3: the step after a <c>COPY --from=stage</c> chains on that step's parent and
    /// result layer, and such a step also has a secondary key made from the content it copies.
    /// </summary>
    public const int CurrentScheme = 3;

    public CacheKeyPreimage(IEnumerable<KeyValuePair<string, string>> components, int scheme = CurrentScheme)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in components)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("a preimage component needs a name", nameof(components));
            if (!builder.TryAdd(name, value))
                throw new ArgumentException($"duplicate preimage component \"{name}\"", nameof(components));
        }
        Components = builder.ToImmutable();
        Scheme = scheme;
    }

    public int Scheme { get; }

    public ImmutableSortedDictionary<string, string> Components { get; }

    public string? this[string name] => Components.TryGetValue(name, out var v) ? v : null;

    /// <summary>The canonical bytes the key is the hash of.</summary>
    public byte[] Encode()
    {
        using var ms = new MemoryStream();
        Write(ms, "builder-cache-key");
        Write(ms, Scheme.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in Components)
        {
            Write(ms, name);
            Write(ms, value);
        }
        return ms.ToArray();

        static void Write(MemoryStream ms, string s)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            Span<byte> len = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(len, bytes.Length);
            ms.Write(len);
            ms.Write(bytes);
        }
    }

    public CacheKey ComputeKey() => new(Digest.Compute(Encode()));

    public bool Equals(CacheKeyPreimage? other) =>
        other is not null && Scheme == other.Scheme && Components.Count == other.Components.Count
        && Components.All(kv => other.Components.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Scheme, Components.Count);
}
