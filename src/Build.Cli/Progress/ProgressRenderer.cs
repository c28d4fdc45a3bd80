using Build.Engine.Solving;

namespace Build.Cli.Progress;

/// <summary>Base of the progress renderers: an observer of the build's event stream that writes to a terminal or pipe.</summary>
public abstract class ProgressRenderer : IObserver<BuildEvent>, IDisposable
{
    public abstract void OnNext(BuildEvent value);

    public virtual void OnCompleted()
    {
    }

    public virtual void OnError(Exception error)
    {
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>
    /// Picks the renderer for a mode. <c>auto</c> is tty when stderr is a terminal, plain otherwise, as in
    /// buildx. Progress goes to stderr so stdout stays clean for <c>-q</c> (the image id) and piping.
    /// </summary>
    public static ProgressRenderer Create(ProgressMode mode, TextWriter stderr, bool stderrIsTerminal, TimeProvider time) => mode switch
    {
        ProgressMode.Quiet => new QuietProgressRenderer(),
        ProgressMode.RawJson => new RawJsonProgressRenderer(stderr),
        ProgressMode.Tty => new TtyProgressRenderer(stderr, time),
        ProgressMode.Auto when stderrIsTerminal => new TtyProgressRenderer(stderr, time),
        _ => new PlainProgressRenderer(stderr),
    };

    public static bool TryParseMode(string text, out ProgressMode mode)
    {
        switch (text.ToLowerInvariant())
        {
            case "auto": mode = ProgressMode.Auto; return true;
            case "plain": mode = ProgressMode.Plain; return true;
            case "tty": mode = ProgressMode.Tty; return true;
            case "quiet": mode = ProgressMode.Quiet; return true;
            case "rawjson": mode = ProgressMode.RawJson; return true;
            default: mode = ProgressMode.Auto; return false;
        }
    }
}
