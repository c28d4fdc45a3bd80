using System.Text.Json.Serialization;

namespace Build.Engine.Oci;

/// <summary>
/// The one source-generated JSON context for every OCI and Docker record. Property order is
/// declaration order, nothing is indented and nulls are omitted, so serializing the same value
/// always yields the same bytes and therefore the same digest. Use <see cref="OciJson"/>, which
/// adds the encoder settings attributes cannot express.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false,
    Converters = [typeof(DigestJsonConverter)])]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(Platform))]
[JsonSerializable(typeof(OciLayoutHeader))]
[JsonSerializable(typeof(DockerArchiveEntry[]))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
public sealed partial class OciJsonContext : JsonSerializerContext;
