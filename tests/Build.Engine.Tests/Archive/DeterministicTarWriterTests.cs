using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text;
using Build.Engine.Archive;
using static Build.Engine.Tests.Archive.ArchiveTestSupport;

namespace Build.Engine.Tests.Archive;

public class DeterministicTarWriterTests
{
    private static byte[] Tar(UnixTimestamp? epoch, params LayerEntry[] entries)
    {
        using var ms = new MemoryStream();
        var w = new DeterministicTarWriter(ms, epoch);
        foreach (var e in entries)
            w.WriteEntry(e);
        w.Finish();
        Assert.Equal(ms.Length, w.BytesWritten);
        return ms.ToArray();
    }

    [Fact]
    public void Output_is_read_back_by_an_independent_reader_with_all_fields()
    {
        var mtime = new UnixTimestamp(1_700_000_000);
        byte[] tar = Tar(
            null,
            LayerEntry.Directory("etc", 0x1ED, 0, 0, mtime),
            LayerEntry.File("etc/motd", "hello"u8.ToArray(), 0x1A4, 1000, 1001, mtime),
            LayerEntry.Symlink("etc/link", "motd", 0, 0, mtime),
            new LayerEntry { Path = "etc/hard", Type = LayerEntryType.Hardlink, LinkTarget = "etc/motd", Mode = 0x1A4, ModificationTime = mtime },
            new LayerEntry { Path = "dev/null", Type = LayerEntryType.CharDevice, Mode = 0x1B6, DeviceMajor = 1, DeviceMinor = 3, ModificationTime = mtime },
            new LayerEntry { Path = "dev/sda", Type = LayerEntryType.BlockDevice, Mode = 0x1B0, DeviceMajor = 8, DeviceMinor = 0, ModificationTime = mtime },
            new LayerEntry { Path = "run/fifo", Type = LayerEntryType.Fifo, Mode = 0x180, ModificationTime = mtime });
        Assert.Equal(0, tar.Length % 512);

        var entries = ReadWithBcl(tar);
        Assert.Equal(["etc/", "etc/motd", "etc/link", "etc/hard", "dev/null", "dev/sda", "run/fifo"], entries.Select(e => e.Name));
        var file = entries[1];
        Assert.Equal(TarEntryType.RegularFile, file.EntryType);
        Assert.Equal(1000, file.Uid);
        Assert.Equal(1001, file.Gid);
        Assert.Equal((UnixFileMode)0x1A4, file.Mode);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), file.ModificationTime);
        using (var r = new StreamReader(file.DataStream!))
            Assert.Equal("hello", r.ReadToEnd());
        Assert.Equal(TarEntryType.SymbolicLink, entries[2].EntryType);
        Assert.Equal("motd", entries[2].LinkName);
        Assert.Equal(TarEntryType.HardLink, entries[3].EntryType);
        Assert.Equal("etc/motd", entries[3].LinkName);
        var dev = Assert.IsType<UstarTarEntry>(entries[4], exactMatch: false);
        Assert.Equal(TarEntryType.CharacterDevice, dev.EntryType);
        Assert.Equal((1, 3), (dev.DeviceMajor, dev.DeviceMinor));
        Assert.Equal(TarEntryType.BlockDevice, entries[5].EntryType);
        Assert.Equal(TarEntryType.Fifo, entries[6].EntryType);
        // Plain entries need no pax header at all, and no user or group names are written.
        Assert.All(entries, e => Assert.IsNotType<PaxTarEntry>(e));
        Assert.All(entries, e => Assert.Equal("", ((PosixTarEntry)e).UserName));
    }

    [Fact]
    public void Long_and_non_ascii_names_use_pax_records_under_a_fixed_header_name()
    {
        string longName = string.Join('/', Enumerable.Repeat("directory-name-that-is-long", 12)) + "/file";
        string unicode = "usr/share/ünïcødé.txt";
        string longTarget = new string('t', 150);
        byte[] tar = Tar(
            null,
            LayerEntry.File(longName, "x"u8.ToArray()),
            LayerEntry.File(unicode, "y"u8.ToArray()),
            LayerEntry.Symlink("link", longTarget));
        var entries = ReadWithBcl(tar);
        Assert.Equal(longName, entries[0].Name);
        Assert.Equal(unicode, entries[1].Name);
        Assert.Equal(longTarget, entries[2].LinkName);

        string raw = Encoding.Latin1.GetString(tar);
        Assert.Contains("PaxHeaders.0/file", raw, StringComparison.Ordinal);
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("atime", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("ctime", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_between_100_and_256_bytes_use_the_ustar_prefix_field_without_pax()
    {
        string name = new string('a', 120) + "/" + new string('b', 90);
        var entries = ReadWithBcl(Tar(null, LayerEntry.File(name, "z"u8.ToArray())));
        Assert.Equal(name, entries[0].Name);
        Assert.IsNotType<PaxTarEntry>(entries[0]);
    }

    [Fact]
    public void Sub_second_mtimes_are_kept_to_the_nanosecond()
    {
        var t = new UnixTimestamp(1_700_000_000, 123_456_789);
        byte[] tar = Tar(null, LayerEntry.File("f", "x"u8.ToArray(), modificationTime: t));
        Assert.Contains("mtime=1700000000.123456789\n", Encoding.ASCII.GetString(tar), StringComparison.Ordinal);
        using var reader = new TarEntryReader(new MemoryStream(tar));
        Assert.Equal(t, reader.Next()!.ModificationTime);
    }

    [Fact]
    public void Source_date_epoch_clamps_later_mtimes_and_keeps_earlier_ones()
    {
        var epoch = new UnixTimestamp(1_600_000_000);
        var early = new UnixTimestamp(1_500_000_000, 5);
        byte[] tar = Tar(
            epoch,
            LayerEntry.File("new", "x"u8.ToArray(), modificationTime: new UnixTimestamp(1_700_000_000, 999)),
            LayerEntry.File("old", "y"u8.ToArray(), modificationTime: early));
        using var reader = new TarEntryReader(new MemoryStream(tar));
        Assert.Equal(epoch, reader.Next()!.ModificationTime);
        Assert.Equal(early, reader.Next()!.ModificationTime);
    }

    [Fact]
    public void Binary_xattr_values_survive_byte_for_byte()
    {
        // A real security.capability value (cap_net_bind_service+ep): bytes >= 0x80 and NULs.
        byte[] cap = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        byte[] weird = [0xff, 0x80, 0x00, 0x0a, 0x3d];
        var entry = LayerEntry.File("bin/ping", "elf"u8.ToArray()) with
        {
            Xattrs = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, ImmutableArray<byte>>
            {
                ["security.capability"] = [.. cap],
                ["user.weird"] = [.. weird],
            }),
        };
        using var reader = new TarEntryReader(new MemoryStream(Tar(null, entry)));
        var h = reader.Next()!;
        Assert.Equal("bin/ping", h.Name);
        Assert.Equal(cap, h.Xattrs.Single(x => x.Key == "security.capability").Value);
        Assert.Equal(weird, h.Xattrs.Single(x => x.Key == "user.weird").Value);
    }

    [Fact]
    public void Large_uids_go_to_pax_records()
    {
        var entry = LayerEntry.File("f", "x"u8.ToArray(), uid: 100_000_000, gid: 3_000_000);
        var e = ReadWithBcl(Tar(null, entry)).Single();
        Assert.Equal(100_000_000, e.Uid);
        Assert.Equal(3_000_000, e.Gid);
    }

    [Theory]
    [InlineData(0L, 0u, "0")]
    [InlineData(1_700_000_000L, 500_000_000u, "1700000000.5")]
    [InlineData(-2L, 750_000_000u, "-1.25")]
    [InlineData(5L, 1u, "5.000000001")]
    public void Pax_times_format_and_parse_symmetrically(long seconds, uint nanos, string text)
    {
        var t = new UnixTimestamp(seconds, nanos);
        Assert.Equal(text, DeterministicTarWriter.FormatPaxTime(t));
        Assert.Equal(t, TarEntryReader.ParsePaxTime(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void The_same_entries_give_the_same_bytes()
    {
        var entries = new[]
        {
            LayerEntry.Directory("a"),
            LayerEntry.File("a/x", "1"u8.ToArray(), modificationTime: new UnixTimestamp(5, 5)),
        };
        Assert.Equal(Tar(null, entries), Tar(null, entries));
    }
}
