namespace Build.Parser.Syntax;

/// <summary><c>RUN --security=</c>.</summary>
public enum SecurityMode
{
    Sandbox,
    Insecure,
}
