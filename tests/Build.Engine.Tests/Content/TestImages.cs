using System.Formats.Tar;
using System.Text;
using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Content;

/// <summary>Small images built in memory (a BCL TarWriter layer), and a store to put them in.</summary>
internal static class TestImages
{
    public static byte[] Tar(params (string Path, string Content)[] files)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                var e = new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                w.WriteEntry(e);
            }
        }
        return ms.ToArray();
    }

    /// <summary>A two-layer image with config, env and history, fixed timestamps.</summary>
    public static Image TwoLayers(string seed = "a")
    {
        var created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        IImage image = EmptyImage.For(new Platform { OS = "linux", Architecture = "amd64" });
        image = Mutate.AppendLayer(image, MemoryLayer.FromTar(Tar(("etc/os-release", "ID=test-" + seed), ("bin/sh", "#!"))), new HistoryEntry { Created = created, CreatedBy = "ADD rootfs /" });
        image = Mutate.AppendLayer(image, MemoryLayer.FromTar(Tar(("app/run", "echo " + seed))), new HistoryEntry { Created = created, CreatedBy = "COPY app /app" });
        image = Mutate.WithConfig(image, c => c with { Env = ["PATH=/bin"], Cmd = ["/app/run"], Labels = new Dictionary<string, string> { ["seed"] = seed } });
        return Mutate.WithCreated(image, created);
    }

    public static (FileContentStore Content, ImageStore Images) Store(string root)
    {
        var br = new BuilderRoot(root);
        var content = new FileContentStore(br);
        return (content, new ImageStore(br, content, TimeProvider.System));
    }
}
