using System.CommandLine;

namespace Build.Cli.Commands;

/// <summary><c>builder tag SOURCE TARGET</c>: gives a stored image another name, like docker tag.</summary>
internal static class TagCommand
{
    internal static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "Image name, digest or ID" };
        var target = new Argument<string>("TARGET") { Description = "New name, e.g. registry.example.com/app:1.0" };
        var cmd = new Command("tag", "Create a name TARGET that refers to the image SOURCE") { source, target };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            await store.Images.TagAsync(parseResult.GetValue(source)!, parseResult.GetValue(target)!, ct).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
