namespace Build.Engine.Registry;

/// <summary>How a blob reached the registry during a push.</summary>
public enum BlobPushResult
{
    /// <summary>The repository already had it (HEAD said so); nothing was sent.</summary>
    AlreadyExists,

    /// <summary>Mounted from another repository of the same registry; nothing was sent.</summary>
    Mounted,

    Uploaded,
}
