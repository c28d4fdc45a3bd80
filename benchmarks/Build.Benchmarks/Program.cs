using BenchmarkDotNet.Running;

namespace Build.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (LayerCommand.TryRun(args))
            return;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
