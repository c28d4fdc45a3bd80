"""Benchmark data shared by the scripts in benchmarks/: real file content from the host, so that compression
behaves as it does on real projects (~2.7:1 under gzip)."""
import os


def real_content_pool(size=200 << 20):
    """Up to 2 MiB from each regular file under a few system directories, in a fixed order, cut to `size` bytes."""
    pool = bytearray()
    want = size + (20 << 20)
    for top in ("/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/share/doc", "/usr/share/perl5", "/usr/lib/python3"):
        for d, _, files in sorted(os.walk(top)):
            for f in sorted(files):
                p = os.path.join(d, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                try:
                    with open(p, "rb") as fh:
                        pool += fh.read(2 << 20)
                except OSError:
                    pass
                if len(pool) >= want:
                    break
            if len(pool) >= want:
                break
    return bytes(pool[:size])
