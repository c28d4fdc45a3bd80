using System.Diagnostics;
using Build.Engine.Errors;

namespace Build.Insights.Replay;

/// <summary>
/// Runs <c>git</c> for a replay. Only read commands ever run in the user's repository; everything that writes
/// (checkout, clone's own files) runs in the scratch clone. The git environment variables that could redirect a
/// command to another repository or index (<c>GIT_DIR</c>, <c>GIT_WORK_TREE</c>, <c>GIT_INDEX_FILE</c>, …) are
/// removed, so a replay started from inside a git hook cannot write into the user's repository by accident.
/// </summary>
internal static class Git
{
    private static readonly string[] RedirectingVariables =
        ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE"];

    public static async Task<string> RunAsync(string directory, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-C");
        psi.ArgumentList.Add(directory);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var v in RedirectingVariables)
            psi.Environment.Remove(v);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["LC_ALL"] = "C";
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new BuildException(ErrorCode.NotFound, "git: could not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BuildException(ErrorCode.NotFound, "git is not installed (cache replay reads the history with git)", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            try
            {
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            string output = await stdout.ConfigureAwait(false);
            string error = await stderr.ConfigureAwait(false);
            if (p.ExitCode != 0)
            {
                string first = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {p.ExitCode}";
                throw new BuildException(ErrorCode.InvalidArgument, $"git {string.Join(' ', args)} in {directory}: {first}");
            }
            return output;
        }
    }

    public static IReadOnlyList<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
}
