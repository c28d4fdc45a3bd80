namespace Build.Engine.Archive;

/// <summary>
/// A file time with nanosecond precision (what the kernel stores). <see cref="DateTimeOffset"/> has only
/// 100 ns ticks, which would lose the digits a PAX <c>mtime</c> record carries and break round trips.
/// </summary>
public readonly record struct UnixTimestamp : IComparable<UnixTimestamp>
{
    public UnixTimestamp(long seconds, uint nanoseconds = 0)
    {
        if (nanoseconds >= 1_000_000_000)
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), "nanoseconds must be below 1e9");
        Seconds = seconds;
        Nanoseconds = nanoseconds;
    }

    /// <summary>Seconds since 1970-01-01T00:00:00Z.</summary>
    public long Seconds { get; }

    public uint Nanoseconds { get; }

    public static UnixTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return new UnixTimestamp(seconds, (uint)(rest * 100));
    }

    public int CompareTo(UnixTimestamp other) =>
        Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);

    public static bool operator <(UnixTimestamp a, UnixTimestamp b) => a.CompareTo(b) < 0;

    public static bool operator >(UnixTimestamp a, UnixTimestamp b) => a.CompareTo(b) > 0;

    public static bool operator <=(UnixTimestamp a, UnixTimestamp b) => a.CompareTo(b) <= 0;

    public static bool operator >=(UnixTimestamp a, UnixTimestamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => Nanoseconds == 0 ? $"{Seconds}" : $"{Seconds}.{Nanoseconds:D9}";
}
