using System.CommandLine;
using Build.Engine.Errors;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder rmi NAME...</c>: removes image names (all names of an image given by ID). Like docker,
/// it goes on after a failure and exits 1 if any name failed. Blobs stay until garbage collection.
/// </summary>
internal static class RmiCommand
{
    internal static Command Create()
    {
        var names = new Argument<string[]>("IMAGE") { Description = "Image names, digests or IDs", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("rmi", "Remove one or more images") { names };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            int status = 0;
            foreach (string name in parseResult.GetValue(names)!)
            {
                try
                {
                    foreach (string removed in await store.Images.RemoveAsync(name, ct).ConfigureAwait(false))
                        await output.WriteLineAsync("Untagged: " + removed).ConfigureAwait(false);
                }
                catch (BuildException e)
                {
                    await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                    status = CliApp.Failure;
                }
            }
            return status;
        });
        return cmd;
    }
}
