namespace Build.Parser.Syntax;

/// <summary><c>RUN --network=</c>.</summary>
public enum NetworkMode
{
    Default,
    None,
    Host,
}
