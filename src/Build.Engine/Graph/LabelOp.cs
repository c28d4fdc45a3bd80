using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>LABEL: later values replace earlier ones and the base image's.</summary>
public sealed record LabelOp(ValueList<KeyValue> Labels) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state)
    {
        var labels = state.Labels;
        foreach (var kv in Labels) labels = ImageConfigState.SetKeySorted(labels, kv.Key, kv.Value);
        return state with { Labels = labels };
    }
}
