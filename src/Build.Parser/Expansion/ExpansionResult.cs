namespace Build.Parser.Expansion;

/// <summary>
/// The outcome of expanding one word.
/// </summary>
/// <param name="Value">The word with quotes removed, escapes resolved and variables substituted; whitespace kept.</param>
/// <param name="Words">The same text split into words (§7.4 of FORMATS.md); empty words are never produced.</param>
/// <param name="Used">
/// Names that were looked up and found set. The cache key of an instruction must include exactly these
/// variables' values: an ARG that is in scope but never referenced must not change the key.
/// </param>
/// <param name="Unset">Names that were referenced but not set (lint material: likely typos).</param>
public sealed record ExpansionResult(
    string Value,
    IReadOnlyList<string> Words,
    IReadOnlySet<string> Used,
    IReadOnlySet<string> Unset);
