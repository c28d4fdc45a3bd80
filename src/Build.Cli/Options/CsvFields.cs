using System.Text;
using Build.Engine.Errors;

namespace Build.Cli.Options;

/// <summary>
/// Parses buildx's comma-separated <c>key=value</c> flag values (<c>--output</c>, <c>--secret</c>, <c>--cache-to</c>),
/// which are CSV: a field may be double-quoted to contain commas (<c>"dest=a,b"</c>), and <c>""</c> inside quotes is a quote.
/// </summary>
public static class CsvFields
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string flag, string text)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }
        if (quoted)
            throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: unterminated quote in \"{text}\"");
        fields.Add(sb.ToString());

        var result = new List<KeyValuePair<string, string>>();
        foreach (var f in fields)
        {
            string field = f.Trim();
            if (field.Length == 0)
                continue;
            int eq = field.IndexOf('=', StringComparison.Ordinal);
            result.Add(eq < 0
                ? KeyValuePair.Create(field.ToLowerInvariant(), "")
                : KeyValuePair.Create(field[..eq].Trim().ToLowerInvariant(), field[(eq + 1)..]));
        }
        return result;
    }
}
