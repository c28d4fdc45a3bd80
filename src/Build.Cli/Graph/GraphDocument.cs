namespace Build.Cli.Graph;

/// <summary>The JSON shape of <c>builder parse --graph --format json</c> (stable field names; nulls omitted).</summary>
internal sealed record GraphDocument(
    string Target,
    int TargetIndex,
    string BuildPlatform,
    string TargetPlatform,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyList<StageDocument> Stages,
    IReadOnlyList<DiagnosticDocument> Diagnostics);

internal sealed record StageDocument(
    int Index,
    string? Name,
    string BaseKind,
    string? BaseImage,
    int? BaseStage,
    string Platform,
    string Location,
    string Description,
    IReadOnlyList<int> DependsOnStages,
    IReadOnlyList<VertexDocument> Vertices,
    ConfigDocument Config);

internal sealed record VertexDocument(
    string Id,
    string Kind,
    string Description,
    string Location,
    IReadOnlyList<string> DependsOn,
    bool FromOnBuild,
    bool ChangesFilesystem,
    string? CreatedBy,
    OpDocument Op);

/// <summary>The op's fields, flattened; only those of the op's kind are present.</summary>
internal sealed record OpDocument
{
    public IReadOnlyList<string>? Args { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public IReadOnlyList<string>? ProxyEnv { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public string? Network { get; init; }
    public string? Security { get; init; }
    public IReadOnlyList<string>? Mounts { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string>? Sources { get; init; }
    public IReadOnlyList<string>? Urls { get; init; }
    public IReadOnlyList<string>? GitSources { get; init; }
    public IReadOnlyList<string>? InlineFiles { get; init; }
    public string? Destination { get; init; }
    public string? Chown { get; init; }
    public string? Chmod { get; init; }
    public bool? Link { get; init; }
    public bool? Parents { get; init; }
    public IReadOnlyList<string>? Excludes { get; init; }
    public bool? UnpackArchives { get; init; }
    public bool? UnpackUrls { get; init; }
    public string? Checksum { get; init; }
    public bool? KeepGitDir { get; init; }
    public string? Path { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
    public bool? ResetCmd { get; init; }
}

internal sealed record ConfigDocument(
    string User,
    IReadOnlyList<string> Env,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    string WorkingDir,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> ExposedPorts,
    IReadOnlyList<string> Volumes,
    string? StopSignal,
    IReadOnlyList<string>? Shell,
    IReadOnlyList<string>? Healthcheck,
    IReadOnlyList<string> OnBuild);

internal sealed record DiagnosticDocument(string Severity, string Code, string Message, string? Location);
