using System.CommandLine;
using System.Text;
using System.Runtime.InteropServices;
using Build.Cli.Graph;
using Build.Engine.Errors;
using Build.Engine.Frontend;
using Build.Engine.Graph;
using Build.Parser.Diagnostics;
using Build.Parser.Dump;
using Build.Parser.Parsing;
using DockerfileParseResult = Build.Parser.Parsing.ParseResult;
using Build.Engine.Oci;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder parse [--dump] [-f] FILE</c>: parses a Dockerfile and reports its diagnostics as
/// <c>FILE:LINE:COL: message</c> on stderr (exit 1 when there is an error). <c>--dump</c> prints BuildKit's AST dump.
/// </summary>
/// <remarks>
/// Each output mode is one option plus one branch in the action; the Frontend adds <c>--graph</c> and
/// <c>--format json</c> the same way, reusing <see cref="Load"/> for reading and diagnostics.
/// </remarks>
internal static class ParseCommand
{
    private static readonly Argument<string?> FileArgument = new("FILE")
    {
        Description = "The Dockerfile to parse (default: ./Dockerfile)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<string?> FileOption = new("--file", "-f") { Description = "The Dockerfile to parse (same as FILE)" };

    private static readonly Option<bool> DumpOption = new("--dump") { Description = "Print the syntax tree in BuildKit's AST dump format" };

    private static readonly Option<bool> GraphOption = new("--graph") { Description = "Print the build graph: stages and steps with their dependencies" };

    private static readonly Option<string?> TargetOption = new("--target") { Description = "With --graph: the stage to build (default: the last)" };

    private static readonly Option<string[]> BuildArgOption = new("--build-arg")
    {
        Description = "With --graph: a build argument K=V (K alone takes the value from the environment); repeatable",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string?> PlatformOption = new("--platform") { Description = "With --graph: the target platform (default: this machine's)" };

    private static readonly Option<string> FormatOption = new("--format")
    {
        Description = "With --graph: text or json",
        DefaultValueFactory = _ => "text",
    };

    internal static Command Create()
    {
        var command = new Command("parse", "Parse a Dockerfile and report problems with their line and column");
        command.Arguments.Add(FileArgument);
        command.Options.Add(FileOption);
        command.Options.Add(DumpOption);
        command.Options.Add(GraphOption);
        command.Options.Add(TargetOption);
        command.Options.Add(BuildArgOption);
        command.Options.Add(PlatformOption);
        command.Options.Add(FormatOption);
        FormatOption.AcceptOnlyFromAmong("text", "json");
        command.SetAction(parseResult =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            string path = parseResult.GetValue(FileArgument) ?? parseResult.GetValue(FileOption) ?? "Dockerfile";
            if (parseResult.GetValue(DumpOption))
            {
                // The dump is BuildKit's parser-level AST: like `buildkit parser --dump`, it only fails on syntax
                // errors, so `COPY --doit x /` (an unknown flag, rejected later) still dumps.
                var syntax = DockerfileParser.ParseSyntax(ReadText(path), path);
                WriteDiagnostics(syntax.Diagnostics, stderr);
                if (syntax.Diagnostics.Any(d => d.IsError))
                    return CliApp.Failure;
                stdout.Write(AstDumper.Dump(syntax));
                return 0;
            }
            if (parseResult.GetValue(GraphOption))
                return PrintGraph(parseResult, path, stdout, stderr);
            var result = Load(path, stderr);
            if (result.HasErrors)
                return CliApp.Failure;
            int warnings = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
            stdout.WriteLine($"{path}: {result.Syntax.Instructions.Count} instructions, {result.Dockerfile.Stages.Count} stages, {warnings} warnings");
            return 0;
        });
        return command;
    }

    private static int PrintGraph(System.CommandLine.ParseResult parseResult, string path, TextWriter stdout, TextWriter stderr)
    {
        var options = new FrontendOptions
        {
            BuildArgs = ParseBuildArgs(parseResult.GetValue(BuildArgOption) ?? []),
            Target = parseResult.GetValue(TargetOption),
            BuildPlatform = HostPlatform(),
            TargetPlatform = parseResult.GetValue(PlatformOption),
        };
        var result = DockerfileFrontend.Build(DockerfileParser.Parse(ReadText(path), path), options);
        bool json = parseResult.GetValue(FormatOption) == "json";
        if (json)
            stdout.Write(GraphPrinter.Json(result.Graph, result.Diagnostics));
        foreach (var diagnostic in result.Diagnostics)
            stderr.WriteLine(diagnostic.Location is null ? (diagnostic.IsError ? "error: " : "warning: ") + diagnostic.Message : diagnostic.ToString());
        if (result.Graph is null)
            return CliApp.Failure;
        if (!json)
            stdout.Write(GraphPrinter.Text(result.Graph));
        return 0;
    }

    /// <summary><c>K=V</c> pairs in order; <c>K</c> alone takes K's value from the environment, as docker does (skipped when unset).</summary>
    internal static ValueList<KeyValue> ParseBuildArgs(IEnumerable<string> values)
    {
        var list = new List<KeyValue>();
        foreach (var value in values)
        {
            int eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq == 0)
                throw new BuildException(ErrorCode.InvalidArgument, $"--build-arg \"{value}\": the name is empty");
            if (eq > 0)
                list.Add(new KeyValue(value[..eq], value[(eq + 1)..]));
            else if (Environment.GetEnvironmentVariable(value) is { } fromEnv)
                list.Add(new KeyValue(value, fromEnv));
        }
        return list.ToValueList();
    }

    /// <summary>This machine's platform as BuildKit names it (linux/amd64, linux/arm64...).</summary>
    internal static string HostPlatform() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "linux/arm64",
        Architecture.Arm => "linux/arm/v7",
        Architecture.X86 => "linux/386",
        Architecture.S390x => "linux/s390x",
        Architecture.Ppc64le => "linux/ppc64le",
        Architecture.RiscV64 => "linux/riscv64",
        _ => "linux/amd64",
    };

    /// <summary>Reads and fully parses <paramref name="path"/>, writing every diagnostic to <paramref name="stderr"/>.</summary>
    internal static DockerfileParseResult Load(string path, TextWriter stderr)
    {
        var result = DockerfileParser.Parse(ReadText(path), path);
        WriteDiagnostics(result.Diagnostics, stderr);
        return result;
    }

    /// <summary>The file as text: UTF-8, BOM left in place (the parser removes it and keeps columns right).</summary>
    internal static string ReadText(string path)
    {
        try
        {
            return new UTF8Encoding(false).GetString(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BuildException(ErrorCode.NotFound, $"{path}: no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BuildException(ErrorCode.Io, $"{path}: {e.Message}");
        }
    }

    private static void WriteDiagnostics(IEnumerable<Diagnostic> diagnostics, TextWriter stderr)
    {
        foreach (var diagnostic in diagnostics)
            stderr.WriteLine(diagnostic.ToString());
    }
}
