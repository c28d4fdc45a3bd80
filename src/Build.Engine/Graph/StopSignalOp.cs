namespace Build.Engine.Graph;

/// <summary>STOPSIGNAL: the signal as written (validated as a name or number).</summary>
public sealed record StopSignalOp(string Signal) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { StopSignal = Signal };
}
