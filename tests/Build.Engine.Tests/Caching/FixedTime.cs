namespace Build.Engine.Tests.Caching;

/// <summary>A clock standing still at a given moment.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
