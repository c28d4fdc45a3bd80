namespace Build.Engine.Graph;

/// <summary>
/// One <c>RUN --mount</c>, with its target already resolved to an absolute path against WORKDIR.
/// Subtypes: <see cref="BindMount"/>, <see cref="CacheMount"/>, <see cref="TmpfsMount"/>, <see cref="SecretMount"/>,
/// <see cref="SshMount"/>, <see cref="InlineFileMount"/>.
/// </summary>
public abstract record Mount(string Target)
{
    /// <summary>The filesystem the mount reads, if any (bind and cache mounts with <c>from</c>).</summary>
    public virtual SourceRef? Source => null;
}
