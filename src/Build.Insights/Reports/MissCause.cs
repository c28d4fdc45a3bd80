namespace Build.Insights.Reports;

/// <summary>An input that made a step miss (<c>src/</c>, <c>ARG VERSION</c>, <c>the previous step</c>) and in how many builds.</summary>
public sealed record MissCause(string Input, int Builds);
