using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder load -i FILE|DIR [-t NAME]</c>: imports an OCI layout directory, an oci-archive or a
/// docker-archive (gzip'd or not), printing what docker load prints.
/// </summary>
internal static class LoadCommand
{
    internal static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "OCI layout directory, oci-archive tar or docker-archive tar", Required = true };
        var tag = new Option<string?>("--tag", "-t") { Description = "Name to give the loaded image (the input must hold one image)" };
        var platform = new Option<string?>("--platform") { Description = "Platform to pick from a multi-platform index (default: this host's)" };
        var cmd = new Command("load", "Load images from an OCI layout, oci-archive or docker-archive") { input, tag, platform };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            var importer = new ImageImporter(store.Images)
            {
                Platform = parseResult.GetValue(platform) is { } p ? Platform.Parse(p) : Platform.Host,
            };
            var name = parseResult.GetValue(tag) is { } t ? ImageReference.Parse(t) : null;
            var output = parseResult.InvocationConfiguration.Output;
            foreach (var image in await importer.ImportAsync(parseResult.GetValue(input)!, name, ct).ConfigureAwait(false))
            {
                if (image.Names.Count == 0)
                    await output.WriteLineAsync("Loaded image ID: " + image.ConfigDigest).ConfigureAwait(false);
                foreach (var n in image.Names)
                    await output.WriteLineAsync("Loaded image: " + n.FamiliarName).ConfigureAwait(false);
            }
            return 0;
        });
        return cmd;
    }
}
