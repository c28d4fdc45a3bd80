using System.Globalization;
using Build.Engine.Solving;

namespace Build.Cli;

/// <summary>BuildKit's failure report: the failing step's last output lines, its Dockerfile excerpt, and one ERROR line.</summary>
internal static class ErrorReport
{
    public static void Write(TextWriter stderr, StepFailedException e, string? dockerfileText)
    {
        var step = e.Step;
        stderr.WriteLine("------");
        stderr.WriteLine($" > {step.Description}:");
        foreach (var line in e.OutputTail.TakeLast(10))
            stderr.WriteLine(line);
        stderr.WriteLine("------");
        if (dockerfileText is not null && step.Location.Line > 0)
        {
            var lines = dockerfileText.ReplaceLineEndings("\n").Split('\n');
            stderr.WriteLine($"{Path.GetFileName(step.Location.File)}:{step.Location.Line.ToString(CultureInfo.InvariantCulture)}");
            stderr.WriteLine("--------------------");
            int from = Math.Max(1, step.Location.Line - 2);
            int to = Math.Min(lines.Length, step.Location.Line + 2);
            for (int n = from; n <= to; n++)
            {
                string marker = n == step.Location.Line ? ">>>" : "   ";
                stderr.WriteLine($" {n,3} | {marker} {lines[n - 1]}");
            }
            stderr.WriteLine("--------------------");
        }
        stderr.WriteLine("ERROR: failed to solve: " + (e.InnerException?.Message ?? e.Message));
    }
}
