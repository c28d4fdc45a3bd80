using Build.Engine.Errors;

namespace Build.Cli.Options;

/// <summary>Parses <c>--build-arg</c> and <c>--label</c> values.</summary>
public static class KeyValueArgs
{
    /// <summary>
    /// <c>K=V</c> pairs; a bare <c>K</c> takes its value from the environment and is dropped when unset, as
    /// <c>docker build --build-arg K</c> does. Later values win.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string flag, IEnumerable<string> values, Func<string, string?> environment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            int eq = v.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? v : v[..eq];
            if (key.Length == 0)
                throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: \"{v}\" has no name (expected KEY=VALUE)");
            if (eq >= 0)
            {
                result[key] = v[(eq + 1)..];
            }
            else if (environment(key) is { } envValue)
            {
                result[key] = envValue;
            }
        }
        return result;
    }
}
