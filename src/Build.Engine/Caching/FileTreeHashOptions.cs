namespace Build.Engine.Caching;

/// <summary>What a content digest covers beyond paths, types, link targets and contents.</summary>
/// <param name="IncludePermissions">
/// False when the instruction sets <c>--chmod</c>: the copied files get the given mode whatever they have in the
/// context, so a <c>chmod</c> in the context must not invalidate the step.
/// </param>
public sealed record FileTreeHashOptions(bool IncludePermissions = true)
{
    public static FileTreeHashOptions Default { get; } = new();
}
