using Build.Engine.Graph;
using Build.Parser.Expansion;
using Build.Engine.Oci;

namespace Build.Engine.Frontend;

/// <summary>
/// The ordered variable list of a stage as BuildKit's LLB state keeps it (image ENV, ENV instructions and ARG
/// values): setting a name removes it and appends it at the end, as <c>EnvList.AddOrReplace</c> does. It is both
/// what expansion sees and the environment RUN steps get.
/// </summary>
internal sealed class EnvState : IEnvLookup
{
    private readonly List<KeyValue> _items;

    public EnvState(IEnumerable<KeyValue> items) => _items = [.. items];

    public EnvState Clone() => new(_items);

    public void Set(string key, string value)
    {
        var i = _items.FindIndex(kv => kv.Key == key);
        if (i >= 0) _items.RemoveAt(i);
        _items.Add(new KeyValue(key, value));
    }

    public string? Get(string key)
    {
        foreach (var kv in _items)
            if (kv.Key == key) return kv.Value;
        return null;
    }

    public bool TryGetValue(string name, out string value)
    {
        var v = Get(name);
        value = v ?? "";
        return v is not null;
    }

    public ValueList<KeyValue> Snapshot() => _items.ToValueList();
}
