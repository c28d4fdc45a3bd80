namespace Build.Engine.Graph;

/// <summary>HEALTHCHECK: the check to store (<c>HEALTHCHECK NONE</c> stores Test <c>["NONE"]</c>).</summary>
public sealed record HealthcheckOp(HealthcheckConfig Healthcheck) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { Healthcheck = Healthcheck };
}
