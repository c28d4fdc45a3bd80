using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Export;

namespace Build.Cli.Commands;

/// <summary><c>builder save NAME -o PATH [--format docker|oci|oci-layout]</c>: writes a stored image to a file or directory.</summary>
internal static class SaveCommand
{
    internal static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image name, digest or ID" };
        var output = new Option<string>("--output", "-o") { Description = "File (docker, oci) or directory (oci-layout) to write", Required = true };
        var format = new Option<string>("--format") { Description = "docker (docker load-able tar, default), oci (oci-archive tar) or oci-layout (directory)", DefaultValueFactory = _ => "docker" };
        var cmd = new Command("save", "Save an image as a docker-archive, oci-archive or OCI layout") { image, output, format };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            string reference = parseResult.GetValue(image)!;
            var stored = await store.Images.OpenAsync(reference, null, ct).ConfigureAwait(false);
            // Saved under the name it was asked by; an ID or digest carries no name (docker does the same).
            var names = ImageReference.TryParse(reference, out var n) && n!.Tag is not null && (await store.Images.FindAsync(n, ct).ConfigureAwait(false)) is not null
                ? new[] { n }
                : [];
            var target = ImageExporters.SaveTarget(parseResult.GetValue(format)!, parseResult.GetValue(output)!, [.. names.Select(x => x.FamiliarName)]);
            await ImageExporters.Create(target, store.Images).ExportAsync(stored, names, ct).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
