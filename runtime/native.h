/* What main.c and generated code share with the runtime's glue of compiled code (attach.c, call.c, ...). */
#ifndef PY2WASM_NATIVE_H
#define PY2WASM_NATIVE_H

#include <Python.h>
#include "image.h"

/* Binary operators of py2wasm_binary; src/codegen/runtime.rs keeps the
 * same numbers. PY2WASM_INPLACE is or-ed in for augmented assignment. */
enum {
    PY2WASM_ADD, PY2WASM_SUB, PY2WASM_MUL, PY2WASM_TRUEDIV, PY2WASM_FLOORDIV, PY2WASM_MOD, PY2WASM_POW,
    PY2WASM_LSHIFT, PY2WASM_RSHIFT, PY2WASM_AND, PY2WASM_OR, PY2WASM_XOR, PY2WASM_MATMUL,
    PY2WASM_INPLACE = 16,
};
/* Unary operators of py2wasm_unary. */
enum { PY2WASM_NEG, PY2WASM_POS, PY2WASM_INVERT };

/* Unmarshals the image's constants and installs the function hook. */
int py2wasm_native_init(const struct py2wasm_image_header *header, const uint8_t *image);
/* Marks the natively compiled code objects in CODE, compiled from MODULE. */
int py2wasm_attach(const char *module, PyObject *code);
void py2wasm_function_new_hook(PyFunctionObject *func);
/* Runs a compiled class body for __build_class__ (the patch's hook). */
PyObject *py2wasm_class_body(PyFunctionObject *func, PyObject *ns);
/* The table index of the native entry generated code may call directly
 * for F(NARGS positional arguments) (its code takes exactly those, no
 * defaults needed, not a generator), or 0. */
uint32_t py2wasm_direct_entry(PyObject *f, Py_ssize_t nargs);
/* Resumes a compiled generator for gen_send_ex2 (the patch's hook). */
struct _PyInterpreterFrame;
PyObject *py2wasm_gen_resume(PyThreadState *tstate, struct _PyInterpreterFrame *frame, int exc);

#endif
