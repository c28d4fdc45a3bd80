namespace Build.Engine.Graph;

/// <summary><c>RUN --network</c>. Default means "whatever the build was started with" (<c>builder build --network</c>).</summary>
public enum NetworkMode
{
    Default = 0,
    None = 1,
    Host = 2,
}
