using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// Bridges the fold state and the Oci image config: the solver reads a base image's config into an
/// <see cref="ImageConfigState"/> (for the frontend's resolver) and writes a stage's final state back onto the base
/// config, so fields no instruction touches (and unknown fields) survive as they were.
/// </summary>
public static class ImageConfigStateMapping
{
    /// <summary>The state a stage starts from when built FROM an image with this config.</summary>
    public static ImageConfigState ToConfigState(this ImageConfig image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var c = image.Config ?? new ContainerConfig();
        var env = new List<KeyValue>();
        foreach (var entry in c.Env ?? [])
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            env.Add(eq < 0 ? new KeyValue(entry, "") : new KeyValue(entry[..eq], entry[(eq + 1)..]));
        }
        return new ImageConfigState
        {
            User = c.User ?? "",
            Env = env.ToValueList(),
            Entrypoint = c.Entrypoint?.ToValueList(),
            Cmd = c.Cmd?.ToValueList(),
            ArgsEscaped = c.ArgsEscaped,
            WorkingDir = c.WorkingDir ?? "",
            Labels = (c.Labels ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new KeyValue(kv.Key, kv.Value)).ToValueList(),
            ExposedPorts = (c.ExposedPorts ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToValueList(),
            Volumes = (c.Volumes ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToValueList(),
            StopSignal = c.StopSignal,
            Shell = c.Shell?.ToValueList(),
            Healthcheck = c.Healthcheck is { } h
                ? new HealthcheckConfig(
                    (h.Test ?? []).ToValueList(),
                    Nanoseconds(h.Interval),
                    Nanoseconds(h.Timeout),
                    Nanoseconds(h.StartPeriod),
                    Nanoseconds(h.StartInterval),
                    h.Retries ?? 0)
                : null,
            OnBuild = (c.OnBuild ?? []).ToValueList(),
            Author = image.Author,
        };
    }

    /// <summary>
    /// <paramref name="image"/> (the base image's config) with the instruction-controlled fields replaced by
    /// <paramref name="state"/>; empty sets and zero durations are omitted as docker omits them.
    /// </summary>
    public static ImageConfig WithConfigState(this ImageConfig image, ImageConfigState state)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(state);
        var c = image.Config ?? new ContainerConfig();
        var config = c with
        {
            User = state.User.Length == 0 ? null : state.User,
            Env = state.Env.Count == 0 ? null : state.Env.Select(e => e.ToString()).ToList(),
            // `ENTRYPOINT []` and `CMD []` reset the value; BuildKit's config types omit empty lists, so the
            // field is absent (docker 20.10 here writes null), never `[]`.
            Entrypoint = state.Entrypoint is { Count: > 0 } ep ? ep : null,
            Cmd = state.Cmd is { Count: > 0 } cmd ? cmd : null,
            ArgsEscaped = state.ArgsEscaped,
            WorkingDir = state.WorkingDir.Length == 0 ? null : state.WorkingDir,
            Labels = state.Labels.Count == 0 ? null : state.Labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            ExposedPorts = state.ExposedPorts.Count == 0 ? null : state.ExposedPorts,
            Volumes = state.Volumes.Count == 0 ? null : state.Volumes,
            StopSignal = state.StopSignal,
            Shell = state.Shell,
            Healthcheck = state.Healthcheck is { } h
                ? new HealthConfig
                {
                    Test = h.Test,
                    Interval = Duration(h.IntervalNanoseconds),
                    Timeout = Duration(h.TimeoutNanoseconds),
                    StartPeriod = Duration(h.StartPeriodNanoseconds),
                    StartInterval = Duration(h.StartIntervalNanoseconds),
                    Retries = h.Retries == 0 ? null : h.Retries,
                }
                : null,
            OnBuild = state.OnBuild.Count == 0 ? null : state.OnBuild,
        };
        return image with { Config = config, Author = state.Author ?? image.Author };
    }

    private static long Nanoseconds(TimeSpan? span) => span is { } s ? s.Ticks * 100 : 0;

    private static TimeSpan? Duration(long nanoseconds) => nanoseconds == 0 ? null : TimeSpan.FromTicks(nanoseconds / 100);
}
