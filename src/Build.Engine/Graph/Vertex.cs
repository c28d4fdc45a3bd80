namespace Build.Engine.Graph;

/// <summary>
/// One step of a stage. <see cref="Id"/> is stable within a graph (<c>s1.3</c>: stage 1, step 3).
/// <see cref="Description"/> is BuildKit's progress name (<c>[build 2/5] RUN make</c>; metadata steps get the
/// instruction text without a counter, since BuildKit shows no progress line for them). A step depends on the
/// step before it in its stage and on the final step of every stage in <see cref="Op"/>'s inputs.
/// Only <see cref="Op"/> is cache-relevant.
/// </summary>
public sealed record Vertex(
    string Id,
    int StageIndex,
    string Description,
    SourceLocation Location,
    Op Op,
    StepHistory? History,
    bool FromOnBuild)
{
    /// <summary>Indexes of the stages this step reads (COPY --from, RUN --mount from=), ascending, unique.</summary>
    public IEnumerable<int> StageDependencies =>
        Op.Inputs.Where(s => s.Kind == SourceKind.Stage).Select(s => s.StageIndex).Distinct().Order();
}
