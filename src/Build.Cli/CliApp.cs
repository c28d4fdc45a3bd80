using System.CommandLine;
using Build.Engine.Errors;

namespace Build.Cli;

/// <summary>
/// Wires every command into one <see cref="RootCommand"/>. Each command lives in its own file under
/// <c>Commands/</c> and exposes a static <c>Create()</c>; this class only lists them and maps failures
/// to one-line messages and exit codes.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for a failed build or command (docker build uses 1).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a command line that does not parse.</summary>
    public const int UsageError = 2;

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("builder: build OCI container images from Dockerfiles, without a daemon");
        root.Subcommands.Add(Commands.ParseCommand.Create());
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = CreateRoot();
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors)
                    stderr.WriteLine("error: " + e.Message);
                return UsageError;
            }
            return parse.Invoke(config);
        }
        catch (BuildException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("error: cancelled");
            return 130;
        }
    }
}
