using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Cli.Commands;

/// <summary><c>builder pull [--platform P] REF</c>: pulls an image into the local content and image stores.</summary>
internal static class PullCommand
{
    internal static Command Create()
    {
        var reference = new Argument<string>("reference") { Description = "Image reference, e.g. busybox:1.36 or localhost:5000/app@sha256:…" };
        var platform = new Option<string?>("--platform") { Description = "os/arch[/variant] to select from a multi-platform image (default: this machine's)" };
        var insecure = RegistryCommandOptions.InsecureRegistry();
        var config = RegistryCommandOptions.Config();
        var command = new Command("pull", "Download an image from a registry");
        command.Arguments.Add(reference);
        command.Options.Add(platform);
        command.Options.Add(insecure);
        command.Options.Add(config);
        command.SetAction(async (parse, ct) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            var image = ImageReference.Parse(parse.GetValue(reference)!);
            var wanted = parse.GetValue(platform) is { } p ? Platform.Parse(p) : Platform.Host;
            var store = CliApp.OpenStore(parse);
            using var client = RegistryCommandOptions.CreateClient(parse, insecure, config, stdout, store.Root);
            var pulled = await new RegistryPuller(client).PullAsync(image, wanted, store.Content, ct).ConfigureAwait(false);
            var descriptor = new Descriptor { MediaType = pulled.Manifest.MediaType, Digest = pulled.Manifest.Digest, Size = pulled.Manifest.Size };
            await store.Images.SetAsync(image, descriptor, ct).ConfigureAwait(false);
            stdout.WriteLine($"Digest: {pulled.IndexDigest ?? pulled.Manifest.Digest}");
            stdout.WriteLine(image.ToString());
            return 0;
        });
        return command;
    }
}
