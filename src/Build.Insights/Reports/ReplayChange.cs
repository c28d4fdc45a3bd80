namespace Build.Insights.Reports;

/// <summary>One recorded reason a step missed (kind as in <c>CacheChangeKind</c>, its subject, a sentence).</summary>
public sealed record ReplayChange(string Kind, string Subject, string Description);
