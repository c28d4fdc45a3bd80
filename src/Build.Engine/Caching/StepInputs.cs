namespace Build.Engine.Caching;

/// <summary>
/// What the solver resolved for one step before its key can be computed: the parent (previous step's key,
/// or the base: <c>scratch</c>, <c>image:&lt;manifest digest&gt;</c>), the build platform, the names of
/// environment variables that are build arguments (named <c>arg:X</c> in the preimage so explanations say
/// "ARG X changed"), the identity of every filesystem the op reads (<c>stage:1</c> → that stage's final key,
/// <c>image:alpine</c> → its manifest digest), and the content digests of selected files (<c>files</c> for
/// COPY/ADD sources; <c>bind:/target</c> for bind mounts).
/// </summary>
public sealed record StepInputs(
    string Parent,
    string Platform,
    IReadOnlySet<string> ArgNames,
    IReadOnlyDictionary<string, string> Sources,
    IReadOnlyDictionary<string, string> FileDigests)
{
    /// <summary>SOURCE_DATE_EPOCH in seconds when set: it clamps the mtimes written into the layer, so it changes the result.</summary>
    public string? SourceDateEpoch { get; init; }
}
