namespace Build.Parser.Syntax;

/// <summary>
/// The <c># check=skip=Rule1,Rule2;error=true</c> directive: which build checks to skip and whether check
/// warnings fail the build.
/// </summary>
/// <param name="Skip">Rule names to skip, as written.</param>
/// <param name="SkipAll"><c>skip=all</c>.</param>
/// <param name="Error"><c>error=true</c>: check violations are errors.</param>
public sealed record BuildCheckSettings(ValueList<string> Skip, bool SkipAll, bool Error)
{
    public static BuildCheckSettings Default { get; } = new(ValueList<string>.Empty, false, false);

    /// <summary>Whether the rule named <paramref name="rule"/> is enabled (names compare case-insensitively).</summary>
    public bool IsEnabled(string rule) =>
        !SkipAll && !Skip.Any(s => string.Equals(s, rule, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses the directive value; null with <paramref name="error"/> set when it is malformed.</summary>
    public static BuildCheckSettings? Parse(string value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = null;
        var skip = new List<string>();
        bool skipAll = false, isError = false;
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq].Trim();
            string v = eq < 0 ? "" : part[(eq + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "skip":
                    foreach (var rule in v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (rule.Equals("all", StringComparison.OrdinalIgnoreCase))
                            skipAll = true;
                        else
                            skip.Add(rule);
                    }
                    break;
                case "error":
                    if (!bool.TryParse(v, out isError))
                    {
                        error = $"invalid check directive: error must be true or false, not \"{v}\"";
                        return null;
                    }
                    break;
                default:
                    error = $"invalid check directive: unknown key \"{key}\" (use skip=<rules|all> and error=<true|false>)";
                    return null;
            }
        }
        return new BuildCheckSettings(ValueList<string>.From(skip), skipAll, isError);
    }
}
