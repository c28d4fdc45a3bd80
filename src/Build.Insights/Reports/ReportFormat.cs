namespace Build.Insights.Reports;

/// <summary>The <c>--format</c> of a replay report.</summary>
public enum ReportFormat
{
    Text,
    Json,
    Html,
}
