using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>The outcome of <see cref="RunMountParser.Parse"/>: a mount, or the one-sentence reason it is invalid.</summary>
public sealed record MountParseResult(RunMount? Mount, string? Error)
{
    public bool Success => Mount is not null;
}
