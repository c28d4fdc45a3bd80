namespace Build.Engine.Graph;

/// <summary>
/// WORKDIR: <see cref="Path"/> is absolute (relative paths resolved against the previous WORKDIR). BuildKit also
/// creates the directory (<c>mkdir -p</c>, mode 0755, owned by the current USER) as a file op that commits a layer
/// and a non-empty history entry, except for <c>/</c>; <see cref="CreateDirectory"/> says whether it does.
/// Cache-relevant: path, user and whether the directory is created.
/// </summary>
public sealed record WorkdirOp(string Path, string User, bool CreateDirectory) : ConfigOp
{
    public override bool ChangesFilesystem => CreateDirectory;

    public override ImageConfigState Apply(ImageConfigState state) => state with { WorkingDir = Path };
}
