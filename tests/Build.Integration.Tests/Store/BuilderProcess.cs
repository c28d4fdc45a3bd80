using System.Collections.Concurrent;
using System.Diagnostics;
using Build.Cli;

namespace Build.Integration.Tests.Store;

/// <summary>
/// The real <c>builder</c> CLI as a child process (the apphost the Build.Cli reference copies next to the tests), so
/// a test can kill it (<c>kill -9</c>, SIGINT) mid-build; plus in-process runs of the same CLI for the checks.
/// </summary>
internal sealed class BuilderProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private BuilderProcess(Process p)
    {
        process = p;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "builder");

    public int Id => process.Id;

    public TimeSpan Elapsed => clock.Elapsed;

    public IReadOnlyList<string> Lines => [.. lines];

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static BuilderProcess Start(params string[] args) => new(Process.Start(StartInfo(args))!);

    private static ProcessStartInfo StartInfo(string[] args)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs the executable to its end with <paramref name="stdin"/> piped in: exit code, stdout, stderr.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(byte[] stdin, params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.BaseStream.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private void Add(string? line)
    {
        if (line is not null)
            lines.Enqueue(line);
    }

    /// <summary>Waits for the exit (and for the output to drain); false on timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, the builder process only: its sandbox helper dies by PR_SET_PDEATHSIG, as after a real kill -9.</summary>
    public void Kill9()
    {
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        process.WaitForExit();
    }

    public void Signal(string name) => Support.TempDirectory.Run("kill", "-s", name, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (!process.HasExited)
            Kill9();
        process.Dispose();
    }

    /// <summary>The CLI in this process (same code as the executable): exit code, stdout, stderr.</summary>
    public static (int Exit, string Stdout, string Stderr) RunInProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
