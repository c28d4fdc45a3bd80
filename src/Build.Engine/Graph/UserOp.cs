namespace Build.Engine.Graph;

/// <summary>USER: the raw <c>user[:group]</c> text; later RUN steps carry it in their <see cref="ExecOp.User"/>.</summary>
public sealed record UserOp(string User) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { User = User };
}
