namespace Build.Engine.Archive;

/// <summary>One tar entry as read, with pax and GNU long-name records already applied.</summary>
internal sealed record TarEntryHeader(
    string Name,
    byte TypeFlag,
    int Mode,
    long Uid,
    long Gid,
    long Size,
    UnixTimestamp ModificationTime,
    string LinkName,
    int DeviceMajor,
    int DeviceMinor,
    IReadOnlyList<KeyValuePair<string, byte[]>> Xattrs);
