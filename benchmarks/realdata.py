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


def write_small_files(pool, root, rng, count=5000):
    """`count` files of 1,000-15,000 bytes cut from `pool`, spread over 50 x 7 directories; returns their total size."""
    total = 0
    for i in range(count):
        size = rng.randint(1000, 15000)
        off = rng.randrange(0, len(pool) - size)
        d = os.path.join(root, f"d{i % 50:02d}", f"s{i % 7}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as fh:
            fh.write(pool[off:off + size])
        total += size
    return total


def write_big_files(pool, root, rng):
    """Three files of 200 MiB under `root`: the pool itself, base64 text, and the pool's 1 MiB chunks shuffled."""
    import base64
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "real.bin"), "wb") as fh:
        fh.write(pool)
    with open(os.path.join(root, "base64.txt"), "wb") as fh:
        for _ in range(200):
            fh.write(base64.b64encode(rng.randbytes(786432)))  # 1 MiB of text per line of work
    chunks = [pool[k:k + (1 << 20)] for k in range(0, len(pool), 1 << 20)]
    rng.shuffle(chunks)
    with open(os.path.join(root, "shuffled.bin"), "wb") as fh:
        for c in chunks:
            fh.write(c)
