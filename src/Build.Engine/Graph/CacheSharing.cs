namespace Build.Engine.Graph;

/// <summary>How concurrent builds share one cache mount (<c>sharing=shared|private|locked</c>).</summary>
public enum CacheSharing
{
    Shared = 0,
    Private = 1,
    Locked = 2,
}
