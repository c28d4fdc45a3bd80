using Build.Engine.Archive;
using Build.Engine.Archive.Native;
using Build.Engine.Oci;
using static Build.Integration.Tests.Archive.ArchiveIntegrationSupport;

namespace Build.Integration.Tests.Archive;

/// <summary>Our layers checked by tools nobody here wrote (GNU tar, zstd), and theirs read by us.</summary>
public sealed class LayerToolInteropTests : IDisposable
{
    private readonly string _tmp = MakeTemp();

    public void Dispose() => RemoveTree(_tmp);

    [ArchiveFact("/usr/bin/tar")]
    public async Task Gnu_tar_lists_and_extracts_our_layer_identically_including_capabilities()
    {
        string src = NewDir(_tmp, "src");
        MakeRichTree(src);
        var (result, blob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, "layer.tar.gz"));
        Assert.Equal(MediaTypes.OciLayerGzip, result.MediaType);

        string listing = MustRun("/usr/bin/tar", "--numeric-owner", "-tvzf", blob);
        // mknod applied the umask to 0666 in MakeRichTree; what matters is type, owner and device numbers.
        Assert.Matches(@"crw-r--r-- 0/0 +1,3 .* dev/null", listing);
        Assert.Matches(@"brw-r----- 0/0 +7,9 .* dev/loop9", listing);
        Assert.Matches(@"prw-r--r-- 0/0 .* dev/fifo", listing);
        Assert.Contains("usr/bin/ping6 link to usr/bin/ping", listing, StringComparison.Ordinal);
        Assert.Contains("usr/bin/sh -> /bin/busybox", listing, StringComparison.Ordinal);
        Assert.Contains("-rwsr-sr-x 0/0", listing, StringComparison.Ordinal);
        Assert.Contains("1000/1001", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("PaxHeaders", listing, StringComparison.Ordinal);

        string gnu = NewDir(_tmp, "gnu");
        MustRun("/usr/bin/tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpzf", blob, "-C", gnu);
        Assert.Equal(Snapshot(src), Snapshot(gnu));
        Assert.Equal(NetBindCapability, LibC.GetXattr(Path.Combine(gnu, "usr/bin/ping"), "security.capability"));
    }

    [ArchiveFact("/usr/bin/tar")]
    public async Task We_unpack_what_gnu_tar_writes_with_xattrs_and_nanosecond_mtimes()
    {
        string src = NewDir(_tmp, "src");
        MakeRichTree(src);
        string tarPath = Path.Combine(_tmp, "gnu.tar");
        MustRun("/usr/bin/tar", "--format=pax", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-cf", tarPath, "-C", src, ".");
        string ours = NewDir(_tmp, "ours");
        var stats = await UnpackFileAsync(tarPath, ours);
        Assert.Equal("none", stats.Compression);
        Assert.Equal(0, stats.SkippedXattrs);
        Assert.Equal(0, stats.SkippedDevices);
        // GNU tar stores the root "./" entry, whose metadata we leave to the root's owner: compare below it.
        Assert.Equal(Snapshot(src), Snapshot(ours));
    }

    [ArchiveFact("/usr/bin/zstd")]
    public async Task Zstd_cli_decodes_our_zstd_layers_and_we_decode_its_output()
    {
        string src = NewDir(_tmp, "src");
        MakeRichTree(src);
        var (result, blob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, "layer.tar.zst"), new LayerWriteOptions { Compression = LayerCompression.Zstd });
        Assert.Equal(MediaTypes.OciLayerZstd, result.MediaType);
        MustRun("/usr/bin/zstd", "-q", "-t", blob);
        string plain = Path.Combine(_tmp, "layer.tar");
        MustRun("/usr/bin/zstd", "-q", "-d", blob, "-o", plain);
        Assert.Equal(result.DiffId, Digest.Compute(File.ReadAllBytes(plain)));

        string recompressed = Path.Combine(_tmp, "cli.tar.zst");
        MustRun("/usr/bin/zstd", "-q", "-19", plain, "-o", recompressed);
        string dest = NewDir(_tmp, "dest");
        var stats = await UnpackFileAsync(recompressed, dest);
        Assert.Equal("zstd", stats.Compression);
        Assert.Equal(Snapshot(src), Snapshot(dest));
    }

    [ArchiveFact("/usr/bin/gzip")]
    public async Task Gzip_cli_verifies_our_gzip_layers()
    {
        string src = NewDir(_tmp, "src");
        File.WriteAllText(Path.Combine(src, "f"), new string('x', 100_000));
        var (result, blob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, "l.tar.gz"));
        MustRun("/usr/bin/gzip", "-t", blob);
        string plain = Path.Combine(_tmp, "l.tar");
        MustRun("/bin/sh", "-c", $"/usr/bin/gzip -dc '{blob}' > '{plain}'");
        Assert.Equal(result.DiffId, Build.Engine.Oci.Digest.Compute(File.ReadAllBytes(plain)));
    }

    [ArchiveFact]
    public async Task Round_trip_as_root_keeps_owners_devices_setuid_and_capabilities()
    {
        string src = NewDir(_tmp, "src");
        MakeRichTree(src);
        foreach (var compression in new[] { LayerCompression.Gzip, LayerCompression.Zstd, LayerCompression.None })
        {
            var (result, blob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, $"l-{compression}"), new LayerWriteOptions { Compression = compression });
            string dest = NewDir(_tmp, $"dest-{compression}");
            var stats = await UnpackFileAsync(blob, dest);
            Assert.Equal(3, stats.SpecialFiles);
            Assert.Equal(Snapshot(src), Snapshot(dest));
            var (again, _) = await WriteLayerFileAsync(LayerSource.FromDirectory(dest), Path.Combine(_tmp, $"again-{compression}"), new LayerWriteOptions { Compression = compression });
            Assert.Equal(result.Digest, again.Digest);
        }
    }
}
