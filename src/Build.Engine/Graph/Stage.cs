using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// One FROM block. <see cref="Index"/> is its position in the Dockerfile (stable across <c>--target</c> pruning, so
/// references stay meaningful); <see cref="Name"/> is the lower-cased <c>AS</c> name or null. <see cref="Base"/>
/// is scratch, an image reference, or an earlier stage. <see cref="BaseConfig"/> is the configuration the frontend
/// started from (the base image's config as the lookup returned it, or the base stage's final config, with PATH
/// defaulted and ONBUILD triggers consumed); folding <see cref="Steps"/> over it gives <see cref="FinalConfig"/>.
/// </summary>
public sealed record Stage(
    int Index,
    string? Name,
    SourceRef Base,
    string Platform,
    SourceLocation Location,
    string BaseDescription,
    ImageConfigState BaseConfig,
    ValueList<Vertex> Steps)
{
    /// <summary>The name shown in progress and messages: the AS name, else <c>stage-N</c>.</summary>
    public string DisplayName => Name ?? "stage-" + Index;

    public ImageConfigState FinalConfig => Steps.Aggregate(BaseConfig, (state, step) => step.Op.Apply(state));

    /// <summary>Earlier stages this stage needs: its base stage and every stage its steps read.</summary>
    public IEnumerable<int> StageDependencies =>
        (Base.Kind == SourceKind.Stage ? [Base.StageIndex] : Enumerable.Empty<int>())
            .Concat(Steps.SelectMany(s => s.StageDependencies))
            .Distinct()
            .Order();
}
