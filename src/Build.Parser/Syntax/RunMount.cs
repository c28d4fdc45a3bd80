namespace Build.Parser.Syntax;

/// <summary>
/// One <c>RUN --mount=...</c>, typed. String options are raw (unexpanded) because BuildKit expands every option
/// except <c>from</c> at build time. The numeric options keep their raw text too: when it contains a variable
/// the typed value is null here and the Frontend calls <c>Parsing.RunMountParser.Parse</c> again with its
/// expander to get it.
/// </summary>
/// <param name="Raw">The flag value as written after <c>--mount=</c>.</param>
/// <param name="Target">The mount point (<c>target|dst|destination</c>); for secret and ssh mounts null means the default path.</param>
/// <param name="Source">Path inside <see cref="From"/> (<c>source|src</c>).</param>
/// <param name="From">Stage name, index or image to take files from (never expanded).</param>
/// <param name="ReadOnly">Effective read-only flag: explicit <c>ro</c>/<c>rw</c>, else true for bind, secret and ssh, false for cache and tmpfs.</param>
/// <param name="Id">Cache id (default: target), secret id or ssh id.</param>
/// <param name="Sharing">Cache sharing mode (cache mounts only; <see cref="CacheSharing.Shared"/> by default).</param>
/// <param name="Mode">The raw <c>mode=</c> (octal), or null.</param>
/// <param name="ModeValue">The parsed mode, or null when not given or not yet expandable.</param>
/// <param name="Uid">The raw <c>uid=</c>, or null.</param>
/// <param name="UidValue">The parsed uid.</param>
/// <param name="Gid">The raw <c>gid=</c>, or null.</param>
/// <param name="GidValue">The parsed gid.</param>
/// <param name="Required">Secret/ssh: fail when the secret or agent is not provided.</param>
/// <param name="Size">The raw tmpfs <c>size=</c> (e.g. <c>64m</c>), or null.</param>
/// <param name="SizeBytes">The parsed tmpfs size in bytes.</param>
/// <param name="Env">Secret only: expose the secret as this environment variable.</param>
public sealed record RunMount(
    string Raw,
    MountType Type,
    string? Target,
    string? Source,
    string? From,
    bool ReadOnly,
    string? Id,
    CacheSharing Sharing,
    string? Mode,
    uint? ModeValue,
    string? Uid,
    uint? UidValue,
    string? Gid,
    uint? GidValue,
    bool Required,
    string? Size,
    long? SizeBytes,
    string? Env)
{
    /// <summary>True when a numeric option still contains a variable and needs expansion to be typed.</summary>
    /// <summary>Where the <c>--mount</c> flag is written (the default when built outside a Dockerfile).</summary>
    public SourceSpan Span { get; init; }

    public bool HasUnresolvedValues =>
        (Mode is not null && ModeValue is null) || (Uid is not null && UidValue is null) ||
        (Gid is not null && GidValue is null) || (Size is not null && SizeBytes is null);
}
