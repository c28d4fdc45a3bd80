using System.Globalization;
using Build.Engine.Graph;
using Build.Parser.Expansion;
using Build.Parser.Parsing;
using Syn = Build.Parser.Syntax;
using Build.Engine.Oci;

namespace Build.Engine.Frontend;

/// <summary>
/// One conversion of a parsed Dockerfile into a <see cref="BuildGraph"/>, following BuildKit's dockerfile2llb:
/// global ARGs → FROM expansion → stage dependency graph (COPY --from, RUN --mount from=) → target reachability →
/// ONBUILD injection (which can add dependencies, so it loops) → dispatch of each reachable stage in file order.
/// </summary>
internal sealed class FrontendBuilder
{
    private static readonly ValueList<string> DefaultShell = ValueList<string>.Empty.Add("/bin/sh").Add("-c");

    private static readonly HashSet<string> ProxyArgs = new(StringComparer.OrdinalIgnoreCase)
    {
        "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
    };

    private readonly ParseResult _parse;
    private readonly FrontendOptions _options;
    private readonly string _file;
    private readonly ShellLex _lex;
    private readonly ShellLex _displayLex;
    private readonly ShellLex _heredocLex = new('\\', ShellLexOptions.SkipProcessQuotes);
    private readonly List<FrontendDiagnostic> _diagnostics = [];
    private readonly Dictionary<string, string> _buildArgs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declaredArgs = new(StringComparer.Ordinal);
    private readonly List<StageInfo> _stages = [];
    private EnvState _globalArgs = new([]);
    private PlatformSpec _buildPlatform = null!;
    private PlatformSpec _targetPlatform = null!;
    private int _externalSources;

    private bool Legacy => _options.HistoryDialect == HistoryDialect.Docker20;

    public FrontendBuilder(ParseResult parse, FrontendOptions options)
    {
        _parse = parse;
        _options = options;
        _file = parse.Syntax.FileName;
        _lex = new ShellLex(parse.Syntax.EscapeToken);
        _displayLex = new ShellLex(parse.Syntax.EscapeToken, ShellLexOptions.RawQuotes | ShellLexOptions.SkipUnsetEnv);
        foreach (var kv in options.BuildArgs) _buildArgs[kv.Key] = kv.Value;
    }

    public async Task<FrontendResult> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var d in _parse.Diagnostics)
            _diagnostics.Add(new FrontendDiagnostic(d.IsError, d.Code, d.Message, Loc(d.Span)));
        if (_parse.HasErrors) return Fail();
        try
        {
            if (!CheckStructure()) return Fail();
            if (!ResolvePlatforms()) return Fail();
            ComputeGlobalArgs();
            ResolveStageBases();
            if (_diagnostics.Any(d => d.IsError)) return Fail();
            var target = ResolveTarget();
            if (target is null) return Fail();
            foreach (var stage in _stages)
            {
                foreach (var command in stage.Commands)
                {
                    try
                    {
                        ResolveCommandSources(stage, command);
                    }
                    catch (FrontendError e)
                    {
                        _diagnostics.Add(e.ToDiagnostic());
                    }
                }
            }
            if (_diagnostics.Any(d => d.IsError)) return Fail();
            var reachable = await ResolveReachableAsync(target, cancellationToken).ConfigureAwait(false);
            var graphStages = new List<Stage>();
            foreach (var stage in _stages.Where(s => reachable.Contains(s.Index)))
                graphStages.Add(Dispatch(stage));
            WarnUnusedBuildArgs();
            var graph = new BuildGraph(
                graphStages.ToValueList(),
                target.Index,
                _buildPlatform.ToString(),
                _targetPlatform.ToString(),
                _buildArgs.Select(kv => new KeyValue(kv.Key, kv.Value)).ToValueList());
            return new FrontendResult(graph, _diagnostics.ToValueList());
        }
        catch (FrontendError e)
        {
            _diagnostics.Add(e.ToDiagnostic());
            return Fail();
        }
    }

    private FrontendResult Fail() => new(null, _diagnostics.ToValueList());

    private SourceLocation Loc(Syn.SourceSpan span) => new(_file, Math.Max(1, span.Start.Line), Math.Max(1, span.Start.Column));

    private void Error(string code, string message, SourceLocation? location) =>
        _diagnostics.Add(new FrontendDiagnostic(true, code, message, location));

    private void Warn(string code, string message, SourceLocation? location) =>
        _diagnostics.Add(new FrontendDiagnostic(false, code, message, location));

    // ---------------------------------------------------------------- structure

    private bool CheckStructure()
    {
        var dockerfile = _parse.Dockerfile;
        foreach (var instruction in dockerfile.Instructions)
        {
            if (instruction is Syn.FromInstruction) break;
            if (instruction is not Syn.ArgInstruction)
                Error(FrontendDiagnosticCodes.InstructionBeforeFrom,
                    $"{Syn.InstructionKinds.Keyword(instruction.Kind)} comes before the first FROM; only ARG may precede FROM.",
                    Loc(instruction.Span));
        }
        if (dockerfile.Stages.Count == 0)
        {
            var where = dockerfile.Instructions.Count > 0 ? Loc(dockerfile.Instructions[0].Span) : new SourceLocation(_file, 1, 1);
            Error(FrontendDiagnosticCodes.NoStages, "The Dockerfile has no FROM instruction, so there is no stage to build.", where);
            return false;
        }
        var byName = new Dictionary<string, StageInfo>(StringComparer.Ordinal);
        foreach (var syntax in dockerfile.Stages)
        {
            var stage = new StageInfo(syntax, Loc(syntax.From.Span));
            _stages.Add(stage);
            foreach (var instruction in syntax.Instructions)
                stage.Commands.Add(new Command(instruction, false, Loc(instruction.Span)));
            if (stage.Name is not { } name) continue;
            if (!IsValidStageName(name))
                Error(FrontendDiagnosticCodes.InvalidStageName,
                    $"Invalid stage name \"{name}\": it must start with a letter and contain only letters, digits, '-', '_' and '.'.",
                    stage.Location);
            else if (byName.TryGetValue(name, out var first))
                Error(FrontendDiagnosticCodes.DuplicateStageName,
                    $"Duplicate stage name \"{name}\": it is already used by the stage at line {first.Location.Line}.",
                    stage.Location);
            else
            {
                byName[name] = stage;
                if (name is "scratch" or "context")
                    Warn(FrontendDiagnosticCodes.ReservedStageName, $"Stage name \"{name}\" is reserved and should not be used.", stage.Location);
            }
        }
        return !_diagnostics.Any(d => d.IsError);
    }

    private static bool IsValidStageName(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    private bool ResolvePlatforms()
    {
        if (!PlatformSpec.TryParse(_options.BuildPlatform, out var build))
        {
            Error(FrontendDiagnosticCodes.InvalidPlatform, $"Invalid build platform \"{_options.BuildPlatform}\".", null);
            return false;
        }
        _buildPlatform = build;
        if (_options.TargetPlatform is null)
        {
            _targetPlatform = build;
            return true;
        }
        if (!PlatformSpec.TryParse(_options.TargetPlatform, out var target))
        {
            Error(FrontendDiagnosticCodes.InvalidPlatform, $"Invalid target platform \"{_options.TargetPlatform}\".", null);
            return false;
        }
        _targetPlatform = target;
        return true;
    }

    /// <summary>The automatic platform ARGs, then each ARG before the first FROM (a --build-arg overrides its default).</summary>
    private void ComputeGlobalArgs()
    {
        var targetName = _options.Target ?? _stages[^1].Name ?? "";
        var defaults = new List<KeyValue>
        {
            new("BUILDPLATFORM", _buildPlatform.ToString()),
            new("BUILDOS", _buildPlatform.Os),
            new("BUILDARCH", _buildPlatform.Architecture),
            new("BUILDVARIANT", _buildPlatform.Variant),
            new("TARGETPLATFORM", _targetPlatform.ToString()),
            new("TARGETOS", _targetPlatform.Os),
            new("TARGETARCH", _targetPlatform.Architecture),
            new("TARGETVARIANT", _targetPlatform.Variant),
            new("TARGETSTAGE", targetName),
        };
        _globalArgs = new EnvState(defaults);
        foreach (var arg in _parse.Dockerfile.GlobalArgs)
        {
            foreach (var decl in arg.Args)
            {
                _declaredArgs.Add(decl.Name);
                if (_buildArgs.TryGetValue(decl.Name, out var passed))
                    _globalArgs.Set(decl.Name, passed);
                else if (decl.DefaultValue is { } raw)
                    _globalArgs.Set(decl.Name, Expand(raw, _globalArgs, Loc(decl.Span)));
            }
        }
    }

    /// <summary>Expands each FROM with the global ARGs and decides: scratch, an earlier stage (by name), or an image.</summary>
    private void ResolveStageBases()
    {
        foreach (var stage in _stages)
        {
            var from = stage.Syntax.From;
            try
            {
                var baseName = Expand(from.Image, _globalArgs, stage.Location);
                if (baseName.Length == 0)
                    throw new FrontendError(FrontendDiagnosticCodes.InvalidBaseImage,
                        $"The base name \"{from.Image}\" of FROM expands to an empty string.", stage.Location);
                if (from.Platform is { } rawPlatform)
                {
                    var platform = Expand(rawPlatform, _globalArgs, stage.Location);
                    if (platform.Length == 0)
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidPlatform,
                            $"The FROM --platform value \"{rawPlatform}\" expands to an empty string.", stage.Location);
                    if (!PlatformSpec.TryParse(platform, out var parsed))
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidPlatform,
                            $"Invalid FROM --platform value \"{platform}\": expected os/arch[/variant].", stage.Location);
                    stage.ExplicitPlatform = parsed;
                }
                var earlier = _stages.Take(stage.Index).LastOrDefault(s => string.Equals(s.Name, baseName, StringComparison.OrdinalIgnoreCase));
                if (earlier is not null)
                {
                    stage.Base = SourceRef.Stage(earlier.Index);
                    stage.BaseDescription = "FROM " + earlier.DisplayName;
                }
                else if (baseName == "scratch")
                {
                    stage.Base = SourceRef.Scratch;
                    stage.BaseDescription = "FROM scratch";
                }
                else
                {
                    var normalized = ImageNames.TryNormalize(baseName, out var why)
                        ?? throw new FrontendError(FrontendDiagnosticCodes.InvalidBaseImage,
                            $"Invalid base image \"{baseName}\": {why}.", stage.Location);
                    stage.Base = SourceRef.Image(normalized);
                    stage.BaseDescription = "FROM " + normalized;
                }
            }
            catch (FrontendError e)
            {
                _diagnostics.Add(e.ToDiagnostic());
            }
        }
    }

    private StageInfo? ResolveTarget()
    {
        if (_options.Target is not { } target) return _stages[^1];
        var found = _stages.FirstOrDefault(s => string.Equals(s.Name, target, StringComparison.OrdinalIgnoreCase));
        if (found is not null) return found;
        var names = _stages.Select(s => s.Name).OfType<string>().ToList();
        var suggestion = Suggest(target, names);
        Error(FrontendDiagnosticCodes.UnknownTarget,
            $"Target stage \"{target}\" could not be found" + (suggestion is null ? "" : $" (did you mean \"{suggestion}\"?)")
            + (names.Count == 0 ? "; the Dockerfile has no named stages." : "; stages: " + string.Join(", ", names) + "."),
            null);
        return null;
    }

    private static string? Suggest(string value, IEnumerable<string> options)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var option in options)
        {
            var d = Levenshtein(value.ToLowerInvariant(), option.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = option;
            }
        }
        return bestDistance <= Math.Max(1, value.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    // ---------------------------------------------------------------- dependencies

    /// <summary>Resolves COPY --from and RUN --mount from= of one command to stage or image sources.</summary>
    private void ResolveCommandSources(StageInfo stage, Command command)
    {
        switch (command.Instruction)
        {
            case Syn.CopyInstruction { From: { } from }:
                command.Sources.Add(ResolveFrom(from, stage, command.Location, "COPY --from=" + from));
                break;
            case Syn.RunInstruction run:
                foreach (var mount in run.Mounts)
                {
                    if (mount.Type is Syn.MountType.Tmpfs or Syn.MountType.Secret or Syn.MountType.Ssh || mount.From is null)
                        command.Sources.Add(mount.Type == Syn.MountType.Cache ? SourceRef.Scratch : SourceRef.Context);
                    else
                        command.Sources.Add(ResolveFrom(mount.From, stage, command.Location, "RUN --mount from=" + mount.From));
                }
                break;
        }
    }

    private SourceRef ResolveFrom(string from, StageInfo current, SourceLocation location, string what)
    {
        if (!_lex.TryProcess(from, DictionaryEnvLookup.Empty, out var plain, out _) || plain.Value != from)
            throw new FrontendError(FrontendDiagnosticCodes.VariableInFrom,
                $"{what}: variables are not expanded in --from; define a stage with FROM using a global ARG instead.", location);
        StageInfo? stage;
        if (int.TryParse(from, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            if (index < 0 || index >= _stages.Count)
                throw new FrontendError(FrontendDiagnosticCodes.UnknownStage,
                    $"{what}: there is no stage with index {index} (the Dockerfile has {_stages.Count}).", location);
            stage = _stages[index];
        }
        else
        {
            stage = _stages.FirstOrDefault(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase));
        }
        if (stage is not null)
        {
            if (stage.Index == current.Index)
                throw new FrontendError(FrontendDiagnosticCodes.StageNotDefinedBefore,
                    $"{what} refers to the current stage \"{current.DisplayName}\": a stage cannot depend on itself.", location);
            if (stage.Index > current.Index)
                throw new FrontendError(FrontendDiagnosticCodes.StageNotDefinedBefore,
                    $"{what} refers to stage \"{stage.DisplayName}\", which must be defined before the current stage \"{current.DisplayName}\".",
                    location);
            return SourceRef.Stage(stage.Index);
        }
        if (from == "scratch") return SourceRef.Scratch;
        var normalized = ImageNames.TryNormalize(from, out var why)
            ?? throw new FrontendError(FrontendDiagnosticCodes.UnknownStage,
                $"{what}: \"{from}\" is neither an earlier stage nor a valid image reference ({why}).", location);
        _externalSources++;
        return SourceRef.Image(normalized);
    }

    private static IEnumerable<int> DirectDependencies(StageInfo stage)
    {
        if (stage.Base.Kind == SourceKind.Stage) yield return stage.Base.StageIndex;
        foreach (var command in stage.Commands)
            foreach (var source in command.Sources)
                if (source.Kind == SourceKind.Stage) yield return source.StageIndex;
    }

    private HashSet<int> Reach(StageInfo target)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(target.Index);
        while (stack.Count > 0)
        {
            var i = stack.Pop();
            if (!seen.Add(i)) continue;
            foreach (var d in DirectDependencies(_stages[i])) stack.Push(d);
        }
        return seen;
    }

    /// <summary>
    /// Reachable stages, with base image configs fetched and ONBUILD triggers injected. Triggers may add
    /// dependencies (COPY --from in a trigger), so this repeats until nothing new is reached; each stage's
    /// triggers are injected once, which bounds the loop.
    /// </summary>
    private async Task<HashSet<int>> ResolveReachableAsync(StageInfo target, CancellationToken cancellationToken)
    {
        while (true)
        {
            var reachable = Reach(target);
            var newDependencies = false;
            foreach (var stage in _stages.Where(s => reachable.Contains(s.Index) && !s.TriggersInjected))
            {
                stage.TriggersInjected = true;
                if (stage.Base.Kind == SourceKind.Image && _options.ImageConfigs is { } resolver)
                {
                    var platform = (stage.ExplicitPlatform ?? _targetPlatform).ToString();
                    stage.ImageConfig = await resolver.ResolveAsync(stage.Base.ImageReference!, platform, cancellationToken).ConfigureAwait(false);
                }
                var triggers = TriggersFor(stage);
                if (triggers.Count == 0) continue;
                foreach (var trigger in triggers)
                {
                    ResolveCommandSources(stage, trigger);
                    if (trigger.Sources.Any(s => s.Kind == SourceKind.Stage)) newDependencies = true;
                }
                stage.TriggerCount = triggers.Count;
                stage.Commands.InsertRange(0, triggers);
            }
            if (!newDependencies) return reachable;
        }
    }

    private List<Command> TriggersFor(StageInfo stage)
    {
        var result = new List<Command>();
        if (stage.Base.Kind == SourceKind.Stage)
        {
            // A stage's own ONBUILD instructions fire in stages built FROM it (BuildKit reads them from the base
            // stage's commands, because that stage's image config does not exist yet at this point).
            foreach (var instruction in _stages[stage.Base.StageIndex].Syntax.Instructions)
                if (instruction is Syn.OnbuildInstruction onbuild)
                    result.Add(new Command(onbuild.Trigger, true, stage.Location));
            return result;
        }
        if (stage.ImageConfig is not { } config) return result;
        foreach (var text in config.OnBuild)
        {
            var parsed = DockerfileParser.Parse(text, _file);
            var instructions = parsed.Dockerfile.Instructions;
            string? problem = null;
            if (parsed.HasErrors) problem = parsed.Errors.First().Message;
            else if (instructions.Count != 1) problem = "a trigger must be exactly one instruction";
            else if (instructions[0] is Syn.OnbuildInstruction or Syn.FromInstruction or Syn.MaintainerInstruction)
                problem = $"{Syn.InstructionKinds.Keyword(instructions[0].Kind)} is not allowed as an ONBUILD trigger";
            if (problem is not null)
                throw new FrontendError(FrontendDiagnosticCodes.InvalidOnBuildTrigger,
                    $"ONBUILD trigger \"{text}\" of base image {stage.Base.ImageReference} is invalid: {problem}.", stage.Location);
            result.Add(new Command(instructions[0], true, stage.Location));
        }
        return result;
    }

    // ---------------------------------------------------------------- dispatch

    private Stage Dispatch(StageInfo stage)
    {
        var state = InitialState(stage);
        stage.Result = state;
        var baseConfig = state.Config;
        var total = (stage.Base.Kind == SourceKind.Image ? 1 : 0) + stage.TriggerCount
            + stage.Commands.Skip(stage.TriggerCount).Count(c => c.Instruction is Syn.RunInstruction or Syn.CopyInstruction or Syn.AddInstruction or Syn.WorkdirInstruction);
        state.Total = total;
        state.Prefix = _stages.Count == 1 && _externalSources == 0 ? "" : stage.DisplayName + " ";
        var baseDescription = stage.Base.Kind == SourceKind.Image ? Numbered(state, stage.BaseDescription, false) : stage.BaseDescription;
        foreach (var command in stage.Commands)
            DispatchCommand(stage, state, command);
        return new Stage(
            stage.Index,
            stage.Name,
            stage.Base,
            state.Platform.ToString(),
            stage.Location,
            baseDescription,
            baseConfig,
            state.Steps.ToValueList());
    }

    private DispatchState InitialState(StageInfo stage)
    {
        DispatchState state;
        if (stage.Base.Kind == SourceKind.Stage)
        {
            var parent = _stages[stage.Base.StageIndex].Result
                ?? throw new FrontendError(FrontendDiagnosticCodes.StageNotDefinedBefore,
                    $"Stage \"{stage.DisplayName}\" is based on a stage that was not built.", stage.Location);
            // Triggers do not carry over to grandchildren: the base's recorded ONBUILD list is consumed here.
            state = new DispatchState(
                parent.Config with { OnBuild = ValueList<string>.Empty },
                parent.Env.Clone(),
                [.. parent.BuildArgs],
                parent.Platform)
            { InheritedArgs = parent.BuildArgs.Count };
        }
        else
        {
            var config = stage.Base.Kind == SourceKind.Scratch
                ? ImageConfigState.Scratch
                : (stage.ImageConfig ?? ImageConfigState.Empty) with { OnBuild = ValueList<string>.Empty };
            state = new DispatchState(config, new EnvState(config.Env), [], stage.ExplicitPlatform ?? _targetPlatform);
        }
        if (state.Platform.Os != "windows")
        {
            state.Config = state.Config.WithDefaultPath();
            if (state.Env.Get("PATH") is null) state.Env.Set("PATH", state.Config.GetEnv("PATH")!);
        }
        return state;
    }

    private string Numbered(DispatchState state, string text, bool onBuild)
    {
        if (state.Total == 0) return text;
        state.Index++;
        var width = (int)(1 + Math.Log10(state.Total));
        return "[" + state.Prefix + state.Index.ToString(CultureInfo.InvariantCulture).PadLeft(width) + "/"
            + state.Total.ToString(CultureInfo.InvariantCulture) + "] " + (onBuild ? "ONBUILD " : "") + text;
    }

    /// <summary>The instruction text with known variables substituted and the keyword upper-cased, as BuildKit names steps.</summary>
    private string DisplayText(Syn.Instruction instruction, EnvState env)
    {
        var text = instruction.SourceText;
        if (_displayLex.TryProcess(text, env, out var r, out _)) text = r.Value;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? text.ToUpperInvariant() : text[..space].ToUpperInvariant() + text[space..];
    }

    private string Expand(string word, IEnvLookup env, SourceLocation location)
    {
        if (_lex.TryProcess(word, env, out var result, out var error)) return result.Value;
        throw new FrontendError(FrontendDiagnosticCodes.ExpansionError, $"Cannot expand \"{word}\": {error}", location);
    }

    private IReadOnlyList<string> ExpandWords(string word, IEnvLookup env, SourceLocation location)
    {
        if (_lex.TryProcess(word, env, out var result, out var error)) return result.Words;
        throw new FrontendError(FrontendDiagnosticCodes.ExpansionError, $"Cannot expand \"{word}\": {error}", location);
    }

    private void AddStep(StageInfo stage, DispatchState state, Command command, string description, Op op, StepHistory? history)
    {
        var id = "s" + stage.Index.ToString(CultureInfo.InvariantCulture) + "." + state.Steps.Count.ToString(CultureInfo.InvariantCulture);
        state.Steps.Add(new Vertex(id, stage.Index, description, command.Location, op, history, command.FromOnBuild));
        state.Config = op.Apply(state.Config);
    }

    private void DispatchCommand(StageInfo stage, DispatchState state, Command command)
    {
        var loc = command.Location;
        var env = state.Env;
        switch (command.Instruction)
        {
            case Syn.EnvInstruction e:
                {
                    // Every value sees the environment from before this instruction (ENV a=1 b=$a uses the old a).
                    var pairs = e.Variables.Select(kv => new KeyValue(Expand(kv.Key, env, loc), Expand(kv.Value, env, loc))).ToList();
                    foreach (var kv in pairs) env.Set(kv.Key, kv.Value);
                    AddStep(stage, state, command, DisplayText(e, env), new EnvOp(pairs.ToValueList()),
                        Meta("ENV " + string.Join(" ", pairs)));
                    break;
                }
            case Syn.LabelInstruction l:
                {
                    var pairs = l.Labels.Select(kv => new KeyValue(Expand(kv.Key, env, loc), Expand(kv.Value, env, loc))).ToList();
                    AddStep(stage, state, command, DisplayText(l, env), new LabelOp(pairs.ToValueList()),
                        Meta("LABEL " + string.Join(" ", pairs)));
                    break;
                }
            case Syn.ArgInstruction a:
                DispatchArg(stage, state, command, a);
                break;
            case Syn.RunInstruction r:
                DispatchRun(stage, state, command, r);
                break;
            case Syn.CopyInstruction c:
                DispatchCopy(stage, state, command, c, c.Sources, c.SourceContents, c.Destination, c.Chown, c.Chmod, c.Link,
                    c.Parents, c.Excludes, isAdd: false, checksum: null, keepGitDir: false, unpack: null);
                break;
            case Syn.AddInstruction d:
                DispatchCopy(stage, state, command, d, d.Sources, d.SourceContents, d.Destination, d.Chown, d.Chmod, d.Link,
                    parents: false, d.Excludes, isAdd: true, d.Checksum, d.KeepGitDir, d.Unpack);
                break;
            case Syn.WorkdirInstruction w:
                {
                    var path = Expand(w.Path, env, loc);
                    var wd = PathRules.ResolveWorkdir(state.Config.WorkingDir, path);
                    var create = wd != "/";
                    var text = DisplayText(w, env);
                    AddStep(stage, state, command, create ? Numbered(state, text, command.FromOnBuild) : text,
                        new WorkdirOp(wd, state.Config.User, create), new StepHistory("WORKDIR " + wd, !create));
                    break;
                }
            case Syn.UserInstruction u:
                {
                    var user = Expand(u.User, env, loc);
                    AddStep(stage, state, command, DisplayText(u, env), new UserOp(user), Meta("USER " + user));
                    break;
                }
            case Syn.ExposeInstruction x:
                {
                    var ports = new List<string>();
                    foreach (var word in x.Ports)
                    {
                        foreach (var spec in ExpandWords(word, env, loc))
                        {
                            var parsed = PortSpecs.Parse(spec, out var error);
                            if (error is not null)
                                throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, $"Invalid EXPOSE port \"{spec}\": {error}.", loc);
                            ports.AddRange(parsed);
                        }
                    }
                    var exposeText = Legacy
                        ? "map[" + string.Join(" ", ports.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(p => p + ":{}")) + "]"
                        : GoFormat.List(ports);
                    AddStep(stage, state, command, DisplayText(x, env), new ExposeOp(ports.ToValueList()), Meta("EXPOSE " + exposeText));
                    break;
                }
            case Syn.VolumeInstruction v:
                {
                    var volumes = v.Volumes.Select(p => Expand(p, env, loc)).ToList();
                    if (volumes.Any(p => p.Length == 0))
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, "VOLUME paths cannot be empty strings.", loc);
                    AddStep(stage, state, command, DisplayText(v, env), new VolumeOp(volumes.ToValueList()), Meta("VOLUME " + GoFormat.List(volumes)));
                    break;
                }
            case Syn.StopSignalInstruction s:
                {
                    var signal = Expand(s.Signal, env, loc);
                    if (!Signals.IsValid(signal))
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, $"Invalid STOPSIGNAL \"{signal}\": expected a signal name or number.", loc);
                    AddStep(stage, state, command, DisplayText(s, env), new StopSignalOp(signal), Meta("STOPSIGNAL " + signal));
                    break;
                }
            case Syn.ShellInstruction sh:
                {
                    var shell = sh.Shell.ToValueList();
                    AddStep(stage, state, command, DisplayText(sh, env), new ShellOp(shell), Meta("SHELL " + GoFormat.List(shell)));
                    break;
                }
            case Syn.CmdInstruction cmd:
                {
                    var args = Argv(cmd.Command, state);
                    state.CmdSet = true;
                    AddStep(stage, state, command, DisplayText(cmd, env), new CmdOp(args), Meta("CMD " + GoFormat.QuoteList(args)));
                    break;
                }
            case Syn.EntrypointInstruction ep:
                {
                    var args = Argv(ep.Command, state);
                    AddStep(stage, state, command, DisplayText(ep, env), new EntrypointOp(args, !state.CmdSet),
                        Meta("ENTRYPOINT " + GoFormat.QuoteList(args)));
                    break;
                }
            case Syn.HealthcheckInstruction h:
                {
                    var check = new HealthcheckConfig(
                        h.Test.ToValueList(),
                        Nanoseconds(h.Interval),
                        Nanoseconds(h.Timeout),
                        Nanoseconds(h.StartPeriod),
                        Nanoseconds(h.StartInterval),
                        h.Retries ?? 0);
                    var history = Legacy
                        ? "HEALTHCHECK &{" + GoFormat.QuoteList(check.Test)
                            + " " + GoFormat.Quote(GoFormat.Duration(check.IntervalNanoseconds))
                            + " " + GoFormat.Quote(GoFormat.Duration(check.TimeoutNanoseconds))
                            + " " + GoFormat.Quote(GoFormat.Duration(check.StartPeriodNanoseconds))
                            + " " + GoFormat.QuoteRune(check.Retries) + "}"
                        : "HEALTHCHECK {Test:" + GoFormat.List(check.Test)
                        + " Interval:" + GoFormat.Duration(check.IntervalNanoseconds)
                        + " Timeout:" + GoFormat.Duration(check.TimeoutNanoseconds)
                        + " StartPeriod:" + GoFormat.Duration(check.StartPeriodNanoseconds)
                        + " StartInterval:" + GoFormat.Duration(check.StartIntervalNanoseconds)
                        + " Retries:" + check.Retries.ToString(CultureInfo.InvariantCulture) + "}";
                    AddStep(stage, state, command, DisplayText(h, env), new HealthcheckOp(check), Meta(history));
                    break;
                }
            case Syn.OnbuildInstruction o:
                // BuildKit records the trigger without a history entry.
                AddStep(stage, state, command, DisplayText(o, env), new OnBuildOp(o.Expression), null);
                break;
            case Syn.MaintainerInstruction m:
                AddStep(stage, state, command, DisplayText(m, env), new MaintainerOp(m.Maintainer), Meta("MAINTAINER " + m.Maintainer));
                break;
            case Syn.FromInstruction:
                throw new FrontendError(FrontendDiagnosticCodes.InvalidOnBuildTrigger, "FROM cannot be an ONBUILD trigger.", loc);
            default:
                throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments,
                    $"{Syn.InstructionKinds.Keyword(command.Instruction.Kind)} is not supported here.", loc);
        }
    }

    private static StepHistory Meta(string createdBy) => new(createdBy, true);

    private static long Nanoseconds(TimeSpan? span) => span is { } s ? s.Ticks * 100 : 0;

    private static ValueList<string> Argv(Syn.CommandLine command, DispatchState state)
    {
        if (!command.IsShellForm) return command.Arguments.ToValueList();
        return (state.Config.Shell ?? DefaultShell).Add(string.Join(" ", command.Arguments));
    }

    private void DispatchArg(StageInfo stage, DispatchState state, Command command, Syn.ArgInstruction instruction)
    {
        var parts = new List<string>();
        var values = new List<ArgValue>();
        foreach (var decl in instruction.Args)
        {
            _declaredArgs.Add(decl.Name);
            string? value = null;
            if (_buildArgs.TryGetValue(decl.Name, out var passed))
                value = passed;
            else if (decl.DefaultValue is { } raw)
                value = Expand(raw, state.Env, command.Location);
            else if (_globalArgs.Get(decl.Name) is { } global)
                value = global; // `ARG NAME` inside a stage imports the global value
            if (value is not null) state.Env.Set(decl.Name, value);
            var arg = new ArgValue(decl.Name, value);
            state.BuildArgs.Add(arg);
            values.Add(arg);
            if (Legacy)
            {
                // BuildKit 0.8 printed the declaration with its expanded default, not the value in effect.
                var shown = decl.DefaultValue is { } d ? Expand(d, state.Env, command.Location) : null;
                parts.Add(shown is null ? decl.Name : decl.Name + "=" + shown);
            }
            else
            {
                parts.Add(value is null ? decl.Name : decl.Name + "=" + value);
            }
        }
        AddStep(stage, state, command, DisplayText(instruction, state.Env), new ArgOp(values.ToValueList()), Meta("ARG " + string.Join(" ", parts)));
    }

    private void DispatchRun(StageInfo stage, DispatchState state, Command command, Syn.RunInstruction run)
    {
        var loc = command.Location;
        var mounts = new List<Mount>();
        var args = run.Command.Arguments.ToList();
        var customName = DisplayText(run, state.Env);
        if (run.Heredocs.Count > 0 && run.Command.IsShellForm && args.Count == 1)
        {
            var first = run.Heredocs[0];
            if (run.Heredocs.Count == 1 && IsOnlyMarker(args[0], first))
            {
                var data = first.ChompedContent;
                if (state.Platform.Os != "windows" && data.StartsWith("#!", StringComparison.Ordinal))
                {
                    // A script with its own interpreter: BuildKit writes it to /dev/pipes/NAME and runs that path.
                    mounts.Add(new InlineFileMount("/dev/pipes/", ValueList<InlineFile>.Empty.Add(new InlineFile(first.Name, data, 0x1ED))));
                    args = ["/dev/pipes/" + first.Name];
                }
                else
                {
                    args = [data];
                }
                customName += " (" + SummarizeHeredoc(first.Content) + ")";
            }
            else
            {
                // Several heredocs or a command around the marker: hand the shell the whole script, bodies included.
                var script = new System.Text.StringBuilder(args[0]);
                foreach (var h in run.Heredocs)
                    script.Append('\n').Append(h.Content).Append(h.Name);
                args = [script.ToString()];
            }
        }
        var argv = run.Command.IsShellForm
            ? (state.Config.Shell ?? DefaultShell).Add(string.Join(" ", args))
            : args.ToValueList();

        var sshIndex = 0;
        for (var i = 0; i < run.Mounts.Count; i++)
            mounts.Add(ResolveMount(run.Mounts[i], command.Sources.Count > i ? command.Sources[i] : SourceRef.Context, state, loc, ref sshIndex));

        var proxy = _buildArgs
            .Where(kv => ProxyArgs.Contains(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KeyValue(kv.Key, kv.Value))
            .ToValueList();
        var op = new ExecOp(
            argv,
            state.Env.Snapshot(),
            state.Config.User,
            state.Config.WorkingDir.Length == 0 ? "/" : state.Config.WorkingDir,
            run.Network switch
            {
                Syn.NetworkMode.None => NetworkMode.None,
                Syn.NetworkMode.Host => NetworkMode.Host,
                _ => NetworkMode.Default,
            },
            run.Security == Syn.SecurityMode.Insecure ? SecurityMode.Insecure : SecurityMode.Sandbox,
            mounts.ToValueList(),
            proxy);
        var history = new StepHistory("RUN " + RunHistoryText(argv, state, Legacy ? state.InheritedArgs : 0) + " # buildkit", false);
        AddStep(stage, state, command, Numbered(state, customName, command.FromOnBuild), op, history);
    }

    private static bool IsOnlyMarker(string commandText, Syn.Heredoc heredoc)
    {
        var text = commandText.Trim();
        var fd = heredoc.FileDescriptor?.ToString(CultureInfo.InvariantCulture) ?? "";
        return text == heredoc.Marker || text == fd + heredoc.Marker;
    }

    private static string SummarizeHeredoc(string content)
    {
        var lines = content.Trim().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return lines.Length > 1 ? lines[0] + "..." : lines[0];
    }

    /// <summary>
    /// BuildKit's history text for RUN: the ARGs declared in the stage (with their effective values) as
    /// <c>|N K=V ...</c> before the command, so the history shows what the step saw.
    /// </summary>
    private static string RunHistoryText(ValueList<string> argv, DispatchState state, int skip)
    {
        var keys = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in state.BuildArgs.Skip(skip))
        {
            var value = state.Env.Get(arg.Name) ?? arg.Value ?? "";
            if (!values.ContainsKey(arg.Name)) keys.Add(arg.Name);
            values[arg.Name] = value;
        }
        var parts = new List<string>();
        if (keys.Count > 0)
        {
            parts.Add("|" + keys.Count.ToString(CultureInfo.InvariantCulture));
            parts.AddRange(keys.Select(k => k + "=" + values[k]));
        }
        parts.AddRange(argv);
        return string.Join(" ", parts);
    }

    private Mount ResolveMount(Syn.RunMount mount, SourceRef source, DispatchState state, SourceLocation loc, ref int sshIndex)
    {
        string? Opt(string? raw) => raw is null ? null : Expand(raw, state.Env, loc);
        int Number(string? raw, uint? typed, int fallback, int radix, string name)
        {
            if (typed is { } t) return (int)t;
            if (raw is null) return fallback;
            var text = Expand(raw, state.Env, loc);
            try
            {
                var value = Convert.ToInt64(text, radix);
                if (value is < 0 or > int.MaxValue) throw new OverflowException();
                return (int)value;
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new FrontendError(FrontendDiagnosticCodes.InvalidMountOption,
                    $"Invalid --mount option {name}=\"{text}\": expected a {(radix == 8 ? "octal" : "decimal")} number.", loc);
            }
        }
        string ResolveTarget(string target)
        {
            var absolute = target.StartsWith('/') ? PathRules.Clean(target)
                : PathRules.Clean("/" + (state.Config.WorkingDir.Length == 0 ? "/" : state.Config.WorkingDir) + "/" + target);
            if (absolute == "/")
                throw new FrontendError(FrontendDiagnosticCodes.InvalidMountOption, $"Invalid --mount target \"{target}\": cannot mount over /.", loc);
            return absolute;
        }

        var target = Opt(mount.Target);
        var id = Opt(mount.Id);
        var sourcePath = PathRules.Clean("/" + (Opt(mount.Source) ?? ""));
        switch (mount.Type)
        {
            case Syn.MountType.Bind:
                if (string.IsNullOrEmpty(target)) throw MissingTarget(loc);
                return new BindMount(ResolveTarget(target), source, sourcePath, !mount.ReadOnly);
            case Syn.MountType.Cache:
                if (string.IsNullOrEmpty(target)) throw MissingTarget(loc);
                return new CacheMount(
                    ResolveTarget(target),
                    string.IsNullOrEmpty(id) ? target : id,
                    mount.Sharing switch
                    {
                        Syn.CacheSharing.Private => CacheSharing.Private,
                        Syn.CacheSharing.Locked => CacheSharing.Locked,
                        _ => CacheSharing.Shared,
                    },
                    mount.ReadOnly,
                    source,
                    sourcePath,
                    Number(mount.Mode, mount.ModeValue, 0x1ED, 8, "mode"),
                    Number(mount.Uid, mount.UidValue, 0, 10, "uid"),
                    Number(mount.Gid, mount.GidValue, 0, 10, "gid"));
            case Syn.MountType.Tmpfs:
                {
                    if (string.IsNullOrEmpty(target)) throw MissingTarget(loc);
                    var size = mount.SizeBytes ?? 0;
                    if (mount.SizeBytes is null && mount.Size is { } rawSize && !TryParseSize(Expand(rawSize, state.Env, loc), out size))
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidMountOption, $"Invalid --mount option size=\"{rawSize}\".", loc);
                    return new TmpfsMount(ResolveTarget(target), size);
                }
            case Syn.MountType.Secret:
                {
                    var secretId = string.IsNullOrEmpty(id) ? (target is null ? "" : target.TrimEnd('/').Split('/')[^1]) : id;
                    if (secretId.Length == 0)
                        throw new FrontendError(FrontendDiagnosticCodes.InvalidMountOption, "A secret mount needs an id or a target.", loc);
                    var env = Opt(mount.Env);
                    var fileTarget = target is { Length: > 0 } ? ResolveTarget(target) : env is null ? "/run/secrets/" + secretId : null;
                    return new SecretMount(fileTarget, secretId, env, mount.Required,
                        Number(mount.Mode, mount.ModeValue, 0x100, 8, "mode"),
                        Number(mount.Uid, mount.UidValue, 0, 10, "uid"),
                        Number(mount.Gid, mount.GidValue, 0, 10, "gid"));
                }
            case Syn.MountType.Ssh:
                {
                    var sshTarget = target is { Length: > 0 } ? ResolveTarget(target) : "/run/buildkit/ssh_agent." + sshIndex.ToString(CultureInfo.InvariantCulture);
                    sshIndex++;
                    return new SshMount(sshTarget, string.IsNullOrEmpty(id) ? "default" : id, mount.Required,
                        Number(mount.Mode, mount.ModeValue, 0x180, 8, "mode"),
                        Number(mount.Uid, mount.UidValue, 0, 10, "uid"),
                        Number(mount.Gid, mount.GidValue, 0, 10, "gid"));
                }
            default:
                throw new FrontendError(FrontendDiagnosticCodes.InvalidMountOption, $"Unsupported --mount type in \"{mount.Raw}\".", loc);
        }
    }

    private static FrontendError MissingTarget(SourceLocation loc) =>
        new(FrontendDiagnosticCodes.InvalidMountOption, "The --mount option target (or dst/destination) is required.", loc);

    /// <summary>Docker's RAMInBytes units: plain bytes or b/k/m/g/t/p (binary), optional trailing b.</summary>
    private static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var t = text.Trim().ToLowerInvariant();
        if (t.EndsWith('b') && t.Length > 1 && !char.IsAsciiDigit(t[^2])) t = t[..^1];
        long multiplier = 1;
        if (t.Length > 0 && "bkmgtp".Contains(t[^1], StringComparison.Ordinal))
        {
            multiplier = t[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 't' => 1L << 40, 'p' => 1L << 50, _ => 1 };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n < 0) return false;
        bytes = (long)(n * multiplier);
        return true;
    }

    private void DispatchCopy(
        StageInfo stage,
        DispatchState state,
        Command command,
        Syn.Instruction instruction,
        Syn.ValueList<string> rawSources,
        Syn.ValueList<Syn.Heredoc> heredocs,
        string rawDestination,
        string? rawChown,
        string? rawChmod,
        bool link,
        bool parents,
        Syn.ValueList<string> rawExcludes,
        bool isAdd,
        string? checksum,
        bool keepGitDir,
        bool? unpack)
    {
        var loc = command.Location;
        var env = state.Env;
        var keyword = isAdd ? "ADD" : "COPY";
        var sources = rawSources.Select(s => Expand(s, env, loc)).ToList();
        var destination = Expand(rawDestination, env, loc);
        var chown = rawChown is null ? null : Expand(rawChown, env, loc);
        var chmod = rawChmod is null ? null : Expand(rawChmod, env, loc);
        var excludes = rawExcludes.Select(s => Expand(s, env, loc)).ToValueList();
        var sum = checksum is null ? null : Expand(checksum, env, loc);
        if (chmod is { Length: > 0 } && !IsValidChmod(chmod))
            throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments,
                $"Invalid {keyword} --chmod=\"{chmod}\": expected an octal mode up to 7777 or a symbolic mode like u+x.", loc);
        var from = command.Sources.Count > 0 ? command.Sources[0] : SourceRef.Context;

        var local = new List<string>();
        var urls = new List<string>();
        var git = new List<string>();
        foreach (var source in sources)
        {
            if (IsGitSource(source))
            {
                if (!isAdd) throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, $"COPY cannot copy from a Git repository (\"{source}\"); use ADD.", loc);
                git.Add(source);
            }
            else if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                if (!isAdd) throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, $"COPY cannot download a URL (\"{source}\"); use ADD.", loc);
                urls.Add(source);
            }
            else
            {
                local.Add(parents ? PathRules.NormalizeParentsSource(source) : PathRules.NormalizeSource(source));
            }
        }
        if (sum is not null)
        {
            if (sources.Count != 1 || (urls.Count == 0 && git.Count == 0))
                throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, "ADD --checksum needs exactly one HTTP(S) or Git source.", loc);
            if (urls.Count == 1 && !IsDigest(sum))
                throw new FrontendError(FrontendDiagnosticCodes.InvalidArguments, $"Invalid ADD --checksum \"{sum}\": expected sha256:<64 hex digits>.", loc);
        }

        var inline = heredocs.Select(h => new InlineFile(
            h.Name,
            h.Expand ? ExpandHeredoc(h.ChompedContent, env, loc) : h.ChompedContent,
            0x1A4)).ToValueList();

        var op = new CopyOp(
            from,
            local.ToValueList(),
            urls.ToValueList(),
            git.ToValueList(),
            inline,
            PathRules.ResolveDestination(state.Config.WorkingDir, destination),
            chown,
            chmod,
            link,
            parents,
            excludes,
            isAdd,
            UnpackArchives: unpack ?? isAdd,
            UnpackUrls: unpack ?? false,
            sum,
            keepGitDir);

        var history = new System.Text.StringBuilder(keyword);
        if (parents) history.Append(" --parents");
        if (chown is not null && !Legacy) history.Append(" --chown=").Append(chown);
        if (chmod is not null && !Legacy) history.Append(" --chmod=").Append(chmod);
        foreach (var s in sources) history.Append(' ').Append(s);
        foreach (var h in heredocs) history.Append(" <<").Append(h.Name);
        history.Append(' ').Append(destination).Append(" # buildkit");
        AddStep(stage, state, command, Numbered(state, DisplayText(instruction, env), command.FromOnBuild), op,
            new StepHistory(history.ToString(), false));
    }

    private string ExpandHeredoc(string body, IEnvLookup env, SourceLocation loc)
    {
        if (_heredocLex.TryProcess(body, env, out var r, out var error)) return r.Value;
        throw new FrontendError(FrontendDiagnosticCodes.ExpansionError, $"Cannot expand the heredoc body: {error}", loc);
    }

    private static bool IsGitSource(string source) =>
        source.StartsWith("git@", StringComparison.Ordinal)
        || source.StartsWith("git://", StringComparison.Ordinal)
        || ((source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && (source.Split('#')[0].EndsWith(".git", StringComparison.Ordinal)));

    private static bool IsDigest(string value) =>
        value.StartsWith("sha256:", StringComparison.Ordinal) && value.Length == 71 && value[7..].All(char.IsAsciiHexDigitLower);

    private static bool IsValidChmod(string chmod)
    {
        if (chmod.All(char.IsAsciiDigit))
        {
            try
            {
                return Convert.ToInt32(chmod, 8) <= 0xFFF;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return false;
            }
        }
        // Symbolic: [ugoa]*[-+=]([rwxXst]*|[ugo]) clauses, comma-separated (as chmod(1)).
        foreach (var clause in chmod.Split(','))
        {
            var i = 0;
            while (i < clause.Length && "ugoa".Contains(clause[i], StringComparison.Ordinal)) i++;
            if (i == clause.Length) return false;
            while (i < clause.Length)
            {
                if (!"+-=".Contains(clause[i], StringComparison.Ordinal)) return false;
                i++;
                if (i < clause.Length && "ugo".Contains(clause[i], StringComparison.Ordinal))
                {
                    i++;
                    continue;
                }
                while (i < clause.Length && "rwxXst".Contains(clause[i], StringComparison.Ordinal)) i++;
            }
        }
        return true;
    }

    private void WarnUnusedBuildArgs()
    {
        foreach (var key in _buildArgs.Keys.Order(StringComparer.Ordinal))
        {
            if (_declaredArgs.Contains(key) || ProxyArgs.Contains(key) || IsPredefined(key)) continue;
            Warn(FrontendDiagnosticCodes.UnusedBuildArg, $"Build argument \"{key}\" was not consumed by any ARG instruction.", null);
        }
    }

    private static bool IsPredefined(string key) =>
        key.StartsWith("BUILDKIT_", StringComparison.Ordinal) || key is "SOURCE_DATE_EPOCH"
        || key is "BUILDPLATFORM" or "BUILDOS" or "BUILDARCH" or "BUILDVARIANT"
        || key is "TARGETPLATFORM" or "TARGETOS" or "TARGETARCH" or "TARGETVARIANT" or "TARGETSTAGE";

    private sealed class StageInfo(Syn.BuildStage syntax, SourceLocation location)
    {
        public Syn.BuildStage Syntax { get; } = syntax;

        public SourceLocation Location { get; } = location;

        public int Index => Syntax.Index;

        public string? Name => Syntax.Name;

        public string DisplayName => Name ?? "stage-" + Index.ToString(CultureInfo.InvariantCulture);

        public List<Command> Commands { get; } = [];

        public SourceRef Base { get; set; } = SourceRef.Scratch;

        public string BaseDescription { get; set; } = "FROM scratch";

        public PlatformSpec? ExplicitPlatform { get; set; }

        public ImageConfigState? ImageConfig { get; set; }

        public bool TriggersInjected { get; set; }

        public int TriggerCount { get; set; }

        public DispatchState? Result { get; set; }
    }

    private sealed class Command(Syn.Instruction instruction, bool fromOnBuild, SourceLocation location)
    {
        public Syn.Instruction Instruction { get; } = instruction;

        public bool FromOnBuild { get; } = fromOnBuild;

        public SourceLocation Location { get; } = location;

        /// <summary>COPY: [from]; RUN: one entry per mount (context, scratch, stage or image).</summary>
        public List<SourceRef> Sources { get; } = [];
    }

    private sealed class DispatchState(ImageConfigState config, EnvState env, List<ArgValue> buildArgs, PlatformSpec platform)
    {
        public ImageConfigState Config { get; set; } = config;

        public EnvState Env { get; } = env;

        public List<ArgValue> BuildArgs { get; } = buildArgs;

        public PlatformSpec Platform { get; } = platform;

        public bool CmdSet { get; set; }

        /// <summary>How many of <see cref="BuildArgs"/> came from the base stage (BuildKit 0.8 left them out of RUN history).</summary>
        public int InheritedArgs { get; init; }

        public List<Vertex> Steps { get; } = [];

        public int Index { get; set; }

        public int Total { get; set; }

        public string Prefix { get; set; } = "";
    }
}
