namespace Build.Engine.Caching;

/// <summary>What a hashing run cost.</summary>
/// <param name="FilesHashed">Regular files whose contents were read.</param>
/// <param name="BytesHashed">Bytes read from those files.</param>
/// <param name="FilesFromStatCache">Regular files whose digest came from the stat cache without a read.</param>
public sealed record HashStatistics(int FilesHashed, long BytesHashed, int FilesFromStatCache);
