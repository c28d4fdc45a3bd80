using System.Globalization;

namespace Build.Cli.Progress;

/// <summary>Human units as docker prints them (<c>1.2s</c>, <c>12.3MB</c>).</summary>
public static class Units
{
    public static string Seconds(TimeSpan d) => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    public static string Bytes(long n)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1)
        {
            v /= 1000;
            u++;
        }
        return u == 0 ? n.ToString(CultureInfo.InvariantCulture) + "B" : v.ToString(v < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + units[u];
    }
}
