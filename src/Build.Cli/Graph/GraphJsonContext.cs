using System.Text.Json.Serialization;

namespace Build.Cli.Graph;

/// <summary>Source-generated serializer for the graph document (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GraphDocument))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
