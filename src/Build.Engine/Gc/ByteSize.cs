using System.Globalization;
using System.Text.RegularExpressions;
using Build.Engine.Errors;

namespace Build.Engine.Gc;

/// <summary>Sizes as docker's CLI reads and prints them (go-units: RAMInBytes to parse, HumanSize to print).</summary>
public static partial class ByteSize
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>
    /// Parses a size like <c>512m</c>, <c>10GB</c>, <c>1.5g</c>, <c>2GiB</c> or <c>1048576</c>. Units are binary
    /// (k = 1024), as for <c>docker buildx prune --keep-storage</c>. Throws InvalidArgument naming <paramref name="flag"/>.
    /// </summary>
    public static long Parse(string flag, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = SizePattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: invalid size \"{text}\" (e.g. 512m, 10gb, 1.5GiB)");
        int shift = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 10,
            "m" => 20,
            "g" => 30,
            "t" => 40,
            "p" => 50,
            _ => 0,
        };
        double bytes = value * Math.Pow(2, shift);
        if (bytes >= long.MaxValue)
            throw new BuildException(ErrorCode.InvalidArgument, $"{flag}: size \"{text}\" is too large");
        return (long)bytes;
    }

    /// <summary>
    /// A size with decimal units, like docker (go-units HumanSizeWithPrecision): four significant digits by default
    /// (<c>1.049GB</c>, <c>12.3MB</c>, <c>0B</c>; <c>docker system df</c>), three for <c>docker images</c> (<c>4.26MB</c>).
    /// </summary>
    public static string Format(long bytes, int significantDigits = 4)
    {
        double v = bytes;
        int unit = 0;
        while (v >= 1000 && unit < DecimalUnits.Length - 1)
        {
            v /= 1000;
            unit++;
        }
        return v.ToString("G" + significantDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + DecimalUnits[unit];
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex SizePattern();
}
