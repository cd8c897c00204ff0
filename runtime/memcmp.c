/* memcmp, eight bytes at a time.
 *
 * wasi-libc's memcmp (musl's) compares a byte per loop iteration; CPython
 * calls memcmp for every comparison of two distinct strs or bytes of the
 * same kind (str ==, <, dict lookups by a key that is not the stored
 * object). Like heap.c's sbrk, this definition replaces libc's: the linker
 * takes ours and never pulls libc's memcmp.o.
 *
 * Wasm memory is little-endian and loads need no alignment, so two 8-byte
 * words read with memcpy (one i64.load) that differ first differ in the
 * byte of the lowest set bit of their XOR.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    while (n >= 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, q, 8);
        if (x != y) {
            size_t i = (size_t)__builtin_ctzll(x ^ y) / 8;
            return p[i] - q[i];
        }
        p += 8;
        q += 8;
        n -= 8;
    }
    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}
