using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>SHELL: the shell later shell-form RUN, CMD and ENTRYPOINT are wrapped with.</summary>
public sealed record ShellOp(ValueList<string> Shell) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { Shell = Shell };
}
