using System.CommandLine;
using System.Globalization;
using Build.Engine.Archive;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder import ROOTFS_DIR|TAR -t NAME</c>: a one-layer image from a root filesystem, like docker
/// import. SOURCE_DATE_EPOCH, when set, becomes the creation time and clamps file mtimes.
/// </summary>
internal static class ImportCommand
{
    internal static Command Create()
    {
        var source = new Argument<string>("ROOTFS") { Description = "Root filesystem directory, or a tar of one (gzip/zstd ok)" };
        var tag = new Option<string?>("--tag", "-t") { Description = "Name for the image, e.g. base:latest" };
        var platform = new Option<string?>("--platform") { Description = "os/arch[/variant] to record (default: this host's)" };
        var cmd = new Command("import", "Create an image from a root filesystem directory or tarball") { source, tag, platform };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            DateTimeOffset created = TimeProvider.System.GetUtcNow();
            UnixTimestamp? epoch = null;
            if (Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } sde)
            {
                if (!long.TryParse(sde, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
                    throw new BuildException(ErrorCode.InvalidArgument, $"SOURCE_DATE_EPOCH=\"{sde}\" is not a number of seconds");
                created = DateTimeOffset.FromUnixTimeSeconds(seconds);
                epoch = new UnixTimestamp(seconds);
            }
            var options = new RootfsImportOptions
            {
                Platform = parseResult.GetValue(platform) is { } p ? Platform.Parse(p) : Platform.Host,
                Created = created,
                Layer = new LayerWriteOptions { SourceDateEpoch = epoch },
            };
            var name = parseResult.GetValue(tag) is { } t ? ImageReference.Parse(t) : null;
            var imported = await RootfsImporter.ImportAsync(store.Images, parseResult.GetValue(source)!, name, options, ct).ConfigureAwait(false);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(imported.ConfigDigest.ToString()).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
