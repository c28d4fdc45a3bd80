using Build.Engine.Solving;

namespace Build.Integration.Tests.Support;

/// <summary>A build's event observer for tests: collects the events into a list (thread-safe), or drops them.</summary>
internal sealed class EventCollector(List<BuildEvent>? events) : IObserver<BuildEvent>
{
    /// <summary>An observer that keeps nothing.</summary>
    public static readonly EventCollector None = new(null);

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void OnNext(BuildEvent value)
    {
        if (events is null)
            return;
        lock (events)
            events.Add(value);
    }
}
