using System.Collections.Immutable;
using System.Globalization;

namespace Build.Engine.Execution;

/// <summary>How a step's command ended.</summary>
/// <param name="ExitCode">The exit code; 128 + signal when killed by a signal (shell convention).</param>
/// <param name="Signal">The signal that killed the command, if any.</param>
/// <param name="OomKilled">The cgroup's OOM killer killed a process of the step.</param>
/// <param name="MemoryLimitBytes">The memory limit in force, for the message.</param>
/// <param name="TimedOut">The step ran past <see cref="ExecSpec.Timeout"/> and was killed.</param>
/// <param name="Duration">Wall time from spawn to the last process gone.</param>
/// <param name="OutputTail">The last lines of stdout and stderr, interleaved as they arrived.</param>
public sealed record ExecResult(
    int ExitCode,
    int? Signal,
    bool OomKilled,
    long? MemoryLimitBytes,
    bool TimedOut,
    TimeSpan Duration,
    ImmutableArray<string> OutputTail)
{
    public bool Succeeded => ExitCode == 0 && Signal is null && !TimedOut;

    /// <summary>One phrase for error messages: "exit code: 2", "killed: out of memory (limit 64 MiB)".</summary>
    public string Describe()
    {
        if (TimedOut)
            return "killed: timed out";
        if (OomKilled && !Succeeded)
            return MemoryLimitBytes is { } limit
                ? $"killed: out of memory (limit {FormatBytes(limit)})"
                : "killed: out of memory";
        if (Signal is { } s)
            return string.Create(CultureInfo.InvariantCulture, $"killed by signal {s} ({SignalName(s)})");
        return string.Create(CultureInfo.InvariantCulture, $"exit code: {ExitCode}");
    }

    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value == Math.Floor(value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0} {units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}
