/* What the runtime's C files (attach.c, call.c, generator.c, names.c,
 * operators.c, containers.c, exceptions.c) share: natively compiled
 * functions, the glue between CPython and the wasm the compiler generates
 * (src/codegen), and the helpers generated code calls.
 *
 * A compiled function is an ordinary CPython function object (so inspect,
 * pickle, functools and every library that checks FunctionType see nothing
 * unusual) whose vectorcall is call.c's `native_vectorcall`: it binds the
 * arguments with CPython's own binder and jumps to the generated entry
 * through the indirect function table. Our CPython patch
 * (cpython-native.patch) calls `_Py_FunctionNewHook` for every new
 * function, keeps such functions out of the interpreter's inlined calls and
 * specialisations, and exports the binder.
 *
 * The image (image.h) lists every code object of the user's modules that
 * generated code refers to; `attach` matches them, by qualified name and
 * first line, in the code objects CPython compiles from the embedded sources.
 *
 * Conventions of the helpers (as CPython's C API): a PyObject * result is a
 * new reference, NULL with an exception set on error; an int result is -1
 * on error. Arguments are borrowed unless a comment says "steals".
 */
#ifndef PY2WASM_NATIVE_INTERNAL_H
#define PY2WASM_NATIVE_INTERNAL_H

#define Py_BUILD_CORE 1
#include <Python.h>
#include <marshal.h>
#include <frameobject.h>
#include "internal/pycore_ceval.h"
#include "internal/pycore_code.h"
#include "opcode.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_genobject.h"
#include "internal/pycore_long.h"
#include "internal/pycore_object.h"
#include "internal/pycore_pystate.h"
#include "internal/pycore_pyerrors.h"

#include "image.h"
#include "native.h"

/* From our CPython patch. */
extern void (*_Py_FunctionNewHook)(PyFunctionObject *func);
extern PyObject *(*_Py2wasm_ClassBodyHook)(PyFunctionObject *func, PyObject *ns);
extern PyObject *(*_Py2wasm_GenResumeHook)(PyThreadState *tstate, _PyInterpreterFrame *frame, int exc);
extern int _Py2wasm_BindArguments(PyFunctionObject *func, PyObject **localsplus, PyObject *const *args,
                                  size_t argcount, PyObject *kwnames);

/* A compiled function's entry (table index in its code entry). */
typedef PyObject *(*native_entry)(PyObject *func, PyObject **slots);

/* attach.c: our co_extra index (the code entry of compiled code), and the
 * code objects of the image's code table, by code id (borrowed). */
extern Py_ssize_t py2wasm_extra_index;
PyObject **py2wasm_code_slots(void);
/* generator.c: the object holding a suspended generator's variables. */
extern PyTypeObject py2wasm_genstate_type;
/* generator.c: GET_AWAITABLE with its oparg (the error it words). */
PyObject *py2wasm_awaitable(PyObject *o, int oparg);
/* operators.c: finds the builtins with fast paths (at start-up). */
void py2wasm_find_builtins(void);
/* containers.c: DICT_UPDATE, with its message for a non-mapping. */
int py2wasm_dict_update(PyObject *dict, PyObject *other);
/* call.c: calls from generated code (any callable). */
PyObject *py2wasm_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames);
/* exceptions.c */
void py2wasm_traceback(_PyInterpreterFrame *frame, int line, int col, int end_line, int end_col);
/* frame.c */
#define PY2WASM_FRAME_TRACED ((_PyInterpreterFrame *)1)
PyObject *py2wasm_traced_call(PyObject *f, PyObject **slots);
enum { TRACE_FUNC = 1, PROFILE_FUNC = 2, TRACE_AND_PROFILE = 3 };
int py2wasm_trace_event(PyThreadState *tstate, _PyInterpreterFrame *frame, int what, PyObject *arg, int which);
PyObject *py2wasm_profiled_c_call(PyThreadState *tstate, PyObject *callable, PyObject *const *args, size_t nargsf,
                                  PyObject *kwnames);
_PyInterpreterFrame *py2wasm_frame_push(PyObject *f, PyObject *locals);
void py2wasm_frame_pop(_PyInterpreterFrame *frame);
int py2wasm_instruction_at(PyCodeObject *code, int line, int col, int end_line, int end_col, int opcode,
                           int line_only);
void py2wasm_resolve_sites(PyCodeObject *code, const struct py2wasm_site *sites, uint32_t count, uint8_t *base);

/* CPython's holder of co_extra (Objects/codeobject.c keeps it private):
 * read directly, as the lookup happens on every call. */
typedef struct {
    Py_ssize_t ce_size;
    void *ce_extras[1];
} code_extra;

/* The compiler's entry for compiled code CO, or NULL. */
static inline const struct py2wasm_code_entry *code_entry(PyCodeObject *co) {
    code_extra *extra = co->co_extra;
    if (extra == NULL || extra->ce_size <= py2wasm_extra_index)
        return NULL;
    return extra->ce_extras[py2wasm_extra_index];
}

#endif
