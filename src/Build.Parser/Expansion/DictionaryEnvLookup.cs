namespace Build.Parser.Expansion;

/// <summary>An <see cref="IEnvLookup"/> over a dictionary (or a list of <c>NAME=value</c> strings, later entries winning).</summary>
public sealed class DictionaryEnvLookup : IEnvLookup
{
    private readonly IReadOnlyDictionary<string, string> _values;

    public DictionaryEnvLookup(IReadOnlyDictionary<string, string> values) => _values = values;

    /// <summary>An environment with no variables.</summary>
    public static DictionaryEnvLookup Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// Builds a lookup from <c>NAME=value</c> entries the way BuildKit's <c>BuildEnvs</c> does: the value is everything
    /// after the first <c>=</c>; an entry without <c>=</c> sets the name to the empty string; a later entry replaces an earlier one.
    /// </summary>
    public static DictionaryEnvLookup FromPairs(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string e in entries)
        {
            int eq = e.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
                map[e] = "";
            else
                map[e[..eq]] = e[(eq + 1)..];
        }
        return new DictionaryEnvLookup(map);
    }

    public bool TryGetValue(string name, out string value)
    {
        if (_values.TryGetValue(name, out string? v))
        {
            value = v;
            return true;
        }
        value = "";
        return false;
    }
}
