using System.Globalization;

namespace Build.Engine.Frontend;

/// <summary>STOPSIGNAL validation as moby's <c>signal.ParseSignal</c>: a number, or a Linux signal name with or without SIG.</summary>
internal static class Signals
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
        "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
        "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "UNUSED",
    };

    public static bool IsValid(string signal)
    {
        if (uint.TryParse(signal, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n is > 0 and <= 64;
        var name = signal.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        if (Names.Contains(name)) return true;
        // Real-time signals: RTMIN, RTMIN+n, RTMAX-n.
        return name == "RTMIN" || name == "RTMAX"
            || (name.StartsWith("RTMIN+", StringComparison.Ordinal) && int.TryParse(name[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a is >= 1 and <= 15)
            || (name.StartsWith("RTMAX-", StringComparison.Ordinal) && int.TryParse(name[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b is >= 1 and <= 14);
    }
}
