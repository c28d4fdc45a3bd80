namespace Build.Engine.Graph;

/// <summary>ONBUILD: records the trigger text for images built FROM this one. BuildKit writes no history for it.</summary>
public sealed record OnBuildOp(string Trigger) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { OnBuild = state.OnBuild.Add(Trigger) };
}
