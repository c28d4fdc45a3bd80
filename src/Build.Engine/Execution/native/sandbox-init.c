/*
 * builder-sandbox: the native half of Builder's namespace sandbox (see docs/sandbox.md).
 *
 * Why a C helper: the .NET runtime has several threads before Main, so the builder process can
 * neither unshare(CLONE_NEWUSER) nor fork() safely, and a thread that unshared CLONE_NEWPID cannot
 * start threads any more. This single-threaded static binary does the part that must happen
 * between fork and exec, and mounts the step's overlay root inside the new mount namespace; the C#
 * side (NamespaceExecutor) prepares everything else (upper/work dirs, cgroups, files) and spawns us
 * with posix_spawn.
 *
 * Usage: builder-sandbox SPECFILE, with fd 1/2 = the step's stdout/stderr pipes and fd 3 = the
 * status pipe. SPECFILE is a sequence of NUL-terminated strings: a key, then its values
 * (SandboxSpecWriter.cs writes it). Status lines on fd 3:
 *   E <message>   set-up or exec failure (the step did not run its command)
 *   X <code>      the command exited with <code>
 *   S <signal>    the command was killed by <signal>
 *
 * Process layout: outer (this process, host PID namespace; joins the cgroups, unshares, forks and
 * waits) -> init (PID 1 of the new PID namespace; mounts, pivot_root, forks the command, reaps,
 * removes the mount stubs it created) -> the command. Killing the outer with SIGTERM makes it
 * SIGKILL init, and the kernel then kills every process of the namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#define FSCONFIG_SET_FLAG_ 0
#define FSCONFIG_SET_STRING_ 1
#define FSCONFIG_CMD_CREATE_ 6
#define FSOPEN_CLOEXEC_ 1
#define FSMOUNT_CLOEXEC_ 1

#define STATUS_FD 3
#define MAX_ITEMS 4096
#define MAX_MOUNTS 256
#define MAX_STUBS 512

struct user_mount {
    const char *type;   /* "bind" or "tmpfs" */
    const char *source; /* host path (bind) */
    const char *target; /* path inside the rootfs */
    int readonly;
    const char *data;   /* tmpfs options */
    int fd;             /* open_tree clone of the bind source, made before pivot_root */
};

struct stub {
    char path[4096];
    int is_dir;
    int mounted;        /* a mount covers it; unmount before removing */
    struct timespec parent_times[2];
    int has_parent_times;
    char parent[4096];
};

static const char *rootfs, *hostname, *cwd = "/", *net = "host";
static uid_t uid;
static gid_t gid;
static gid_t groups[256];
static int ngroups;
static uint64_t keep_caps;
static int no_new_privs;
static const char *cgroups[16];
static int ncgroups;
static char *args[MAX_ITEMS + 1];
static int nargs;
static char *envs[MAX_ITEMS + 1];
static int nenvs;
static struct user_mount mounts[MAX_MOUNTS];
static int nmounts;
static const char *ovl_lowers[MAX_ITEMS]; /* overlay root: lower dirs, topmost first */
static int novl_lowers;
static const char *ovl_upper, *ovl_work;
static struct stub stubs[MAX_STUBS];
static int nstubs;
static volatile pid_t init_pid;
static volatile sig_atomic_t terminated;
static int in_new_root; /* set in init after pivot_root: a failure then removes the stubs made so far */

static void remove_stubs(void);

static void status(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof buf - 2)
        n = sizeof buf - 2;
    for (int i = 0; i < n; i++)
        if (buf[i] == '\n')
            buf[i] = ' ';
    buf[n++] = '\n';
    ssize_t w = write(STATUS_FD, buf, n);
    (void)w;
}

static void __attribute__((noreturn)) fail(const char *fmt, ...)
{
    char buf[6000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    status("E %s: %s", buf, strerror(errno));
    if (in_new_root && getpid() == 1)
        remove_stubs();
    _exit(126);
}

static void __attribute__((noreturn)) fail_noerrno(const char *fmt, ...)
{
    char buf[6000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    status("E %s", buf);
    if (in_new_root && getpid() == 1)
        remove_stubs();
    _exit(126);
}

static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open spec %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail("stat spec");
    char *buf = malloc(st.st_size + 1);
    if (!buf)
        fail("malloc");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            fail("read spec");
        got += r;
    }
    buf[got] = 0;
    close(fd);
    *len = got;
    return buf;
}

static void parse_spec(char *buf, size_t len)
{
    char *p = buf, *end = buf + len;
#define NEXT() ({ if (p >= end) fail_noerrno("spec truncated"); char *s_ = p; p += strlen(p) + 1; s_; })
    while (p < end) {
        char *key = NEXT();
        if (!strcmp(key, "rootfs")) rootfs = NEXT();
        else if (!strcmp(key, "hostname")) hostname = NEXT();
        else if (!strcmp(key, "cwd")) cwd = NEXT();
        else if (!strcmp(key, "net")) net = NEXT();
        else if (!strcmp(key, "uid")) uid = (uid_t)strtoul(NEXT(), NULL, 10);
        else if (!strcmp(key, "gid")) gid = (gid_t)strtoul(NEXT(), NULL, 10);
        else if (!strcmp(key, "group")) {
            char *g = NEXT();
            if (ngroups < 256) groups[ngroups++] = (gid_t)strtoul(g, NULL, 10);
        }
        else if (!strcmp(key, "caps")) keep_caps = strtoull(NEXT(), NULL, 16);
        else if (!strcmp(key, "nnp")) no_new_privs = atoi(NEXT());
        else if (!strcmp(key, "cgroup")) {
            char *c = NEXT();
            if (ncgroups < 16) cgroups[ncgroups++] = c;
        }
        else if (!strcmp(key, "arg")) {
            char *a = NEXT();
            if (nargs < MAX_ITEMS) args[nargs++] = a;
        }
        else if (!strcmp(key, "env")) {
            char *e = NEXT();
            if (nenvs < MAX_ITEMS) envs[nenvs++] = e;
        }
        else if (!strcmp(key, "overlay-lower")) {
            char *l = NEXT();
            if (novl_lowers >= MAX_ITEMS) fail_noerrno("too many overlay layers");
            ovl_lowers[novl_lowers++] = l;
        }
        else if (!strcmp(key, "overlay-upper")) ovl_upper = NEXT();
        else if (!strcmp(key, "overlay-work")) ovl_work = NEXT();
        else if (!strcmp(key, "mount")) {
            if (nmounts >= MAX_MOUNTS) fail_noerrno("too many mounts");
            struct user_mount *m = &mounts[nmounts++];
            m->type = NEXT();
            m->source = NEXT();
            m->target = NEXT();
            m->readonly = !strcmp(NEXT(), "ro");
            m->data = NEXT();
            m->fd = -1;
        }
        else fail_noerrno("unknown spec key '%s'", key);
    }
#undef NEXT
    if (!rootfs || nargs == 0)
        fail_noerrno("spec lacks rootfs or argv");
    if ((novl_lowers > 0) != (ovl_upper && ovl_work))
        fail_noerrno("spec has an incomplete overlay");
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open %s", path);
    if (write(fd, text, strlen(text)) < 0)
        fail("write %s to %s", text, path);
    close(fd);
}

/* ---- stubs: mount points the rootfs lacked. They are created for the mount and removed after
 * the command, with the parent directory's times restored, so they never show up in the layer
 * (BuildKit's MountStubsCleaner does the same). Runs after pivot_root: every path, symlinks
 * included, resolves inside the new root. */

static void remember_stub(const char *path, int is_dir)
{
    if (nstubs >= MAX_STUBS)
        return;
    struct stub *s = &stubs[nstubs++];
    snprintf(s->path, sizeof s->path, "%s", path);
    s->is_dir = is_dir;
    s->mounted = 0;
    snprintf(s->parent, sizeof s->parent, "%s", path);
    char *slash = strrchr(s->parent, '/');
    if (slash == s->parent)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    struct stat st;
    s->has_parent_times = stat(s->parent, &st) == 0;
    if (s->has_parent_times) {
        s->parent_times[0] = st.st_atim;
        s->parent_times[1] = st.st_mtim;
    }
}

/* mkdir -p of path; created components are remembered as stubs when `stub` is set, and chowned
 * to owner when owner_uid != -1 (the working directory, as BuildKit does). */
static void make_dirs(const char *path, int stub, uid_t owner_uid, gid_t owner_gid, int chown_created)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    size_t len = strlen(buf);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        char saved = buf[i];
        buf[i] = 0;
        struct stat st;
        if (stat(buf, &st) != 0) {
            if (errno != ENOENT)
                fail("stat %s", buf);
            if (stub)
                remember_stub(buf, 1);
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                fail("mkdir %s", buf);
            if (chown_created && chown(buf, owner_uid, owner_gid) != 0)
                fail("chown %s", buf);
        } else if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            fail("mount point %s", buf);
        }
        buf[i] = saved;
    }
}

/* Makes sure target exists as a directory or a file, returning the stub index covering it or -1. */
static int ensure_target(const char *target, int want_dir)
{
    struct stat st;
    if (stat(target, &st) == 0) {
        if (want_dir && !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            fail("mount target %s", target);
        }
        return -1;
    }
    int before = nstubs;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", target);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        make_dirs(parent, 1, 0, 0, 0);
    }
    if (want_dir) {
        make_dirs(target, 1, 0, 0, 0);
    } else {
        remember_stub(target, 0);
        int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            fail("create mount target %s", target);
        close(fd);
    }
    return nstubs > before ? nstubs - 1 : -1;
}

static void mark_mounted(int stub_index)
{
    if (stub_index >= 0)
        stubs[stub_index].mounted = 1;
}

static void remove_stubs(void)
{
    /* Deepest first: mounts are unmounted, then files and directories removed in reverse order. */
    for (int i = nstubs - 1; i >= 0; i--)
        if (stubs[i].mounted)
            umount2(stubs[i].path, MNT_DETACH);
    for (int i = nstubs - 1; i >= 0; i--) {
        struct stub *s = &stubs[i];
        int ok = s->is_dir ? rmdir(s->path) == 0 : unlink(s->path) == 0;
        if (ok && s->has_parent_times)
            utimensat(AT_FDCWD, s->parent, s->parent_times, 0);
    }
}

/* ---- mounts inside the new mount namespace */

static void do_mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)
{
    if (mount(src, target, fstype, flags, data) != 0)
        fail("mount %s on %s (%s)", src ? src : "none", target, fstype ? fstype : "bind");
}

static void mount_dir(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)
{
    int s = ensure_target(target, 1);
    do_mount(src, target, fstype, flags, data);
    mark_mounted(s);
}

static void make_dev(const char *name, unsigned maj, unsigned min)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/%s", name);
    if (mknod(path, S_IFCHR | 0666, makedev(maj, min)) != 0)
        fail("mknod %s", path);
    chmod(path, 0666); /* umask */
}

static void setup_dev(void)
{
    mount_dir("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    make_dev("null", 1, 3);
    make_dev("zero", 1, 5);
    make_dev("full", 1, 7);
    make_dev("random", 1, 8);
    make_dev("urandom", 1, 9);
    make_dev("tty", 5, 0);
    if (mkdir("/dev/pts", 0755) != 0)
        fail("mkdir /dev/pts");
    do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    if (symlink("pts/ptmx", "/dev/ptmx") != 0)
        fail("symlink /dev/ptmx");
    if (mkdir("/dev/shm", 01777) != 0)
        fail("mkdir /dev/shm");
    do_mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
    if (mkdir("/dev/mqueue", 0755) == 0)
        mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (symlink("/proc/self/fd", "/dev/fd") != 0 || symlink("/proc/self/fd/0", "/dev/stdin") != 0 ||
        symlink("/proc/self/fd/1", "/dev/stdout") != 0 || symlink("/proc/self/fd/2", "/dev/stderr") != 0 ||
        symlink("/proc/kcore", "/dev/core") != 0)
        fail("symlink in /dev");
}

/* Docker's masked and read-only /proc paths: they expose host state or allow host changes. */
static void mask_proc(void)
{
    static const char *masked[] = {"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                   "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                                   "/sys/firmware", NULL};
    static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};
    struct stat st;
    for (int i = 0; masked[i]; i++) {
        if (stat(masked[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, "size=0");
        else
            mount("/dev/null", masked[i], NULL, MS_BIND, NULL);
    }
    for (int i = 0; readonly[i]; i++) {
        if (stat(readonly[i], &st) != 0)
            continue;
        if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) == 0)
            mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    }
}

static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        fail("socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        fail("SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        fail("SIOCSIFFLAGS lo");
    close(s);
}

static void user_mounts(void)
{
    for (int i = 0; i < nmounts; i++) {
        struct user_mount *m = &mounts[i];
        if (!strcmp(m->type, "tmpfs")) {
            int s = ensure_target(m->target, 1);
            do_mount("tmpfs", m->target, "tmpfs", MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0), m->data);
            mark_mounted(s);
            continue;
        }
        struct stat st;
        if (fstat(m->fd, &st) != 0)
            fail("stat mount source %s", m->source);
        int s = ensure_target(m->target, S_ISDIR(st.st_mode));
        if (syscall(SYS_move_mount, m->fd, "", AT_FDCWD, m->target, MOVE_MOUNT_F_EMPTY_PATH) != 0)
            fail("bind mount %s on %s", m->source, m->target);
        mark_mounted(s);
        if (m->readonly &&
            mount(NULL, m->target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
            fail("remount %s read-only", m->target);
        close(m->fd);
    }
}

/* ---- the command */

static void drop_privileges(void)
{
    int last_cap = 40;
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char b[16] = {0};
        if (read(fd, b, sizeof b - 1) > 0)
            last_cap = atoi(b);
        close(fd);
    }
    for (int c = 0; c <= last_cap; c++)
        if (!(keep_caps & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
            fail("drop capability %d", c);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (setgroups(ngroups, groups) != 0)
        fail("setgroups");
    if (setresgid(gid, gid, gid) != 0)
        fail("setgid %u", gid);
    /* Root keeps exactly the bounding set through execve (the kernel grants root's permitted set
     * from the bounding set); any other uid starts the command with no capabilities, as in Docker.
     * The inheritable set is cleared so it cannot widen that. */
    if (setresuid(uid, uid, uid) != 0)
        fail("setuid %u", uid);
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0)
        fail("capget");
    for (int i = 0; i < 2; i++) {
        uint32_t keep = (uint32_t)(keep_caps >> (32 * i));
        data[i].inheritable = 0;
        data[i].permitted &= keep;
        data[i].effective &= keep;
    }
    if (syscall(SYS_capset, &hdr, data) != 0)
        fail("capset");
}

static const char *env_value(const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < nenvs; i++)
        if (!strncmp(envs[i], name, n) && envs[i][n] == '=')
            return envs[i] + n + 1;
    return NULL;
}

static void __attribute__((noreturn)) exec_command(void)
{
    const char *file = args[0];
    if (strchr(file, '/')) {
        execve(file, args, envs);
        fail("exec %s", file);
    }
    /* PATH lookup with the command's PATH, inside the rootfs (execvpe would use ours). */
    const char *path = env_value("PATH");
    if (!path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    int saw_eacces = 0;
    char buf[4096];
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len == 0)
            snprintf(buf, sizeof buf, "%s", file);
        else
            snprintf(buf, sizeof buf, "%.*s/%s", (int)len, path, file);
        execve(buf, args, envs);
        if (errno == EACCES)
            saw_eacces = 1;
        else if (errno != ENOENT && errno != ENOTDIR)
            fail("exec %s", buf);
        path += len;
        if (*path == ':')
            path++;
    }
    if (saw_eacces) {
        errno = EACCES;
        fail("exec %s", file);
    }
    fail_noerrno("exec: \"%s\": executable file not found in $PATH", file);
}

static void reset_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
}

/* ---- the overlay root, mounted in the step's own mount namespace: nothing is mounted on the
 * host, and the mount disappears with the namespace when the step's last process exits (no
 * umount, no propagation to the host's mount table). Same options as OverlayMount.cs:
 * redirect_dir/metacopy off keep the upper dir a self-contained diff, index off, volatile (no
 * syncs: a crashed step is thrown away). The new mount API takes one lowerdir+ per layer (Linux
 * 6.8+), so deep stacks fit; older kernels get mount(2) with the one-page option string. */

static int fsconfig_str(int fd, const char *key, const char *value)
{
    return (int)syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING_, key, value, 0);
}

static void mount_overlay_legacy(void)
{
    static char data[4096];
    size_t n = 0;
    int w = snprintf(data, sizeof data, "lowerdir=");
    n = (size_t)w;
    for (int i = 0; i < novl_lowers; i++) {
        for (const char *c = ovl_lowers[i]; *c; c++) {
            if (n + 3 >= sizeof data)
                goto too_long;
            if (*c == ':' || *c == ',' || *c == '\\')
                data[n++] = '\\';
            data[n++] = *c;
        }
        if (i + 1 < novl_lowers)
            data[n++] = ':';
    }
    w = snprintf(data + n, sizeof data - n, ",upperdir=%s,workdir=%s,redirect_dir=off,metacopy=off,index=off,volatile",
                 ovl_upper, ovl_work);
    if (w < 0 || (size_t)w >= sizeof data - n)
        goto too_long;
    if (mount("overlay", rootfs, "overlay", 0, data) != 0)
        fail("mount overlay on %s", rootfs);
    return;
too_long:
    fail_noerrno("overlay options for %d layers exceed one page and this kernel lacks lowerdir+ (Linux 6.8+); use a shorter --root", novl_lowers);
}

static void mount_overlay(void)
{
    int fd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC_);
    if (fd < 0) {
        mount_overlay_legacy();
        return;
    }
    for (int i = 0; i < novl_lowers; i++) {
        if (fsconfig_str(fd, "lowerdir+", ovl_lowers[i]) != 0) {
            if (errno == EINVAL && i == 0) { /* no lowerdir+: a kernel before 6.8 */
                close(fd);
                mount_overlay_legacy();
                return;
            }
            fail("overlay lowerdir+ %s", ovl_lowers[i]);
        }
    }
    if (fsconfig_str(fd, "upperdir", ovl_upper) != 0)
        fail("overlay upperdir %s", ovl_upper);
    if (fsconfig_str(fd, "workdir", ovl_work) != 0)
        fail("overlay workdir %s", ovl_work);
    fsconfig_str(fd, "redirect_dir", "off");
    fsconfig_str(fd, "metacopy", "off");
    fsconfig_str(fd, "index", "off");
    syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG_, "volatile", NULL, 0);
    if (syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE_, NULL, NULL, 0) != 0)
        fail("mount overlay on %s", rootfs);
    int mnt = (int)syscall(SYS_fsmount, fd, FSMOUNT_CLOEXEC_, 0);
    if (mnt < 0)
        fail("fsmount overlay");
    if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) != 0)
        fail("move_mount overlay to %s", rootfs);
    close(mnt);
    close(fd);
}

static int __attribute__((noreturn)) init_main(void)
{
    reset_signals();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        fail("make / private");
    if (hostname && sethostname(hostname, strlen(hostname)) != 0)
        fail("sethostname");
    if (!strcmp(net, "none"))
        loopback_up();
    if (novl_lowers > 0)
        mount_overlay();
    else if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) != 0)
        fail("bind rootfs %s", rootfs);
    /* Bind sources are host paths: clone them now (open_tree), attach the clones after
     * pivot_root, so that mount targets resolve inside the new root (an image's symlink cannot
     * redirect a mount onto the host). */
    for (int i = 0; i < nmounts; i++)
        if (!strcmp(mounts[i].type, "bind") &&
            (mounts[i].fd = (int)syscall(SYS_open_tree, AT_FDCWD, mounts[i].source,
                                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)) < 0)
            fail("open mount source %s", mounts[i].source);
    if (chdir(rootfs) != 0)
        fail("chdir %s", rootfs);
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves no
     * path to the host filesystem and needs no put_old directory in the rootfs (runc's trick). */
    if (syscall(SYS_pivot_root, ".", ".") != 0)
        fail("pivot_root %s", rootfs);
    if (umount2(".", MNT_DETACH) != 0)
        fail("detach the old root");
    if (chdir("/") != 0)
        fail("chdir /");
    in_new_root = 1;
    mount_dir("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    setup_dev();
    mount_dir("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    user_mounts();
    mask_proc();
    make_dirs(cwd, 0, uid, gid, 1);

    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        reset_signals();
        drop_privileges();
        if (chdir(cwd) != 0)
            fail("chdir %s", cwd);
        if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            fail("no_new_privs");
        exec_command();
    }
    /* PID 1: reap everything; when the command ends, the step ends: kill what it left behind. */
    int st = 0;
    for (;;) {
        int s;
        pid_t p = waitpid(-1, &s, 0);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
        if (p == child) {
            st = s;
            kill(-1, SIGKILL);
        }
    }
    remove_stubs();
    if (WIFEXITED(st)) {
        /* 126 with an E line already written means the set-up in the child failed. */
        status("X %d", WEXITSTATUS(st));
    } else if (WIFSIGNALED(st)) {
        status("S %d", WTERMSIG(st));
    }
    _exit(0);
}

static void on_term(int sig)
{
    (void)sig;
    terminated = 1;
    if (init_pid > 0)
        kill(init_pid, SIGKILL);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: builder-sandbox SPECFILE (run by builder, not by hand)\n");
        return 2;
    }
    /* Nothing but stdio and the status pipe reaches the command. */
    syscall(SYS_close_range, 4U, ~0U, 0U);
    if (fcntl(STATUS_FD, F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "builder-sandbox: fd 3 is not the status pipe\n");
        return 2;
    }
    reset_signals();
    size_t len;
    char *spec = read_file(argv[1], &len);
    parse_spec(spec, len);
    args[nargs] = NULL;
    envs[nenvs] = NULL;

    char self[32];
    snprintf(self, sizeof self, "%d", getpid());
    for (int i = 0; i < ncgroups; i++)
        write_file(cgroups[i], self);

    int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
    if (!strcmp(net, "none"))
        flags |= CLONE_NEWNET;
    if (unshare(flags) != 0)
        fail("unshare");

    /* Block first, then install the handler: a SIGTERM that arrives before init exists stays
     * pending and is handled right after the fork, so a cancellation is never lost. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0)
        init_main();
    init_pid = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);

    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            fail("waitpid");
    }
    if (WIFSIGNALED(st))
        status("K %d", WTERMSIG(st));
    return 0;
}
