using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Replay;

/// <summary>git for the tests (never in the repository under test's work tree unless reading).</summary>
internal static class Git
{
    public static string Run(string repo, params string[] args) => TempDirectory.Run("git", ["-C", repo, .. args]);

    /// <summary>
    /// Everything a replay must leave alone, as one string: HEAD and its branch, branches, worktrees, stash,
    /// the index file's bytes, status with untracked files, and every work-tree file's content digest.
    /// </summary>
    public static string Snapshot(string repo)
    {
        var parts = new List<string>
        {
            Run(repo, "rev-parse", "HEAD"),
            Run(repo, "symbolic-ref", "HEAD"),
            Run(repo, "branch", "-a", "-v"),
            Run(repo, "worktree", "list", "--porcelain"),
            Run(repo, "stash", "list"),
            Run(repo, "status", "--porcelain=v1", "-uall"),
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(repo, ".git", "index")))),
            string.Join("\n", Directory.GetDirectories(Path.Combine(repo, ".git")).Select(Path.GetFileName).Order(StringComparer.Ordinal)),
        };
        foreach (var f in Directory.EnumerateFiles(repo, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/.git/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            parts.Add(f + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
        return string.Join("\n", parts);
    }
}
