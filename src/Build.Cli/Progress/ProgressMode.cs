namespace Build.Cli.Progress;

/// <summary>The <c>--progress</c> values docker buildx accepts.</summary>
public enum ProgressMode
{
    Auto,
    Plain,
    Tty,
    Quiet,
    RawJson,
}
