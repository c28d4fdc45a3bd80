using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>EXPOSE: normalised <c>port/proto</c> entries (ranges already expanded, protocol lower-cased).</summary>
public sealed record ExposeOp(ValueList<string> Ports) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) =>
        state with { ExposedPorts = ImageConfigState.AddSorted(state.ExposedPorts, Ports) };
}
