namespace Build.Engine.Graph;

/// <summary>
/// <c>type=cache</c>: a persistent directory keyed by <see cref="Id"/> (default: the target). Its contents never
/// enter a cache key (that is the point of a cache mount). <see cref="From"/> seeds it (default scratch);
/// <see cref="Mode"/>, <see cref="Uid"/>, <see cref="Gid"/> set the owner of a fresh cache directory.
/// </summary>
public sealed record CacheMount(
    string Target,
    string Id,
    CacheSharing Sharing,
    bool ReadOnly,
    SourceRef From,
    string SourcePath,
    int Mode,
    int Uid,
    int Gid) : Mount(Target)
{
    public override SourceRef? Source => From.Kind == SourceKind.Scratch ? null : From;
}
