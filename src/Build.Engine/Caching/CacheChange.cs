namespace Build.Engine.Caching;

/// <summary>
/// One reason a step missed: the component (or file path) that differs from the step's previous record,
/// with the old and new values where showing them is safe (values are already in the preimage, which never
/// holds secrets).
/// </summary>
public sealed record CacheChange(CacheChangeKind Kind, string Subject, string? Before, string? After)
{
    /// <summary>A short human sentence, e.g. <c>file src/app.js changed</c> or <c>ARG VERSION changed: "1" → "2"</c>.</summary>
    public string Describe() => Kind switch
    {
        CacheChangeKind.NoPreviousRecord => "no earlier build of this step in the cache",
        CacheChangeKind.FileAdded => $"file {Subject} added",
        CacheChangeKind.FileRemoved => $"file {Subject} removed",
        CacheChangeKind.FileChanged => $"file {Subject} changed",
        CacheChangeKind.FilesChanged => $"source files changed ({Subject})",
        CacheChangeKind.ArgChanged => $"ARG {Subject} changed: {Show(Before)} → {Show(After)}",
        CacheChangeKind.EnvChanged => $"ENV {Subject} changed: {Show(Before)} → {Show(After)}",
        CacheChangeKind.CommandChanged => $"command changed: {Show(Before)} → {Show(After)}",
        CacheChangeKind.BaseImageChanged => $"base image changed: {Show(Before)} → {Show(After)}",
        CacheChangeKind.ParentChanged => "the previous step changed",
        CacheChangeKind.DependencyChanged => $"{Subject} changed",
        CacheChangeKind.SchemeChanged => "the cache key scheme changed (builder upgrade)",
        _ => $"{Subject} changed: {Show(Before)} → {Show(After)}",
    };

    private static string Show(string? v) => v is null ? "(unset)" : "\"" + (v.Length > 80 ? v[..77] + "..." : v) + "\"";
}
