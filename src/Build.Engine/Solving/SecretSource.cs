namespace Build.Engine.Solving;

/// <summary>Where a <c>--secret</c> comes from: a file or an environment variable of the builder.</summary>
public sealed record SecretSource(string Id, string? FilePath, string? EnvironmentVariable)
{
    /// <summary>Reads the secret's bytes; the caller must not log or persist them.</summary>
    public byte[] Read(Func<string, string?> environment)
    {
        if (FilePath is not null)
            return File.ReadAllBytes(FilePath);
        return System.Text.Encoding.UTF8.GetBytes(environment(EnvironmentVariable ?? Id) ?? "");
    }

    /// <summary>Never shows the value; only where it comes from.</summary>
    public override string ToString() => FilePath is not null ? $"secret {Id} (file)" : $"secret {Id} (env {EnvironmentVariable ?? Id})";
}
