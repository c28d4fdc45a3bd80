namespace Build.Engine.Graph;

/// <summary>Where a filesystem comes from: the build context, an earlier stage, an image, or nothing.</summary>
public enum SourceKind
{
    Context = 0,
    Stage = 1,
    Image = 2,
    Scratch = 3,
}
