using System.Globalization;
using Build.Engine.Errors;

namespace Build.Engine.Gc;

/// <summary>Durations as Go writes them (<c>24h</c>, <c>2h30m</c>, <c>90s</c>, <c>1.5h</c>), for <c>--filter until=</c>; and docker's "2 hours ago".</summary>
public static class GoDuration
{
    /// <summary>Parses a Go duration (units ns, us, µs, ms, s, m, h; no sign). Throws InvalidArgument naming <paramref name="what"/>.</summary>
    public static TimeSpan Parse(string what, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s == "0")
            return TimeSpan.Zero;
        if (s.Length == 0)
            throw Invalid(what, text);
        double totalTicks = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
                throw Invalid(what, text);
            int unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
                i++;
            double ticksPerUnit = s[unitStart..i] switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => throw Invalid(what, text),
            };
            totalTicks += n * ticksPerUnit;
        }
        return totalTicks >= TimeSpan.MaxValue.Ticks ? throw Invalid(what, text) : TimeSpan.FromTicks((long)totalTicks);
    }

    private static BuildException Invalid(string what, string text) =>
        new(ErrorCode.InvalidArgument, $"{what}: invalid duration \"{text}\" (e.g. 24h, 2h30m, 90s)");

    /// <summary>docker's (go-units) human duration: "Less than a second", "About a minute", "3 hours", "2 weeks".</summary>
    public static string Humanize(TimeSpan d)
    {
        double seconds = d.TotalSeconds;
        double minutes = d.TotalMinutes;
        double hours = Math.Round(d.TotalHours);
        return seconds switch
        {
            < 1 => "Less than a second",
            < 2 => "1 second",
            < 60 => Invariant($"{(int)seconds} seconds"),
            _ when (int)minutes == 1 => "About a minute",
            _ when minutes < 60 => Invariant($"{(int)minutes} minutes"),
            _ when (int)hours == 1 => "About an hour",
            _ when hours < 48 => Invariant($"{(int)hours} hours"),
            _ when hours < 24 * 7 * 2 => Invariant($"{(int)(hours / 24)} days"),
            _ when hours < 24 * 30 * 2 => Invariant($"{(int)(hours / 24 / 7)} weeks"),
            _ when hours < 24 * 365 * 2 => Invariant($"{(int)(hours / 24 / 30)} months"),
            _ => Invariant($"{(int)(hours / 24 / 365)} years"),
        };
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
