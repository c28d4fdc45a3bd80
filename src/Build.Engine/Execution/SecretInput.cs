namespace Build.Engine.Execution;

/// <summary>Where a build secret's value comes from: <c>--secret id=ID,src=FILE</c> or <c>--secret id=ID,env=VAR</c>.</summary>
/// <param name="FilePath">A host file whose bytes are the secret.</param>
/// <param name="EnvironmentVariable">A variable of the builder's environment whose value is the secret.</param>
public sealed record SecretInput(string? FilePath, string? EnvironmentVariable)
{
    public static SecretInput File(string path) => new(path, null);

    public static SecretInput Env(string variable) => new(null, variable);

    /// <summary>Never print the value; the source is fine to show.</summary>
    public override string ToString() => FilePath is not null ? "src=" + FilePath : "env=" + EnvironmentVariable;
}
