using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>The flags of one instruction after validation against its <see cref="FlagSpec"/>.</summary>
internal sealed class FlagValues
{
    private readonly Dictionary<string, List<SyntaxFlag>> _used = new(StringComparer.Ordinal);

    public void Add(SyntaxFlag flag)
    {
        if (!_used.TryGetValue(flag.Name, out var list))
            _used[flag.Name] = list = new List<SyntaxFlag>(1);
        list.Add(flag);
    }

    public string? String(string name) => _used.TryGetValue(name, out var list) ? list[^1].Value : null;

    public SyntaxFlag? Flag(string name) => _used.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<SyntaxFlag> All(string name) => _used.TryGetValue(name, out var list) ? list : [];

    /// <summary>A boolean flag: null when absent, true for a bare <c>--flag</c>.</summary>
    public bool? Bool(string name)
    {
        if (!_used.TryGetValue(name, out var list))
            return null;
        string? value = list[^1].Value;
        return value is null || value.Equals("true", StringComparison.OrdinalIgnoreCase);
    }
}
