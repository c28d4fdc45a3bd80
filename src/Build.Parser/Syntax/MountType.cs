namespace Build.Parser.Syntax;

/// <summary>The <c>type=</c> of a <c>RUN --mount</c>.</summary>
public enum MountType
{
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}
