using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>CMD: argv as stored (a shell form already wrapped with the SHELL in effect).</summary>
public sealed record CmdOp(ValueList<string> Command) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) =>
        state with { Cmd = Command, ArgsEscaped = true };
}
