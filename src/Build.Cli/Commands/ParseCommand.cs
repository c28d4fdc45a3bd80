using System.CommandLine;
using System.Text;
using Build.Engine.Errors;
using Build.Parser.Diagnostics;
using Build.Parser.Dump;
using Build.Parser.Parsing;
using DockerfileParseResult = Build.Parser.Parsing.ParseResult;

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

    internal static Command Create()
    {
        var command = new Command("parse", "Parse a Dockerfile and report problems with their line and column");
        command.Arguments.Add(FileArgument);
        command.Options.Add(FileOption);
        command.Options.Add(DumpOption);
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
            var result = Load(path, stderr);
            if (result.HasErrors)
                return CliApp.Failure;
            int warnings = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
            stdout.WriteLine($"{path}: {result.Syntax.Instructions.Count} instructions, {result.Dockerfile.Stages.Count} stages, {warnings} warnings");
            return 0;
        });
        return command;
    }

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
