using System.CommandLine;
using Build.Engine.Content;
using Build.Engine.Gc;

namespace Build.Cli.Commands;

/// <summary><c>builder verify</c>: re-hashes every blob, checks every image reference and every cache record's blob; one line per problem, exit 1 if any.</summary>
internal static class VerifyCommand
{
    internal static Command Create()
    {
        var cmd = new Command("verify", "Check the local store: re-hash every blob and follow every image's references");
        cmd.SetAction(async (parseResult, ct) =>
        {
            var store = CliApp.OpenStore(parseResult);
            var problems = (await StoreVerifier.VerifyAsync(store.Content, store.Images, ct).ConfigureAwait(false)).ToList();
            var (cacheProblems, records) = await CacheRecordVerifier.VerifyAsync(store.Root, store.Content, ct).ConfigureAwait(false);
            problems.AddRange(cacheProblems);
            foreach (string p in problems)
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(p).ConfigureAwait(false);
            if (problems.Count > 0)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {problems.Count} problem(s) in {store.Root.Path}").ConfigureAwait(false);
                return CliApp.Failure;
            }
            int blobs = 0;
            await foreach (var _ in store.Content.ListAsync(ct).ConfigureAwait(false))
                blobs++;
            int images = (await store.Images.ListAsync(ct).ConfigureAwait(false)).Count;
            await parseResult.InvocationConfiguration.Output.WriteLineAsync($"ok: {blobs} blobs, {images} image names and {records} cache records verified in {store.Root.Path}").ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
