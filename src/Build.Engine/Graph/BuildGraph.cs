using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// The engine's input: the stages a build needs (only those the target reaches through FROM, COPY --from and
/// RUN --mount from=; ordered by Dockerfile index), the target stage, the platforms, and the build arguments as
/// resolved. Free of Dockerfile syntax: every word is expanded, every path resolved, every shell form wrapped.
/// </summary>
public sealed record BuildGraph(
    ValueList<Stage> Stages,
    int TargetIndex,
    string BuildPlatform,
    string TargetPlatform,
    ValueList<KeyValue> BuildArgs)
{
    public Stage Target => GetStage(TargetIndex);

    /// <summary>The stage with Dockerfile index <paramref name="index"/>.</summary>
    public Stage GetStage(int index) =>
        TryGetStage(index) ?? throw new ArgumentOutOfRangeException(nameof(index), $"stage {index} is not in the graph");

    public Stage? TryGetStage(int index)
    {
        foreach (var s in Stages)
            if (s.Index == index) return s;
        return null;
    }

    /// <summary>Ids of the vertices <paramref name="vertex"/> directly depends on.</summary>
    public IEnumerable<string> DependenciesOf(Vertex vertex)
    {
        var stage = GetStage(vertex.StageIndex);
        var position = -1;
        for (var i = 0; i < stage.Steps.Count; i++)
        {
            if (stage.Steps[i].Equals(vertex))
            {
                position = i;
                break;
            }
        }
        if (position > 0)
            yield return stage.Steps[position - 1].Id;
        else if (position == 0 && stage.Base.Kind == SourceKind.Stage && LastVertexId(stage.Base.StageIndex) is { } b)
            yield return b;
        foreach (var dep in vertex.StageDependencies)
            if (LastVertexId(dep) is { } id)
                yield return id;
    }

    /// <summary>Id of the last vertex of stage <paramref name="index"/>, following empty stages to their base.</summary>
    public string? LastVertexId(int index)
    {
        var stage = TryGetStage(index);
        while (stage is not null)
        {
            if (stage.Steps.Count > 0) return stage.Steps[^1].Id;
            stage = stage.Base.Kind == SourceKind.Stage ? TryGetStage(stage.Base.StageIndex) : null;
        }
        return null;
    }
}
