/* Work-arounds for WASI hosts, linked with --wrap so every caller in libc
 * and CPython goes through them (sysroot/build.sh passes the flags).
 *
 * A poll with no descriptors and a zero timeout becomes a poll_oneoff with
 * one clock subscription of 0 ns, which wasmer-wasix never completes:
 * `import selectors` (it probes poll(0)) and asyncio hang there. The answer
 * is known without asking the host: nothing is ready, and no time need pass.
 */
#include <poll.h>
#include <stddef.h>
#include <sys/select.h>

int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __real_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    if (nfds == 0 && timeout == 0)
        return 0;
    return __real_poll(fds, nfds, timeout);
}

int __wrap_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout) {
    if (nfds == 0 && timeout != NULL && timeout->tv_sec == 0 && timeout->tv_usec == 0)
        return 0;
    return __real_select(nfds, readfds, writefds, exceptfds, timeout);
}
