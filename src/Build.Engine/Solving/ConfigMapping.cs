using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>
/// Maps between the frontend's <see cref="ImageConfigState"/> and the OCI/Docker <see cref="ContainerConfig"/>.
/// Fields the Dockerfile cannot change (e.g. a base image's <c>Domainname</c>) live in the config's extension
/// data and are kept as they were.
/// </summary>
public static class ConfigMapping
{
    public static ImageConfigState ToState(ImageConfig image)
    {
        var c = image.Config ?? new ContainerConfig();
        return new ImageConfigState
        {
            User = c.User ?? "",
            Env = Graph.ValueList<KeyValue>.From((c.Env ?? []).Select(SplitEnv)),
            Entrypoint = c.Entrypoint is null ? null : Graph.ValueList<string>.From(c.Entrypoint),
            Cmd = c.Cmd is null ? null : Graph.ValueList<string>.From(c.Cmd),
            ArgsEscaped = c.ArgsEscaped,
            WorkingDir = c.WorkingDir ?? "",
            Labels = Graph.ValueList<KeyValue>.From((c.Labels ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValue(kv.Key, kv.Value))),
            ExposedPorts = Graph.ValueList<string>.From((c.ExposedPorts ?? []).Order(StringComparer.Ordinal)),
            Volumes = Graph.ValueList<string>.From((c.Volumes ?? []).Order(StringComparer.Ordinal)),
            StopSignal = c.StopSignal,
            Shell = c.Shell is null ? null : Graph.ValueList<string>.From(c.Shell),
            Healthcheck = c.Healthcheck is { Test: { } test } h
                ? new HealthcheckConfig(Graph.ValueList<string>.From(test), Ns(h.Interval), Ns(h.Timeout), Ns(h.StartPeriod), Ns(h.StartInterval), h.Retries ?? 0)
                : null,
            OnBuild = Graph.ValueList<string>.From(c.OnBuild ?? []),
            Author = image.Author,
        };
    }

    public static ContainerConfig Apply(ContainerConfig baseConfig, ImageConfigState s) => baseConfig with
    {
        User = s.User.Length == 0 ? null : s.User,
        Env = s.Env.Count == 0 ? null : s.Env.Select(kv => kv.Key + "=" + kv.Value).ToList(),
        Entrypoint = s.Entrypoint?.ToList(),
        Cmd = s.Cmd?.ToList(),
        ArgsEscaped = s.ArgsEscaped,
        WorkingDir = s.WorkingDir.Length == 0 ? null : s.WorkingDir,
        Labels = s.Labels.Count == 0 ? null : s.Labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        ExposedPorts = s.ExposedPorts.Count == 0 ? null : s.ExposedPorts.ToList(),
        Volumes = s.Volumes.Count == 0 ? null : s.Volumes.ToList(),
        StopSignal = s.StopSignal,
        Shell = s.Shell?.ToList(),
        Healthcheck = s.Healthcheck is { } h
            ? new HealthConfig
            {
                Test = h.Test.ToList(),
                Interval = Span(h.IntervalNanoseconds),
                Timeout = Span(h.TimeoutNanoseconds),
                StartPeriod = Span(h.StartPeriodNanoseconds),
                StartInterval = Span(h.StartIntervalNanoseconds),
                Retries = h.Retries == 0 ? null : h.Retries,
            }
            : null,
        OnBuild = s.OnBuild.Count == 0 ? null : s.OnBuild.ToList(),
    };

    private static KeyValue SplitEnv(string e)
    {
        int eq = e.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new KeyValue(e, "") : new KeyValue(e[..eq], e[(eq + 1)..]);
    }

    private static long Ns(TimeSpan? t) => t is { } v ? v.Ticks * 100 : 0;

    private static TimeSpan? Span(long ns) => ns == 0 ? null : TimeSpan.FromTicks(ns / 100);
}
