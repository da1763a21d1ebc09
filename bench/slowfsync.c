/*
 * slowfsync: an LD_PRELOAD shim that makes every fsync/fdatasync D ms slower, to stand in
 * for a Raspberry Pi's SD card (5-50 ms a sync) on a fast disk. bench/slowdisk.py builds it
 * with `cc -shared -fPIC` and preloads it into the hub and into its raw-SQLite probe.
 *
 *   SLOWFSYNC_MS      the delay added before each sync, in milliseconds (default 0)
 *   SLOWFSYNC_COUNTS  optional path of a file of three 64-bit counters, shared by mmap:
 *                     [0] every sync, [1] syncs of a SQLite WAL file ("...-wal") begun,
 *                     which in WAL mode with synchronous=FULL is one per commit (plus
 *                     checkpoints), [2] WAL syncs returned: [1] > [2] while a commit's
 *                     sync is in flight (tests kill the hub right then)
 *   SLOWFSYNC_HOLD    optional path: while a file is there, every sync waits (a card that
 *                     stalls for as long as a test needs, then goes on when it is removed)
 *
 * The delay comes before the real sync, as a slow card's would: the caller is held for it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static long delay_ns;
static const char *hold_path; /* NULL: never held */
static volatile uint64_t *counts; /* NULL: not counting */

/* At load time, before any thread of the program runs: nothing to race on later. */
__attribute__((constructor)) static void setup(void) {
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const char *ms = getenv("SLOWFSYNC_MS");
    const char *path = getenv("SLOWFSYNC_COUNTS");
    if (path && *path) {
        int fd = open(path, O_RDWR);
        if (fd >= 0) {
            void *p = mmap(NULL, 3 * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            close(fd);
            if (p != MAP_FAILED)
                counts = (volatile uint64_t *)p;
        }
    }
    delay_ns = ms ? (long)(atof(ms) * 1e6) : 0;
    const char *hold = getenv("SLOWFSYNC_HOLD");
    hold_path = hold && *hold ? hold : NULL;
}

static int is_wal(int fd) {
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 4)
        return 0;
    target[n] = '\0';
    return strcmp(target + n - 4, "-wal") == 0;
}

/* Count the sync and wait; returns whether it is a WAL's (to count its return too). */
static int slow(int fd) {
    int wal = 0;
    if (counts) {
        __atomic_fetch_add(&counts[0], 1, __ATOMIC_SEQ_CST);
        wal = is_wal(fd);
        if (wal)
            __atomic_fetch_add(&counts[1], 1, __ATOMIC_SEQ_CST);
    }
    if (delay_ns > 0) {
        int saved = errno;
        struct timespec ts = {delay_ns / 1000000000L, delay_ns % 1000000000L};
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        }
        errno = saved;
    }
    if (hold_path) {
        int saved = errno;
        struct timespec ms1 = {0, 1000000L};
        while (access(hold_path, F_OK) == 0)
            nanosleep(&ms1, NULL);
        errno = saved;
    }
    return wal;
}

static int done(int wal, int rc) {
    if (wal)
        __atomic_fetch_add(&counts[2], 1, __ATOMIC_SEQ_CST);
    return rc;
}

int fsync(int fd) {
    int wal = slow(fd);
    return done(wal, real_fsync(fd));
}

int fdatasync(int fd) {
    int wal = slow(fd);
    return done(wal, real_fdatasync(fd));
}
