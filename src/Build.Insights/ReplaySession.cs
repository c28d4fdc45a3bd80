using Build.Insights.Advice;
using Build.Insights.Replay;
using Build.Insights.Reports;

namespace Build.Insights;

/// <summary>
/// <c>cache replay</c> and <c>cache advise</c> end to end: replay, advise, and with an apply-to path write the
/// rewritten Dockerfile (plus <c>NAME.dockerignore</c>) and replay the history again with it. When comparing,
/// both replays start from an empty cache so neither profits from the other's records.
/// </summary>
public static class ReplaySession
{
    public static async Task<ReplayReport> RunAsync(CacheReplayer replayer, ReplayOptions options, string? applyTo, TimeProvider time,
        IProgress<ReplayProgress>? progress, CancellationToken ct)
    {
        if (applyTo is not null)
            options = options with { Fresh = true };
        var first = await replayer.ReplayAsync(options, progress, ct).ConfigureAwait(false);
        var advice = Advise(first);
        ReplayRun? advised = null;
        if (applyTo is not null)
        {
            string path = await WriteAdvisedAsync(applyTo, advice, first.DockerIgnore, ct).ConfigureAwait(false);
            advised = (await replayer.ReplayAsync(options with { Dockerfile = path }, progress, ct).ConfigureAwait(false)).Run;
        }
        return new ReplayReport(options.Repository, options.Target, time.GetUtcNow(), first.Run, advice.Suggestions, advised);
    }

    public static AdviceResult Advise(ReplayResult replay) =>
        DockerfileAdvisor.Advise(new AdviceInput(replay.DockerfileText, replay.DockerfileName, replay.Files, replay.DockerIgnore, replay.Run));

    /// <summary>
    /// Advice from a saved JSON report: the Dockerfile, files and .dockerignore are read from the repository at the
    /// report's last commit (git only reads), or the Dockerfile from <paramref name="dockerfile"/> when it is absolute.
    /// </summary>
    public static async Task<AdviceResult> AdviseFromReportAsync(ReplayReport report, string repository, string? dockerfile, CancellationToken ct)
    {
        string repo = await ScratchCheckout.ResolveRepositoryAsync(repository, ct).ConfigureAwait(false);
        var last = report.Original.Builds.LastOrDefault(b => b.Error is null) ?? report.Original.Builds.LastOrDefault()
            ?? throw new Engine.Errors.BuildException(Engine.Errors.ErrorCode.InvalidArgument, "the report has no builds");
        string name = dockerfile ?? report.Original.Dockerfile;
        string text = Path.IsPathRooted(name)
            ? await File.ReadAllTextAsync(name, ct).ConfigureAwait(false)
            : await ScratchCheckout.ShowAsync(repo, last.Commit, name, ct).ConfigureAwait(false)
                ?? throw new Engine.Errors.BuildException(Engine.Errors.ErrorCode.NotFound, $"{name}: not in commit {last.ShortCommit}");
        var files = await ScratchCheckout.ListFilesAsync(repo, last.Commit, ct).ConfigureAwait(false);
        string? ignore = await ScratchCheckout.ShowAsync(repo, last.Commit, ".dockerignore", ct).ConfigureAwait(false);
        return DockerfileAdvisor.Advise(new AdviceInput(text, Path.GetFileName(name), files, ignore, report.Original));
    }

    /// <summary>Writes the rewritten Dockerfile and its ignore file (the suggested one, else the original's); returns the full path.</summary>
    public static async Task<string> WriteAdvisedAsync(string applyTo, AdviceResult advice, string? originalDockerIgnore, CancellationToken ct)
    {
        string path = Path.GetFullPath(applyTo);
        string? dir = Path.GetDirectoryName(path);
        if (dir is not null)
            Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(path, advice.RewrittenDockerfile, ct).ConfigureAwait(false);
        // A Dockerfile outside the context takes NAME.dockerignore beside it over the context's .dockerignore.
        await File.WriteAllTextAsync(path + ".dockerignore", advice.DockerIgnore ?? originalDockerIgnore ?? "", ct).ConfigureAwait(false);
        return path;
    }
}
