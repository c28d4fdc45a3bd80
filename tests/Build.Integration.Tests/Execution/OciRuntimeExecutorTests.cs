using Build.Engine.Execution;
using Build.Integration.Tests.Support;

namespace Build.Integration.Tests.Execution;

/// <summary>The same contract through the OCI runtime backend: a generated config.json run by runc.</summary>
public sealed class OciRuntimeExecutorTests(BusyboxRootfs busybox) : ExecutorContractTests(busybox)
{
    protected override IExecutor CreateExecutor(string stateDirectory) => Executors.Create("runc", stateDirectory);
}
