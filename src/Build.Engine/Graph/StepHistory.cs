namespace Build.Engine.Graph;

/// <summary>
/// The image history entry a step writes, as BuildKit writes it: <see cref="CreatedBy"/> like
/// <c>RUN |1 V=2 /bin/sh -c make # buildkit</c>, <c>COPY app /app # buildkit</c> or <c>ENV A=b</c>;
/// <see cref="EmptyLayer"/> for metadata-only steps. The solver adds the timestamp. Not cache-relevant.
/// </summary>
public sealed record StepHistory(string CreatedBy, bool EmptyLayer)
{
    /// <summary>The comment BuildKit's Dockerfile frontend puts on every history entry.</summary>
    public const string BuildKitComment = "buildkit.dockerfile.v0";

    public string Comment => BuildKitComment;
}
