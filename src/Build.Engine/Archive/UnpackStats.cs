namespace Build.Engine.Archive;

/// <summary>What an unpack did. Skipped items are counted so a caller can warn instead of failing silently.</summary>
public sealed record UnpackStats(
    int Entries,
    int Files,
    int Directories,
    int Symlinks,
    int Hardlinks,
    int SpecialFiles,
    int Whiteouts,
    int SkippedDevices,
    int SkippedXattrs,
    long FileBytes,
    string Compression);
