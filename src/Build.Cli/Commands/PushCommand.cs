using Build.Engine.Content;
using System.CommandLine;
using Build.Engine.Errors;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary><c>builder push NAME [REF]</c>: pushes a stored image (or index) to a registry, to REF or to NAME itself.</summary>
internal static class PushCommand
{
    internal static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Stored image name, digest or ID, e.g. localhost:5000/app:1" };
        var destination = new Argument<string?>("destination") { Description = "Reference to push to (default: NAME)", Arity = ArgumentArity.ZeroOrOne };
        var insecure = RegistryCommandOptions.InsecureRegistry();
        var config = RegistryCommandOptions.Config();
        var command = new Command("push", "Upload a stored image to a registry");
        command.Arguments.Add(name);
        command.Arguments.Add(destination);
        command.Options.Add(insecure);
        command.Options.Add(config);
        command.SetAction(async (parse, ct) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            string source = parse.GetValue(name)!;
            var target = ImageReference.Parse(parse.GetValue(destination) ?? source);
            if (target.Tag is null)
                throw new BuildException(ErrorCode.InvalidArgument, $"cannot push to {target.FamiliarName}: push to a tag, the digest follows from the content");
            var store = CliApp.OpenStore(parse);
            var stored = await store.Images.ResolveAsync(source, ct).ConfigureAwait(false);
            using var client = RegistryCommandOptions.CreateClient(parse, insecure, config, stdout, store.Root);
            var digest = await new RegistryPusher(client).PushAsync(target, new ContentStoreBlobs(store.Content),
                new RemoteDescriptor(stored.MediaType, stored.Digest, stored.Size), ct).ConfigureAwait(false);
            stdout.WriteLine($"{target.Tag}: digest: {digest} size: {stored.Size}");
            return 0;
        });
        return command;
    }
}
