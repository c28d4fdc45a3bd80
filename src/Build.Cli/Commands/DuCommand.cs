using System.CommandLine;
using System.Globalization;
using Build.Engine.Gc;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder du [--verbose]</c>: disk usage of the build cache by record (size, shared, reclaimable, last use) and
/// totals, like <c>docker buildx du</c>; then what else the store holds and what <c>builder prune</c> would collect.
/// </summary>
internal static class DuCommand
{
    internal static Command Create()
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show every field of every cache record" };
        var cmd = new Command("du", "Disk usage of the build cache") { verbose };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var root = CliApp.ResolveRoot(parseResult);
            var usage = await StoreUsage.MeasureAsync(root, TimeProvider.System, ct).ConfigureAwait(false);
            var output = parseResult.InvocationConfiguration.Output;
            var now = TimeProvider.System.GetUtcNow();
            if (parseResult.GetValue(verbose))
            {
                foreach (var r in usage.Records)
                {
                    await output.WriteLineAsync(string.Join('\n',
                        Field("ID", r.Record.Key.ToString()),
                        Field("Step", r.Record.StepIdentity),
                        Field("Description", r.Description),
                        Field("Layer", r.Record.Layer?.Digest.ToString() ?? "none (the step changed no files)"),
                        Field("Created at", r.Record.Created.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture)),
                        Field("Last used", GoDuration.Humanize(now - r.Record.LastUsed) + " ago"),
                        Field("Build time", r.Record.Duration.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + "s"),
                        Field("Size", ByteSize.Format(r.Size)),
                        Field("Shared", r.Shared ? "true" : "false"),
                        Field("Reclaimable", r.Reclaimable ? "true" : "false")) + "\n").ConfigureAwait(false);
                }
            }
            else if (usage.Records.Count > 0)
            {
                await output.WriteLineAsync(Row("ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED")).ConfigureAwait(false);
                foreach (var r in usage.Records)
                {
                    string id = r.Record.Key.ToString()["sha256:".Length..][..25] + (r.Shared ? "*" : "");
                    await output.WriteLineAsync(Row(id, r.Reclaimable ? "true" : "false", ByteSize.Format(r.Size), GoDuration.Humanize(now - r.Record.LastUsed) + " ago")).ConfigureAwait(false);
                }
            }
            string Count(ReclaimedItems i, string what) => string.Create(CultureInfo.InvariantCulture, $"{ByteSize.Format(i.Bytes)} ({i.Count} {what})");
            await output.WriteLineAsync(string.Join('\n',
                Field("Shared", ByteSize.Format(usage.Shared)),
                Field("Private", ByteSize.Format(usage.Private)),
                Field("Reclaimable", ByteSize.Format(usage.Reclaimable)),
                Field("Total", ByteSize.Format(usage.Total)),
                "",
                Field("Records", usage.Records.Count.ToString(CultureInfo.InvariantCulture)),
                Field("Image blobs", Count(usage.ImageOnlyBlobs, "used only by images")),
                Field("Unreferenced", Count(usage.UnreferencedBlobs, "blobs nothing refers to; prune removes them")),
                Field("Unpacked", Count(usage.UnpackedLayers, "unpacked layers")),
                Field("Temporary", Count(usage.Scratch, "temporary items")),
                Field("Running", usage.LiveOperations.ToString(CultureInfo.InvariantCulture) + " builds or other store operations"))).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }

    private static string Field(string name, string value) => (name + ":").PadRight(16) + value;

    private static string Row(string id, string reclaimable, string size, string last) =>
        id.PadRight(30) + reclaimable.PadRight(14) + size.PadRight(12) + last;
}
