namespace Build.Engine.Graph;

/// <summary>
/// <c>type=secret</c>: secret <see cref="Id"/> as a file at the target (null when only <see cref="Env"/> is used)
/// and/or as environment variable <see cref="Env"/>. The secret's value never enters a cache key or the image.
/// </summary>
public sealed record SecretMount(string? FileTarget, string Id, string? Env, bool Required, int Mode, int Uid, int Gid)
    : Mount(FileTarget ?? "");
