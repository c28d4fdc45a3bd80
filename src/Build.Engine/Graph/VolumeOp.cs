using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>VOLUME: paths as written after expansion.</summary>
public sealed record VolumeOp(ValueList<string> Paths) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) =>
        state with { Volumes = ImageConfigState.AddSorted(state.Volumes, Paths) };
}
