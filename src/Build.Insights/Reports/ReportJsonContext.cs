using System.Text.Json.Serialization;

namespace Build.Insights.Reports;

/// <summary>The report's JSON (source-generated, snake_case, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    IgnoreReadOnlyProperties = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReplayReport))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
