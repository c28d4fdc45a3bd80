namespace Build.Insights.Replay;

/// <summary>A commit to replay: its full id and subject line.</summary>
public sealed record Commit(string Id, string Subject);
