using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Gc;
using Build.Engine.Oci;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder images [REPOSITORY[:TAG]]</c>: lists stored images in docker's columns. SIZE is what
/// the image occupies in the store (compressed layers + config), not docker's unpacked size.
/// </summary>
internal static class ImagesCommand
{
    internal static Command Create()
    {
        var filter = new Argument<string?>("REPOSITORY") { Description = "Only images of this repository (and tag)", Arity = ArgumentArity.ZeroOrOne };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Show full image IDs" };
        var digests = new Option<bool>("--digests") { Description = "Show manifest digests" };
        var cmd = new Command("images", "List images in the local store") { filter, quiet, noTrunc, digests };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            var now = TimeProvider.System.GetUtcNow();
            string? f = parseResult.GetValue(filter);
            ImageReference? wanted = f is null ? null : ImageReference.Parse(f);
            bool tagGiven = f is not null && f.LastIndexOf(':') > f.LastIndexOf('/');
            var rows = new List<string[]>();
            var seenIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in await store.Images.ListAsync(ct).ConfigureAwait(false))
            {
                if (wanted is not null && (r.Name is null || r.Name.Name != wanted.Name || (tagGiven && r.Name.Tag != wanted.Tag)))
                    continue;
                StoredImage image;
                try
                {
                    image = await StoredImage.LoadAsync(store.Content, r.Target, Platform.Host, ct).ConfigureAwait(false);
                }
                catch (BuildException e)
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync($"warning: {r.Name?.FamiliarName ?? r.Digest.ToString()}: {e.Message}").ConfigureAwait(false);
                    continue;
                }
                string id = parseResult.GetValue(noTrunc) ? image.ConfigDigest().ToString() : image.ConfigDigest().Hex[..12];
                if (parseResult.GetValue(quiet))
                {
                    if (seenIds.Add(id))
                        rows.Add([id]);
                    continue;
                }
                var row = new List<string> { r.Name?.FamiliarRepository ?? "<none>", r.Name?.Tag ?? "<none>" };
                if (parseResult.GetValue(digests))
                    row.Add(r.Digest.ToString());
                row.AddRange([id, image.Config.Created is { } c ? GoDuration.Humanize(now - c) + " ago" : "N/A", ByteSize.Format(image.Layers.Sum(l => l.Size) + image.RawConfig.Length, significantDigits: 3)]);
                rows.Add([.. row]);
            }
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(quiet))
            {
                foreach (var row in rows)
                    await output.WriteLineAsync(row[0]).ConfigureAwait(false);
                return 0;
            }
            string[] header = parseResult.GetValue(digests)
                ? ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"]
                : ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"];
            rows.Insert(0, header);
            int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length))];
            foreach (var row in rows)
                await output.WriteLineAsync(string.Join("   ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i])))).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
