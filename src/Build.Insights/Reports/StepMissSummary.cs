namespace Build.Insights.Reports;

/// <summary>
/// How often one step missed over the replay and why, with a sentence such as
/// <c>COPY . /app (line 3) missed in 38 of 40 builds because src/ changed (36)</c>.
/// </summary>
public sealed record StepMissSummary(
    string Id,
    string Instruction,
    int? Line,
    int Misses,
    int Builds,
    double MissMs,
    IReadOnlyList<MissCause> Causes,
    string Sentence);
