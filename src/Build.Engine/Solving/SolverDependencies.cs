using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Execution;
using Build.Engine.Snapshots;

namespace Build.Engine.Solving;

/// <summary>The services a solve uses, injected (nothing is read from statics inside the engine).</summary>
public sealed record SolverDependencies(
    IContentStore Content,
    ICacheStore Cache,
    SnapshotStore Snapshots,
    IExecutor Executor,
    IImageSource Images,
    BuildContext? Context,
    FileTreeHasher Hasher,
    string CacheMountRoot,
    string TempRoot,
    TimeProvider Time,
    Func<string, string?> Environment);
