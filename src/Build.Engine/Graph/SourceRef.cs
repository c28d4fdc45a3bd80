namespace Build.Engine.Graph;

/// <summary>
/// A filesystem an op reads: the build context, the result of stage <see cref="StageIndex"/>, the image
/// <see cref="ImageReference"/> (as written after ARG expansion, e.g. <c>alpine:3.20</c>; the solver resolves it to
/// a digest, and that digest is what enters cache keys), or scratch (empty).
/// </summary>
public sealed record SourceRef
{
    private SourceRef(SourceKind kind, int stageIndex, string? imageReference)
    {
        Kind = kind;
        StageIndex = stageIndex;
        ImageReference = imageReference;
    }

    public SourceKind Kind { get; }

    /// <summary>The Dockerfile index (0-based) of the stage; -1 unless <see cref="Kind"/> is Stage.</summary>
    public int StageIndex { get; }

    /// <summary>The image reference; null unless <see cref="Kind"/> is Image.</summary>
    public string? ImageReference { get; }

    public static SourceRef Context { get; } = new(SourceKind.Context, -1, null);

    public static SourceRef Scratch { get; } = new(SourceKind.Scratch, -1, null);

    public static SourceRef Stage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new(SourceKind.Stage, index, null);
    }

    public static SourceRef Image(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        return new(SourceKind.Image, -1, reference);
    }

    public override string ToString() => Kind switch
    {
        SourceKind.Context => "context",
        SourceKind.Stage => "stage " + StageIndex,
        SourceKind.Image => "image " + ImageReference,
        _ => "scratch",
    };
}
