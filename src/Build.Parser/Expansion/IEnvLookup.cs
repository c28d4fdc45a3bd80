namespace Build.Parser.Expansion;

/// <summary>
/// The variables visible to one expansion: build args in scope plus the stage's ENV. Lookup is by exact,
/// case-sensitive name, as BuildKit does on Linux.
/// </summary>
public interface IEnvLookup
{
    /// <summary>Returns true and the value when <paramref name="name"/> is set (possibly to the empty string).</summary>
    bool TryGetValue(string name, out string value);
}
