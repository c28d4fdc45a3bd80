namespace Build.Parser.Ignore;

/// <summary>
/// Reading <c>.dockerignore</c> files (DOCKERIGNORE.md §1; moby/patternmatcher <c>ignorefile</c>) and choosing which one
/// applies to a build.
/// </summary>
public static class IgnoreFile
{
    /// <summary>The name of the context-root ignore file.</summary>
    public const string DefaultName = ".dockerignore";

    /// <summary>
    /// Turns file text into patterns: BOM removed from the first line, lines whose raw text starts with <c>#</c> skipped,
    /// whitespace trimmed, empty lines skipped, <c>!</c> and the blanks after it split off, the rest Go-Cleaned with one
    /// leading <c>/</c> removed, and the <c>!</c> put back. A bare <c>!</c> is kept: building the matcher rejects it.
    /// </summary>
    public static IReadOnlyList<string> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var patterns = new List<string>();
        int lineNo = 0;
        // Lines end at LF only (Go's bufio.ScanLines); a CR before it is whitespace and goes with the trim below.
        foreach (Range range in content.AsSpan().Split('\n'))
        {
            ReadOnlySpan<char> line = content.AsSpan()[range];
            if (lineNo++ == 0 && line.Length > 0 && line[0] == '\uFEFF')
                line = line[1..];
            // The comment check is made before trimming: "  # x" is the pattern "# x".
            if (line.Length > 0 && line[0] == '#')
                continue;
            string pattern = line.Trim().ToString();
            if (pattern.Length == 0)
                continue;
            bool invert = pattern[0] == '!';
            if (invert)
                pattern = pattern[1..].Trim();
            if (pattern.Length > 0)
            {
                pattern = GoPath.Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                    pattern = pattern[1..];
            }
            patterns.Add(invert ? "!" + pattern : pattern);
        }
        return patterns;
    }

    /// <summary>
    /// The ignore file for a build: <c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile wins; otherwise
    /// <c>.dockerignore</c> at the context root; null when neither exists.
    /// </summary>
    public static string? Locate(string contextDirectory, string? dockerfilePath)
    {
        ArgumentNullException.ThrowIfNull(contextDirectory);
        if (!string.IsNullOrEmpty(dockerfilePath))
        {
            string specific = Path.GetFullPath(dockerfilePath) + DefaultName;
            if (File.Exists(specific))
                return specific;
        }
        string root = Path.Combine(contextDirectory, DefaultName);
        return File.Exists(root) ? root : null;
    }

    /// <summary>Locates, reads and compiles the ignore file for a build (<see cref="IgnoreMatcher.Empty"/> when there is none).</summary>
    /// <exception cref="IgnorePatternException">A pattern is malformed; the message names the file.</exception>
    public static async Task<IgnoreMatcher> LoadAsync(string contextDirectory, string? dockerfilePath, CancellationToken ct)
    {
        string? file = Locate(contextDirectory, dockerfilePath);
        if (file is null)
            return IgnoreMatcher.Empty;
        string text = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
        try
        {
            return IgnoreMatcher.Create(Parse(text));
        }
        catch (IgnorePatternException ex)
        {
            throw new IgnorePatternException($"{file}: {ex.Message}", ex);
        }
    }
}
