namespace Build.Engine.Graph;

/// <summary>MAINTAINER (deprecated): sets the image's <c>author</c>.</summary>
public sealed record MaintainerOp(string Author) : ConfigOp
{
    public override ImageConfigState Apply(ImageConfigState state) => state with { Author = Author };
}
