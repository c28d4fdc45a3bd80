using System.Globalization;
using System.Text.RegularExpressions;
using Build.Insights.Reports;
using Build.Parser.Parsing;
using Build.Parser.Syntax;

namespace Build.Insights.Advice;

/// <summary>
/// Suggests Dockerfile edits from the Dockerfile and a recorded replay, each with the lines it changes and what
/// it would have saved on that history, and applies them all to produce the rewritten Dockerfile.
/// Gains are estimated per suggestion from the recorded steps (a step that would have hit saves the time it
/// took when it missed); they overlap, so they do not add up. Re-running the replay on the rewritten file
/// measures the combined gain.
/// </summary>
/// <remarks>
/// Rules, in the order they are applied: move an often-changing ARG below the steps that do not use it;
/// copy dependency manifests and install before the broad COPY; split files later steps do not need
/// (documentation) out of a broad COPY; cache mounts for package managers; .dockerignore entries for files that
/// change every commit and that nothing uses. Each is conservative: it fires only on the patterns it
/// recognises and says under which condition the edit is safe.
/// </remarks>
public static partial class DockerfileAdvisor
{
    public static AdviceResult Advise(AdviceInput input)
    {
        var parsed = DockerfileParser.Parse(input.DockerfileText, input.DockerfileName);
        var dockerfile = parsed.Dockerfile;
        if (dockerfile is null || parsed.HasErrors)
            return new AdviceResult([], input.DockerfileText, null);
        var editor = new DockerfileEditor(input.DockerfileText, dockerfile.Instructions.Select(i => (i.Span.StartLine, EndLine(i))));
        var context = new Context(input, dockerfile, editor);
        var suggestions = new List<Suggestion>();
        PlanDockerIgnore(context);
        suggestions.AddRange(MoveArgs(context));
        suggestions.AddRange(DependencyManifests(context));
        suggestions.AddRange(SplitCopies(context));
        suggestions.AddRange(CacheMounts(context));
        var ignore = DockerIgnoreEntries(context);
        string? ignoreText = null;
        if (ignore is not null)
        {
            suggestions.Add(ignore);
            string existing = input.DockerIgnore ?? "";
            if (existing.Length > 0 && !existing.EndsWith('\n'))
                existing += "\n";
            ignoreText = existing + "# added by builder cache advise\n" + string.Join("\n", ignore.DockerIgnoreEntries) + "\n";
        }
        return new AdviceResult(suggestions, editor.Text(), ignoreText);
    }

    private static int EndLine(Instruction i)
    {
        var s = i.Span;
        return s.EndColumn == 1 && s.EndLine > s.StartLine ? s.EndLine - 1 : s.EndLine;
    }

    private static int Line(Instruction i) => i.Span.StartLine;

    // ---- ARG below the expensive steps that do not use it -----------------------------------------------------

    private static IEnumerable<Suggestion> MoveArgs(Context c)
    {
        foreach (var stage in c.Dockerfile.Stages)
        {
            var body = stage.Instructions;
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not ArgInstruction { Args.Count: 1 } arg)
                    continue;
                string name = arg.Args[0].Name;
                var changedIn = c.Builds.Where(b => b.Steps.Any(s => c.InStage(stage, s) && s.Line > Line(arg)
                    && s.Changes.Any(ch => ch.Kind == "ArgChanged" && ch.Subject == name))).ToList();
                if (changedIn.Count < 2)
                    continue;
                var uses = UsesRegex(name);
                int userIndex = -1;
                for (int j = i + 1; j < body.Count; j++)
                {
                    if (uses.IsMatch(body[j].SourceText))
                    {
                        userIndex = j;
                        break;
                    }
                }
                var between = body.Skip(i + 1).Take((userIndex < 0 ? body.Count : userIndex) - i - 1).ToList();
                var runs = between.OfType<RunInstruction>().ToList();
                if (runs.Count == 0)
                    continue;
                int lastBetween = Line(between[^1]);
                int limit = userIndex < 0 ? int.MaxValue : Line(body[userIndex]);
                double gain = 0;
                int avoided = 0;
                foreach (var b in changedIn)
                {
                    // Steps above the new position no longer see the ARG: its change stops counting for them.
                    var (g, n) = Incremental(c, b, stage, (step, ch) => step.Line < limit && ch.Kind == "ArgChanged" && ch.Subject == name);
                    gain += g;
                    avoided += n;
                }
                if (avoided == 0)
                    continue;
                int argLine = Line(arg);
                c.Removals.Add((step, ch) => step.Line > argLine && step.Line < limit && ch.Kind == "ArgChanged" && ch.Subject == name);
                if (userIndex < 0)
                    c.Editor.MoveAfter(Line(arg), lastBetween);
                else
                    c.Editor.Move(Line(arg), Line(body[userIndex]));
                string runLines = string.Join(", ", runs.Select(r => Line(r).ToString(CultureInfo.InvariantCulture)));
                yield return new Suggestion(
                    SuggestionKind.MoveArg,
                    userIndex < 0 ? $"Move ARG {name} below the steps that do not use it" : $"Move ARG {name} down to line {Line(body[userIndex])}, where it is first used",
                    [Line(arg), .. runs.Select(Line)],
                    Invariant($"ARG {name} (line {Line(arg)}) changed in {changedIn.Count} of {c.Builds.Count} builds, and every RUN after it sees it in its key, so the RUN steps on lines {runLines} re-ran although none of them mentions ${name}."),
                    Invariant($"Safe unless a program run on lines {runLines} reads {name} from its environment (none of them names it)."),
                    gain, avoided, Basis(avoided, gain), []);
            }
        }
    }

    private static Regex UsesRegex(string name) => new(@"\$\{?" + Regex.Escape(name) + @"\b", RegexOptions.CultureInvariant);

    // ---- dependency manifests before the broad COPY ---------------------------------------------------------------

    private static IEnumerable<Suggestion> DependencyManifests(Context c)
    {
        foreach (var stage in c.Dockerfile.Stages)
        {
            var body = stage.Instructions;
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not CopyInstruction copy || !IsBroadContextCopy(copy))
                    continue;
                var run = body.Skip(i + 1).FirstOrDefault(x => x is not LabelInstruction and not ExposeInstruction) as RunInstruction;
                if (run is null || run.Command.IsExecForm && run.Command.Arguments.Count == 0)
                    continue;
                string command = string.Join(' ', run.Command.Arguments);
                var manager = PackageManager.Match(command);
                if (manager is null)
                    continue;
                var manifests = manager.Present(c.Input.Files, command);
                if (manifests.Count == 0)
                    continue;
                var manifestSet = manifests.ToHashSet(StringComparer.Ordinal);
                double gain = 0;
                int avoided = 0;
                foreach (var b in c.Builds.Skip(1))
                {
                    var installStep = b.Steps.FirstOrDefault(s => s.Line == Line(run));
                    var copyStep = b.Steps.FirstOrDefault(s => s.Line == Line(copy));
                    if (installStep is not { IsMiss: true } || copyStep is not { IsMiss: true })
                        continue;
                    // Before the broad COPY nothing missed: the install re-ran only because of what the COPY brought in.
                    bool upstreamHit = b.Steps.Where(s => c.InStage(stage, s) && s.Line < Line(copy)).All(s => !s.IsMiss);
                    if (!upstreamHit || b.ChangedFiles.Any(manifestSet.Contains))
                        continue;
                    avoided++;
                    gain += installStep.DurationMs;
                }
                if (avoided == 0)
                    continue;
                var copies = ManifestCopies(copy, manifests);
                c.Editor.InsertBefore(Line(copy), copies);
                c.Editor.Move(Line(run), Line(copy));
                int reran = c.Builds.Count(b => b.Steps.Any(s => s.Line == Line(run) && s.IsMiss));
                yield return new Suggestion(
                    SuggestionKind.DependencyManifests,
                    $"Copy {string.Join(", ", manifests)} and run the {manager.Name} install before copying the rest",
                    [Line(copy), Line(run)],
                    Invariant($"`{copy.SourceText}` (line {Line(copy)}) brings in the whole source, so `{run.SourceText}` (line {Line(run)}) re-ran in {reran} of {c.Builds.Count} builds; the manifests changed in only {c.Builds.Skip(1).Count(b => b.ChangedFiles.Any(manifestSet.Contains))}. Copy the manifests first, install, then copy the rest:\n  {string.Join("\n  ", copies)}\n  {run.SourceText}\n  {copy.SourceText}"),
                    $"Safe when the install reads only the manifests (its usual contract); an install script that reads other source files (e.g. a postinstall hook) needs those copied too.",
                    gain, avoided, Basis(avoided, gain), []);
            }
        }
    }

    private static bool IsBroadContextCopy(CopyInstruction copy) =>
        copy.From is null && copy.SourceContents.Count == 0 && copy.Sources.Count > 0 && copy.Sources.All(s => s is "." or "./" or "*" or "./*");

    private static IReadOnlyList<string> ManifestCopies(CopyInstruction copy, IReadOnlyList<string> manifests)
    {
        string flags = CopyFlags(copy);
        string dest = DirectoryDestination(copy.Destination);
        var lines = new List<string>();
        var root = manifests.Where(m => !m.Contains('/', StringComparison.Ordinal)).ToList();
        if (root.Count > 0)
            lines.Add($"COPY {flags}{string.Join(' ', root)} {dest}");
        foreach (var nested in manifests.Where(m => m.Contains('/', StringComparison.Ordinal)))
            lines.Add($"COPY {flags}{nested} {dest}{nested[..(nested.LastIndexOf('/') + 1)]}");
        return lines;
    }

    private static string CopyFlags(CopyInstruction copy) =>
        string.Concat(copy.Syntax.Flags.Where(f => f.Name is "chown" or "chmod" or "link").Select(f => f.Text + " "));

    private static string DirectoryDestination(string destination) =>
        destination is "." or "./" ? "./" : destination.EndsWith('/') ? destination : destination + "/";

    // ---- files later steps do not need, out of a broad COPY -------------------------------------------------------

    private static IEnumerable<Suggestion> SplitCopies(Context c)
    {
        foreach (var stage in c.Dockerfile.Stages)
        {
            var body = stage.Instructions;
            for (int i = 0; i < body.Count; i++)
            {
                if (body[i] is not CopyInstruction copy || !IsBroadContextCopy(copy))
                    continue;
                var missBuilds = c.Builds.Skip(1).Where(b => b.Steps.Any(s => s.Line == Line(copy) && s.IsMiss)).ToList();
                var changedTops = missBuilds.SelectMany(b => FileChanges(b, Line(copy))).Select(ReportAnalyzer.TopLevel).ToHashSet(StringComparer.Ordinal);
                string rest = RestOfDockerfile(c, copy);
                var movable = changedTops.Where(t => IsDocumentation(t) && !Mentions(rest, t) && c.TopLevelEntries.Contains(t) && !c.Ignored(t))
                    .Order(StringComparer.Ordinal).ToList();
                if (movable.Count == 0)
                    continue;
                var kept = c.TopLevelEntries.Where(t => !movable.Contains(t) && !c.Ignored(t) && !IsJunk(t)).Order(StringComparer.Ordinal).ToList();
                if (kept.Count == 0 || kept.Count(t => t.EndsWith('/')) > 8)
                    continue;
                double gain = 0;
                int avoided = 0, builds = 0;
                foreach (var b in missBuilds)
                {
                    // The split COPY no longer sees the moved entries (nor what the .dockerignore suggestion drops).
                    var (g, n) = Incremental(c, b, stage, (step, ch) => step.Line == Line(copy) && IsFileChange(ch)
                        && (movable.Contains(ReportAnalyzer.TopLevel(ch.Subject)) || c.WouldIgnore(ch.Subject)));
                    if (n > 0)
                        builds++;
                    gain += g;
                    avoided += n;
                }
                if (avoided == 0)
                    continue;
                c.MovedEntries.UnionWith(movable);
                int copyLine = Line(copy);
                c.Removals.Add((step, ch) => step.Line == copyLine && IsFileChange(ch) && movable.Contains(ReportAnalyzer.TopLevel(ch.Subject)));
                var front = EntryCopies(copy, kept);
                var back = EntryCopies(copy, movable);
                c.Editor.Replace(Line(copy), front);
                // After the stage's last filesystem step (metadata such as CMD may follow; order among those is free).
                var lastStep = body.Last(x => x is RunInstruction or CopyInstruction or AddInstruction or WorkdirInstruction);
                c.Editor.InsertAfter(Line(lastStep), back);
                yield return new Suggestion(
                    SuggestionKind.SplitCopy,
                    $"Split `{copy.SourceText}`: copy {string.Join(", ", movable)} after the steps that do not need it",
                    [Line(copy)],
                    Invariant($"`{copy.SourceText}` (line {Line(copy)}) missed in {missBuilds.Count} builds; in {builds} of them only {string.Join(", ", movable)} had changed, which no later instruction mentions. Copy the rest first and these at the end of the stage:\n  {string.Join("\n  ", front)}\n  …\n  {string.Join("\n  ", back)}"),
                    $"Safe when no RUN step of the stage reads {string.Join(", ", movable)}; the stage still ends with the same files (.git, untracked, is no longer copied). Top-level entries added later must be added to the COPY list.",
                    gain, avoided, Basis(avoided, gain) + (c.IgnoreEntries.Count > 0 ? ", together with the .dockerignore entries suggested below" : "") + Cumulative(c, 1), []);
            }
        }
    }

    private static IReadOnlyList<string> EntryCopies(CopyInstruction copy, IReadOnlyList<string> entries)
    {
        string flags = CopyFlags(copy);
        string dest = DirectoryDestination(copy.Destination);
        var lines = new List<string>();
        var files = entries.Where(e => !e.EndsWith('/')).ToList();
        if (files.Count > 0)
            lines.Add($"COPY {flags}{string.Join(' ', files)} {dest}");
        foreach (var dir in entries.Where(e => e.EndsWith('/')))
            lines.Add($"COPY {flags}{dir} {dest}{dir}");
        return lines;
    }

    private static IEnumerable<string> FileChanges(ReplayBuild b, int line) =>
        b.Steps.Where(s => s.Line == line && s.IsMiss).SelectMany(s => s.Changes)
            .Where(ch => ch.Kind is "FileChanged" or "FileAdded" or "FileRemoved").Select(ch => ch.Subject);

    private static string RestOfDockerfile(Context c, Instruction except) =>
        string.Join("\n", c.Dockerfile.Instructions.Where(i => !ReferenceEquals(i, except) && Line(i) != Line(except)).Select(i => i.SourceText));

    private static bool Mentions(string text, string entry)
    {
        string name = entry.TrimEnd('/');
        return Regex.IsMatch(text, @"(^|[\s/""'=:])" + Regex.Escape(name) + @"($|[\s/""',\]])", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    }

    private static bool IsDocumentation(string entry)
    {
        string e = entry.ToLowerInvariant();
        return e is "docs/" or "doc/" or "documentation/" or ".github/" or ".gitlab/" or ".vscode/" or ".idea/" or ".gitlab-ci.yml"
            || e.EndsWith(".md", StringComparison.Ordinal) || e.EndsWith(".rst", StringComparison.Ordinal) || e.EndsWith(".adoc", StringComparison.Ordinal)
            || e.StartsWith("license", StringComparison.Ordinal) || e.StartsWith("changelog", StringComparison.Ordinal)
            || e.StartsWith("authors", StringComparison.Ordinal) || e.StartsWith("contributing", StringComparison.Ordinal);
    }

    // ---- cache mounts for package managers ---------------------------------------------------------------------

    private static IEnumerable<Suggestion> CacheMounts(Context c)
    {
        foreach (var stage in c.Dockerfile.Stages)
        {
            bool root = true;
            foreach (var instruction in stage.Instructions)
            {
                if (instruction is UserInstruction user)
                    root = user.User is "root" or "0" or "root:root" or "0:0";
                if (instruction is not RunInstruction run || !root || run.Command.Arguments.Count == 0)
                    continue;
                var manager = PackageManager.Match(string.Join(' ', run.Command.Arguments));
                if (manager is null || manager.CacheTargets.Count == 0 || run.Mounts.Any(m => m.Type == MountType.Cache))
                    continue;
                var misses = c.Builds.SelectMany(b => b.Steps).Where(s => s.Line == Line(run) && s.IsMiss).ToList();
                if (c.Builds.Skip(1).All(b => !b.Steps.Any(s => s.Line == Line(run) && s.IsMiss)))
                    continue; // never re-ran on this history: nothing to speed up
                var lines = c.Editor.LinesOf(Line(run)).ToList();
                string flags = string.Concat(manager.CacheTargets.Select(t => $"--mount=type=cache,target={t} "));
                lines[0] = RunKeyword().Replace(lines[0], "$1 " + flags.TrimEnd() + " ", 1);
                c.Editor.Replace(Line(run), lines);
                yield return new Suggestion(
                    SuggestionKind.CacheMount,
                    $"Keep {manager.Name}'s download cache between builds with a cache mount",
                    [Line(run)],
                    Invariant($"`{run.SourceText}` (line {Line(run)}) ran {misses.Count} times ({misses.Sum(s => s.DurationMs) / 1000:0.0}s). A cache mount at {string.Join(", ", manager.CacheTargets)} keeps downloaded packages for the next miss, and keeps the cache out of the layer:\n  {lines[0].Trim()}"),
                    "Safe: the mount's content never enters the image; only the download cache moves out of the layer.",
                    null, null, "not estimated: the history records the step's time, not the part spent downloading", []);
            }
        }
    }

    [GeneratedRegex(@"^(\s*RUN)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex RunKeyword();

    // ---- .dockerignore -------------------------------------------------------------------------------------------

    /// <summary>Which entries to ignore (decided before the other rules, whose estimates count ignored files as unchanged).</summary>
    private static void PlanDockerIgnore(Context c)
    {
        var later = c.Builds.Skip(1).ToList();
        if (later.Count == 0)
            return;
        var contextCopies = c.Dockerfile.Instructions.OfType<CopyInstruction>().Where(x => x.From is null).Select(Line)
            .Concat(c.Dockerfile.Instructions.OfType<AddInstruction>().Select(Line)).ToHashSet();
        // What changed per build: git's list plus what the COPY explanations name (they also see .git, which git does not list).
        var changedPerBuild = later.Select(b => b.ChangedFiles
            .Concat(b.Steps.Where(s => contextCopies.Contains(s.Line ?? 0)).SelectMany(s => s.Changes)
                .Where(ch => ch.Kind is "FileChanged" or "FileAdded" or "FileRemoved").Select(ch => ch.Subject))
            .Select(ReportAnalyzer.TopLevel).ToHashSet(StringComparer.Ordinal)).ToList();
        string all = string.Join("\n", c.Dockerfile.Instructions.Select(i => i.SourceText));
        var entries = new List<string>();
        var counts = new List<string>();
        foreach (var top in changedPerBuild.SelectMany(s => s).Distinct(StringComparer.Ordinal).Where(IsJunk).Order(StringComparer.Ordinal))
        {
            int n = changedPerBuild.Count(s => s.Contains(top));
            if (n * 10 < later.Count * 3 || c.Ignored(top))
                continue;
            bool used = top == ".git/" ? GitWord().IsMatch(all) : Mentions(all, top);
            if (used)
                continue;
            string pattern = top.EndsWith(".log", StringComparison.OrdinalIgnoreCase) ? "*.log" : top.TrimEnd('/');
            if (!entries.Contains(pattern))
            {
                entries.Add(pattern);
                counts.Add(Invariant($"{top} ({n} of {later.Count})"));
            }
        }
        c.IgnoreEntries.AddRange(entries);
        c.IgnoreCounts.AddRange(counts);
    }

    private static Suggestion? DockerIgnoreEntries(Context c)
    {
        var later = c.Builds.Skip(1).ToList();
        var entries = c.IgnoreEntries;
        if (entries.Count == 0)
            return null;
        var contextCopies = c.Dockerfile.Instructions.OfType<CopyInstruction>().Where(x => x.From is null).Select(Line)
            .Concat(c.Dockerfile.Instructions.OfType<AddInstruction>().Select(Line)).ToHashSet();
        var counts = c.IgnoreCounts;
        double gain = 0;
        int avoided = 0;
        bool IsIgnored(string path) => c.WouldIgnore(path) || c.MovedEntries.Contains(ReportAnalyzer.TopLevel(path));
        foreach (var b in later)
        {
            foreach (var stage in c.Dockerfile.Stages)
            {
                var (g, n) = Incremental(c, b, stage, (step, ch) => contextCopies.Contains(step.Line ?? 0) && IsFileChange(ch) && IsIgnored(ch.Subject));
                gain += g;
                avoided += n;
            }
        }
        if (avoided == 0)
            return null;
        var lines = contextCopies.Order().ToList();
        return new Suggestion(
            SuggestionKind.DockerIgnore,
            $"Add {string.Join(", ", entries)} to .dockerignore",
            lines,
            Invariant($"These change in most commits but no instruction uses them: {string.Join(", ", counts)}. Every change makes the COPY on line {string.Join(", ", lines)} miss. Ignored, they never reach the context."),
            ".git, logs and build outputs are safe to ignore when no step reads them (no instruction names them); a build that needs its own output must produce it in a RUN step.",
            gain, avoided, Basis(avoided, gain) + Cumulative(c, 0), entries.ToList());
    }

    [GeneratedRegex(@"\bgit\b")]
    private static partial Regex GitWord();

    private static bool IsJunk(string entry)
    {
        string e = entry.ToLowerInvariant();
        return e is ".git/" or "logs/" or "log/" or "tmp/" or "build/" or "dist/" or "out/" or "target/" or "bin/" or "obj/"
                or "coverage/" or "node_modules/" or "__pycache__/" or ".cache/" or ".pytest_cache/"
            || (!e.EndsWith('/') && e.EndsWith(".log", StringComparison.Ordinal));
    }

    private static string Cumulative(Context c, int own) => c.Removals.Count > own ? ", on top of the suggestions above" : "";

    private static bool IsFileChange(ReplayChange ch) => ch.Kind is "FileChanged" or "FileAdded" or "FileRemoved";

    /// <summary>
    /// Replays one recorded build of a stage with some causes of misses taken away: a step that missed still
    /// misses if a step before it would still miss, or if one of its own causes remains. Returns the time and
    /// number of the recorded misses that would have been hits. A file list cut at 50 entries counts as a
    /// remaining cause (the rest is unknown).
    /// </summary>
    /// <summary>What a suggestion adds on top of the suggestions accepted before it (so estimated gains add up).</summary>
    private static (double Gain, int Avoided) Incremental(Context c, ReplayBuild build, BuildStage stage, Func<ReplayStep, ReplayChange, bool> removed)
    {
        var (withIt, n) = Simulate(c, build, stage, removed);
        var (without, m) = Simulate(c, build, stage, (_, _) => false);
        return (withIt - without, n - m);
    }

    internal static (double Gain, int Avoided) Simulate(Context c, ReplayBuild build, BuildStage stage, Func<ReplayStep, ReplayChange, bool> removed)
    {
        bool missing = false;
        double gain = 0;
        int avoided = 0;
        foreach (var step in build.Steps.Where(s => c.InStage(stage, s)).OrderBy(s => s.Line))
        {
            if (!step.IsMiss)
            {
                missing = false;
                continue;
            }
            var own = step.Changes.Where(ch => ch.Kind != "ParentChanged").ToList();
            bool truncated = own.Count(IsFileChange) >= 50;
            bool stillMisses = missing || truncated || own.Any(ch => !removed(step, ch) && !c.Removals.Any(r => r(step, ch)));
            if (!stillMisses)
            {
                gain += step.DurationMs;
                avoided++;
            }
            missing = stillMisses;
        }
        return (gain, avoided);
    }

    private static string Basis(int avoided, double gainMs) => avoided == 0
        ? "estimated: no recorded miss would have been avoided on this history"
        : Invariant($"estimated from {avoided} recorded misses ({gainMs / 1000:0.00}s) that would have hit");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    internal sealed class Context
    {
        private readonly IReadOnlyList<(int Start, int End)> stageLines;
        private readonly HashSet<string> ignoredEntries;

        public Context(AdviceInput input, Dockerfile dockerfile, DockerfileEditor editor)
        {
            Input = input;
            Dockerfile = dockerfile;
            Editor = editor;
            Builds = input.Run.Builds.Where(b => b.Error is null).ToList();
            var starts = dockerfile.Stages.Select(s => Line(s.From)).ToList();
            stageLines = starts.Select((s, i) => (s, i + 1 < starts.Count ? starts[i + 1] : int.MaxValue)).ToList();
            TopLevelEntries = input.Files.Select(ReportAnalyzer.TopLevel).ToHashSet(StringComparer.Ordinal);
            ignoredEntries = (input.DockerIgnore ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.TrimStart('/').TrimStart('.', '/').TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
            if ((input.DockerIgnore ?? "").Split('\n').Any(l => l.Trim().TrimEnd('/') is ".git" or "/.git" or "./.git"))
                ignoredEntries.Add(".git");
        }

        public AdviceInput Input { get; }

        public Dockerfile Dockerfile { get; }

        public DockerfileEditor Editor { get; }

        public IReadOnlyList<ReplayBuild> Builds { get; }

        public HashSet<string> TopLevelEntries { get; }

        public bool InStage(BuildStage stage, ReplayStep step) =>
            step.Line is { } l && l > stageLines[stage.Index].Start && l < stageLines[stage.Index].End;

        public bool Ignored(string entry) => ignoredEntries.Contains(entry.TrimEnd('/'));

        /// <summary>The .dockerignore patterns planned (<c>.git</c>, <c>logs</c>, <c>*.log</c>) and their change counts.</summary>
        public List<string> IgnoreEntries { get; } = [];

        public List<string> IgnoreCounts { get; } = [];

        /// <summary>Top-level entries a COPY split moved after the steps that do not need them.</summary>
        public HashSet<string> MovedEntries { get; } = new(StringComparer.Ordinal);

        /// <summary>Causes of misses that accepted suggestions take away (later estimates count them as applied).</summary>
        public List<Func<ReplayStep, ReplayChange, bool>> Removals { get; } = [];

        public bool WouldIgnore(string path) =>
            IgnoreEntries.Any(e => e != "*.log" && (path + "/").StartsWith(e + "/", StringComparison.Ordinal))
            || (IgnoreEntries.Contains("*.log") && !path.Contains('/', StringComparison.Ordinal) && path.EndsWith(".log", StringComparison.OrdinalIgnoreCase));
    }
}
