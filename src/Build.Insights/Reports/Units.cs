using System.Globalization;

namespace Build.Insights.Reports;

/// <summary>Numbers as the reports print them (invariant culture).</summary>
internal static class Units
{
    public static string Seconds(double ms) => (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) + "s";

    public static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Int(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Bytes(long n) => n switch
    {
        >= 1 << 30 => (n / (double)(1 << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1 << 20 => (n / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (n / (double)(1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => n.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Lines(IReadOnlyList<int> lines) =>
        (lines.Count == 1 ? "line " : "lines ") + string.Join(", ", lines.Select(l => l.ToString(CultureInfo.InvariantCulture)));
}
