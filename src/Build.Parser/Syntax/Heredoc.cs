namespace Build.Parser.Syntax;

/// <summary>
/// A here-document attached to RUN, COPY or ADD (<c>&lt;&lt;EOF</c> ... <c>EOF</c>).
/// </summary>
/// <param name="Name">The delimiter word with quotes removed (<c>EOF</c> for <c>&lt;&lt;'EOF'</c>).</param>
/// <param name="Marker">The marker word as written (<c>&lt;&lt;-"EOF"</c>), as it appears among the arguments.</param>
/// <param name="Content">The body: every line between the marker line and the terminator, line endings kept,
/// leading tabs NOT stripped (see <see cref="ChompedContent"/>).</param>
/// <param name="Chomp"><c>&lt;&lt;-</c>: leading tabs are stripped from body lines when the body is used.</param>
/// <param name="Expand">False when any part of the delimiter was quoted: COPY/ADD must not expand variables in the body.</param>
/// <param name="FileDescriptor">The number before <c>&lt;&lt;</c> (<c>3&lt;&lt;EOF</c>), if any.</param>
/// <param name="BodySpan">The body and terminator lines.</param>
public sealed record Heredoc(string Name, string Marker, string Content, bool Chomp, bool Expand, int? FileDescriptor, SourceSpan BodySpan)
{
    /// <summary>The body with leading tabs removed from every line when <see cref="Chomp"/> is set; else <see cref="Content"/>.</summary>
    public string ChompedContent => Chomp ? StripLeadingTabs(Content) : Content;

    private static string StripLeadingTabs(string content)
    {
        var builder = new System.Text.StringBuilder(content.Length);
        int i = 0;
        while (i < content.Length)
        {
            while (i < content.Length && content[i] == '\t')
                i++;
            int newline = content.IndexOf('\n', i);
            int end = newline < 0 ? content.Length : newline + 1;
            builder.Append(content, i, end - i);
            i = end;
        }
        return builder.ToString();
    }
}
