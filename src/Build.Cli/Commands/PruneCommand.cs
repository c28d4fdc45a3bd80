using System.CommandLine;
using System.Globalization;
using Build.Engine.Errors;
using Build.Engine.Gc;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder prune [-a] [--keep-storage SIZE] [--filter until=DURATION] [-f]</c>: removes build cache like
/// <c>docker buildx prune</c> (least recently used first; blobs of stored images stay), then collects orphan blobs,
/// unpacked layers nothing needs and the leftovers of killed builds. Safe while builds run on the same root.
/// </summary>
internal static class PruneCommand
{
    internal static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove all build cache, not only records no stored image uses (and cache mounts)" };
        var keep = new Option<string?>("--keep-storage") { Description = "Amount of disk space to keep for cache (e.g. 10gb); least recently used records go first" };
        var filters = new Option<string[]>("--filter") { Description = "Filter values: until=DURATION keeps records used within DURATION (e.g. until=24h)" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var verbose = new Option<bool>("--verbose") { Description = "List every removed record with its instruction" };
        var cmd = new Command("prune", "Remove build cache") { all, keep, filters, force, verbose };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var options = PruneFlags.Parse(parseResult.GetValue(all), parseResult.GetValue(keep), parseResult.GetValue(filters) ?? []);
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!parseResult.GetValue(force))
            {
                await error.WriteAsync(options.All
                    ? "WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] "
                    : "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ").ConfigureAwait(false);
                string? answer = await Console.In.ReadLineAsync(ct).ConfigureAwait(false);
                if (answer?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                    throw new BuildException(ErrorCode.InvalidArgument, "prune cancelled (pass -f to skip the prompt)");
            }
            var result = await new StoreCollector(CliApp.ResolveRoot(parseResult), TimeProvider.System).PruneAsync(options, ct).ConfigureAwait(false);
            if (result.Records.Count > 0)
            {
                await output.WriteLineAsync("Deleted build cache objects:").ConfigureAwait(false);
                foreach (var r in result.Records)
                {
                    string line = parseResult.GetValue(verbose)
                        ? $"{r.Key}\t{ByteSize.Format(r.Layer?.Size ?? 0)}\t{StoreUsage.Describe(r)}"
                        : r.Key.ToString();
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                }
                await output.WriteLineAsync().ConfigureAwait(false);
            }
            foreach (string path in result.Failed)
                await error.WriteLineAsync($"warning: could not remove {path}").ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Removed {result.Records.Count} cache records, {result.Blobs.Count} blobs ({ByteSize.Format(result.Blobs.Bytes)}), {result.UnpackedLayers.Count} unpacked layers ({ByteSize.Format(result.UnpackedLayers.Bytes)}), {result.Scratch.Count} temporary items ({ByteSize.Format(result.Scratch.Bytes)})")).ConfigureAwait(false);
            if (result.LiveOperations > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Kept what {result.LiveOperations} running build(s) use")).ConfigureAwait(false);
            await output.WriteLineAsync("Total reclaimed space: " + ByteSize.Format(result.TotalBytes)).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
