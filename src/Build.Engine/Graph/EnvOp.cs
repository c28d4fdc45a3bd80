using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>ENV: values already expanded (each against the environment before this instruction).</summary>
public sealed record EnvOp(ValueList<KeyValue> Variables) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state)
    {
        var env = state.Env;
        foreach (var kv in Variables) env = ImageConfigState.SetKey(env, kv.Key, kv.Value);
        return state with { Env = env };
    }
}
