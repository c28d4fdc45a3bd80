namespace Build.Engine.Errors;

/// <summary>Stable error codes. Append only: the numbers are part of the CLI's contract (rawjson progress, metrics).</summary>
public enum ErrorCode
{
    Unknown = 0,
    InvalidArgument = 1,
    InvalidDockerfile = 2,
    NotFound = 3,
    DigestMismatch = 4,
    InvalidDigest = 5,
    InvalidArchive = 6,
    UnsafePath = 7,
    InvalidImage = 8,
    StepFailed = 9,
    SandboxFailed = 10,
    Registry = 11,
    Unauthorized = 12,
    Cancelled = 13,
    StoreCorrupt = 14,
    Io = 15,
}
