/* The heap's view of memory, kept clear of the program image.
 *
 * The compiler appends the image in pages just past runtime.wasm's initial
 * memory (image.h). wasi-libc's dlmalloc takes [__heap_base, sbrk(0)) as its
 * first region, and wasi-libc's sbrk(0) is the end of memory: that would hand
 * the image out as free heap. This sbrk replaces wasi-libc's (the linker
 * takes ours and never pulls libc's sbrk.o): until the heap first grows, the
 * break is the image's start, so the first region ends below the image; a
 * growth returns fresh pages past the image, which dlmalloc takes as a new,
 * separate segment (it is written to cope with a break that moves under it).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "image.h"

#define PAGE_SIZE 65536

static int grown;

void *sbrk(intptr_t increment) {
    if (increment == 0) {
        if (!grown && py2wasm_image.data != NULL)
            return (void *)py2wasm_image.data;
        return (void *)(__builtin_wasm_memory_size(0) * PAGE_SIZE);
    }
    /* dlmalloc only ever asks for whole pages; anything else is a bug. */
    if (increment < 0 || increment % PAGE_SIZE != 0)
        abort();
    size_t old = __builtin_wasm_memory_grow(0, (size_t)increment / PAGE_SIZE);
    if (old == SIZE_MAX) {
        errno = ENOMEM;
        return (void *)-1;
    }
    grown = 1;
    return (void *)(old * PAGE_SIZE);
}
