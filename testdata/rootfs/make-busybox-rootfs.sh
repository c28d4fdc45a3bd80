#!/usr/bin/env bash
# Makes a minimal root filesystem from Debian's busybox-static package: /bin/busybox, one symlink
# per applet, /etc/passwd, /etc/group and the usual empty directories. It is the base image of
# the tests and examples (no registry is reachable here). Usage: make-busybox-rootfs.sh DIR
set -euo pipefail
dest=${1:?usage: make-busybox-rootfs.sh DIR}
bb=/bin/busybox
[ -x "$bb" ] || { echo "make-busybox-rootfs: busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dest"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home,var,proc,sys,dev,run}
chmod 1777 "$dest/tmp"
cp "$bb" "$dest/bin/busybox"
chmod 0755 "$dest/bin/busybox"
# Bash builtins only inside the loop: ~400 applets, and a fork per applet is seconds on a loaded machine.
while read -r applet; do
    [ "$applet" = "bin/busybox" ] && continue
    slashes=${applet//[^\/]/}
    up=""
    for ((i = 0; i < ${#slashes}; i++)); do up="../$up"; done
    # Relative links keep the tree valid wherever it is unpacked.
    ln -sfn "${up}bin/busybox" "$dest/$applet"
done < <("$bb" --list-full)
cat > "$dest/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
app:x:1000:1000:app user:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$dest/etc/group" <<'G'
root:x:0:
daemon:x:1:
app:x:1000:
staff:x:50:app
nogroup:x:65534:
G
mkdir -p "$dest/home/app"
chown 1000:1000 "$dest/home/app" 2>/dev/null || true
