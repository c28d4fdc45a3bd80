using System.Diagnostics;

namespace Build.Integration.Tests.Registry;

internal static class ProcessRunner
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> RunCheckedAsync(string file, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(file, args);
        if (exit != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }
}
