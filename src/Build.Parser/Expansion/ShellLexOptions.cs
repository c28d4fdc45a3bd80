namespace Build.Parser.Expansion;

/// <summary>Modes of <see cref="ShellLex"/>, mirroring the switches of BuildKit's lexer.</summary>
[Flags]
public enum ShellLexOptions
{
    None = 0,

    /// <summary>Keep the quote characters in the output (quotes still group and still stop expansion in <c>'...'</c>).</summary>
    RawQuotes = 1,

    /// <summary>Keep escape characters in the output (the escaped character is still taken literally).</summary>
    RawEscapes = 2,

    /// <summary>
    /// Treat <c>'</c> and <c>"</c> as ordinary characters. Used for heredoc bodies of COPY/ADD, which are expanded
    /// without quote processing when the heredoc marker is unquoted.
    /// </summary>
    SkipProcessQuotes = 4,

    /// <summary>Leave references to unset variables as written (<c>$X</c>, <c>${X:-w}</c>) instead of expanding them.</summary>
    SkipUnsetEnv = 8,
}
