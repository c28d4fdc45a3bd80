using System.CommandLine;
using System.Globalization;
using Build.Cli.Options;
using Build.Engine.Errors;
using Build.Engine.Graph;
using Build.Insights;
using Build.Insights.Replay;
using Build.Insights.Reports;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder cache replay|advise</c>: replay a git history through the cache, report how well it served, and
/// suggest Dockerfile edits (docs/cache-replay.md). The work is in Build.Insights; this file only maps flags.
/// </summary>
internal static class CacheCommand
{
    internal static Command Create()
    {
        var cmd = new Command("cache", "Measure how well the build cache serves a repository's history, and how to improve it");
        cmd.Subcommands.Add(Replay());
        cmd.Subcommands.Add(Advise());
        return cmd;
    }

    private sealed class Flags
    {
        public Argument<string> Repository { get; } = new("REPO_DIR") { Description = "A git work tree whose commits are replayed (only read)" };
        public Option<string?> File { get; } = new("--file", "-f") { Description = "Dockerfile: a path inside the repository read from each commit (default Dockerfile), or an absolute path used for every commit" };
        public Option<string?> Target { get; } = new("--target") { Description = "Target build stage" };
        public Option<string[]> BuildArgs { get; } = new("--build-arg") { Description = "Build-time variable KEY=VALUE; {commit}, {short} and {n} are replaced per commit" };
        public Option<int?> Commits { get; } = new("--commits") { Description = "Replay the last N first-parent commits of HEAD (default 20)" };
        public Option<string?> Revs { get; } = new("--revs") { Description = "Replay the commits of a range A..B (first-parent, oldest first)" };
        public Option<bool> Fresh { get; } = new("--fresh") { Description = "Start from an empty cache (a temporary root; base images are copied from the builder root)" };
        public Option<bool> MeasureNoCache { get; } = new("--measure-no-cache") { Description = "Also build every commit with --no-cache to measure, not estimate, the no-cache time" };
        public Option<string?> Format { get; } = new("--format") { Description = "Report format: text, json or html (default: from the -o extension, else text)" };
        public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        public Option<string?> ApplyTo { get; } = new("--apply-to") { Description = "Write the Dockerfile with all suggestions applied to FILE (and FILE.dockerignore)" };
        public Option<string> Network { get; } = new("--network") { Description = "Networking mode for RUN instructions: host (default) or none", DefaultValueFactory = _ => "host" };

        public void AddTo(Command c)
        {
            c.Arguments.Add(Repository);
            foreach (var o in new Option[] { File, Target, BuildArgs, Commits, Revs, Fresh, MeasureNoCache, Format, Output, ApplyTo, Network })
                c.Options.Add(o);
        }

        public ReplayOptions ToOptions(ParseResult p) => new()
        {
            Repository = p.GetValue(Repository)!,
            Dockerfile = p.GetValue(File) is { } f && f.StartsWith("./", StringComparison.Ordinal) && !Path.IsPathRooted(f) ? f[2..] : p.GetValue(File),
            Target = p.GetValue(Target),
            BuildArgs = KeyValueArgs.Parse("--build-arg", p.GetValue(BuildArgs) ?? [], Environment.GetEnvironmentVariable)
                .Select(kv => new KeyValue(kv.Key, kv.Value)).ToList(),
            Commits = p.GetValue(Commits),
            Revisions = p.GetValue(Revs),
            Fresh = p.GetValue(Fresh),
            MeasureNoCache = p.GetValue(MeasureNoCache),
            Network = p.GetValue(Network)!.ToLowerInvariant() switch
            {
                "host" or "default" => Build.Engine.Execution.NetworkMode.Host,
                "none" => Build.Engine.Execution.NetworkMode.None,
                var n => throw new BuildException(ErrorCode.InvalidArgument, $"--network: invalid value \"{n}\" (expected host or none)"),
            },
        };

        public ReportFormat GetFormat(ParseResult p)
        {
            string? text = p.GetValue(Format);
            if (text is null)
            {
                return Path.GetExtension(p.GetValue(Output) ?? "").ToLowerInvariant() switch
                {
                    ".html" or ".htm" => Build.Insights.Reports.ReportFormat.Html,
                    ".json" => Build.Insights.Reports.ReportFormat.Json,
                    _ => Build.Insights.Reports.ReportFormat.Text,
                };
            }
            return text.ToLowerInvariant() switch
            {
                "text" => Build.Insights.Reports.ReportFormat.Text,
                "json" => Build.Insights.Reports.ReportFormat.Json,
                "html" => Build.Insights.Reports.ReportFormat.Html,
                _ => throw new BuildException(ErrorCode.InvalidArgument, $"--format: invalid value \"{text}\" (expected text, json or html)"),
            };
        }
    }

    private static Command Replay()
    {
        var flags = new Flags();
        var cmd = new Command("replay", "Check out each commit into a scratch tree, build it, and report hits, misses, their causes and advice");
        flags.AddTo(cmd);
        cmd.SetAction(async (p, ct) =>
        {
            var stderr = p.InvocationConfiguration.Error;
            var format = flags.GetFormat(p);
            var options = flags.ToOptions(p);
            var report = await ReplaySession.RunAsync(CreateReplayer(p), options, p.GetValue(flags.ApplyTo), TimeProvider.System, Progress(stderr), ct).ConfigureAwait(false);
            var text = new StringWriter(CultureInfo.InvariantCulture);
            ReportWriter.Write(report, format, text);
            await EmitAsync(p, flags, text.ToString(), ct).ConfigureAwait(false);
            if (p.GetValue(flags.ApplyTo) is { } applied)
                await stderr.WriteLineAsync($"wrote {Path.GetFullPath(applied)} and {Path.GetFullPath(applied)}.dockerignore").ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }

    private static Command Advise()
    {
        var flags = new Flags();
        var fromReport = new Option<string?>("--from-report") { Description = "Advise from a JSON report of an earlier replay instead of replaying again" };
        var cmd = new Command("advise", "Suggest Dockerfile edits that would have raised the hit ratio on the repository's history");
        flags.AddTo(cmd);
        cmd.Options.Add(fromReport);
        cmd.SetAction(async (p, ct) =>
        {
            var stderr = p.InvocationConfiguration.Error;
            var format = flags.GetFormat(p);
            var options = flags.ToOptions(p);
            Build.Insights.Advice.AdviceResult advice;
            ReplayReport report;
            if (p.GetValue(fromReport) is { } saved)
            {
                if (!System.IO.File.Exists(saved))
                    throw new BuildException(ErrorCode.NotFound, $"--from-report {saved}: no such file");
                ReplayReport earlier;
                try
                {
                    earlier = ReportWriter.FromJson(await System.IO.File.ReadAllTextAsync(saved, ct).ConfigureAwait(false));
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new BuildException(ErrorCode.InvalidArgument, $"--from-report {saved}: not a replay report ({e.Message})", e);
                }
                advice = await ReplaySession.AdviseFromReportAsync(earlier, options.Repository, options.Dockerfile is { } d && Path.IsPathRooted(d) ? d : options.Dockerfile, ct).ConfigureAwait(false);
                report = earlier with { Advice = advice.Suggestions, Advised = null };
            }
            else
            {
                var replay = await CreateReplayer(p).ReplayAsync(options, Progress(stderr), ct).ConfigureAwait(false);
                advice = ReplaySession.Advise(replay);
                report = new ReplayReport(options.Repository, options.Target, TimeProvider.System.GetUtcNow(), replay.Run, advice.Suggestions, null);
                if (p.GetValue(flags.ApplyTo) is { } applyTo)
                    await ReplaySession.WriteAdvisedAsync(applyTo, advice, replay.DockerIgnore, ct).ConfigureAwait(false);
            }
            if (p.GetValue(fromReport) is not null && p.GetValue(flags.ApplyTo) is { } apply)
                await ReplaySession.WriteAdvisedAsync(apply, advice, null, ct).ConfigureAwait(false);
            string output;
            if (format == ReportFormat.Text)
            {
                var w = new StringWriter(CultureInfo.InvariantCulture);
                if (advice.Suggestions.Count == 0)
                    w.WriteLine("No advice: no recognised pattern cost misses on this history.");
                else
                    Build.Insights.Reports.ReportWriter.WriteAdvice(advice.Suggestions, w);
                output = w.ToString();
            }
            else
            {
                var w = new StringWriter(CultureInfo.InvariantCulture);
                ReportWriter.Write(report, format, w);
                output = w.ToString();
            }
            await EmitAsync(p, flags, output, ct).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }

    private static CacheReplayer CreateReplayer(ParseResult p) =>
        new(CliApp.ResolveRoot(p), TimeProvider.System, Environment.GetEnvironmentVariable,
            r => RegistryAccess.CreatePuller(r, [], TextWriter.Null));

    private static Progress<ReplayProgress> Progress(TextWriter stderr) => new SynchronousProgress(p =>
    {
        var b = p.Build;
        string line = b.Error is not null
            ? string.Create(CultureInfo.InvariantCulture, $"[{p.Number}/{p.Total}] {b.ShortCommit} failed: {b.Error}")
            : string.Create(CultureInfo.InvariantCulture, $"[{p.Number}/{p.Total}] {b.ShortCommit} {b.Hits} hits, {b.Misses} misses, {b.WallMs / 1000:0.00}s  {b.Subject}");
        lock (stderr)
            stderr.WriteLine(line);
    });

    private static async Task EmitAsync(ParseResult p, Flags flags, string text, CancellationToken ct)
    {
        if (p.GetValue(flags.Output) is { } file)
            await AtomicFile.WriteAllTextAsync(file, text, ct).ConfigureAwait(false);
        else
            await p.InvocationConfiguration.Output.WriteAsync(text).ConfigureAwait(false);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress(Action<ReplayProgress> report) : Progress<ReplayProgress>, IProgress<ReplayProgress>
    {
        void IProgress<ReplayProgress>.Report(ReplayProgress value) => report(value);
    }
}
