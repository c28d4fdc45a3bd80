namespace Build.Engine.Execution;

/// <summary>
/// A mount the sandbox makes inside the rootfs. Dockerfile mount kinds (cache, secret, bind from a
/// stage) are turned into these by <see cref="MountResolver"/>.
/// </summary>
/// <param name="Target">Absolute path inside the container.</param>
public abstract record ExecMount(string Target);
