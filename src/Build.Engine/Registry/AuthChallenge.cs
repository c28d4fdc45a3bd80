using System.Collections.Immutable;
using System.Text;

namespace Build.Engine.Registry;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge (RFC 9110 §11.6.1): a scheme and its auth-params, e.g.
/// <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, ImmutableDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>
    /// Parses a header value that may hold several challenges (<c>Basic realm="x", Bearer realm="y"</c>).
    /// Malformed parameters are skipped rather than fatal: a registry's odd header should not hide a
    /// usable challenge next to it.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(string header)
    {
        var result = new List<AuthChallenge>();
        int i = 0;
        string? scheme = null;
        var parameters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < header.Length)
        {
            SkipSpaceAndCommas(header, ref i);
            if (i >= header.Length)
                break;
            string token = ReadToken(header, ref i);
            if (token.Length == 0)
            {
                i++; // an unexpected character: skip it
                continue;
            }
            int j = i;
            SkipSpace(header, ref j);
            if (j < header.Length && header[j] == '=' && scheme is not null)
            {
                // token68 values (Basic dXNlcjpwYXNz==) also contain '=' but never follow a parameter list.
                i = j + 1;
                SkipSpace(header, ref i);
                string value = i < header.Length && header[i] == '"' ? ReadQuoted(header, ref i) : ReadToken(header, ref i);
                parameters[token] = value;
            }
            else
            {
                if (scheme is not null)
                    result.Add(new AuthChallenge(scheme, parameters.ToImmutable()));
                scheme = token;
                parameters.Clear();
            }
        }
        if (scheme is not null)
            result.Add(new AuthChallenge(scheme, parameters.ToImmutable()));
        return result;
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
            i++;
    }

    private static void SkipSpaceAndCommas(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
            i++;
    }

    private static string ReadToken(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"'))
            i++;
        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
                i++;
            sb.Append(s[i]);
            i++;
        }
        i++; // closing quote (or end)
        return sb.ToString();
    }
}
