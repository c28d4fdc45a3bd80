namespace Build.Engine.Execution;

/// <summary>Where a build secret's value comes from: <c>--secret id=ID,src=FILE</c> or <c>--secret id=ID,env=VAR</c>.</summary>
/// <param name="FilePath">A host file whose bytes are the secret.</param>
/// <param name="EnvironmentVariable">A variable of the builder's environment whose value is the secret.</param>
public sealed record SecretSource(string? FilePath, string? EnvironmentVariable)
{
    public static SecretSource File(string path) => new(path, null);

    public static SecretSource Env(string variable) => new(null, variable);

    /// <summary>Never print the value; the source is fine to show.</summary>
    public override string ToString() => FilePath is not null ? "src=" + FilePath : "env=" + EnvironmentVariable;
}
