using Build.Engine.Solving;

namespace Build.Cli.Progress;

/// <summary><c>--progress=quiet</c> / <c>-q</c>: nothing while building; errors are still printed by the command.</summary>
public sealed class QuietProgressRenderer : ProgressRenderer
{
    public override void OnNext(BuildEvent value)
    {
    }
}
