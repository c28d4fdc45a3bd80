using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Build.Engine.Oci;

/// <summary>
/// JSON members our records do not model (a newer spec field, a vendor extension such as Docker's
/// "container_config"), kept so that a config we rewrite does not silently lose them. It is the
/// <c>[JsonExtensionData]</c> target of every model record; only the deserializer adds to it, and it
/// compares by JSON value so records keep value equality.
/// </summary>
public sealed class ExtensionFields : IDictionary<string, JsonElement>, IEquatable<ExtensionFields>
{
    private readonly Dictionary<string, JsonElement> _items = new(StringComparer.Ordinal);

    public ExtensionFields()
    {
    }

    public ExtensionFields(IEnumerable<KeyValuePair<string, JsonElement>> items)
    {
        foreach (var (k, v) in items)
            _items[k] = v.Clone();
    }

    public int Count => _items.Count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => _items.Keys;

    public ICollection<JsonElement> Values => _items.Values;

    public JsonElement this[string key]
    {
        get => _items[key];
        set => _items[key] = value;
    }

    public void Add(string key, JsonElement value) => _items.Add(key, value);

    public void Add(KeyValuePair<string, JsonElement> item) => _items.Add(item.Key, item.Value);

    public bool ContainsKey(string key) => _items.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value) => _items.TryGetValue(key, out value);

    public bool Remove(string key) => _items.Remove(key);

    public bool Remove(KeyValuePair<string, JsonElement> item) => _items.Remove(item.Key);

    public void Clear() => _items.Clear();

    public bool Contains(KeyValuePair<string, JsonElement> item) => _items.ContainsKey(item.Key);

    public void CopyTo(KeyValuePair<string, JsonElement>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, JsonElement>>)_items).CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ExtensionFields? other)
    {
        if (other is null || other.Count != Count)
            return false;
        foreach (var (k, v) in _items)
        {
            if (!other._items.TryGetValue(k, out var ov) || !JsonElement.DeepEquals(v, ov))
                return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ExtensionFields other && Equals(other);

    // Keys only: values compare structurally, which a hash of their text would not respect.
    public override int GetHashCode()
    {
        int hash = Count;
        foreach (var k in _items.Keys)
            hash ^= StringComparer.Ordinal.GetHashCode(k);
        return hash;
    }
}
