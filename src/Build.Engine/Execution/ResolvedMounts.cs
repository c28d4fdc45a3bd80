using System.Collections.Immutable;

namespace Build.Engine.Execution;

/// <summary>
/// A step's mounts made ready: what the sandbox mounts, secret environment variables, and what must be
/// released afterwards (cache locks, throwaway overlays, the secrets tmpfs). Dispose after the step.
/// </summary>
public sealed class ResolvedMounts : IAsyncDisposable
{
    private readonly List<Action> _cleanup;

    internal ResolvedMounts(ImmutableArray<ExecMount> mounts, ImmutableArray<string> env, List<Action> cleanup)
    {
        Mounts = mounts;
        Env = env;
        _cleanup = cleanup;
    }

    public ImmutableArray<ExecMount> Mounts { get; }

    /// <summary><c>NAME=value</c> entries from secrets with <c>env=</c>; add them to the step's env, never to its cache key.</summary>
    public ImmutableArray<string> Env { get; }

    public ValueTask DisposeAsync()
    {
        // Reverse order: unmount before deleting, release locks last.
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            try
            {
                _cleanup[i]();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp dir is collected with the state directory.
            }
        }
        _cleanup.Clear();
        return ValueTask.CompletedTask;
    }
}
