using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// ENTRYPOINT: argv as stored (shell form wrapped). <see cref="ResetCmd"/> is true when no CMD came earlier in the
/// same stage: docker then clears the CMD inherited from the base, because a base's CMD was written for the
/// base's ENTRYPOINT and would become stray arguments to the new one.
/// </summary>
public sealed record EntrypointOp(ValueList<string> Entrypoint, bool ResetCmd) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) =>
        ResetCmd ? state with { Entrypoint = Entrypoint, Cmd = null } : state with { Entrypoint = Entrypoint };
}
