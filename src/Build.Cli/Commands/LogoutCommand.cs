using System.CommandLine;

namespace Build.Cli.Commands;

/// <summary><c>builder logout [REGISTRY]</c>: removes stored credentials, like <c>docker logout</c>.</summary>
internal static class LogoutCommand
{
    internal static Command Create()
    {
        var registryArg = new Argument<string?>("registry") { Description = "Registry host[:port] (default docker.io)", Arity = ArgumentArity.ZeroOrOne };
        var config = RegistryCommandOptions.Config();
        var command = new Command("logout", "Remove the stored credentials of a registry");
        command.Arguments.Add(registryArg);
        command.Options.Add(config);
        command.SetAction(async (parse, ct) =>
        {
            string registry = LoginCommand.NormalizeRegistryArgument(parse.GetValue(registryArg));
            var file = RegistryCommandOptions.ConfigFile(parse.GetValue(config));
            bool removed = await file.RemoveAsync(registry, ct).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine(removed
                ? $"Removing login credentials for {registry}"
                : $"Not logged in to {registry}");
            return 0;
        });
        return command;
    }
}
