using System.Diagnostics;

namespace Build.Integration.Tests.Support;

/// <summary>A temporary directory removed on dispose (after lazily unmounting anything left under it).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "builder-it")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A mount left behind by a failed test: detach it, then retry once.
            Run("sh", "-c", $"grep -o ' {Path}[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l");
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout;
    }
}
