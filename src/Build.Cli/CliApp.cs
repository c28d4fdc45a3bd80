using System.CommandLine;
using Build.Engine.Content;
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
        root.Options.Add(new Option<string?>(RootOptionName)
        {
            Description = "Directory holding all state (blobs, images, cache); default $BUILDER_ROOT, /var/lib/builder as root, else $XDG_DATA_HOME/builder",
            Recursive = true,
        });
        root.Subcommands.Add(Commands.ImagesCommand.Create());
        root.Subcommands.Add(Commands.TagCommand.Create());
        root.Subcommands.Add(Commands.RmiCommand.Create());
        root.Subcommands.Add(Commands.InspectCommand.Create());
        root.Subcommands.Add(Commands.VerifyCommand.Create());
        root.Subcommands.Add(Commands.LoadCommand.Create());
        root.Subcommands.Add(Commands.SaveCommand.Create());
        root.Subcommands.Add(Commands.ImportCommand.Create());
        root.Subcommands.Add(Commands.ParseCommand.Create());
        root.Subcommands.Add(Commands.RunCommand.Create());
        root.Subcommands.Add(Commands.BuildCommand.Create());
        root.Subcommands.Add(Commands.CacheCommand.Create());
        root.Subcommands.Add(Commands.PullCommand.Create());
        root.Subcommands.Add(Commands.PushCommand.Create());
        root.Subcommands.Add(Commands.LoginCommand.Create());
        root.Subcommands.Add(Commands.LogoutCommand.Create());
        root.Subcommands.Add(Commands.DuCommand.Create());
        root.Subcommands.Add(Commands.PruneCommand.Create());
        return root;
    }

    /// <summary>The global <c>--root</c> option (recursive: valid before or after any subcommand).</summary>
    public const string RootOptionName = "--root";

    /// <summary>The state directory every command uses: <c>--root</c>, else BUILDER_ROOT, else the per-user default.</summary>
    public static BuilderRoot ResolveRoot(ParseResult parseResult) =>
        BuilderRoot.Resolve(parseResult.GetValue<string?>(RootOptionName), Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess);

    /// <summary>The content and image stores under the resolved root.</summary>
    internal static LocalStore OpenStore(ParseResult parseResult) => LocalStore.Open(ResolveRoot(parseResult), TimeProvider.System);

    private static readonly HashSet<string> LeasedCommands = new(StringComparer.Ordinal) { "load", "pull", "import", "run" };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = CreateRoot();
        // Ctrl-C/SIGTERM cancel the command's token; a build then kills its RUN, unmounts and deletes its work dirs.
        // Give that time on a loaded machine (the default is 2 s); whatever is left is prune's to collect.
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors)
                    stderr.WriteLine("error: " + e.Message);
                return UsageError;
            }
            // Commands that add to the store or use unpacked layers hold a lease, so a concurrent prune keeps what they
            // write and use (builds take theirs in BuildService).
            using var lease = LeasedCommands.Contains(parse.CommandResult.Command.Name)
                ? StoreLease.AcquireAsync(ResolveRoot(parse), CancellationToken.None).GetAwaiter().GetResult()
                : null;
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
