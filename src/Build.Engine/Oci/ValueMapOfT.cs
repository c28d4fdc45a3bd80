using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Build.Engine.Oci;

/// <summary>
/// An immutable string-keyed map with value equality whose enumeration order is the ordinal key
/// order. Go's encoding/json writes map keys sorted, so enumerating sorted makes our serialization
/// of labels and annotations byte-identical to Docker's and independent of insertion order.
/// </summary>
public sealed class ValueMap<TValue> : IReadOnlyDictionary<string, TValue>, IEquatable<ValueMap<TValue>>
{
    private readonly KeyValuePair<string, TValue>[] _sorted;
    private readonly Dictionary<string, TValue> _lookup;

    public ValueMap(IEnumerable<KeyValuePair<string, TValue>> items)
    {
        _lookup = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (k, v) in items)
            _lookup[k] = v; // last one wins, like a JSON object with a repeated key
        _sorted = [.. _lookup.OrderBy(kv => kv.Key, StringComparer.Ordinal)];
    }

    public static ValueMap<TValue> Empty { get; } = new([]);

    public int Count => _sorted.Length;

    public TValue this[string key] => _lookup[key];

    public IEnumerable<string> Keys => _sorted.Select(kv => kv.Key);

    public IEnumerable<TValue> Values => _sorted.Select(kv => kv.Value);

    public bool ContainsKey(string key) => _lookup.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _lookup.TryGetValue(key, out value);

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public ValueMap<TValue> SetItem(string key, TValue value) => new(_sorted.Append(new(key, value)));

    /// <summary>A copy without <paramref name="key"/>.</summary>
    public ValueMap<TValue> Remove(string key) => new(_sorted.Where(kv => !string.Equals(kv.Key, key, StringComparison.Ordinal)));

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_sorted).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _sorted.GetEnumerator();

    public bool Equals(ValueMap<TValue>? other)
    {
        if (other is null || other.Count != Count)
            return false;
        var cmp = EqualityComparer<TValue>.Default;
        for (int i = 0; i < _sorted.Length; i++)
        {
            if (!string.Equals(_sorted[i].Key, other._sorted[i].Key, StringComparison.Ordinal) || !cmp.Equals(_sorted[i].Value, other._sorted[i].Value))
                return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueMap<TValue> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (k, v) in _sorted)
        {
            hash.Add(k, StringComparer.Ordinal);
            hash.Add(v);
        }
        return hash.ToHashCode();
    }
}
