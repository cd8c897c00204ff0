/* Force-included when compiling sqlite3.c for WASI preview 1, which has no
 * file permissions, ownership, users or advisory locks. The default VFS is
 * "unix-none" (no locking), so the lock constants below only let the unused
 * locking code compile; the stubs answer as a single-user system would. */
#ifndef PY2WASM_SQLITE_WASI_H
#define PY2WASM_SQLITE_WASI_H
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
static inline int py2wasm_fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
static inline int py2wasm_fchown(int fd, uid_t u, gid_t g) { (void)fd; (void)u; (void)g; return 0; }
static inline uid_t py2wasm_geteuid(void) { return 0; }
#define fchmod py2wasm_fchmod
#define fchown py2wasm_fchown
#define geteuid py2wasm_geteuid
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#endif
