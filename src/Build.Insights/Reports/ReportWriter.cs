using System.Text.Json;

namespace Build.Insights.Reports;

/// <summary>Writes a <see cref="ReplayReport"/> as text, JSON or one self-contained HTML page.</summary>
public static class ReportWriter
{
    public static void Write(ReplayReport report, ReportFormat format, TextWriter output)
    {
        switch (format)
        {
            case ReportFormat.Json:
                output.Write(ToJson(report));
                output.WriteLine();
                break;
            case ReportFormat.Html:
                HtmlReport.Write(report, output);
                break;
            default:
                TextReport.Write(report, output);
                break;
        }
    }

    /// <summary>Only the advice section, as text.</summary>
    public static void WriteAdvice(IReadOnlyList<Advice.Suggestion> advice, TextWriter output) => TextReport.WriteAdvice(output, advice);

    public static string ToJson(ReplayReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.ReplayReport);

    public static ReplayReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.ReplayReport) ?? throw new JsonException("empty report");
}
