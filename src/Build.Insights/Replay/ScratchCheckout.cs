using Build.Engine.Errors;

namespace Build.Insights.Replay;

/// <summary>
/// A private work tree in which commits are checked out one after the other: <c>git clone --shared
/// --no-checkout</c> of the user's repository into a temporary directory. Cloning only reads the user's
/// repository (objects are borrowed through git's alternates), so the user's work tree, index, branches and
/// worktree list are never written, whatever happens to the replay; disposing deletes the clone.
/// Checkouts into one clone keep unchanged files untouched between commits, as on a CI runner that reuses its
/// checkout, so the stat cache behaves as it would there. The clone's <c>.git</c> is part of the context, as it is
/// in a CI checkout (a <c>.dockerignore</c> suggestion names it when it costs misses).
/// </summary>
public sealed class ScratchCheckout : IAsyncDisposable
{
    private ScratchCheckout(string directory, string repository)
    {
        Directory = directory;
        Repository = repository;
    }

    /// <summary>The work tree (the build context of each commit).</summary>
    public string Directory { get; }

    public string Repository { get; }

    public static async Task<ScratchCheckout> CreateAsync(string repository, string parent, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(parent);
        string dir = Path.Combine(parent, "replay-" + Guid.NewGuid().ToString("N")[..12]);
        var scratch = new ScratchCheckout(dir, repository);
        try
        {
            await Git.RunAsync(parent, ct, "clone", "--quiet", "--shared", "--no-checkout", repository, dir).ConfigureAwait(false);
            return scratch;
        }
        catch
        {
            await scratch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task CheckoutAsync(string commit, CancellationToken ct) =>
        Git.RunAsync(Directory, ct, "checkout", "--quiet", "--force", "--detach", commit);

    /// <summary>Files changed between two commits (paths relative to the repository root).</summary>
    public async Task<IReadOnlyList<string>> ChangedFilesAsync(string from, string to, CancellationToken ct) =>
        Git.Lines(await Git.RunAsync(Directory, ct, "diff", "--name-only", "--no-renames", from, to).ConfigureAwait(false));

    /// <summary>Every file of a commit (for the advisor: which manifests exist, which top-level entries).</summary>
    public Task<IReadOnlyList<string>> FilesAsync(string commit, CancellationToken ct) => ListFilesAsync(Directory, commit, ct);

    /// <summary>A file's text at a commit, read from the object store (null when the commit has no such file).</summary>
    public static async Task<string?> ShowAsync(string repository, string commit, string path, CancellationToken ct)
    {
        try
        {
            return await Git.RunAsync(repository, ct, "show", commit + ":" + path).ConfigureAwait(false);
        }
        catch (BuildException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            return null;
        }
    }

    public static async Task<IReadOnlyList<string>> ListFilesAsync(string repository, string commit, CancellationToken ct) =>
        Git.Lines(await Git.RunAsync(repository, ct, "ls-tree", "-r", "--name-only", commit).ConfigureAwait(false));

    /// <summary>The commits to replay, oldest first.</summary>
    public static async Task<IReadOnlyList<Commit>> ListCommitsAsync(string repository, int? count, string? range, CancellationToken ct)
    {
        if (count is not null && range is not null)
            throw new BuildException(ErrorCode.InvalidArgument, "--commits and --revs cannot be used together");
        if (count is <= 0)
            throw new BuildException(ErrorCode.InvalidArgument, $"--commits: {count} is not a positive number");
        string format = "--format=%H%x09%s";
        string output = range is not null
            ? await Git.RunAsync(repository, ct, "log", "--first-parent", "--reverse", format, range, "--").ConfigureAwait(false)
            : await Git.RunAsync(repository, ct, "log", "--first-parent", "--reverse", "-n",
                (count ?? ReplayOptions.DefaultCommits).ToString(System.Globalization.CultureInfo.InvariantCulture), format, "HEAD", "--").ConfigureAwait(false);
        var commits = Git.Lines(output).Select(l =>
        {
            int tab = l.IndexOf('\t', StringComparison.Ordinal);
            return tab < 0 ? new Commit(l, "") : new Commit(l[..tab], l[(tab + 1)..]);
        }).ToList();
        if (commits.Count == 0)
            throw new BuildException(ErrorCode.InvalidArgument, range is null ? $"{repository}: no commits to replay" : $"--revs {range}: no commits in the range");
        return commits;
    }

    /// <summary>Fails with one clear line unless <paramref name="repository"/> is a git work tree.</summary>
    public static async Task<string> ResolveRepositoryAsync(string repository, CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(repository))
            throw new BuildException(ErrorCode.NotFound, $"{repository}: no such directory");
        try
        {
            return (await Git.RunAsync(Path.GetFullPath(repository), ct, "rev-parse", "--show-toplevel").ConfigureAwait(false)).Trim();
        }
        catch (BuildException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"{repository}: not a git repository (cache replay replays its commits)", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory))
                System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
