using System.CommandLine;
using Build.Engine.Errors;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary><c>builder push NAME [REF]</c>: pushes a local image to a registry (to REF, or to NAME itself).</summary>
internal static class PushCommand
{
    internal static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Local image name, e.g. localhost:5000/app:1" };
        var destination = new Argument<string?>("destination") { Description = "Reference to push to (default: NAME)", Arity = ArgumentArity.ZeroOrOne };
        var insecure = RegistryCommandOptions.InsecureRegistry();
        var config = RegistryCommandOptions.Config();
        var root = RegistryCommandOptions.Root();
        var command = new Command("push", "Upload a local image to a registry");
        command.Arguments.Add(name);
        command.Arguments.Add(destination);
        command.Options.Add(insecure);
        command.Options.Add(config);
        command.Options.Add(root);
        command.SetAction(async (parse, ct) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            var local = ImageReference.Parse(parse.GetValue(name)!);
            var target = parse.GetValue(destination) is { } d ? ImageReference.Parse(d) : local;
            if (target.Tag is null && target.Digest is not null)
                throw new BuildException(ErrorCode.InvalidArgument, $"cannot push to {target.FamiliarName}: push to a tag, the digest follows from the content");
            string stateRoot = RegistryCommandOptions.StateRoot(parse.GetValue(root));
            var layout = RegistryCommandOptions.ImageLayout(stateRoot);
            var manifest = layout.Resolve(local.ToString())
                ?? throw new BuildException(ErrorCode.NotFound, $"image {local.FamiliarName} not found in {layout.Root}");
            using var client = RegistryCommandOptions.CreateClient(parse, insecure, config, stdout, stateRoot);
            var digest = await new RegistryPusher(client).PushAsync(target, layout, manifest, ct).ConfigureAwait(false);
            stdout.WriteLine($"{target.Tag ?? ImageReference.DefaultTag}: digest: {digest} size: {manifest.Size}");
            return 0;
        });
        return command;
    }
}
