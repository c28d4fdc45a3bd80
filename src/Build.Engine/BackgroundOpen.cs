namespace Build.Engine;

/// <summary>
/// Something opened on a thread-pool thread while the caller does other work. <see cref="TakeAsync"/> hands it over
/// (the caller disposes it from then on); disposing this without taking it waits for the open and disposes the result,
/// so an error in between (a Dockerfile syntax error, say) leaks nothing.
/// </summary>
internal sealed class BackgroundOpen<T>(Func<T> open) : IAsyncDisposable
    where T : class, IDisposable
{
    private readonly Task<T> _task = Task.Run(open, CancellationToken.None);
    private bool _taken;

    public async Task<T> TakeAsync()
    {
        var value = await _task.ConfigureAwait(false);
        _taken = true;
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_taken)
            return;
        try
        {
            (await _task.ConfigureAwait(false)).Dispose();
        }
        catch (Exception)
        {
            // The open failed after the build had already failed for another reason: that reason is the one reported.
        }
    }
}
