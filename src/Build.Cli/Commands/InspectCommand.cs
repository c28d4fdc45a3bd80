using System.CommandLine;
using System.Text;
using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Cli.Commands;

/// <summary>
/// <c>builder inspect NAME</c>: the image's name, digests, manifest and config as one indented JSON
/// document; <c>--raw manifest|config</c> prints the exact stored bytes instead (their sha256 is the digest).
/// </summary>
internal static class InspectCommand
{
    internal static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image name, digest or ID" };
        var raw = new Option<string?>("--raw") { Description = "Print the stored bytes of the manifest or config unchanged" };
        raw.AcceptOnlyFromAmong("manifest", "config");
        var platform = new Option<string?>("--platform") { Description = "Platform to pick from a multi-platform index (default: this host's)" };
        var cmd = new Command("inspect", "Show an image's manifest and config") { image, raw, platform };
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            string reference = parseResult.GetValue(image)!;
            var p = parseResult.GetValue(platform) is { } text ? Platform.Parse(text) : null;
            var stored = await store.Images.OpenAsync(reference, p, ct).ConfigureAwait(false);
            var output = parseResult.InvocationConfiguration.Output;
            switch (parseResult.GetValue(raw))
            {
                case "manifest":
                    await output.WriteAsync(Encoding.UTF8.GetString(stored.RawManifest.Span)).ConfigureAwait(false);
                    return 0;
                case "config":
                    await output.WriteAsync(Encoding.UTF8.GetString(stored.RawConfig.Span)).ConfigureAwait(false);
                    return 0;
            }
            using var buffer = new MemoryStream();
            await using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("Name", reference);
                w.WriteString("Id", stored.ConfigDigest().ToString());
                w.WriteString("Digest", stored.Digest.ToString());
                w.WriteString("MediaType", stored.ManifestMediaType());
                w.WriteString("Platform", stored.Platform().ToString());
                w.WritePropertyName("Manifest");
                WriteRaw(w, stored.RawManifest, "manifest");
                w.WritePropertyName("Config");
                WriteRaw(w, stored.RawConfig, "config");
                w.WriteEndObject();
            }
            await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }

    private static void WriteRaw(Utf8JsonWriter w, ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException e)
        {
            throw new BuildException(ErrorCode.InvalidImage, $"stored {what} is not valid JSON: {e.Message}", e);
        }
    }
}
