using System.Globalization;
using Build.Parser.Combinators;
using Build.Parser.Diagnostics;
using Build.Parser.Syntax;

namespace Build.Parser.Parsing;

/// <summary>
/// Gives each <see cref="InstructionNode"/> its meaning (BuildKit's instruction layer): validates flags and
/// argument counts and builds the typed record. Problems become diagnostics; an instruction with an error
/// yields no typed record.
/// </summary>
internal sealed class InstructionTyper(string fileName, List<Diagnostic> diagnostics)
{
    private static readonly TimeSpan MinimumHealthcheckDuration = TimeSpan.FromMilliseconds(1);

    private int _errors;

    public Instruction? Type(InstructionNode node)
    {
        int errorsBefore = _errors + CountSyntaxErrors(node);
        _errors = errorsBefore;
        var instruction = TypeCore(node);
        return _errors == errorsBefore && CountSyntaxErrors(node) == 0 ? instruction : null;
    }

    // Errors the syntax layer already reported inside this instruction (a JSON non-string, ENV without value):
    // the instruction must not be typed, and "requires an argument" must not be reported a second time.
    private int CountSyntaxErrors(InstructionNode node)
    {
        int count = 0;
        foreach (var d in diagnostics)
        {
            if (d.IsError && d.Span.Start.Offset >= node.Span.Start.Offset && d.Span.Start.Offset <= node.Span.End.Offset
                && d.Code is DiagnosticCodes.JsonNonString or DiagnosticCodes.MissingArguments or DiagnosticCodes.InvalidArguments)
                count++;
        }
        return count;
    }

    private Instruction? TypeCore(InstructionNode node)
    {
        var kind = node.Kind;
        if (kind == InstructionKind.Unknown)
        {
            UnknownInstruction(node);
            return null;
        }
        string keyword = InstructionKinds.Keyword(kind);
        bool healthcheckNone = kind == InstructionKind.Healthcheck && node.Arguments.Count > 0
            && node.Arguments[0].Value.Equals("NONE", StringComparison.OrdinalIgnoreCase);
        var flags = ValidateFlags(node, kind, keyword, healthcheckNone);
        if (flags is null)
            return null;
        var args = node.Arguments;
        bool hadSyntaxError = CountSyntaxErrors(node) > 0;

        switch (kind)
        {
            case InstructionKind.From:
                return From(node, flags);
            case InstructionKind.Run:
                return Run(node, flags, hadSyntaxError);
            case InstructionKind.Cmd:
                return CommandOf(node, keyword, hadSyntaxError) is { } cmd ? new CmdInstruction(node, cmd) : null;
            case InstructionKind.Entrypoint:
                return CommandOf(node, keyword, hadSyntaxError) is { } entry ? new EntrypointInstruction(node, entry) : null;
            case InstructionKind.Env:
                return KeyValues(node, keyword, hadSyntaxError) is { } env ? new EnvInstruction(node, env.Pairs, env.Legacy) : null;
            case InstructionKind.Label:
                return KeyValues(node, keyword, hadSyntaxError) is { } labels ? new LabelInstruction(node, labels.Pairs, labels.Legacy) : null;
            case InstructionKind.Maintainer:
                if (!ExactlyOne(node, keyword))
                    return null;
                Warning(node, DiagnosticCodes.MaintainerDeprecated, "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=\"...\" instead", node.Span);
                return new MaintainerInstruction(node, args[0].Value);
            case InstructionKind.Expose:
                if (args.Count == 0)
                    return MissingArgument(node, $"{keyword} requires at least one argument");
                return new ExposeInstruction(node, Values(args));
            case InstructionKind.Add or InstructionKind.Copy:
                return CopyOrAdd(node, kind, keyword, flags);
            case InstructionKind.Volume:
                if (args.Count == 0)
                    return MissingArgument(node, $"{keyword} requires at least one argument");
                foreach (var arg in args)
                {
                    if (arg.Value.Trim().Length == 0)
                        return Error(DiagnosticCodes.InvalidArguments, "VOLUME specified can not be an empty string", arg.Span);
                }
                return new VolumeInstruction(node, Values(args));
            case InstructionKind.User:
                return ExactlyOne(node, keyword) ? new UserInstruction(node, args[0].Value) : null;
            case InstructionKind.Workdir:
                return ExactlyOne(node, keyword) ? new WorkdirInstruction(node, args[0].Value) : null;
            case InstructionKind.StopSignal:
                return ExactlyOne(node, keyword) ? new StopSignalInstruction(node, args[0].Value) : null;
            case InstructionKind.Arg:
                return Arg(node, keyword);
            case InstructionKind.Onbuild:
                return Onbuild(node);
            case InstructionKind.Healthcheck:
                return Healthcheck(node, flags, healthcheckNone, hadSyntaxError);
            case InstructionKind.Shell:
                if (!node.IsJsonForm)
                {
                    if (args.Count == 0)
                        return MissingArgument(node, "SHELL requires at least one argument");
                    return Error(DiagnosticCodes.JsonFormRequired, "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]", node.Span);
                }
                if (args.Count == 0)
                    return hadSyntaxError ? null : MissingArgument(node, "SHELL requires at least one argument");
                return new ShellInstruction(node, Values(args));
            default:
                return null;
        }
    }

    private void UnknownInstruction(InstructionNode node)
    {
        string? suggestion = Levenshtein.Suggest(node.Keyword, InstructionKinds.Names);
        string message = $"unknown instruction: {node.Keyword}";
        if (suggestion is not null)
            message += $" (did you mean {suggestion.ToUpperInvariant()}?)";
        var start = node.Span.Start;
        var end = new SourcePosition(start.Line, start.Column + node.Keyword.Length, start.Offset + node.Keyword.Length);
        Error(DiagnosticCodes.UnknownInstruction, message, new SourceSpan(start, end));
    }

    private FlagValues? ValidateFlags(InstructionNode node, InstructionKind kind, string keyword, bool healthcheckNone)
    {
        var spec = healthcheckNone ? [] : FlagSpec.For(kind);
        var values = new FlagValues();
        bool ok = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flag in node.Flags)
        {
            int index = -1;
            for (int i = 0; i < spec.Length; i++)
            {
                if (spec[i].Name == flag.Name)
                {
                    index = i;
                    break;
                }
            }
            if (index < 0)
            {
                ok = false;
                Error(DiagnosticCodes.UnknownFlag, UnknownFlagMessage(flag.Name, kind, keyword, spec, healthcheckNone), flag.Span);
                continue;
            }
            var flagKind = spec[index].Kind;
            if (!seen.Add(flag.Name) && flagKind != FlagKind.Strings)
            {
                ok = false;
                Error(DiagnosticCodes.DuplicateFlag, $"duplicate flag specified: --{flag.Name} may be given only once", flag.Span);
                continue;
            }
            switch (flagKind)
            {
                case FlagKind.Bool when flag.Value is not null:
                    if (flag.Value.Length == 0)
                    {
                        ok = false;
                        Error(DiagnosticCodes.FlagValueMissing, $"missing a value on flag --{flag.Name}=: write --{flag.Name}, --{flag.Name}=true or --{flag.Name}=false", flag.Span);
                        continue;
                    }
                    if (!flag.Value.Equals("true", StringComparison.OrdinalIgnoreCase) && !flag.Value.Equals("false", StringComparison.OrdinalIgnoreCase))
                    {
                        ok = false;
                        Error(DiagnosticCodes.InvalidFlagValue, $"expecting a boolean value for flag --{flag.Name}, not \"{flag.Value}\"", flag.Span);
                        continue;
                    }
                    break;
                case FlagKind.String or FlagKind.Strings when flag.Value is null:
                    ok = false;
                    Error(DiagnosticCodes.FlagValueMissing, $"missing a value on flag --{flag.Name}: write --{flag.Name}=<value>", flag.Span);
                    continue;
            }
            values.Add(flag);
        }
        return ok ? values : null;
    }

    private static string UnknownFlagMessage(string name, InstructionKind kind, string keyword, ReadOnlySpan<(string Name, FlagKind Kind)> spec, bool healthcheckNone)
    {
        if (healthcheckNone)
            return $"HEALTHCHECK NONE takes no options, but --{name} was given";
        var owners = FlagSpec.OwnersOf(name, kind).Select(InstructionKinds.Keyword).ToList();
        if (owners.Count > 0)
            return $"flag --{name} is not valid on {keyword} (it is a flag of {string.Join(" and ", owners)})";
        var names = new List<string>(spec.Length);
        foreach (var (n, _) in spec)
            names.Add(n);
        string? suggestion = Levenshtein.Suggest(name, names);
        if (names.Count == 0)
            return $"unknown flag --{name}: {keyword} takes no flags";
        return suggestion is not null
            ? $"unknown flag --{name} on {keyword} (did you mean --{suggestion}?)"
            : $"unknown flag --{name} on {keyword}; valid flags are --{string.Join(", --", names)}";
    }

    private FromInstruction? From(InstructionNode node, FlagValues flags)
    {
        var args = node.Arguments;
        if (args.Count == 3 && args[1].Value.Equals("as", StringComparison.OrdinalIgnoreCase))
        {
            string name = args[2].Value.ToLowerInvariant();
            if (!IsValidStageName(name))
                return Error<FromInstruction>(DiagnosticCodes.InvalidStageName,
                    $"invalid name for build stage: \"{args[2].Value}\", name can't start with a number or contain symbols", args[2].Span);
            return new FromInstruction(node, args[0].Value, flags.String("platform"), name);
        }
        if (args.Count != 1)
        {
            if (args.Count == 0)
                return MissingArgument<FromInstruction>(node, "FROM requires either one or three arguments: FROM image [AS name]");
            return Error<FromInstruction>(DiagnosticCodes.InvalidArguments, "FROM requires either one or three arguments: FROM image [AS name]", node.Span);
        }
        return new FromInstruction(node, args[0].Value, flags.String("platform"), null);
    }

    private static bool IsValidStageName(string name)
    {
        if (name.Length == 0 || name[0] is < 'a' or > 'z')
            return false;
        foreach (char c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
                return false;
        }
        return true;
    }

    private RunInstruction? Run(InstructionNode node, FlagValues flags, bool hadSyntaxError)
    {
        var command = CommandOf(node, "RUN", hadSyntaxError);
        var mounts = new List<RunMount>();
        bool ok = command is not null;
        foreach (var flag in flags.All("mount"))
        {
            var parsed = RunMountParser.Parse(flag.Value!);
            if (parsed.Mount is null)
            {
                ok = false;
                Error(DiagnosticCodes.InvalidMountOption, $"invalid --mount: {parsed.Error}", flag.Span);
            }
            else
            {
                mounts.Add(parsed.Mount with { Span = flag.Span });
            }
        }
        NetworkMode? network = null;
        if (flags.Flag("network") is { } networkFlag)
        {
            switch (networkFlag.Value)
            {
                case "default": network = NetworkMode.Default; break;
                case "none": network = NetworkMode.None; break;
                case "host": network = NetworkMode.Host; break;
                default:
                    ok = false;
                    Error(DiagnosticCodes.InvalidFlagValue, $"unsupported network mode \"{networkFlag.Value}\": use default, none or host", networkFlag.Span);
                    break;
            }
        }
        SecurityMode? security = null;
        if (flags.Flag("security") is { } securityFlag)
        {
            switch (securityFlag.Value)
            {
                case "sandbox": security = SecurityMode.Sandbox; break;
                case "insecure": security = SecurityMode.Insecure; break;
                default:
                    ok = false;
                    Error(DiagnosticCodes.InvalidFlagValue, $"unsupported security mode \"{securityFlag.Value}\": use sandbox or insecure", securityFlag.Span);
                    break;
            }
        }
        return ok ? new RunInstruction(node, command!, ValueList<RunMount>.From(mounts), network, security, node.Heredocs) : null;
    }

    private CommandLine? CommandOf(InstructionNode node, string keyword, bool hadSyntaxError)
    {
        if (node.IsJsonForm)
            return hadSyntaxError ? null : new CommandLine(false, Values(node.Arguments));
        if (node.Arguments.Count == 0)
            return MissingArgument<CommandLine>(node, $"{keyword} requires at least one argument");
        return CommandLine.Shell(node.Arguments[0].Value);
    }

    private (ValueList<KeyValue> Pairs, bool Legacy)? KeyValues(InstructionNode node, string keyword, bool hadSyntaxError)
    {
        var args = node.Arguments;
        if (args.Count == 0)
            return hadSyntaxError ? null : MissingArgument<(ValueList<KeyValue>, bool)?>(node, $"{keyword} requires at least one argument");
        var pairs = new List<KeyValue>(args.Count / 3);
        bool legacy = false;
        for (int i = 0; i + 2 < args.Count; i += 3)
        {
            if (args[i].Value.Length == 0)
                return Error<(ValueList<KeyValue>, bool)?>(DiagnosticCodes.InvalidArguments, $"{keyword} names can not be blank", args[i].Span);
            legacy = args[i + 2].Value.Length == 0;
            pairs.Add(new KeyValue(args[i].Value, args[i + 1].Value, args[i].Span.Union(args[i + 1].Span)));
        }
        if (legacy)
        {
            Warning(node, DiagnosticCodes.LegacyKeyValueFormat,
                $"\"{keyword} key value\" is a legacy format: write \"{keyword} {args[0].Value}=<value>\" (quote the value if it has spaces)", node.Span);
        }
        return (ValueList<KeyValue>.From(pairs), legacy);
    }

    private Instruction? CopyOrAdd(InstructionNode node, InstructionKind kind, string keyword, FlagValues flags)
    {
        var args = node.Arguments;
        if (args.Count < 2)
            return MissingArgument(node, $"{keyword} requires at least two arguments, but only {(args.Count == 0 ? "none was" : "one was")} provided: the destination could not be determined");
        var destination = args[^1];
        if (!node.IsJsonForm && HeredocMarkers.Match(destination.Value) is not null)
            return Error(DiagnosticCodes.InvalidHeredoc, $"{keyword} cannot use a heredoc as the destination", destination.Span);

        var sources = new List<string>(args.Count - 1);
        var contents = new List<Heredoc>();
        for (int i = 0; i < args.Count - 1; i++)
        {
            var marker = node.IsJsonForm ? null : HeredocMarkers.Match(args[i].Value);
            // "<<  EOF" splits into two arguments; the heredoc reader saw one marker, so join them back.
            if (marker is null && !node.IsJsonForm && i + 2 < args.Count && args[i].Value.TrimStart("0123456789".ToCharArray()) is "<<" or "<<-"
                && HeredocMarkers.Match(args[i].Value + args[i + 1].Value) is { } joined)
            {
                marker = joined;
                i++;
                if (!node.Heredocs.Any(h => h.Name == joined.Name))
                {
                    sources.Add(args[i - 1].Value);
                    sources.Add(args[i].Value);
                    continue;
                }
            }
            Heredoc? heredoc = null;
            if (marker is not null)
            {
                foreach (var h in node.Heredocs)
                {
                    if (h.Name == marker.Name)
                    {
                        heredoc = h;
                        break;
                    }
                }
            }
            if (heredoc is not null)
                contents.Add(heredoc);
            else
                sources.Add(args[i].Value);
        }

        bool ok = true;
        if (flags.Flag("chmod") is { Value: { } chmod } chmodFlag && !chmod.Contains('$', StringComparison.Ordinal) && !IsValidChmod(chmod))
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, $"invalid --chmod value \"{chmod}\": use an octal mode such as 755 or a symbolic one such as u=rwX,go=rX", chmodFlag.Span);
        }
        if (flags.Flag("chown") is { Value: "" } chownFlag)
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, "--chown needs a user, e.g. --chown=app or --chown=1000:1000", chownFlag.Span);
        }
        var excludes = new List<string>();
        foreach (var flag in flags.All("exclude"))
            excludes.Add(flag.Value!);

        if (kind == InstructionKind.Copy)
        {
            if (flags.Flag("from") is { Value: "" } fromFlag)
            {
                ok = false;
                Error(DiagnosticCodes.InvalidFlagValue, "--from needs a stage name, stage index or image", fromFlag.Span);
            }
            return ok
                ? new CopyInstruction(node, ValueList<string>.From(sources), ValueList<Heredoc>.From(contents), destination.Value,
                    flags.String("from"), flags.String("chown"), flags.String("chmod"), flags.Bool("link") ?? false,
                    flags.Bool("parents") ?? false, ValueList<string>.From(excludes))
                : null;
        }

        if (flags.Flag("checksum") is { Value: { } checksum } checksumFlag && !checksum.Contains('$', StringComparison.Ordinal) && !IsValidChecksum(checksum))
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, $"invalid --checksum value \"{checksum}\": use a digest such as sha256:<64 hex digits> or a Git commit", checksumFlag.Span);
        }
        return ok
            ? new AddInstruction(node, ValueList<string>.From(sources), ValueList<Heredoc>.From(contents), destination.Value,
                flags.String("chown"), flags.String("chmod"), flags.Bool("link") ?? false, flags.Bool("keep-git-dir") ?? false,
                flags.String("checksum"), flags.Bool("unpack"), ValueList<string>.From(excludes))
            : null;
    }

    // Octal (644, 0755) or symbolic (u+x, go=rX, a-w), comma-separated, as BuildKit accepts since Dockerfile 1.14.
    private static bool IsValidChmod(string value)
    {
        if (value.Length > 0 && value.All(c => c is >= '0' and <= '7'))
            return value.Length <= 4;
        foreach (var clause in value.Split(','))
        {
            int i = 0;
            while (i < clause.Length && clause[i] is 'u' or 'g' or 'o' or 'a')
                i++;
            if (i >= clause.Length || clause[i] is not ('+' or '-' or '='))
                return false;
            while (i < clause.Length && clause[i] is '+' or '-' or '=')
            {
                i++;
                while (i < clause.Length && clause[i] is 'r' or 'w' or 'x' or 'X' or 's' or 't' or 'u' or 'g' or 'o')
                    i++;
            }
            if (i != clause.Length)
                return false;
        }
        return true;
    }

    private static bool IsValidChecksum(string value)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        string algorithm = colon < 0 ? "" : value[..colon];
        string hex = colon < 0 ? value : value[(colon + 1)..];
        return hex.Length > 0 && hex.All(char.IsAsciiHexDigitLower) && algorithm.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
    }

    private ArgInstruction? Arg(InstructionNode node, string keyword)
    {
        if (node.Arguments.Count == 0)
            return MissingArgument<ArgInstruction>(node, $"{keyword} requires at least one argument");
        var declarations = new List<ArgDeclaration>(node.Arguments.Count);
        foreach (var arg in node.Arguments)
        {
            int eq = arg.Value.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? arg.Value : arg.Value[..eq];
            if (name.Length == 0)
                return Error<ArgInstruction>(DiagnosticCodes.InvalidArguments, "ARG names can not be blank", arg.Span);
            declarations.Add(new ArgDeclaration(name, eq < 0 ? null : arg.Value[(eq + 1)..], arg.Span));
        }
        return new ArgInstruction(node, ValueList<ArgDeclaration>.From(declarations));
    }

    private OnbuildInstruction? Onbuild(InstructionNode node)
    {
        if (node.Nested is null)
            return MissingArgument<OnbuildInstruction>(node, "ONBUILD requires at least one argument");
        var trigger = node.Nested;
        switch (trigger.Kind)
        {
            case InstructionKind.Onbuild:
                return Error<OnbuildInstruction>(DiagnosticCodes.InvalidOnbuild, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", trigger.Span);
            case InstructionKind.From or InstructionKind.Maintainer:
                return Error<OnbuildInstruction>(DiagnosticCodes.InvalidOnbuild, $"{trigger.Keyword.ToUpperInvariant()} isn't allowed as an ONBUILD trigger", trigger.Span);
        }
        var typed = TypeCore(trigger with { Heredocs = node.Heredocs });
        if (typed is null)
            return null;
        string expression = trigger.Original;
        foreach (var heredoc in node.Heredocs)
            expression += "\n" + heredoc.Content + heredoc.Name;
        return new OnbuildInstruction(node, typed, expression);
    }

    private HealthcheckInstruction? Healthcheck(InstructionNode node, FlagValues flags, bool none, bool hadSyntaxError)
    {
        var args = node.Arguments;
        if (args.Count == 0)
            return MissingArgument<HealthcheckInstruction>(node, "HEALTHCHECK requires at least one argument: NONE or CMD command");
        if (none)
        {
            if (args.Count > 1)
                return Error<HealthcheckInstruction>(DiagnosticCodes.TooManyArguments, "HEALTHCHECK NONE takes no arguments", args[1].Span);
            return new HealthcheckInstruction(node, true, null, null, null, null, null, null);
        }
        if (!args[0].Value.Equals("CMD", StringComparison.OrdinalIgnoreCase))
            return Error<HealthcheckInstruction>(DiagnosticCodes.InvalidArguments, $"unknown type \"{args[0].Value}\" in HEALTHCHECK (try CMD)", args[0].Span);
        if (hadSyntaxError)
            return null;
        CommandLine command;
        if (node.IsJsonForm)
        {
            if (args.Count < 2)
                return MissingArgument<HealthcheckInstruction>(node, "missing command after HEALTHCHECK CMD");
            command = new CommandLine(false, Values(args, 1));
        }
        else
        {
            if (args.Count < 2)
                return MissingArgument<HealthcheckInstruction>(node, "missing command after HEALTHCHECK CMD");
            command = CommandLine.Shell(args[1].Value);
        }
        bool ok = true;
        var interval = Duration(flags, "interval", ref ok);
        var timeout = Duration(flags, "timeout", ref ok);
        var startPeriod = Duration(flags, "start-period", ref ok);
        var startInterval = Duration(flags, "start-interval", ref ok);
        int? retries = null;
        if (flags.Flag("retries") is { Value: { Length: > 0 } text } retriesFlag)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n))
            {
                ok = false;
                Error(DiagnosticCodes.InvalidFlagValue, $"invalid --retries value \"{text}\": expected an integer", retriesFlag.Span);
            }
            else if (n < 0)
            {
                ok = false;
                Error(DiagnosticCodes.InvalidFlagValue, $"--retries cannot be negative ({n})", retriesFlag.Span);
            }
            else
            {
                retries = n;
            }
        }
        return ok ? new HealthcheckInstruction(node, false, command, interval, timeout, startPeriod, startInterval, retries) : null;
    }

    private TimeSpan? Duration(FlagValues flags, string name, ref bool ok)
    {
        if (flags.Flag(name) is not { Value: { Length: > 0 } text } flag)
            return null;
        if (!GoDuration.TryParse(text, out var value, out string? error))
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, $"--{name}: {error}", flag.Span);
            return null;
        }
        if (value == TimeSpan.Zero)
            return null;
        if (value < TimeSpan.Zero)
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, $"--{name} cannot be negative ({text})", flag.Span);
            return null;
        }
        if (value < MinimumHealthcheckDuration)
        {
            ok = false;
            Error(DiagnosticCodes.InvalidFlagValue, $"--{name} cannot be less than 1ms ({text})", flag.Span);
            return null;
        }
        return value;
    }

    private bool ExactlyOne(InstructionNode node, string keyword)
    {
        if (node.Arguments.Count == 1)
            return true;
        MissingArgument(node, $"{keyword} requires exactly one argument");
        return false;
    }

    private static ValueList<string> Values(ValueList<SyntaxArgument> args, int skip = 0)
    {
        var values = new string[Math.Max(0, args.Count - skip)];
        for (int i = 0; i < values.Length; i++)
            values[i] = args[i + skip].Value;
        return ValueList<string>.Wrap(values);
    }

    private Instruction? MissingArgument(InstructionNode node, string message) => MissingArgument<Instruction>(node, message);

    private T? MissingArgument<T>(InstructionNode node, string message) =>
        Error<T>(DiagnosticCodes.MissingArguments, message, node.Span);

    private Instruction? Error(string code, string message, SourceSpan span) => Error<Instruction>(code, message, span);

    private T? Error<T>(string code, string message, SourceSpan span)
    {
        _errors++;
        diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, code, message, span, fileName));
        return default;
    }

    private void Warning(InstructionNode node, string code, string message, SourceSpan span)
    {
        _ = node;
        diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, code, message, span, fileName));
    }
}
