namespace Build.Cli.Tests.Commands;

/// <summary>
/// <c>builder cache replay|advise</c> argument handling: bad input gives one line naming the flag or path and a
/// non-zero exit, before anything is built (the end-to-end replays are in Build.Integration.Tests/Replay).
/// </summary>
public sealed class CacheCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "builder-cache-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public CacheCommandTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private (int Code, string Stderr) Run(params string[] args)
    {
        var stderr = new StringWriter();
        int code = CliApp.Run(["--root", Path.Combine(dir, "root"), .. args], new StringWriter(), stderr);
        return (code, stderr.ToString());
    }

    private string Repository()
    {
        string repo = Path.Combine(dir, "repo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main", ".");
        File.WriteAllText(Path.Combine(repo, "Dockerfile"), "FROM scratch\n");
        Git(repo, "add", "-A");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "one");
        return repo;
    }

    private static void Git(string repo, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-C");
        psi.ArgumentList.Add(repo);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void A_directory_that_is_not_a_git_repository_is_one_clear_error()
    {
        var (code, stderr) = Run("cache", "replay", dir);
        Assert.Equal(CliApp.Failure, code);
        Assert.Equal($"error: {dir}: not a git repository (cache replay replays its commits)", stderr.Trim());
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var (code, stderr) = Run("cache", "advise", Path.Combine(dir, "nope"));
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("nope: no such directory", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--format", "xml", "--format: invalid value \"xml\" (expected text, json or html)")]
    [InlineData("--commits", "0", "--commits: 0 is not a positive number")]
    [InlineData("--revs", "nosuchref..HEAD", "git log")]
    public void Bad_flags_name_the_flag(string flag, string value, string expected)
    {
        string repo = Repository();
        var (code, stderr) = Run("cache", "replay", flag, value, repo);
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Commits_and_revs_exclude_each_other()
    {
        string repo = Repository();
        var (code, stderr) = Run("cache", "replay", "--commits", "3", "--revs", "HEAD~1..HEAD", repo);
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("--commits and --revs cannot be used together", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dockerfile_path_leaving_the_repository_is_refused()
    {
        string repo = Repository();
        var (code, stderr) = Run("cache", "replay", "-f", "../Dockerfile", repo);
        Assert.Equal(CliApp.Failure, code);
        Assert.Contains("-f ../Dockerfile: a Dockerfile inside the repository cannot name a path outside it", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void From_report_must_be_a_replay_report()
    {
        string repo = Repository();
        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "[1, 2]");
        var (code, stderr) = Run("cache", "advise", "--from-report", bad, repo);
        Assert.Equal(CliApp.Failure, code);
        Assert.StartsWith($"error: --from-report {bad}: not a replay report", stderr, StringComparison.Ordinal);
    }
}
