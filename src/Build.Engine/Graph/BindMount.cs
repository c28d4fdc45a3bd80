namespace Build.Engine.Graph;

/// <summary>
/// <c>type=bind</c>: <see cref="SourcePath"/> (absolute inside <see cref="From"/>) mounted at the target. Read-only
/// unless <see cref="ReadWrite"/>; with rw, writes are discarded after the step (BuildKit's ForceNoOutput).
/// The content digest of the selected path is an input of the step's cache key, like a COPY source.
/// </summary>
public sealed record BindMount(string Target, SourceRef From, string SourcePath, bool ReadWrite) : Mount(Target)
{
    public override SourceRef? Source => From;
}
