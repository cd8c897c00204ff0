/* The program's own files, read-only, where CPython would have them.
 *
 * The standard library and the packages of the user's environment are in
 * the image, not on a disk the host maps: their modules' __file__ names a
 * path under the install prefix (/usr/local/lib/python3.11, its
 * site-packages) that no host directory backs. This file serves those
 * paths from the image, so what CPython code does with a module's file
 * works: open(json.__file__), os.path.exists, os.stat, os.listdir and
 * os.scandir of the directories, importlib.resources and pkgutil.get_data
 * through the path finder's readers, a package's data files next to it.
 * The program's own modules and their packages' data files have paths
 * relative to the program's directory (`polls/templates/...`): they are
 * served relative to the working directory the program started in, after
 * the host's files (a host that maps the program's directory there gives
 * its own copy).
 *
 * It wraps libc's file calls (sysroot/build.sh links with --wrap=open,
 * read, ...): a path the image has is served here; any other path, and
 * every descriptor not made here, goes to wasi-libc as before. Under the
 * install prefix the image comes first; a host that maps a real directory
 * there still reaches its files for names the image does not have.
 *
 * Files: a module's source, the standard library's or the program's
 * (zlib-compressed in the image, inflated when opened; its size the first
 * time it is asked for), a package's data file (compressed, its size
 * known), a standard library module's cached bytecode (a pyc made from
 * its marshalled code when opened). Directories: every parent of a file, up
 * to the mount. Descriptors made here count down from VFD_TOP, far above
 * what WASI hosts hand out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* (zlib's results, for uncompress: image.h) */
#define Z_OK 0
#define Z_BUF_ERROR (-5)

#include "image.h"

#define MOUNT "/usr/local/lib/python3.11"
#define MOUNT_LEN (sizeof(MOUNT) - 1)

/* main.c: the image's entries. */
const struct py2wasm_entry *py2wasm_image_entries(uint32_t *count);
const char *py2wasm_image_at(uint32_t off);
const char *py2wasm_program_root(void);

int __real_open(const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t n);
off_t __real_lseek(int fd, off_t offset, int whence);
int __real_fstat(int fd, struct stat *st);
int __real_close(int fd);
int __real_stat(const char *restrict path, struct stat *restrict st);
int __real_lstat(const char *restrict path, struct stat *restrict st);
int __real_fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flag);
int __real_access(const char *path, int mode);
int __real_fcntl(int fd, int cmd, ...);
int __real_isatty(int fd);
DIR *__real_opendir(const char *path);
struct dirent *__real_readdir(DIR *dir);
int __real_closedir(DIR *dir);

/* ------------------------------------------------------------ the tree */

typedef struct {
    const char *path;              /* absolute, NUL-terminated */
    const struct py2wasm_entry *e; /* where its bytes are */
    const char *z;                 /* zlib-compressed bytes, or NULL: plain data */
    uint32_t zlen;
    long size;                     /* -1: not known yet (a stdlib source, a cached file) */
    int host_first;                /* the program's own: the host's file wins */
    int pyc;                       /* the module's cached bytecode (pyc_contents) */
} vfile;

static vfile *files; /* sorted by path */
static size_t nfiles;
static int built;
/* The program's directory (main.c: the working directory at start-up, ""
 * for "/"), below which its own files are. */
static char root[4096];

static int by_path(const void *a, const void *b) {
    return strcmp(((const vfile *)a)->path, ((const vfile *)b)->path);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The files under the mount, from the image (once). */
static void build(void) {
    if (built)
        return;
    built = 1;
    uint32_t count = 0;
    const struct py2wasm_entry *e = py2wasm_image_entries(&count);
    if (e == NULL)
        return;
    snprintf(root, sizeof root, "%s", py2wasm_program_root());
    files = calloc(count ? count : 1, sizeof(vfile));
    if (files == NULL)
        return;
    for (uint32_t i = 0; i < count; i++) {
        const char *path = py2wasm_image_at(e[i].path_off);
        if (e[i].path_len == 0 || (e[i].flags & PY2WASM_FLAG_NAMESPACE))
            continue;
        vfile *f = &files[nfiles];
        if (path[0] == '/') {
            if (e[i].path_len <= MOUNT_LEN || strncmp(path, MOUNT "/", MOUNT_LEN + 1) != 0)
                continue;
            f->path = path;
        } else {
            /* (the program's own: relative to where it started) */
            char full[4096];
            if (snprintf(full, sizeof full, "%s/%s", root, path) >= (int)sizeof full || (f->path = strdup(full)) == NULL)
                continue;
            f->host_first = 1;
        }
        f->e = &e[i];
        if (e[i].kind == PY2WASM_KIND_FROZEN || e[i].kind == PY2WASM_KIND_SOURCE) {
            if (e[i].zsource_len == 0)
                continue; /* (compiled without the stdlib's source) */
            f->z = py2wasm_image_at(e[i].zsource_off);
            f->zlen = e[i].zsource_len;
            f->size = -1;
        } else if (e[i].kind == PY2WASM_KIND_DATA) {
            if (e[i].data_len < 4)
                continue;
            const unsigned char *d = (const unsigned char *)py2wasm_image_at(e[i].data_off);
            f->size = (long)py2wasm_le32(d);
            f->z = (const char *)d + 4;
            f->zlen = e[i].data_len - 4;
        } else {
            f->size = e[i].data_len;
        }
        nfiles++;
    }
    qsort(files, nfiles, sizeof(vfile), by_path);
}

/* Each standard library module's bytecode where CPython caches it
 * (importlib.util.cache_from_source: a module's __cached__), as an
 * installed CPython has it: pydoc.synopsis and SourcelessFileLoader read
 * it. A second sorted array, made the first time a path under a
 * __pycache__ directory or a listing of a directory with modules asks for
 * it (start-up never does: sorting the paths costs), so that vfile
 * pointers into `files` stay valid. */
static vfile *pycs;
static size_t npycs;

static void build_pycs(void) {
    static int pycs_built;
    if (pycs_built)
        return;
    pycs_built = 1;
    build();
    uint32_t count = 0;
    const struct py2wasm_entry *e = py2wasm_image_entries(&count);
    if (e == NULL || (pycs = calloc(count ? count : 1, sizeof(vfile))) == NULL)
        return;
    for (uint32_t i = 0; i < count; i++) {
        const char *path = py2wasm_image_at(e[i].path_off);
        size_t n = e[i].path_len;
        if (e[i].kind != PY2WASM_KIND_FROZEN || e[i].data_len == 0 || n <= MOUNT_LEN + 3 ||
            strncmp(path, MOUNT "/", MOUNT_LEN + 1) != 0 || strcmp(path + n - 3, ".py") != 0)
            continue;
        const char *slash = strrchr(path, '/');
        int dir = (int)(slash - path);
        int stem = (int)(n - 3) - dir - 1;
        char cached[4096];
        if (snprintf(cached, sizeof cached, "%.*s/__pycache__/%.*s.cpython-311.pyc", dir, path, stem, slash + 1) >=
            (int)sizeof cached)
            continue;
        vfile *f = &pycs[npycs];
        if ((f->path = strdup(cached)) == NULL)
            continue;
        f->e = &e[i];
        f->size = -1;
        f->pyc = 1;
        npycs++;
    }
    qsort(pycs, npycs, sizeof(vfile), by_path);
}

static int under(const char *abs, const char *dir, size_t n);
static size_t lower_bound(const char *key);

/* Whether ABS is a standard library directory's __pycache__ (1) or a
 * file in one (2); 0 neither. */
static int in_pycache(const char *abs) {
    if (!under(abs, MOUNT, MOUNT_LEN))
        return 0;
    const char *p = strstr(abs, "/__pycache__");
    if (p == NULL)
        return 0;
    return p[12] == '\0' ? 1 : p[12] == '/' && p[13] != '\0' && strchr(p + 13, '/') == NULL ? 2 : 0;
}

/* KEY (4096 bytes) = directory DIR (LEN bytes) and a "/"; 0 when it does
 * not fit. */
static int dir_key(const char *dir, size_t len, char *key) {
    if (len + 2 > 4096)
        return 0;
    memcpy(key, dir, len);
    key[len] = '/';
    key[len + 1] = '\0';
    return 1;
}

/* Whether F, at REST below a directory, is a standard library module of
 * that directory itself (one with cached bytecode in its __pycache__). */
static int is_own_module(const vfile *f, const char *rest) {
    size_t n = strlen(rest);
    return f->e->kind == PY2WASM_KIND_FROZEN && strchr(rest, '/') == NULL && n > 3 && strcmp(rest + n - 3, ".py") == 0;
}

/* Whether standard library directory DIR (normal, LEN bytes) has modules
 * of its own, so a __pycache__ (found without making its files: the path
 * finder lists and probes the library's directory at start-up). */
static int has_modules(const char *dir, size_t len) {
    char key[4096];
    if (!dir_key(dir, len, key))
        return 0;
    for (size_t i = lower_bound(key); i < nfiles && strncmp(files[i].path, key, len + 1) == 0; i++)
        if (is_own_module(&files[i], files[i].path + len + 1))
            return 1;
    return 0;
}

/* PATH made absolute (against the working directory) and normal (no ".",
 * "..", repeated or trailing "/") into OUT; 0 when it does not fit. */
static int normalize(const char *path, char *out, size_t size) {
    char buf[4096];
    if (path == NULL || path[0] == '\0')
        return 0;
    if (path[0] != '/') {
        if (getcwd(buf, sizeof buf) == NULL)
            return 0;
        size_t n = strlen(buf);
        if (n + 1 + strlen(path) + 1 > sizeof buf)
            return 0;
        buf[n] = '/';
        strcpy(buf + n + 1, path);
    } else {
        if (strlen(path) + 1 > sizeof buf)
            return 0;
        strcpy(buf, path);
    }
    size_t len = 0;
    const char *p = buf;
    while (*p) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.'))
            continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            continue;
        }
        if (len + 1 + n + 1 > size)
            return 0;
        out[len++] = '/';
        memcpy(out + len, start, n);
        len += n;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return 1;
}

/* Whether ABS is under DIR (or is it). */
static int under(const char *abs, const char *dir, size_t n) {
    return strncmp(abs, dir, n) == 0 && (abs[n] == '\0' || abs[n] == '/' || n == 0);
}

/* Whether the image's answer for ABS comes after the host's: the
 * program's own tree. */
static int host_first(const char *abs) { return !under(abs, MOUNT, MOUNT_LEN); }

/* The first of the N files of A whose path is >= KEY. */
static size_t lower_bound_in(const vfile *a, size_t n, const char *key) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(a[mid].path, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t lower_bound(const char *key) { return lower_bound_in(files, nfiles, key); }

static vfile *find_file(const char *abs) {
    size_t i = lower_bound(abs);
    if (i < nfiles && strcmp(files[i].path, abs) == 0)
        return &files[i];
    if (in_pycache(abs) != 2)
        return NULL;
    build_pycs();
    i = lower_bound_in(pycs, npycs, abs);
    return i < npycs && strcmp(pycs[i].path, abs) == 0 ? &pycs[i] : NULL;
}

/* F's inode: its place in `files`, then in `pycs`. */
static ino_t ino_of(const vfile *f) {
    if (f >= files && f < files + nfiles)
        return (ino_t)(f - files) + 1;
    return (ino_t)(nfiles + (size_t)(f - pycs)) + 1;
}

/* Whether ABS is a directory of the tree: the mount, or a parent of a file. */
static int is_dir(const char *abs) {
    size_t n = strcmp(abs, "/") == 0 ? 0 : strlen(abs);
    char key[4096];
    if (!dir_key(abs, n, key))
        return 0;
    size_t i = lower_bound(key);
    if ((i < nfiles && strncmp(files[i].path, key, n + 1) == 0) || strcmp(abs, MOUNT) == 0)
        return 1;
    return in_pycache(abs) == 1 && has_modules(abs, n - 12);
}

static vfile *find_file(const char *abs);
static char *contents(vfile *f, size_t *len);

/* A timestamp-based pyc of cached-bytecode file F (PEP 552): CPython
 * 3.11's magic number (3495, importlib's MAGIC_NUMBER), flags 0, then the
 * source's modification time and size as the tree shows them (0 and its
 * length, so SourceFileLoader finds the pair consistent), then the module's
 * marshalled code from the image (inflated if it is stored compressed). */
static char *pyc_contents(vfile *f, size_t *len) {
    const struct py2wasm_entry *e = f->e;
    const unsigned char *d = (const unsigned char *)py2wasm_image_at(e->data_off);
    unsigned long code_len = e->data_len;
    if (e->flags & PY2WASM_FLAG_COMPRESSED) {
        if (e->data_len < 4)
            return NULL;
        code_len = py2wasm_le32(d + e->data_len - 4);
    }
    uint32_t source_size = 0;
    vfile *src = find_file(py2wasm_image_at(e->path_off));
    if (src != NULL && src->size < 0) {
        size_t ignored;
        free(contents(src, &ignored));
    }
    if (src != NULL && src->size > 0)
        source_size = (uint32_t)src->size;
    unsigned char *out = malloc(16 + code_len + 1);
    if (out == NULL)
        return NULL;
    const unsigned char head[8] = {0xa7, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0};
    memcpy(out, head, 8);
    memset(out + 8, 0, 4); /* mtime: the tree's files have 0 */
    for (int k = 0; k < 4; k++)
        out[12 + k] = (unsigned char)(source_size >> (8 * k));
    if (e->flags & PY2WASM_FLAG_COMPRESSED) {
        unsigned long got = code_len;
        if (uncompress(out + 16, &got, d, e->data_len - 4) != Z_OK || got != code_len) {
            free(out);
            return NULL;
        }
    } else {
        memcpy(out + 16, d, code_len);
    }
    f->size = (long)(16 + code_len);
    *len = 16 + code_len;
    return (char *)out;
}

/* F's contents: a new buffer (the caller frees it), its length in *LEN. */
static char *contents(vfile *f, size_t *len) {
    const struct py2wasm_entry *e = f->e;
    if (f->pyc)
        return pyc_contents(f, len);
    if (f->z == NULL) {
        char *copy = malloc(e->data_len ? e->data_len : 1);
        if (copy == NULL)
            return NULL;
        memcpy(copy, py2wasm_image_at(e->data_off), e->data_len);
        *len = e->data_len;
        return copy;
    }
    /* Sources inflate to about four times their compressed size; a
     * buffer too small is retried twice as large. */
    unsigned long cap = f->size >= 0 ? (unsigned long)f->size + 1 : (unsigned long)f->zlen * 5 + 64;
    for (;;) {
        char *out = malloc(cap);
        if (out == NULL)
            return NULL;
        unsigned long got = cap;
        int r = uncompress((unsigned char *)out, &got, (const unsigned char *)f->z, f->zlen);
        if (r == Z_OK) {
            f->size = (long)got;
            *len = got;
            return out;
        }
        free(out);
        if (r != Z_BUF_ERROR || cap > (1ul << 30))
            return NULL;
        cap *= 2;
    }
}

static void fill_stat(struct stat *st, vfile *f, int dir) {
    memset(st, 0, sizeof *st);
    st->st_dev = 0x70793277; /* "py2w": one device for the tree */
    st->st_nlink = 1;
    st->st_blksize = 4096;
    if (dir) {
        st->st_mode = S_IFDIR | 0555;
        return;
    }
    if (f->size < 0) {
        size_t len;
        free(contents(f, &len));
    }
    st->st_mode = S_IFREG | 0444;
    st->st_ino = ino_of(f);
    st->st_size = f->size < 0 ? 0 : f->size;
    st->st_blocks = (st->st_size + 511) / 512;
}

/* Whether normal path ABS is the tree's: a file (*F) or a directory. */
static int lookup(const char *abs, vfile **f) {
    build();
    *f = find_file(abs);
    return *f != NULL || is_dir(abs);
}

/* Whether a failed call of the host's says it has nothing at the path (so
 * the program's own tree may answer). */
static int host_has_none(void) { return errno == ENOENT || errno == ENOTCAPABLE; }

/* Whether the directory holding normal path ABS is one of the tree's. */
static int parent_in_tree(const char *abs) {
    char parent[4096];
    const char *slash = strrchr(abs, '/');
    if (slash == NULL || slash == abs || (size_t)(slash - abs) >= sizeof parent)
        return 0;
    memcpy(parent, abs, (size_t)(slash - abs));
    parent[slash - abs] = '\0';
    return is_dir(parent);
}

/* After the host's call R for normal path ABS, which the tree does not
 * have: a host that maps nothing there answers "not capable", where
 * CPython with the files on disk sees no such file (in a directory the
 * tree has, or anywhere under the install prefix). */
static int under_prefix(int r, const char *abs) {
    if (r < 0 && errno == ENOTCAPABLE && (!host_first(abs) || parent_in_tree(abs)))
        errno = ENOENT;
    return r;
}

/* stat and lstat (REAL: the host's), the tree's answer where it has one. */
static int vfs_stat(const char *path, struct stat *st, int (*real)(const char *restrict, struct stat *restrict)) {
    char abs[4096];
    vfile *f;
    if (!normalize(path, abs, sizeof abs))
        return real(path, st);
    if (host_first(abs)) {
        int r = real(path, st);
        if (r == 0 || !host_has_none())
            return r;
        int saved = errno;
        if (lookup(abs, &f)) {
            fill_stat(st, f, f == NULL);
            return 0;
        }
        errno = saved;
        return under_prefix(-1, abs);
    }
    if (lookup(abs, &f)) {
        fill_stat(st, f, f == NULL);
        return 0;
    }
    return under_prefix(real(path, st), abs);
}

/* ------------------------------------------------------------ descriptors */

#define VFD_TOP 0x3fffff00
#define MAX_VFDS 256

typedef struct {
    int used;
    vfile *file; /* NULL: a directory */
    char *data;
    size_t len, pos;
} vfd;

static vfd vfds[MAX_VFDS];

static vfd *vfd_of(int fd) {
    int i = VFD_TOP - fd;
    return fd <= VFD_TOP && i >= 0 && i < MAX_VFDS && vfds[i].used ? &vfds[i] : NULL;
}

int __wrap_open(const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    char abs[4096];
    vfile *f;
    if (!normalize(path, abs, sizeof abs))
        return __real_open(path, flags, mode);
    int saved = 0;
    if (host_first(abs)) {
        int fd = __real_open(path, flags, mode);
        if (fd >= 0 || !host_has_none())
            return fd;
        saved = errno;
    }
    if (!lookup(abs, &f)) {
        if (saved) {
            errno = saved;
            return under_prefix(-1, abs);
        }
        return under_prefix(__real_open(path, flags, mode), abs);
    }
    int dir = f == NULL;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
        errno = dir ? EISDIR : EROFS;
        return -1;
    }
    if ((flags & O_DIRECTORY) && !dir) {
        errno = ENOTDIR;
        return -1;
    }
    for (int i = 0; i < MAX_VFDS; i++) {
        if (vfds[i].used)
            continue;
        vfd *v = &vfds[i];
        memset(v, 0, sizeof *v);
        if (f != NULL) {
            v->data = contents(f, &v->len);
            if (v->data == NULL) {
                errno = EIO;
                return -1;
            }
        }
        v->file = f;
        v->used = 1;
        return VFD_TOP - i;
    }
    errno = EMFILE;
    return -1;
}

ssize_t __wrap_read(int fd, void *buf, size_t n) {
    vfd *v = vfd_of(fd);
    if (v == NULL)
        return __real_read(fd, buf, n);
    if (v->file == NULL) {
        errno = EISDIR;
        return -1;
    }
    size_t left = v->pos < v->len ? v->len - v->pos : 0;
    if (n > left)
        n = left;
    memcpy(buf, v->data + v->pos, n);
    v->pos += n;
    return (ssize_t)n;
}

off_t __wrap_lseek(int fd, off_t offset, int whence) {
    vfd *v = vfd_of(fd);
    if (v == NULL)
        return __real_lseek(fd, offset, whence);
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)v->pos : whence == SEEK_END ? (off_t)v->len : -1;
    if (base < 0 || base + offset < 0) {
        errno = EINVAL;
        return -1;
    }
    v->pos = (size_t)(base + offset);
    return base + offset;
}

int __wrap_fstat(int fd, struct stat *st) {
    vfd *v = vfd_of(fd);
    if (v == NULL)
        return __real_fstat(fd, st);
    fill_stat(st, v->file, v->file == NULL);
    return 0;
}

int __wrap_close(int fd) {
    vfd *v = vfd_of(fd);
    if (v == NULL)
        return __real_close(fd);
    free(v->data);
    memset(v, 0, sizeof *v);
    return 0;
}

int __wrap_isatty(int fd) {
    if (vfd_of(fd) != NULL) {
        errno = ENOTTY;
        return 0;
    }
    return __real_isatty(fd);
}

int __wrap_fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int);
    va_end(ap);
    if (vfd_of(fd) == NULL)
        return __real_fcntl(fd, cmd, arg);
    switch (cmd) {
    case F_GETFD:
        return FD_CLOEXEC;
    case F_SETFD:
        return 0;
    case F_GETFL:
        return O_RDONLY;
    default:
        errno = EINVAL;
        return -1;
    }
}

int __wrap_stat(const char *restrict path, struct stat *restrict st) { return vfs_stat(path, st, __real_stat); }

int __wrap_lstat(const char *restrict path, struct stat *restrict st) { return vfs_stat(path, st, __real_lstat); }

int __wrap_fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flag) {
    if (dirfd == AT_FDCWD || (path != NULL && path[0] == '/'))
        return vfs_stat(path, st, (flag & AT_SYMLINK_NOFOLLOW) ? __real_lstat : __real_stat);
    return __real_fstatat(dirfd, path, st, flag);
}

int __wrap_access(const char *path, int mode) {
    char abs[4096];
    vfile *f;
    if (!normalize(path, abs, sizeof abs))
        return __real_access(path, mode);
    int saved = 0;
    if (host_first(abs)) {
        int r = __real_access(path, mode);
        if (r == 0 || !host_has_none())
            return r;
        saved = errno;
    }
    if (lookup(abs, &f)) {
        if (mode & W_OK) {
            errno = EROFS;
            return -1;
        }
        return 0;
    }
    if (saved) {
        errno = saved;
        return under_prefix(-1, abs);
    }
    return under_prefix(__real_access(path, mode), abs);
}

/* ------------------------------------------------------------ directories */

/* A listing made here: a DIR * wasi-libc never sees (told apart by the
 * magic word at its start, which wasi-libc's own DIR cannot begin with: its
 * first field is a descriptor). */
#define VDIR_MAGIC 0x76646972
typedef struct {
    int magic;
    char **names;
    size_t count, next;
    struct dirent *entry;
    char prefix[4096];
} vdir;

DIR *__wrap_opendir(const char *path) {
    char abs[4096];
    vfile *f;
    if (!normalize(path, abs, sizeof abs))
        return __real_opendir(path);
    int saved = 0;
    if (host_first(abs)) {
        DIR *real = __real_opendir(path);
        if (real != NULL || !host_has_none())
            return real;
        saved = errno;
    }
    if (!lookup(abs, &f)) {
        if (saved) {
            errno = saved;
            under_prefix(-1, abs);
            return NULL;
        }
        DIR *real = __real_opendir(path);
        under_prefix(real == NULL ? -1 : 0, abs);
        return real;
    }
    if (f != NULL) {
        errno = ENOTDIR;
        return NULL;
    }
    vdir *d = calloc(1, sizeof(vdir));
    if (d == NULL)
        return NULL;
    d->magic = VDIR_MAGIC;
    size_t n = strcmp(abs, "/") == 0 ? 0 : strlen(abs);
    memcpy(d->prefix, abs, n);
    d->prefix[n] = '/';
    d->prefix[n + 1] = '\0';
    /* The distinct first components after the prefix: of the files, and
     * a __pycache__ where the standard library has modules (without making
     * the cached files: the path finder lists the library's directory at
     * start-up); in a __pycache__, of the cached files. */
    int cached = in_pycache(abs) == 1;
    if (cached)
        build_pycs();
    const vfile *list = cached ? pycs : files;
    size_t count = cached ? npycs : nfiles;
    d->names = calloc(count + 2, sizeof(char *));
    if (d->names == NULL) {
        free(d);
        return NULL;
    }
    int modules = 0;
    for (size_t i = lower_bound_in(list, count, d->prefix); i < count && strncmp(list[i].path, d->prefix, n + 1) == 0;
         i++) {
        const char *rest = list[i].path + n + 1;
        size_t len = strcspn(rest, "/");
        modules |= is_own_module(&list[i], rest);
        if (d->count > 0 && strlen(d->names[d->count - 1]) == len && strncmp(d->names[d->count - 1], rest, len) == 0)
            continue;
        char *name = strndup(rest, len);
        if (name == NULL)
            break;
        d->names[d->count++] = name;
    }
    if (modules && !cached && under(abs, MOUNT, MOUNT_LEN) && (d->names[d->count] = strdup("__pycache__")) != NULL)
        d->count++;
    qsort(d->names, d->count, sizeof(char *), by_name);
    return (DIR *)d;
}

static vdir *vdir_of(DIR *dir) {
    return dir != NULL && ((vdir *)dir)->magic == VDIR_MAGIC ? (vdir *)dir : NULL;
}

struct dirent *__wrap_readdir(DIR *dir) {
    vdir *d = vdir_of(dir);
    if (d == NULL)
        return __real_readdir(dir);
    if (d->next >= d->count)
        return NULL;
    const char *name = d->names[d->next++];
    free(d->entry);
    d->entry = calloc(1, sizeof(struct dirent) + strlen(name) + 1);
    if (d->entry == NULL)
        return NULL;
    strcpy(d->entry->d_name, name);
    char full[4096];
    snprintf(full, sizeof full, "%s%s", d->prefix, name);
    vfile *f = find_file(full);
    d->entry->d_type = f != NULL ? DT_REG : DT_DIR;
    d->entry->d_ino = f != NULL ? ino_of(f) : 0;
    return d->entry;
}

int __wrap_closedir(DIR *dir) {
    vdir *d = vdir_of(dir);
    if (d == NULL)
        return __real_closedir(dir);
    for (size_t i = 0; i < d->count; i++)
        free(d->names[i]);
    free(d->names);
    free(d->entry);
    free(d);
    return 0;
}
