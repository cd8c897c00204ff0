/* Natively compiled functions: the glue between CPython and the wasm the
 * compiler generates (src/codegen), and the helpers that generated code calls.
 *
 * A compiled function is an ordinary CPython function object (so inspect,
 * pickle, functools and every library that checks FunctionType see nothing
 * unusual) whose vectorcall is `native_vectorcall`: it binds the arguments
 * with CPython's own binder and jumps to the generated entry through the
 * indirect function table. Our CPython patch (cpython-native.patch) calls
 * `_Py_FunctionNewHook` for every new function, keeps such functions out of
 * the interpreter's inlined calls and specialisations, and exports the binder.
 *
 * The image (image.h) lists every code object of the user's modules that
 * generated code refers to; `attach` matches them, by qualified name and
 * first line, in the code objects CPython compiles from the embedded sources.
 *
 * Conventions of the helpers (as CPython's C API): a PyObject * result is a
 * new reference, NULL with an exception set on error; an int result is -1
 * on error. Arguments are borrowed unless a comment says "steals".
 */
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

#include "image.h"
#include "native.h"

/* From our CPython patch. */
extern void (*_Py_FunctionNewHook)(PyFunctionObject *func);
extern PyObject *(*_Py2wasm_ClassBodyHook)(PyFunctionObject *func, PyObject *ns);
extern PyObject *(*_Py2wasm_GenResumeHook)(PyThreadState *tstate, _PyInterpreterFrame *frame, int exc);
extern int _Py2wasm_BindArguments(PyFunctionObject *func, PyObject **localsplus, PyObject *const *args,
                                  size_t argcount, PyObject *kwnames);

typedef PyObject *(*native_entry)(PyObject *func, PyObject **slots);

static Py_ssize_t extra_index = -1;
static PyTypeObject genstate_type;
void py2wasm_traceback(PyObject *f, int line, int col, int end_line, int end_col);
static const struct py2wasm_image_header *img_header;
static const uint8_t *img_base;

/* ------------------------------------------------------------ set-up */

/* Generated code steps range iterators itself (src/codegen/numeric.rs),
 * reading Objects/rangeobject.c's private rangeiterobject with this layout.
 * It is checked on a real one at start-up; if it differs, the type stays
 * NULL here, which generated code never matches (it then calls
 * tp_iternext, as for any iterator). */
typedef struct {
    PyObject_HEAD
    long index;
    long start;
    long step;
    long len;
} rangeiter_layout;
_Static_assert(offsetof(rangeiter_layout, index) == 8 && offsetof(rangeiter_layout, start) == 12 &&
                   offsetof(rangeiter_layout, step) == 16 && offsetof(rangeiter_layout, len) == 20,
               "codegen: range iterator fields");
PyTypeObject *py2wasm_rangeiter_type;

static void check_rangeiter_layout(void) {
    PyObject *r = PyObject_CallFunction((PyObject *)&PyRange_Type, "iii", 3, 10, 2);
    PyObject *it = r == NULL ? NULL : PyObject_GetIter(r);
    if (it != NULL && Py_IS_TYPE(it, &PyRangeIter_Type)) {
        rangeiter_layout *l = (rangeiter_layout *)it;
        if (l->index == 0 && l->start == 3 && l->step == 2 && l->len == 4)
            py2wasm_rangeiter_type = &PyRangeIter_Type;
    }
    Py_XDECREF(it);
    Py_XDECREF(r);
    PyErr_Clear();
}

static void find_builtins(void);

/* The list iterator's private layout (listiterobject, Objects/listobject.c),
 * which generated code steps inline (src/codegen/numeric.rs) through
 * py2wasm_listiter_type: set at start-up when a real list iterator is laid
 * out so, NULL (never matched) otherwise. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t it_index;
    PyListObject *it_seq;
} listiter_layout;
_Static_assert(offsetof(listiter_layout, it_index) == 8 && offsetof(listiter_layout, it_seq) == 12,
               "codegen: list iterator fields");
PyTypeObject *py2wasm_listiter_type;

static void check_listiter_layout(void) {
    PyObject *l = Py_BuildValue("[ii]", 7, 8);
    PyObject *it = l == NULL ? NULL : PyObject_GetIter(l);
    if (it != NULL && Py_IS_TYPE(it, &PyListIter_Type)) {
        listiter_layout *li = (listiter_layout *)it;
        if (li->it_index == 0 && li->it_seq == (PyListObject *)l) {
            PyObject *first = PyIter_Next(it);
            if (first != NULL && li->it_index == 1 && li->it_seq == (PyListObject *)l)
                py2wasm_listiter_type = &PyListIter_Type;
            Py_XDECREF(first);
        }
    }
    Py_XDECREF(it);
    Py_XDECREF(l);
    PyErr_Clear();
}

/* Generated code compares one-character ASCII strs itself
 * (src/codegen/numeric.rs, ascii_char_compare): it reads a str's length,
 * the byte of its state bit-fields (interned:2, kind:3, compact:1,
 * ascii:1, ready:1; 0xe4 under the mask 0xfc for a compact ASCII str)
 * and the character right after the PyASCIIObject header. Checked on real
 * strs at start-up; if anything differs, this stays NULL, which generated
 * code never matches (CPython's comparison runs instead). */
PyTypeObject *py2wasm_ascii_str_type;
/* What `s[i]` returns for each ASCII character (CPython's one-character
 * strs, which live forever): generated code reads an exact, compact ASCII
 * str's character and takes its entry here. */
PyObject *py2wasm_ascii_chars[128];

static void check_str_layout(void) {
    PyObject *ascii = PyUnicode_FromString("Q");
    PyObject *latin1 = PyUnicode_FromOrdinal(0xe9);
    PyObject *wide = PyUnicode_FromOrdinal(0x3b1);
    const uint8_t *a = (const uint8_t *)ascii;
    int ok = ascii != NULL && latin1 != NULL && wide != NULL && offsetof(PyASCIIObject, length) == 8 &&
             offsetof(PyASCIIObject, state) == 16 && sizeof(PyASCIIObject) == 24 && PyUnicode_IS_COMPACT_ASCII(ascii) &&
             (a[16] & 0xfc) == 0xe4 && a[24] == 'Q' && PyUnicode_DATA(ascii) == (const void *)(a + 24) &&
             (((const uint8_t *)latin1)[16] & 0xfc) != 0xe4 && (((const uint8_t *)wide)[16] & 0xfc) != 0xe4;
    for (int c = 0; ok && c < 128; c++) {
        /* str.__getitem__'s result for the character, one for all strs */
        PyObject *one = PyUnicode_FromOrdinal(c), *again = PyUnicode_FromOrdinal(c);
        ok = one != NULL && one == again && PyUnicode_IS_COMPACT_ASCII(one);
        py2wasm_ascii_chars[c] = one; /* kept: CPython keeps it anyway */
        Py_XDECREF(again);
    }
    if (ok)
        py2wasm_ascii_str_type = &PyUnicode_Type;
    Py_XDECREF(ascii);
    Py_XDECREF(latin1);
    Py_XDECREF(wide);
    PyErr_Clear();
}

int py2wasm_native_init(const struct py2wasm_image_header *header, const uint8_t *image) {
    img_header = header;
    img_base = image;
    if (header->const_count > 0) {
        PyObject *consts = PyMarshal_ReadObjectFromString((const char *)image + header->consts_off,
                                                          header->consts_len);
        if (consts == NULL)
            return -1;
        if (!PyTuple_Check(consts) || PyTuple_GET_SIZE(consts) != (Py_ssize_t)header->const_count) {
            Py_DECREF(consts);
            PyErr_SetString(PyExc_SystemError, "py2wasm: the image's constants are damaged");
            return -1;
        }
        /* The slots live in the image (zero-filled by the compiler); generated
         * code reads them at fixed addresses. The tuple is kept forever, so
         * the slots are borrowed references that never die. */
        PyObject **slots = (PyObject **)(image + header->slots_off);
        for (uint32_t i = 0; i < header->const_count; i++)
            slots[i] = PyTuple_GET_ITEM(consts, i);
    }
    extra_index = _PyEval_RequestCodeExtraIndex(NULL);
    if (extra_index < 0)
        return -1;
    _Py_FunctionNewHook = py2wasm_function_new_hook;
    _Py2wasm_ClassBodyHook = py2wasm_class_body;
    _Py2wasm_GenResumeHook = py2wasm_gen_resume;
    check_rangeiter_layout();
    check_listiter_layout();
    check_str_layout();
    find_builtins();
    if (PyType_Ready(&genstate_type) < 0)
        return -1;
    return 0;
}

static const struct py2wasm_code_entry *code_entries(void) {
    return (const struct py2wasm_code_entry *)(img_base + img_header->code_table_off);
}

static PyObject **code_slots(void) {
    return (PyObject **)(img_base + img_header->slots_off) + img_header->const_count;
}

/* Whether CODE's free variables are the ones the compiler expected
 * (comma-separated in EXPECTED): native code builds closures by that list. */
static int freevars_match(PyCodeObject *code, const char *expected) {
    PyObject *names = PyCode_GetFreevars(code);
    if (names == NULL)
        return -1;
    PyObject *sep = PyUnicode_FromString(",");
    PyObject *joined = sep ? PyUnicode_Join(sep, names) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(names);
    if (joined == NULL)
        return -1;
    const char *s = PyUnicode_AsUTF8(joined);
    int same = s != NULL && strcmp(s, expected) == 0;
    Py_DECREF(joined);
    return s == NULL ? -1 : same;
}

/* Walks CODE and the code objects among its constants, matching them with
 * the image's code table for MODULE. With APPLY 0 it only checks that every
 * match has the closure layout the compiler assumed (1 if so); with APPLY 1
 * it records the code objects and marks the natively compiled ones. */
static uint32_t matched;   /* code table entries found by the checking walk */
static unsigned char *taken; /* per code table entry: matched in this walk */

static int attach_walk(const char *module, PyCodeObject *code, int apply) {
    const char *qualname = PyUnicode_AsUTF8(code->co_qualname);
    if (qualname == NULL)
        return -1;
    const struct py2wasm_code_entry *e = code_entries();
    /* Several functions can share a name and first line (two lambdas on a
     * line): the compiler lists them in the order CPython compiles them, so
     * the next entry not taken yet is this one. */
    for (uint32_t i = 0; i < img_header->code_count; i++) {
        if (taken[i] || (int)e[i].firstlineno != code->co_firstlineno ||
            strcmp((const char *)img_base + e[i].qualname_off, qualname) != 0 ||
            strcmp((const char *)img_base + e[i].module_off, module) != 0)
            continue;
        taken[i] = 1;
        if (!apply) {
            int same = freevars_match(code, (const char *)img_base + e[i].freevars_off);
            if (same <= 0)
                return same;
            matched++;
            break;
        }
        PyObject **slot = &code_slots()[i];
        Py_INCREF(code);
        Py_XSETREF(*slot, (PyObject *)code);
        if (e[i].entry != PY2WASM_NO_ENTRY &&
            _PyCode_SetExtra((PyObject *)code, extra_index, (void *)&e[i]) < 0)
            return -1;
        /* A compiled generator keeps up to three objects on its frame's
         * value stack (its genstate, a `yield from` delegate, the value
         * send() pushes): the frame, sized by co_stacksize when the
         * generator is made (so before any exists, here), needs room. */
        if (e[i].entry != PY2WASM_NO_ENTRY && (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) &&
            code->co_stacksize < 3)
            code->co_stacksize = 3;
        break;
    }
    PyObject *consts = code->co_consts;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++) {
        PyObject *c = PyTuple_GET_ITEM(consts, i);
        if (PyCode_Check(c)) {
            int r = attach_walk(module, (PyCodeObject *)c, apply);
            if (r <= 0)
                return r;
        }
    }
    return 1;
}

/* A module whose code objects differ from what the compiler assumed (one
 * missing, or with other free variables: a compiler bug) runs entirely on
 * the interpreter: correct, only slower. */
int py2wasm_attach(const char *module, PyObject *code) {
    if (img_header == NULL || img_header->code_count == 0 || !PyCode_Check(code))
        return 0;
    taken = PyMem_Calloc(img_header->code_count, 1);
    if (taken == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    matched = 0;
    int ok = attach_walk(module, (PyCodeObject *)code, 0);
    if (ok <= 0) {
        PyMem_Free(taken);
        return ok;
    }
    /* Every code object the compiler listed for the module must be there. */
    uint32_t listed = 0;
    const struct py2wasm_code_entry *e = code_entries();
    for (uint32_t i = 0; i < img_header->code_count; i++)
        listed += strcmp((const char *)img_base + e[i].module_off, module) == 0;
    int r = 0;
    if (matched == listed) {
        memset(taken, 0, img_header->code_count);
        r = attach_walk(module, (PyCodeObject *)code, 1) < 0 ? -1 : 0;
    }
    PyMem_Free(taken);
    return r;
}

/* ------------------------------------------------------------ calls */

/* CPython's holder of co_extra (Objects/codeobject.c keeps it private):
 * read directly, as the lookup happens on every call. */
typedef struct {
    Py_ssize_t ce_size;
    void *ce_extras[1];
} code_extra;

/* The compiler's entry for compiled code CO, or NULL. */
static const struct py2wasm_code_entry *code_entry(PyCodeObject *co) {
    code_extra *extra = co->co_extra;
    if (extra == NULL || extra->ce_size <= extra_index)
        return NULL;
    return extra->ce_extras[extra_index];
}

/* native_vectorcall's call when there are arguments to bind: defaults to
 * fill in, keywords, *args or **kwargs. The slots it fills live on the C
 * stack (or the heap), so this is a function of its own: the call given
 * every parameter by position needs no stack frame (hence noinline). */
__attribute__((noinline)) static PyObject *bind_and_call(PyFunctionObject *func, PyCodeObject *co, native_entry entry, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames, int plain) {
    Py_ssize_t n = co->co_nlocalsplus;
    PyObject *small[16];
    PyObject **slots = small;
    if (n > 16) {
        slots = PyMem_Calloc(n, sizeof(PyObject *));
        if (slots == NULL)
            return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    PyThreadState *tstate = _PyThreadState_GET();
    PyObject *defaults = func->func_defaults;
    Py_ssize_t first_owned = 0; /* the slots from here on hold references of ours */
    Py_ssize_t ndefaults = defaults == NULL ? 0 : PyTuple_GET_SIZE(defaults);
    if (kwnames == NULL && nargs < co->co_argcount && nargs + ndefaults >= co->co_argcount && plain) {
        /* Positional arguments only, the missing ones from the defaults:
         * the entry reads just these slots (its parameters). The arguments
         * are the caller's for the call; the defaults are held here, as the
         * function may replace its __defaults__ while it runs. */
        for (Py_ssize_t i = 0; i < nargs; i++)
            slots[i] = args[i];
        for (Py_ssize_t i = nargs; i < co->co_argcount; i++)
            slots[i] = Py_NewRef(PyTuple_GET_ITEM(defaults, ndefaults - (co->co_argcount - i)));
        first_owned = nargs;
        n = co->co_argcount;
    } else {
        /* The binder fills any of the slots: they start empty. */
        if (slots == small)
            memset(small, 0, sizeof(small));
        if (_Py2wasm_BindArguments(func, slots, args, nargs, kwnames) < 0)
            goto release;
    }
    /* The same limit and message as a call of a Python function. */
    if (_Py_EnterRecursiveCallTstate(tstate, ""))
        goto release;
    /* The entry takes references of its own to what it keeps (generated
     * code's convention, codegen borrowed_params); ours stay until it
     * returns. */
    result = entry((PyObject *)func, slots);
    _Py_LeaveRecursiveCallTstate(tstate);
release:
    for (Py_ssize_t i = first_owned; i < n; i++)
        Py_XDECREF(slots[i]);
    if (slots != small)
        PyMem_Free(slots);
    return result;
}

/* A call of compiled function CALLABLE whose caller holds ARGS (and the
 * keyword values) until it returns: generated code (py2wasm_call, its
 * bound-method and constructor paths). The entry borrows them. */
static PyObject *native_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    PyFunctionObject *func = (PyFunctionObject *)callable;
    PyCodeObject *co = (PyCodeObject *)func->func_code;
    const struct py2wasm_code_entry *e = code_entry(co);
    if (e == NULL) {
        PyErr_SetString(PyExc_SystemError, "py2wasm: a compiled function lost its native code");
        return NULL;
    }
    /* A class body called as a function (not by __build_class__): the
     * interpreter knows what that means. A generator's call only makes the
     * generator (the interpreter binds the arguments into its frame and
     * runs RETURN_GENERATOR); its body runs natively on each resumption. */
    if (!(co->co_flags & CO_OPTIMIZED) || (co->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)))
        return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
    native_entry entry = (native_entry)(uintptr_t)e->entry;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int plain = co->co_kwonlyargcount == 0 && (co->co_flags & (CO_VARARGS | CO_VARKEYWORDS)) == 0;
    if (kwnames != NULL || nargs != co->co_argcount || !plain)
        return bind_and_call(func, co, entry, args, nargs, kwnames, plain);
    /* Every parameter given by position: nothing to bind, so the caller's
     * array is the entry's slots (an entry only reads its slots, in its
     * prologue; the arguments stay the caller's). */
    PyThreadState *tstate = _PyThreadState_GET();
    if (_Py_EnterRecursiveCallTstate(tstate, ""))
        return NULL;
    PyObject *result = entry(callable, (PyObject **)args);
    _Py_LeaveRecursiveCallTstate(tstate);
    return result;
}

/* The vectorcall of every compiled function: what C code calls (the
 * interpreter, PyObject_Call*, slot wrappers such as slot_tp_richcompare,
 * map(), sorted(key=...)). Such callers may pass references they only
 * borrow themselves: deque.index() compares with an item the deque owns,
 * and an __eq__ that clears the deque frees the object it runs on; a
 * module's __getattr__, which module_getattro calls borrowed from the
 * module's dict, may delete itself from it. CPython's interpreter
 * survives both because the frame owns its function and arguments
 * (_PyEval_Vector increfs them), so this holds them for the call, as that
 * frame would; only callers known to hold them (native_call's) skip it. */
static PyObject *native_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Py_ssize_t n = PyVectorcall_NARGS(nargsf) + (kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames));
    Py_INCREF(callable);
    for (Py_ssize_t i = 0; i < n; i++)
        Py_INCREF(args[i]);
    PyObject *result = native_call(callable, args, nargsf, kwnames);
    for (Py_ssize_t i = 0; i < n; i++)
        Py_DECREF(args[i]);
    Py_DECREF(callable);
    return result;
}

/* __build_class__ runs a compiled class body through this hook (our
 * CPython patch): the entry's one slot is the namespace (borrowed, as
 * every slot: the entry takes its own reference). Returns the __class__
 * cell or None. */
PyObject *py2wasm_class_body(PyFunctionObject *func, PyObject *ns) {
    code_extra *extra = ((PyCodeObject *)func->func_code)->co_extra;
    const struct py2wasm_code_entry *e =
        extra != NULL && extra->ce_size > extra_index ? extra->ce_extras[extra_index] : NULL;
    if (e == NULL)
        return _PyEval_Vector(_PyThreadState_GET(), func, ns, NULL, 0, NULL);
    PyThreadState *tstate = _PyThreadState_GET();
    if (_Py_EnterRecursiveCallTstate(tstate, ""))
        return NULL;
    PyObject *slots[1] = {ns};
    PyObject *cell = ((native_entry)(uintptr_t)e->entry)((PyObject *)func, slots);
    _Py_LeaveRecursiveCallTstate(tstate);
    return cell;
}

/* ------------------------------------------------------------ generators
 *
 * A compiled generator is a real generator object: the interpreter makes it
 * (above), CPython's genobject.c implements send, throw, close and
 * iteration, and our patch has gen_send_ex2 run the generated code instead
 * of the interpreter on each resumption (py2wasm_gen_resume). Generated code
 * keeps its variables in a `genstate` object at the bottom of the frame's
 * value stack while suspended, and points the frame's last instruction at
 * the real YIELD_VALUE of the yield it stopped at (so gi_frame.f_lineno,
 * gi_suspended and friends are CPython's).
 */

/* Generated code reads `state` and `slots` at these offsets
 * (src/codegen: GENSTATE_*). */
typedef struct {
    PyObject_VAR_HEAD
    int32_t state; /* 0: not started; k: suspended at yield k */
    PyObject *slots[1];
} genstate;
_Static_assert(offsetof(genstate, state) == 12, "src/codegen GENSTATE_STATE");
_Static_assert(offsetof(genstate, slots) == 16, "src/codegen GENSTATE_SLOTS");

static int genstate_traverse(PyObject *o, visitproc visit, void *arg) {
    genstate *g = (genstate *)o;
    for (Py_ssize_t i = 0; i < Py_SIZE(g); i++)
        Py_VISIT(g->slots[i]);
    return 0;
}

static int genstate_clear(PyObject *o) {
    genstate *g = (genstate *)o;
    for (Py_ssize_t i = 0; i < Py_SIZE(g); i++)
        Py_CLEAR(g->slots[i]);
    return 0;
}

static void genstate_dealloc(PyObject *o) {
    PyObject_GC_UnTrack(o);
    genstate_clear(o);
    PyObject_GC_Del(o);
}

static PyTypeObject genstate_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "py2wasm.genstate",
    .tp_basicsize = offsetof(genstate, slots),
    .tp_itemsize = sizeof(PyObject *),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = genstate_traverse,
    .tp_clear = genstate_clear,
    .tp_dealloc = genstate_dealloc,
};

/* The first thing a compiled generator's code does on each resumption:
 * returns its genstate (borrowed: the frame owns it). The first time, it
 * makes one with NLOCALS slots, moves the NPARAMS arguments the
 * interpreter bound into it (a cell parameter's value out of its cell) and
 * drops the value send() pushed (None). Later, the sent value stays on the
 * stack for py2wasm_gen_sent. */
PyObject *py2wasm_gen_enter(_PyInterpreterFrame *frame, int nlocals, int nparams) {
    PyObject **base = _PyFrame_Stackbase(frame);
    if (frame->stacktop - frame->f_code->co_nlocalsplus >= 2 && Py_IS_TYPE(base[0], &genstate_type)) {
        /* Running again: past the YIELD_VALUE it stopped at, on the RESUME
         * after it, as the interpreter is once resumed. Otherwise _PyGen_yf
         * (gi_yieldfrom, cr_await) would still see a `yield from` in
         * progress and peek at the stack while the generator runs. */
        if (_Py_OPCODE(*frame->prev_instr) == YIELD_VALUE)
            frame->prev_instr++;
        return base[0];
    }
    genstate *g = PyObject_GC_NewVar(genstate, &genstate_type, nlocals);
    if (g == NULL)
        return NULL;
    g->state = 0;
    memset(g->slots, 0, nlocals * sizeof(PyObject *));
    PyCodeObject *co = frame->f_code;
    for (int i = 0; i < nparams && i < co->co_nlocalsplus; i++) {
        PyObject *v = frame->localsplus[i];
        frame->localsplus[i] = NULL;
        if (v != NULL && (_PyLocals_GetKind(co->co_localspluskinds, i) & CO_FAST_CELL) && PyCell_Check(v)) {
            PyObject *cell = v;
            v = Py_XNewRef(PyCell_GET(cell));
            Py_DECREF(cell);
        }
        g->slots[i] = v;
    }
    PyObject_GC_Track(g);
    Py_DECREF(_PyFrame_StackPop(frame)); /* the None of the first send() */
    _PyFrame_StackPush(frame, (PyObject *)g);
    if (PyErr_Occurred()) {
        /* throw() before the first next(): raised at the def line. */
        py2wasm_traceback((PyObject *)frame->f_func, co->co_firstlineno, -1, -1, -1);
        return NULL;
    }
    return (PyObject *)g;
}

/* The value a suspended yield evaluates to: what send() pushed (a new
 * reference), or NULL when the generator is resumed by throw() or close()
 * (the exception is set; it is raised at the yield). */
PyObject *py2wasm_gen_sent(_PyInterpreterFrame *frame) {
    PyObject *v = _PyFrame_StackPop(frame);
    if (PyErr_Occurred()) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

/* At a yield: marks the generator suspended, with the frame at the
 * YIELD_VALUE instruction at these source positions (found once, kept in
 * *CACHED as index + 1). */
void py2wasm_gen_suspend(_PyInterpreterFrame *frame, int line, int col, int end_line, int end_col, int32_t *cached) {
    PyCodeObject *code = frame->f_code;
    if (*cached == 0) {
        int index = -1;
        for (int i = 0; i < Py_SIZE(code); i++) {
            int sl, sc, el, ec;
            if (_Py_OPCODE(_PyCode_CODE(code)[i]) == YIELD_VALUE &&
                PyCode_Addr2Location(code, i * (int)sizeof(_Py_CODEUNIT), &sl, &sc, &el, &ec) && sl == line &&
                sc == col && el == end_line && ec == end_col) {
                index = i;
                break;
            }
        }
        *cached = index >= 0 ? index + 1 : -1;
    }
    /* Unknown: the frame stays where it was (the start). */
    if (*cached > 0)
        frame->prev_instr = _PyCode_CODE(code) + (*cached - 1);
    _PyFrame_GetGenerator(frame)->gi_frame_state = FRAME_SUSPENDED;
}

/* `yield from`: the delegate stays on top of the frame's stack while the
 * generator is suspended in it, where CPython's close() and throw() look
 * for it (_PyGen_yf). */
void py2wasm_gen_suspend_from(_PyInterpreterFrame *frame, PyObject *delegate, int line, int col, int end_line,
                              int end_col, int32_t *cached) {
    _PyFrame_StackPush(frame, Py_NewRef(delegate));
    py2wasm_gen_suspend(frame, line, col, end_line, end_col, cached);
}

/* Whether the last py2wasm_send or py2wasm_gen_sent_from finished the
 * delegation (its result is the value of the `yield from`). */
static int delegation_done;

int py2wasm_send_done(void) { return delegation_done; }

/* Resuming inside `yield from`: the value sent in (to pass on), or, when
 * CPython's throw() already finished the delegation (it pops the delegate
 * and resumes with the delegate's return value), that value; NULL when
 * resumed with an exception. */
PyObject *py2wasm_gen_sent_from(_PyInterpreterFrame *frame) {
    PyObject *v = _PyFrame_StackPop(frame);
    int depth = frame->stacktop - frame->f_code->co_nlocalsplus;
    delegation_done = depth < 2;
    if (!delegation_done)
        Py_DECREF(_PyFrame_StackPop(frame)); /* our reference to the delegate */
    if (PyErr_Occurred()) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

/* GET_YIELD_FROM_ITER in a (non-coroutine) generator. */
PyObject *py2wasm_yield_from_iter(PyObject *iterable) {
    if (PyCoro_CheckExact(iterable)) {
        PyErr_SetString(PyExc_TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
        return NULL;
    }
    if (PyGen_CheckExact(iterable))
        return Py_NewRef(iterable);
    return PyObject_GetIter(iterable);
}

/* GET_AWAITABLE for `await`: the iterator to delegate to. */
PyObject *py2wasm_awaitable(PyObject *o) {
    PyObject *it = _PyCoro_GetAwaitableIter(o);
    if (it != NULL && PyCoro_CheckExact(it)) {
        PyObject *yf = _PyGen_yf((PyGenObject *)it);
        if (yf != NULL) {
            Py_DECREF(yf);
            Py_DECREF(it);
            PyErr_SetString(PyExc_RuntimeError, "coroutine is being awaited already");
            return NULL;
        }
    }
    return it;
}

/* SEND: passes V on to the delegate; returns what it yields, or (with
 * py2wasm_send_done() true) its return value; NULL on error. */
PyObject *py2wasm_send(PyObject *delegate, PyObject *v) {
    PyObject *r = NULL;
    PySendResult status = PyIter_Send(delegate, v, &r);
    delegation_done = status == PYGEN_RETURN;
    return status == PYGEN_ERROR ? NULL : r;
}

typedef PyObject *(*gen_entry)(PyObject *func, _PyInterpreterFrame *frame);

/* gen_send_ex2 resumes a compiled generator through this hook. */
PyObject *py2wasm_gen_resume(PyThreadState *tstate, _PyInterpreterFrame *frame, int exc) {
    code_extra *extra = frame->f_code->co_extra;
    const struct py2wasm_code_entry *e =
        extra != NULL && extra->ce_size > extra_index ? extra->ce_extras[extra_index] : NULL;
    if (e == NULL || e->entry == PY2WASM_NO_ENTRY)
        return _PyEval_EvalFrame(tstate, frame, exc);
    if (_Py_EnterRecursiveCallTstate(tstate, "")) {
        Py_DECREF(_PyFrame_StackPop(frame));
        return NULL;
    }
    PyObject *r = ((gen_entry)(uintptr_t)e->entry)((PyObject *)frame->f_func, frame);
    _Py_LeaveRecursiveCallTstate(tstate);
    return r;
}

uint32_t py2wasm_direct_entry(PyObject *f, Py_ssize_t nargs) {
    if (!Py_IS_TYPE(f, &PyFunction_Type) || ((PyFunctionObject *)f)->vectorcall != native_vectorcall)
        return 0;
    PyCodeObject *co = (PyCodeObject *)((PyFunctionObject *)f)->func_code;
    const struct py2wasm_code_entry *e = code_entry(co);
    int simple = (co->co_flags & CO_OPTIMIZED) && !(co->co_flags & (CO_VARARGS | CO_VARKEYWORDS | CO_GENERATOR |
                                                                   CO_COROUTINE | CO_ASYNC_GENERATOR));
    if (e == NULL || e->entry == PY2WASM_NO_ENTRY || !simple || co->co_argcount != nargs || co->co_kwonlyargcount)
        return 0;
    return e->entry;
}

/* The compiled __init__ of a plain class TP (its metaclass `type`, its
 * __new__ object's, not abstract), or NULL (borrowed). For such a class,
 * type_call makes the object as object_new does (no argument check, as
 * __init__ is overridden: tp_alloc, then the attribute values) and runs
 * tp_init, which is slot_tp_init (a Python __init__ in the MRO makes it
 * so): it looks __init__ up and calls it with the object prepended to a
 * tuple of the arguments. */
static PyObject *compiled_init(PyTypeObject *tp) {
    if (tp->tp_new != PyBaseObject_Type.tp_new || (tp->tp_flags & Py_TPFLAGS_IS_ABSTRACT))
        return NULL;
    PyObject *init = _PyType_Lookup(tp, &_Py_ID(__init__));
    if (init == NULL || !Py_IS_TYPE(init, &PyFunction_Type) ||
        ((PyFunctionObject *)init)->vectorcall != native_vectorcall)
        return NULL;
    return init;
}

/* Compiled function FUNC called with SELF before the NARGS positional
 * ARGS (then the keyword ones): SELF goes into the spare slot before ARGS
 * (PY_VECTORCALL_ARGUMENTS_OFFSET) for the call, which is put back after. */
static PyObject *call_with_self(PyObject *func, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                PyObject *kwnames) {
    PyObject **slot = (PyObject **)args - 1;
    PyObject *saved = *slot;
    *slot = self;
    PyObject *r = native_call(func, slot, nargs + 1, kwnames);
    *slot = saved;
    return r;
}

/* Class(args) through compiled_init INIT, the object in the spare slot
 * before ARGS (PY_VECTORCALL_ARGUMENTS_OFFSET): no argument tuple, no
 * bound method, and the checks type_call and slot_tp_init make. */
static PyObject *make_and_init(PyTypeObject *tp, PyObject *init, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames) {
    PyObject *self = tp->tp_alloc(tp, 0);
    if (self == NULL)
        return NULL;
    /* object_new's: the instance's attribute values array (the layout
     * inline attribute caches read) */
    if (_PyObject_InitializeDict(self) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    Py_INCREF(init); /* __init__ may replace itself on the class */
    PyObject *r = call_with_self(init, self, args, PyVectorcall_NARGS(nargsf), kwnames);
    Py_DECREF(init);
    if (r != Py_None) {
        if (r != NULL) {
            PyErr_Format(PyExc_TypeError, "__init__() should return None, not '%.200s'", Py_TYPE(r)->tp_name);
            Py_DECREF(r);
        }
        Py_DECREF(self);
        return NULL;
    }
    Py_DECREF(r);
    return self;
}

/* make_and_init inside the recursion check CPython's Class(args) passes
 * first (_PyObject_MakeTpCall's, before type_call), with its message: a
 * recursion through constructors stops at CPython's depth, saying what
 * CPython says. */
static PyObject *construct(PyTypeObject *tp, PyObject *init, PyObject *const *args, size_t nargsf,
                           PyObject *kwnames) {
    PyThreadState *tstate = _PyThreadState_GET();
    if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object"))
        return NULL;
    PyObject *r = make_and_init(tp, init, args, nargsf, kwnames);
    _Py_LeaveRecursiveCallTstate(tstate);
    return r;
}

/* The C function of METH called with SELF and ARGS as the interpreter's
 * specialised calls do (3.11's PRECALL_BUILTIN_O, _FAST,
 * _FAST_WITH_KEYWORDS and PRECALL_NO_KW_METHOD_DESCRIPTOR_*): straight to
 * the C function, with the recursion check CPython's METH_O and
 * METH_NOARGS vectorcalls make. Sets *DONE to 0 (and returns NULL) when
 * the call is not one of those shapes or has the wrong argument count:
 * the generic path then makes it, with CPython's error messages.
 * (METH_COEXIST only says how the method was added to its type.) */
static PyObject *call_cfunction(PyMethodDef *meth, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                PyObject *kwnames, int *done) {
    PyCFunction f = meth->ml_meth;
    int kind = meth->ml_flags & ~METH_COEXIST;
    PyThreadState *tstate = _PyThreadState_GET();
    PyObject *r;
    *done = 1;
    switch (kind) {
    case METH_O:
    case METH_NOARGS:
        if (kwnames != NULL || nargs != (kind == METH_O))
            break;
        if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object"))
            return NULL;
        r = f(self, kind == METH_O ? args[0] : NULL);
        _Py_LeaveRecursiveCallTstate(tstate);
        return r;
    case METH_FASTCALL:
        if (kwnames != NULL)
            break;
        return ((_PyCFunctionFast)(void (*)(void))f)(self, args, nargs);
    case METH_FASTCALL | METH_KEYWORDS:
        return ((_PyCFunctionFastWithKeywords)(void (*)(void))f)(self, args, nargs, kwnames);
    }
    *done = 0;
    return NULL;
}

/* Calls from generated code: a compiled function directly, a plain class
 * with a compiled __init__ by `construct`, a built-in function or a
 * method of a built-in type by its C function, anything else as
 * PyObject_Vectorcall does. */
PyObject *py2wasm_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    PyTypeObject *tp = Py_TYPE(callable);
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    int done;
    if (tp == &PyFunction_Type && ((PyFunctionObject *)callable)->vectorcall == native_vectorcall)
        return native_call(callable, args, nargsf, kwnames);
    if (tp == &PyMethod_Type && (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET)) {
        /* A bound compiled method (a callback, `m = obj.method`): what
         * method_vectorcall does, without its dispatch: self goes into the
         * spare slot before ARGS. The caller's reference to the bound
         * method keeps its function and self alive. */
        PyObject *func = PyMethod_GET_FUNCTION(callable);
        if (Py_IS_TYPE(func, &PyFunction_Type) && ((PyFunctionObject *)func)->vectorcall == native_vectorcall)
            return call_with_self(func, PyMethod_GET_SELF(callable), args, nargs, kwnames);
    }
    if (tp == &PyType_Type && (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET)) {
        PyObject *init = compiled_init((PyTypeObject *)callable);
        if (init != NULL)
            return construct((PyTypeObject *)callable, init, args, nargsf, kwnames);
    }
    if (tp == &PyCFunction_Type) {
        /* builtin_function_or_method: its self is the module (or the
         * object it is bound to); not METH_METHOD (PyCMethod_Type). */
        PyObject *r = call_cfunction(((PyCFunctionObject *)callable)->m_ml, PyCFunction_GET_SELF(callable), args,
                                     nargs, kwnames, &done);
        if (done)
            return r;
    } else if (tp == &PyMethodDescr_Type && nargs >= 1) {
        /* list.append(l, x) and what method calls find on built-in types:
         * the object first, of the descriptor's type (descr_check). */
        PyMethodDescrObject *d = (PyMethodDescrObject *)callable;
        if (PyObject_TypeCheck(args[0], PyDescr_TYPE(d))) {
            PyObject *r = call_cfunction(d->d_method, args[0], args + 1, nargs - 1, kwnames, &done);
            if (done)
                return r;
        }
    }
    return PyObject_Vectorcall(callable, args, nargsf, kwnames);
}

/* Layouts generated code reads directly (src/codegen/numeric.rs, calls). */
_Static_assert(offsetof(PyObject, ob_type) == 4, "codegen: ob_type");
_Static_assert(offsetof(PyVarObject, ob_size) == 8, "codegen: ob_size");
_Static_assert(offsetof(PyFloatObject, ob_fval) == 8, "codegen: ob_fval");
_Static_assert(offsetof(PyLongObject, ob_digit) == 12 && PyLong_SHIFT == 30, "codegen: int digits");
_Static_assert(offsetof(PyFunctionObject, func_code) == 24, "codegen: func_code");
_Static_assert(offsetof(PyListObject, ob_item) == 12, "codegen: list items");
_Static_assert(offsetof(PyTupleObject, ob_item) == 12, "codegen: tuple items");

/* Around a direct call from generated code into a compiled function (its
 * code checked by the caller), the recursion limit of a Python call:
 * generated code does what _Py_EnterRecursiveCallTstate and
 * _Py_LeaveRecursiveCallTstate do to tstate->recursion_remaining (at the
 * offset below), through this variable, and calls py2wasm_check_recursion
 * when the counter was used up, as _Py_MakeRecCheck does (no
 * USE_STACKCHECK here). Nonzero: RecursionError is set. */
_Static_assert(offsetof(PyThreadState, recursion_remaining) == 20, "codegen: recursion_remaining");
_Static_assert(sizeof(_Py_atomic_address) == sizeof(PyThreadState *), "codegen: tstate_current");
_Py_atomic_address *py2wasm_tstate_current = &_PyRuntime.gilstate.tstate_current;
#ifdef USE_STACKCHECK
#error "generated code's recursion check leaves out the stack check"
#endif

int py2wasm_check_recursion(void) { return _Py_CheckRecursiveCall(_PyThreadState_GET(), ""); }

/* CPython's cached small ints, which generated code returns when it boxes
 * an int in their range (as PyLong_FromLongLong would). */
_Static_assert(_PY_NSMALLNEGINTS == 5 && _PY_NSMALLPOSINTS == 257 && sizeof(PyLongObject) == 16,
               "codegen: small ints");
PyLongObject *py2wasm_small_ints = &_PyLong_SMALL_INTS[0];

void py2wasm_function_new_hook(PyFunctionObject *func) {
    void *extra = NULL;
    if (_PyCode_GetExtra(func->func_code, extra_index, &extra) == 0 && extra != NULL)
        func->vectorcall = native_vectorcall;
    else
        PyErr_Clear();
}

/* A nested def, lambda or comprehension: the function object for code
 * CODE_ID with the globals of the function running it. */
PyObject *py2wasm_make_function(PyObject *outer, uint32_t code_id) {
    PyObject *code = code_slots()[code_id];
    if (code == NULL) {
        PyErr_SetString(PyExc_SystemError, "py2wasm: a nested function's code was not found");
        return NULL;
    }
    return PyFunction_New(code, ((PyFunctionObject *)outer)->func_globals);
}

/* Steals DEFAULTS, KWDEFAULTS, ANNOTATIONS and CLOSURE (each may be NULL). */
int py2wasm_function_set(PyObject *f, PyObject *defaults, PyObject *kwdefaults, PyObject *annotations,
                         PyObject *closure) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    Py_XSETREF(func->func_defaults, defaults);
    Py_XSETREF(func->func_kwdefaults, kwdefaults);
    Py_XSETREF(func->func_annotations, annotations);
    Py_XSETREF(func->func_closure, closure);
    return 0;
}

/* The closure's cells, borrowed (the function outlives its own call). */
PyObject **py2wasm_closure(PyObject *func) {
    PyObject *closure = ((PyFunctionObject *)func)->func_closure;
    return closure == NULL ? NULL : &PyTuple_GET_ITEM(closure, 0);
}

/* ------------------------------------------------------------ names */

/* NameError for NAME, with the name attached (for "Did you mean"). */
static void name_error(PyObject *name) {
    PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
    PyObject *t, *val, *tb;
    PyErr_Fetch(&t, &val, &tb);
    PyErr_NormalizeException(&t, &val, &tb);
    if (val != NULL)
        PyObject_SetAttrString(val, "name", name);
    PyErr_Restore(t, val, tb);
}

PyObject *py2wasm_load_global(PyObject *f, PyObject *name) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyObject *v = PyDict_GetItemWithError(func->func_globals, name);
    if (v == NULL && !PyErr_Occurred()) {
        if (PyDict_CheckExact(func->func_builtins)) {
            v = PyDict_GetItemWithError(func->func_builtins, name);
        } else {
            v = PyObject_GetItem(func->func_builtins, name);
            if (v != NULL)
                return v;
            if (PyErr_ExceptionMatches(PyExc_KeyError))
                PyErr_Clear();
        }
        if (v == NULL && !PyErr_Occurred()) {
            name_error(name);
            return NULL;
        }
    }
    return Py_XNewRef(v);
}

int py2wasm_store_global(PyObject *f, PyObject *name, PyObject *v) {
    return PyDict_SetItem(((PyFunctionObject *)f)->func_globals, name, v);
}

int py2wasm_delete_global(PyObject *f, PyObject *name) {
    int r = PyDict_DelItem(((PyFunctionObject *)f)->func_globals, name);
    if (r < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        name_error(name);
    }
    return r;
}

/* Always returns 0 (the error result of the instruction that failed). */
int py2wasm_unbound_local(PyObject *name) {
    PyErr_Format(PyExc_UnboundLocalError, "cannot access local variable '%U' where it is not associated with a value",
                 name);
    return 0;
}

int py2wasm_unbound_free(PyObject *name) {
    PyErr_Format(PyExc_NameError,
                 "cannot access free variable '%U' where it is not associated with a value in enclosing scope", name);
    return 0;
}

/* NAME in mapping NS: a new reference, or NULL with no error when absent. */
static PyObject *namespace_get(PyObject *ns, PyObject *name) {
    if (PyDict_CheckExact(ns))
        return Py_XNewRef(PyDict_GetItemWithError(ns, name));
    PyObject *v = PyObject_GetItem(ns, name);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_KeyError))
        PyErr_Clear();
    return v;
}

/* Class bodies (LOAD_NAME, STORE_NAME, DELETE_NAME): NS is the namespace
 * __build_class__ made (any mapping, from __prepare__). */
PyObject *py2wasm_load_name(PyObject *f, PyObject *ns, PyObject *name) {
    PyObject *v = namespace_get(ns, name);
    if (v != NULL || PyErr_Occurred())
        return v;
    return py2wasm_load_global(f, name);
}

int py2wasm_store_name(PyObject *ns, PyObject *name, PyObject *v) {
    return PyDict_CheckExact(ns) ? PyDict_SetItem(ns, name, v) : PyObject_SetItem(ns, name, v);
}

int py2wasm_delete_name(PyObject *ns, PyObject *name) {
    int r = PyObject_DelItem(ns, name);
    if (r < 0 && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        name_error(name);
    }
    return r;
}

/* A free variable read in a class body (LOAD_CLASSDEREF). */
PyObject *py2wasm_load_classderef(PyObject *ns, PyObject *name, PyObject *cell) {
    PyObject *v = namespace_get(ns, name);
    if (v != NULL || PyErr_Occurred())
        return v;
    v = PyCell_GET(cell);
    if (v == NULL) {
        py2wasm_unbound_free(name);
        return NULL;
    }
    return Py_NewRef(v);
}

/* SETUP_ANNOTATIONS. */
int py2wasm_setup_annotations(PyObject *ns) {
    PyObject *ann = namespace_get(ns, &_Py_ID(__annotations__));
    if (ann != NULL) {
        Py_DECREF(ann);
        return 0;
    }
    if (PyErr_Occurred() || (ann = PyDict_New()) == NULL)
        return -1;
    int r = py2wasm_store_name(ns, &_Py_ID(__annotations__), ann);
    Py_DECREF(ann);
    return r;
}

/* LOAD_BUILD_CLASS. */
PyObject *py2wasm_load_build_class(PyObject *f) {
    PyObject *v = namespace_get(((PyFunctionObject *)f)->func_builtins, &_Py_ID(__build_class__));
    if (v == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_NameError, "__build_class__ not found");
    return v;
}

/* globals() in a native function: its module's dict. The builtin reads the
 * globals of the innermost interpreter frame, which is a caller's. */
PyObject *py2wasm_globals(PyObject *f) { return Py_NewRef(((PyFunctionObject *)f)->func_globals); }

/* ------------------------------------------------------------ calls with * and ** */

/* f(*args, **kwargs) as CALL_FUNCTION_EX: ARGS any iterable (a tuple when
 * possible), KWARGS a dict or NULL. */
PyObject *py2wasm_call_ex(PyObject *func, PyObject *args, PyObject *kwargs) {
    if (!PyTuple_CheckExact(args)) {
        if (Py_TYPE(args)->tp_iter == NULL && !PySequence_Check(args)) {
            PyObject *funcstr = _PyObject_FunctionStr(func);
            if (funcstr != NULL) {
                PyErr_Format(PyExc_TypeError, "%U argument after * must be an iterable, not %.200s", funcstr,
                             Py_TYPE(args)->tp_name);
                Py_DECREF(funcstr);
            }
            return NULL;
        }
        PyObject *t = PySequence_Tuple(args);
        if (t == NULL)
            return NULL;
        PyObject *r = PyObject_Call(func, t, kwargs);
        Py_DECREF(t);
        return r;
    }
    return PyObject_Call(func, args, kwargs);
}

/* LIST_EXTEND of a call's positional arguments. */
int py2wasm_list_extend(PyObject *list, PyObject *iterable) {
    PyObject *none = _PyList_Extend((PyListObject *)list, iterable);
    if (none == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(iterable)->tp_iter == NULL &&
            !PySequence_Check(iterable)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "Value after * must be an iterable, not %.200s",
                         Py_TYPE(iterable)->tp_name);
        }
        return -1;
    }
    Py_DECREF(none);
    return 0;
}

/* DICT_MERGE of a call's keyword arguments, with CPython's messages for a
 * non-mapping and a repeated keyword (format_kwargs_error). */
int py2wasm_dict_merge(PyObject *func, PyObject *dict, PyObject *other) {
    if (_PyDict_MergeEx(dict, other, 2) == 0)
        return 0;
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        PyObject *funcstr = _PyObject_FunctionStr(func);
        if (funcstr != NULL) {
            PyErr_Format(PyExc_TypeError, "%U argument after ** must be a mapping, not %.200s", funcstr,
                         Py_TYPE(other)->tp_name);
            Py_DECREF(funcstr);
        }
    } else if (PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyObject *type, *val, *tb;
        PyErr_Fetch(&type, &val, &tb);
        if (val != NULL && PyTuple_Check(val) && PyTuple_GET_SIZE(val) == 1) {
            PyObject *funcstr = _PyObject_FunctionStr(func);
            if (funcstr != NULL) {
                PyErr_Format(PyExc_TypeError, "%U got multiple values for keyword argument '%S'", funcstr,
                             PyTuple_GET_ITEM(val, 0));
                Py_DECREF(funcstr);
            }
            Py_XDECREF(type);
            Py_XDECREF(val);
            Py_XDECREF(tb);
        } else {
            PyErr_Restore(type, val, tb);
        }
    }
    return -1;
}

/* ------------------------------------------------------------ operators */

/* Operator numbers: src/codegen keeps the same list (BinaryOp). */
static PyObject *binary_slow(PyObject *a, PyObject *b, int op) {
    switch (op) {
    case PY2WASM_ADD: return PyNumber_Add(a, b);
    case PY2WASM_SUB: return PyNumber_Subtract(a, b);
    case PY2WASM_MUL: return PyNumber_Multiply(a, b);
    case PY2WASM_TRUEDIV: return PyNumber_TrueDivide(a, b);
    case PY2WASM_FLOORDIV: return PyNumber_FloorDivide(a, b);
    case PY2WASM_MOD: return PyNumber_Remainder(a, b);
    case PY2WASM_POW: return PyNumber_Power(a, b, Py_None);
    case PY2WASM_LSHIFT: return PyNumber_Lshift(a, b);
    case PY2WASM_RSHIFT: return PyNumber_Rshift(a, b);
    case PY2WASM_AND: return PyNumber_And(a, b);
    case PY2WASM_OR: return PyNumber_Or(a, b);
    case PY2WASM_XOR: return PyNumber_Xor(a, b);
    case PY2WASM_MATMUL: return PyNumber_MatrixMultiply(a, b);
    case PY2WASM_ADD | PY2WASM_INPLACE: return PyNumber_InPlaceAdd(a, b);
    case PY2WASM_SUB | PY2WASM_INPLACE: return PyNumber_InPlaceSubtract(a, b);
    case PY2WASM_MUL | PY2WASM_INPLACE: return PyNumber_InPlaceMultiply(a, b);
    case PY2WASM_TRUEDIV | PY2WASM_INPLACE: return PyNumber_InPlaceTrueDivide(a, b);
    case PY2WASM_FLOORDIV | PY2WASM_INPLACE: return PyNumber_InPlaceFloorDivide(a, b);
    case PY2WASM_MOD | PY2WASM_INPLACE: return PyNumber_InPlaceRemainder(a, b);
    case PY2WASM_POW | PY2WASM_INPLACE: return PyNumber_InPlacePower(a, b, Py_None);
    case PY2WASM_LSHIFT | PY2WASM_INPLACE: return PyNumber_InPlaceLshift(a, b);
    case PY2WASM_RSHIFT | PY2WASM_INPLACE: return PyNumber_InPlaceRshift(a, b);
    case PY2WASM_AND | PY2WASM_INPLACE: return PyNumber_InPlaceAnd(a, b);
    case PY2WASM_OR | PY2WASM_INPLACE: return PyNumber_InPlaceOr(a, b);
    case PY2WASM_XOR | PY2WASM_INPLACE: return PyNumber_InPlaceXor(a, b);
    case PY2WASM_MATMUL | PY2WASM_INPLACE: return PyNumber_InPlaceMatrixMultiply(a, b);
    }
    PyErr_SetString(PyExc_SystemError, "py2wasm: unknown binary operator");
    return NULL;
}

/* A "medium" int: one that fits a C long without CPython's digit loop. */
static int small_long(PyObject *o, long *out) {
    if (!PyLong_CheckExact(o))
        return 0;
    Py_ssize_t size = Py_SIZE(o);
    if (size == 0) {
        *out = 0;
        return 1;
    }
    if (size == 1 || size == -1) {
        long d = (long)((PyLongObject *)o)->ob_digit[0];
        *out = size < 0 ? -d : d;
        return 1;
    }
    return 0;
}

/* Builtins with fast paths. Generated code calls py2wasm_builtin_NAME
 * when a call's callee is the object in py2wasm_builtin_objects (the
 * global name still finds the builtin): each answers the common case
 * itself, exactly as the builtin would, and calls the builtin for every
 * other one, so errors and subclasses behave as in CPython. The order is
 * ir::Builtin's (src/ir.rs). */
static const char *const builtin_names[] = {"len", "ord",   "chr", "abs", "isinstance", "min",
                                            "max", "tuple", "set", "any", "all",        "sum"};
/* Then the consumers of generator expressions (ir::Consumer, in its order):
 * py2wasm_consume_genexp. */
enum {
    BUILTIN_LEN,
    BUILTIN_ORD,
    BUILTIN_CHR,
    BUILTIN_ABS,
    BUILTIN_ISINSTANCE,
    BUILTIN_MIN,
    BUILTIN_MAX,
    CONSUMER_TUPLE,
    CONSUMER_SET,
    CONSUMER_ANY,
    CONSUMER_ALL,
    CONSUMER_SUM,
    BUILTIN_COUNT
};
_Static_assert(sizeof(builtin_names) / sizeof(builtin_names[0]) == BUILTIN_COUNT, "one name per builtin");
/* Strong references, kept for the program's life; an entry left NULL
 * (not found) never matches a callee. */
PyObject *py2wasm_builtin_objects[BUILTIN_COUNT];

static void find_builtins(void) {
    PyObject *builtins = PyImport_ImportModule("builtins");
    for (int i = 0; builtins != NULL && i < BUILTIN_COUNT; i++)
        py2wasm_builtin_objects[i] = PyObject_GetAttrString(builtins, builtin_names[i]);
    Py_XDECREF(builtins);
    PyErr_Clear();
}

static PyObject *call_builtin(int which, PyObject *const *args, size_t nargs) {
    return PyObject_Vectorcall(py2wasm_builtin_objects[which], args, nargs, NULL);
}

PyObject *py2wasm_builtin_len(PyObject *o) {
    PyTypeObject *t = Py_TYPE(o);
    if (t == &PyList_Type || t == &PyTuple_Type || t == &PyBytes_Type)
        return PyLong_FromSsize_t(Py_SIZE(o));
    if (t == &PyUnicode_Type && PyUnicode_IS_READY(o))
        return PyLong_FromSsize_t(PyUnicode_GET_LENGTH(o));
    if (t == &PyDict_Type)
        return PyLong_FromSsize_t(PyDict_GET_SIZE(o));
    if (t == &PySet_Type || t == &PyFrozenSet_Type)
        return PyLong_FromSsize_t(PySet_GET_SIZE(o));
    return call_builtin(BUILTIN_LEN, &o, 1);
}

PyObject *py2wasm_builtin_ord(PyObject *o) {
    if (PyUnicode_CheckExact(o) && PyUnicode_IS_READY(o) && PyUnicode_GET_LENGTH(o) == 1)
        return PyLong_FromLong((long)PyUnicode_READ_CHAR(o, 0));
    return call_builtin(BUILTIN_ORD, &o, 1);
}

PyObject *py2wasm_builtin_chr(PyObject *o) {
    long x;
    /* (chr() of a code point too large raises ValueError: the builtin.) */
    if (small_long(o, &x) && x >= 0 && x <= 0x10ffff)
        return PyUnicode_FromOrdinal((int)x);
    return call_builtin(BUILTIN_CHR, &o, 1);
}

PyObject *py2wasm_builtin_abs(PyObject *o) {
    long x;
    if (small_long(o, &x))
        return PyLong_FromLong(x < 0 ? -x : x);
    if (PyFloat_CheckExact(o))
        return PyFloat_FromDouble(fabs(PyFloat_AS_DOUBLE(o)));
    return call_builtin(BUILTIN_ABS, &o, 1);
}

PyObject *py2wasm_builtin_isinstance(PyObject *o, PyObject *cls) {
    /* PyObject_IsInstance's own first answers: the exact type, and for a
     * class whose metaclass is `type` itself, a subclass (object_isinstance;
     * its __class__ lookup only matters when this says no). */
    if (Py_IS_TYPE(o, (PyTypeObject *)cls) ||
        (PyType_CheckExact(cls) && PyType_IsSubtype(Py_TYPE(o), (PyTypeObject *)cls)))
        Py_RETURN_TRUE;
    PyObject *args[2] = {o, cls};
    return call_builtin(BUILTIN_ISINSTANCE, args, 2);
}

/* min(a, b) and max(a, b) of two ints or two floats: min_max keeps the
 * first item unless the second compares below (above) it, as here (a NaN
 * compares neither way). */
static PyObject *min_max(PyObject *a, PyObject *b, int want_min) {
    long x, y;
    if (small_long(a, &x) && small_long(b, &y))
        return Py_NewRef((want_min ? y < x : y > x) ? b : a);
    if (PyFloat_CheckExact(a) && PyFloat_CheckExact(b)) {
        double u = PyFloat_AS_DOUBLE(a), v = PyFloat_AS_DOUBLE(b);
        return Py_NewRef((want_min ? v < u : v > u) ? b : a);
    }
    PyObject *args[2] = {a, b};
    return call_builtin(want_min ? BUILTIN_MIN : BUILTIN_MAX, args, 2);
}

PyObject *py2wasm_builtin_min(PyObject *a, PyObject *b) { return min_max(a, b, 1); }

PyObject *py2wasm_builtin_max(PyObject *a, PyObject *b) { return min_max(a, b, 0); }

/* CALLEE(genexp) for a call that names builtin WHICH (a CONSUMER_*), with
 * the generator expression's function GENFUNC and first iterator ITER
 * made (src/lower.rs consume_genexp). When CALLEE is that builtin and
 * the genexp has a collecting variant (table index ENTRY, -1 if none),
 * the variant runs instead of a generator: a plain function that
 * collects the elements into a list (for tuple) or a set, answers any()
 * or all(), or adds the elements up, itself. These builtins take every
 * element (or, any and all, up to the deciding one) before anything else
 * happens, so what the program can observe is the same. As a generator would, the variant turns a
 * StopIteration leaving its body into RuntimeError (PEP 479). */
PyObject *py2wasm_consume_genexp(PyObject *callee, PyObject *genfunc, PyObject *iter, int which, int entry) {
    if (entry < 0 || which < CONSUMER_TUPLE || which >= BUILTIN_COUNT || callee != py2wasm_builtin_objects[which]) {
        PyObject *gen = PyObject_Vectorcall(genfunc, &iter, 1, NULL);
        if (gen == NULL)
            return NULL;
        PyObject *r = PyObject_CallOneArg(callee, gen);
        Py_DECREF(gen);
        return r;
    }
    PyThreadState *tstate = _PyThreadState_GET();
    if (_Py_EnterRecursiveCallTstate(tstate, ""))
        return NULL;
    PyObject *slots[1] = {iter}; /* borrowed: the caller holds it */
    PyObject *r = ((native_entry)(uintptr_t)entry)(genfunc, slots);
    _Py_LeaveRecursiveCallTstate(tstate);
    if (r == NULL) {
        if (PyErr_ExceptionMatches(PyExc_StopIteration))
            _PyErr_FormatFromCause(PyExc_RuntimeError, "generator raised StopIteration");
        return NULL;
    }
    if (which != CONSUMER_TUPLE)
        return r; /* the set, any()'s or all()'s answer, the sum */
    PyObject *t = PyList_AsTuple(r);
    Py_DECREF(r);
    return t;
}

/* Fast paths for ints that fit one CPython digit and for floats; every
 * other case (and any overflow) takes CPython's own operator. */
PyObject *py2wasm_binary(PyObject *a, PyObject *b, int op) {
    long x, y;
    if (small_long(a, &x) && small_long(b, &y)) {
        long long r;
        switch (op & ~PY2WASM_INPLACE) {
        case PY2WASM_ADD: return PyLong_FromLongLong((long long)x + y);
        case PY2WASM_SUB: return PyLong_FromLongLong((long long)x - y);
        case PY2WASM_MUL: return PyLong_FromLongLong((long long)x * y);
        case PY2WASM_FLOORDIV:
        case PY2WASM_MOD:
            if (y == 0)
                break;
            r = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0)))
                r -= 1;
            if ((op & ~PY2WASM_INPLACE) == PY2WASM_FLOORDIV)
                return PyLong_FromLongLong(r);
            return PyLong_FromLongLong((long long)x - r * y);
        case PY2WASM_AND: return PyLong_FromLong(x & y);
        case PY2WASM_OR: return PyLong_FromLong(x | y);
        case PY2WASM_XOR: return PyLong_FromLong(x ^ y);
        }
    } else if (PyFloat_CheckExact(a) && PyFloat_CheckExact(b)) {
        double p = PyFloat_AS_DOUBLE(a), q = PyFloat_AS_DOUBLE(b);
        switch (op & ~PY2WASM_INPLACE) {
        case PY2WASM_ADD: return PyFloat_FromDouble(p + q);
        case PY2WASM_SUB: return PyFloat_FromDouble(p - q);
        case PY2WASM_MUL: return PyFloat_FromDouble(p * q);
        case PY2WASM_TRUEDIV:
            if (q != 0.0)
                return PyFloat_FromDouble(p / q);
            break;
        }
    }
    return binary_slow(a, b, op);
}

PyObject *py2wasm_unary(PyObject *a, int op) {
    switch (op) {
    case PY2WASM_NEG: return PyNumber_Negative(a);
    case PY2WASM_POS: return PyNumber_Positive(a);
    case PY2WASM_INVERT: return PyNumber_Invert(a);
    }
    PyErr_SetString(PyExc_SystemError, "py2wasm: unknown unary operator");
    return NULL;
}

/* op is CPython's Py_LT..Py_GE. */
PyObject *py2wasm_compare(PyObject *a, PyObject *b, int op) {
    long x, y;
    if (small_long(a, &x) && small_long(b, &y))
        Py_RETURN_RICHCOMPARE(x, y, op);
    return PyObject_RichCompare(a, b, op);
}

/* The comparison as a condition: 1, 0, or -1 on error. */
int py2wasm_compare_bool(PyObject *a, PyObject *b, int op) {
    long x, y;
    if (small_long(a, &x) && small_long(b, &y)) {
        switch (op) {
        case Py_LT: return x < y;
        case Py_LE: return x <= y;
        case Py_EQ: return x == y;
        case Py_NE: return x != y;
        case Py_GT: return x > y;
        case Py_GE: return x >= y;
        }
    }
    /* str against str: what unicode_richcompare answers, without the
     * dispatch (PyUnicode_Compare cannot fail on two strs). */
    if (PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b) && PyUnicode_IS_READY(a) && PyUnicode_IS_READY(b)) {
        if (a == b)
            return op == Py_EQ || op == Py_LE || op == Py_GE;
        int c;
        if (PyUnicode_GET_LENGTH(a) == 1 && PyUnicode_GET_LENGTH(b) == 1) {
            /* Characters (`c == "X"`, `"A" <= c`): their code points. */
            Py_UCS4 x = PyUnicode_READ(PyUnicode_KIND(a), PyUnicode_DATA(a), 0);
            Py_UCS4 y = PyUnicode_READ(PyUnicode_KIND(b), PyUnicode_DATA(b), 0);
            c = x < y ? -1 : x > y;
        } else if (op == Py_EQ || op == Py_NE) {
            return _PyUnicode_Equal(a, b) == (op == Py_EQ);
        } else {
            c = PyUnicode_Compare(a, b);
        }
        switch (op) {
        case Py_LT: return c < 0;
        case Py_LE: return c <= 0;
        case Py_EQ: return c == 0;
        case Py_NE: return c != 0;
        case Py_GT: return c > 0;
        case Py_GE: return c >= 0;
        }
    }
    PyObject *r = PyObject_RichCompare(a, b, op);
    if (r == NULL)
        return -1;
    int t = r == Py_True ? 1 : r == Py_False ? 0 : PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}

int py2wasm_is_true(PyObject *o) {
    if (o == Py_True)
        return 1;
    if (o == Py_False || o == Py_None)
        return 0;
    return PyObject_IsTrue(o);
}

PyObject *py2wasm_bool(int b) { return Py_NewRef(b ? Py_True : Py_False); }

PyObject *py2wasm_getitem(PyObject *o, PyObject *key) {
    if (PyLong_CheckExact(key)) {
        Py_ssize_t i = PyLong_AsSsize_t(key);
        if (i == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        } else if (PyList_CheckExact(o)) {
            Py_ssize_t n = PyList_GET_SIZE(o);
            if (i < 0)
                i += n;
            if (i >= 0 && i < n)
                return Py_NewRef(PyList_GET_ITEM(o, i));
        } else if (PyTuple_CheckExact(o)) {
            Py_ssize_t n = PyTuple_GET_SIZE(o);
            if (i < 0)
                i += n;
            if (i >= 0 && i < n)
                return Py_NewRef(PyTuple_GET_ITEM(o, i));
        } else if (PyUnicode_CheckExact(o) && PyUnicode_IS_READY(o)) {
            /* unicode_getitem: a one-character str (Latin-1 ones cached) */
            Py_ssize_t n = PyUnicode_GET_LENGTH(o);
            if (i < 0)
                i += n;
            if (i >= 0 && i < n)
                return PyUnicode_FromOrdinal((int)PyUnicode_READ_CHAR(o, i));
        }
    }
    return PyObject_GetItem(o, key);
}

/* o[lo:hi] (lo and hi None when left out): an exact list, tuple or str
 * is sliced without the slice object (BUILD_SLICE, then the type's
 * subscript, which reads the indexes as _PyEval_SliceIndex does). */
/* The bounds of [lo:hi] (None or __index__ objects) in O, an exact list,
 * tuple or ready str, as PySlice_Unpack and then PySlice_AdjustIndices
 * make them for step 1 (the length read after the bounds, whose __index__
 * may change a list): 0 with *I and *J set, or -1 with an exception. */
static int slice_bounds(PyObject *o, PyObject *lo, PyObject *hi, Py_ssize_t *i, Py_ssize_t *j) {
    *i = 0;
    *j = PY_SSIZE_T_MAX;
    if (!_PyEval_SliceIndex(lo, i) || !_PyEval_SliceIndex(hi, j))
        return -1;
    PySlice_AdjustIndices(PyUnicode_Check(o) ? PyUnicode_GET_LENGTH(o) : Py_SIZE(o), i, j, 1);
    return 0;
}

PyObject *py2wasm_get_slice(PyObject *o, PyObject *lo, PyObject *hi) {
    int list = PyList_CheckExact(o), tuple = PyTuple_CheckExact(o);
    int str = PyUnicode_CheckExact(o) && PyUnicode_IS_READY(o);
    if (list || tuple || str) {
        Py_ssize_t i, j;
        if (slice_bounds(o, lo, hi, &i, &j) < 0)
            return NULL;
        return list ? PyList_GetSlice(o, i, j) : tuple ? PyTuple_GetSlice(o, i, j) : PyUnicode_Substring(o, i, j);
    }
    PyObject *slice = PySlice_New(lo, hi, NULL);
    if (slice == NULL)
        return NULL;
    PyObject *r = PyObject_GetItem(o, slice);
    Py_DECREF(slice);
    return r;
}

/* o[lo:hi] = v: an exact list is assigned to as list_ass_subscript does
 * for a slice of step 1 (the bounds as PySlice_Unpack and
 * PySlice_AdjustIndices make them), without the slice object; anything
 * else through the slice object and its __setitem__. */
int py2wasm_set_slice(PyObject *o, PyObject *lo, PyObject *hi, PyObject *v) {
    if (PyList_CheckExact(o)) {
        Py_ssize_t i, j;
        if (slice_bounds(o, lo, hi, &i, &j) < 0)
            return -1;
        return PyList_SetSlice(o, i, j, v);
    }
    PyObject *slice = PySlice_New(lo, hi, NULL);
    if (slice == NULL)
        return -1;
    int r = PyObject_SetItem(o, slice, v);
    Py_DECREF(slice);
    return r;
}

int py2wasm_setitem(PyObject *o, PyObject *key, PyObject *v) {
    if (PyList_CheckExact(o) && PyLong_CheckExact(key)) {
        Py_ssize_t i = PyLong_AsSsize_t(key);
        if (i == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        } else {
            Py_ssize_t n = PyList_GET_SIZE(o);
            if (i < 0)
                i += n;
            if (i >= 0 && i < n) {
                Py_INCREF(v);
                Py_SETREF(PyList_GET_ITEM(o, i), v);
                return 0;
            }
        }
    }
    return PyObject_SetItem(o, key, v);
}

/* ITEM in CONTAINER (`in`, `not in`): 1, 0, or -1. For an exact list or
 * tuple, what list_contains and tuplecontains do (PyObject_RichCompareBool
 * of each element with ITEM, which answers identity first), except that
 * an exact int that fits a digit or an exact str meeting an element of its
 * own exact type is compared here: their __eq__ runs no Python code and
 * cannot fail. */
int py2wasm_contains(PyObject *item, PyObject *container) {
    PyTypeObject *ct = Py_TYPE(container), *it = Py_TYPE(item);
    if (ct != &PyList_Type && ct != &PyTuple_Type)
        return PySequence_Contains(container, item);
    long x = 0, y;
    int is_int = small_long(item, &x);
    int is_str = it == &PyUnicode_Type && PyUnicode_IS_READY(item);
    /* (A list's size is read again each time: an __eq__ may change it.) */
    for (Py_ssize_t i = 0; i < Py_SIZE(container); i++) {
        PyObject *e = ct == &PyList_Type ? PyList_GET_ITEM(container, i) : PyTuple_GET_ITEM(container, i);
        if (e == item)
            return 1;
        if (is_int && small_long(e, &y)) {
            if (x == y)
                return 1;
            continue;
        }
        if (is_str && Py_IS_TYPE(e, &PyUnicode_Type) && PyUnicode_IS_READY(e)) {
            if (_PyUnicode_Equal(e, item))
                return 1;
            continue;
        }
        Py_INCREF(e);
        int cmp = PyObject_RichCompareBool(e, item, Py_EQ);
        Py_DECREF(e);
        if (cmp != 0)
            return cmp;
    }
    return 0;
}

/* ------------------------------------------------------------ containers */

/* ITEMS: N borrowed references in memory (generated code's argument area). */
PyObject *py2wasm_build_tuple(PyObject **items, int n) {
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        PyTuple_SET_ITEM(t, i, Py_NewRef(items[i]));
    return t;
}

PyObject *py2wasm_build_list(PyObject **items, int n) {
    PyObject *l = PyList_New(n);
    if (l == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        PyList_SET_ITEM(l, i, Py_NewRef(items[i]));
    return l;
}

PyObject *py2wasm_build_set(PyObject **items, int n) {
    PyObject *s = PySet_New(NULL);
    if (s == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (PySet_Add(s, items[i]) < 0) {
            Py_DECREF(s);
            return NULL;
        }
    }
    return s;
}

/* ITEMS: key, value, key, value, ... (N pairs). */
PyObject *py2wasm_build_dict(PyObject **items, int n) {
    PyObject *d = _PyDict_NewPresized(n);
    if (d == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (PyDict_SetItem(d, items[2 * i], items[2 * i + 1]) < 0) {
            Py_DECREF(d);
            return NULL;
        }
    }
    return d;
}

PyObject *py2wasm_build_string(PyObject **items, int n) {
    PyObject *empty = PyUnicode_New(0, 0);
    if (empty == NULL)
        return NULL;
    PyObject *s = _PyUnicode_JoinArray(empty, items, n);
    Py_DECREF(empty);
    return s;
}

/* f-string replacement field: CONV is 0, 's', 'r' or 'a'; SPEC may be NULL. */
PyObject *py2wasm_format(PyObject *v, int conv, PyObject *spec) {
    PyObject *c = NULL;
    switch (conv) {
    case 's': c = PyObject_Str(v); break;
    case 'r': c = PyObject_Repr(v); break;
    case 'a': c = PyObject_ASCII(v); break;
    default: c = Py_NewRef(v);
    }
    if (c == NULL)
        return NULL;
    if (spec == NULL && PyUnicode_CheckExact(c))
        return c;
    PyObject *r = PyObject_Format(c, spec);
    Py_DECREF(c);
    return r;
}

/* iter(SEQ) for unpacking, with UNPACK_SEQUENCE's message for what cannot
 * be iterated. */
static PyObject *unpack_iter(PyObject *seq) {
    PyObject *it = PyObject_GetIter(seq);
    if (it == NULL && PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(seq)->tp_iter == NULL &&
        !PySequence_Check(seq))
        PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object", Py_TYPE(seq)->tp_name);
    return it;
}

/* Unpacks SEQ into exactly N values (ir::Op::Unpack): SEQ itself when an
 * exact tuple or list of N items, else a tuple of what it yields (a new
 * reference either way), with CPython's messages for too many or too few. */
PyObject *py2wasm_unpack(PyObject *seq, int n) {
    if ((PyTuple_CheckExact(seq) || PyList_CheckExact(seq)) && Py_SIZE(seq) == n)
        return Py_NewRef(seq);
    PyObject *it = unpack_iter(seq);
    if (it == NULL)
        return NULL;
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
        goto fail;
    for (int i = 0; i < n; i++) {
        PyObject *v = PyIter_Next(it);
        if (v == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected %d, got %d)", n, i);
            goto fail;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    PyObject *extra = PyIter_Next(it);
    if (extra != NULL) {
        Py_DECREF(extra);
        /* (3.12 adds ", got N" for lists and tuples; 3.11 does not) */
        PyErr_Format(PyExc_ValueError, "too many values to unpack (expected %d)", n);
        goto fail;
    }
    if (PyErr_Occurred())
        goto fail;
    Py_DECREF(it);
    return t;
fail:
    Py_XDECREF(t);
    Py_DECREF(it);
    return NULL;
}

/* UNPACK_EX, for `a, *b, c = seq`: a new tuple of the BEFORE first items,
 * a list of the middle ones and the AFTER last ones, with CPython's errors
 * (its unpack_iterable). */
PyObject *py2wasm_unpack_ex(PyObject *seq, int before, int after) {
    PyObject *it = unpack_iter(seq);
    if (it == NULL)
        return NULL;
    PyObject *t = PyTuple_New(before + 1 + after);
    PyObject *rest = NULL;
    if (t == NULL)
        goto fail;
    for (int i = 0; i < before; i++) {
        PyObject *v = PyIter_Next(it);
        if (v == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %d, got %d)",
                             before + after, i);
            goto fail;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    rest = PySequence_List(it);
    if (rest == NULL)
        goto fail;
    Py_ssize_t n = PyList_GET_SIZE(rest);
    if (n < after) {
        PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %d, got %zd)",
                     before + after, before + n);
        goto fail;
    }
    /* The last AFTER items move from the list into the tuple. */
    for (int j = 0; j < after; j++)
        PyTuple_SET_ITEM(t, before + 1 + j, PyList_GET_ITEM(rest, n - after + j));
    Py_SET_SIZE(rest, n - after);
    PyTuple_SET_ITEM(t, before, rest);
    Py_DECREF(it);
    return t;
fail:
    Py_XDECREF(rest);
    Py_XDECREF(t);
    Py_DECREF(it);
    return NULL;
}

/* The next item, or NULL: at the end with no exception set (StopIteration
 * is cleared, as FOR_ITER does), or on error with one. */
PyObject *py2wasm_iter_next(PyObject *it) {
    iternextfunc next = Py_TYPE(it)->tp_iternext;
    if (next == NULL) { /* not from GetIter: a compiler bug, not a crash */
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator", Py_TYPE(it)->tp_name);
        return NULL;
    }
    PyObject *v = next(it);
    if (v == NULL && PyErr_Occurred() && PyErr_ExceptionMatches(PyExc_StopIteration))
        PyErr_Clear();
    return v;
}

/* A `for` loop over `range(...)` that generated code cannot count inline
 * (src/codegen/numeric.rs: the name is not the builtin, or an argument is
 * not a small int): iter(callee(*args)), as GET_ITER after the call. */
PyObject *py2wasm_range_iter(PyObject *callee, PyObject *const *args, size_t nargsf) {
    PyObject *r = py2wasm_call(callee, args, nargsf, NULL);
    if (r == NULL)
        return NULL;
    PyObject *it = PyObject_GetIter(r);
    Py_DECREF(r);
    return it;
}

int py2wasm_error_occurred(void) { return PyErr_Occurred() != NULL; }

/* ------------------------------------------------------------ exceptions */

/* The instruction of CODE at exactly these source positions, for the
 * traceback's carets (-1 if none). */
static int instruction_at(PyCodeObject *code, int line, int col, int end_line, int end_col) {
    Py_ssize_t n = Py_SIZE(code); /* code units (co_code_adaptive is inline) */
    for (Py_ssize_t i = 0; i < n; i++) {
        int sl, sc, el, ec;
        if (PyCode_Addr2Location(code, (int)(i * sizeof(_Py_CODEUNIT)), &sl, &sc, &el, &ec) && sl == line &&
            sc == col && el == end_line && ec == end_col)
            return (int)i;
    }
    return -1;
}

/* Adds this function's entry to the traceback of the exception being
 * raised, as the interpreter does when an exception reaches a frame: a
 * frame object of the real code, at the instruction of the failing
 * expression (so the printed line and carets are CPython's). */
void py2wasm_traceback(PyObject *f, int line, int col, int end_line, int end_col) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyCodeObject *code = (PyCodeObject *)func->func_code;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyFrameObject *frame = PyFrame_New(PyThreadState_Get(), code, func->func_globals, NULL);
    if (frame == NULL) {
        PyErr_Clear();
        PyErr_Restore(type, value, tb);
        return;
    }
    /* A frame past its start has its free variables' cells in place
     * (COPY_FREE_VARS put them there): f_locals reads each free slot as a
     * cell. PyFrame_New leaves every slot NULL, which f_locals then read
     * through (Py_DEBUG's assertion in _PyFrame_FastToLocalsWithError; a
     * read of low memory without it). */
    PyObject *closure = func->func_closure;
    if (closure != NULL && PyTuple_Check(closure) && PyTuple_GET_SIZE(closure) == code->co_nfreevars) {
        int first_free = code->co_nlocalsplus - code->co_nfreevars;
        for (int i = 0; i < code->co_nfreevars; i++)
            frame->f_frame->localsplus[first_free + i] = Py_NewRef(PyTuple_GET_ITEM(closure, i));
    }
    int index = instruction_at(code, line, col, end_line, end_col);
    if (index >= 0)
        frame->f_frame->prev_instr = _PyCode_CODE(code) + index;
    frame->f_lineno = line;
    PyErr_Restore(type, value, tb);
    PyTraceBack_Here(frame);
    Py_DECREF(frame);
}

/* At an except clause: takes the exception being raised (a new reference
 * to its value, with its traceback attached). */
PyObject *py2wasm_exc_fetch(void) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value == NULL) { /* cannot happen after a failed instruction */
        Py_XDECREF(type);
        Py_XDECREF(tb);
        return Py_NewRef(Py_None);
    }
    PyException_SetTraceback(value, tb != NULL ? tb : Py_None);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

/* Raises EXC again as it was (steals EXC): no new traceback entry. */
void py2wasm_exc_restore(PyObject *exc) {
    PyErr_Restore(Py_NewRef(PyExceptionInstance_Class(exc)), exc, PyException_GetTraceback(exc));
}

/* Makes EXC the exception being handled (sys.exc_info()); returns the one
 * handled before (a reference, possibly NULL) for py2wasm_exc_pop. */
PyObject *py2wasm_exc_push(PyObject *exc) {
    _PyErr_StackItem *info = PyThreadState_Get()->exc_info;
    PyObject *prev = info->exc_value;
    info->exc_value = Py_NewRef(exc);
    return prev;
}

/* Steals PREV. */
void py2wasm_exc_pop(PyObject *prev) {
    _PyErr_StackItem *info = PyThreadState_Get()->exc_info;
    PyObject *cur = info->exc_value;
    info->exc_value = prev;
    Py_XDECREF(cur);
}

/* `except TYPE:` for exception EXC: 1, 0 or -1. */
int py2wasm_exc_matches(PyObject *exc, PyObject *type) {
    if (PyTuple_Check(type)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type); i++) {
            PyObject *t = PyTuple_GET_ITEM(type, i);
            if (!PyExceptionClass_Check(t)) {
                PyErr_SetString(PyExc_TypeError,
                                "catching classes that do not inherit from BaseException is not allowed");
                return -1;
            }
        }
    } else if (!PyExceptionClass_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "catching classes that do not inherit from BaseException is not allowed");
        return -1;
    }
    return PyErr_GivenExceptionMatches(exc, type);
}

/* `raise EXC [from CAUSE]` (CAUSE may be NULL). Always returns 0. */
int py2wasm_raise(PyObject *exc, PyObject *cause) {
    PyObject *type = NULL, *value = NULL;
    if (PyExceptionClass_Check(exc)) {
        type = exc;
        value = PyObject_CallNoArgs(exc);
        if (value == NULL)
            return 0;
        if (!PyExceptionInstance_Check(value)) {
            PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                         type, Py_TYPE(value));
            Py_DECREF(value);
            return 0;
        }
    } else if (PyExceptionInstance_Check(exc)) {
        value = Py_NewRef(exc);
        type = PyExceptionInstance_Class(exc);
    } else {
        PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
        return 0;
    }
    if (cause != NULL) {
        PyObject *fixed;
        if (PyExceptionClass_Check(cause)) {
            fixed = PyObject_CallNoArgs(cause);
            if (fixed == NULL) {
                Py_DECREF(value);
                return 0;
            }
        } else if (PyExceptionInstance_Check(cause)) {
            fixed = Py_NewRef(cause);
        } else if (cause == Py_None) {
            fixed = NULL;
        } else {
            PyErr_SetString(PyExc_TypeError, "exception causes must derive from BaseException");
            Py_DECREF(value);
            return 0;
        }
        PyException_SetCause(value, fixed);
    }
    PyErr_SetObject(type, value);
    Py_DECREF(value);
    return 0;
}

/* A bare `raise`: 1 when the handled exception is raised again (no new
 * traceback entry), 0 when there is none (RuntimeError raised). As CPython's
 * do_raise, the exception is the topmost one on the chain of exc_info
 * entries: a generator handling none re-raises what its caller handles. */
int py2wasm_reraise(void) {
    PyObject *exc = _PyErr_GetTopmostException(PyThreadState_Get())->exc_value;
    if (exc == NULL || exc == Py_None) {
        PyErr_SetString(PyExc_RuntimeError, "No active exception to reraise");
        return 0;
    }
    py2wasm_exc_restore(Py_NewRef(exc));
    return 1;
}

/* `assert` with MSG (may be NULL). Always returns 0. */
int py2wasm_assert_fail(PyObject *msg) {
    if (msg == NULL) {
        PyErr_SetNone(PyExc_AssertionError);
        return 0;
    }
    /* CPython compiles this as `raise AssertionError(msg)`: MSG is the one
     * argument even when it is a tuple, which PyErr_SetObject would unpack
     * into the constructor's arguments. */
    PyObject *exc = PyObject_CallOneArg(PyExc_AssertionError, msg);
    if (exc != NULL) {
        PyErr_SetObject(PyExc_AssertionError, exc);
        Py_DECREF(exc);
    }
    return 0;
}

/* BEFORE_WITH: a new tuple (__exit__ bound to MGR, MGR.__enter__()), with
 * CPython's messages for a manager that lacks either. */
PyObject *py2wasm_with_enter(PyObject *mgr) {
    PyObject *enter = _PyObject_LookupSpecial(mgr, &_Py_ID(__enter__));
    if (enter == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol",
                         Py_TYPE(mgr)->tp_name);
        return NULL;
    }
    PyObject *exit = _PyObject_LookupSpecial(mgr, &_Py_ID(__exit__));
    if (exit == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object does not support the context manager protocol (missed __exit__ method)",
                         Py_TYPE(mgr)->tp_name);
        Py_DECREF(enter);
        return NULL;
    }
    PyObject *value = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    PyObject *pair = value == NULL ? NULL : PyTuple_Pack(2, exit, value);
    Py_DECREF(exit);
    Py_XDECREF(value);
    return pair;
}

/* WITH_EXCEPT_START: EXIT(type, EXC, traceback); 1 if that suppresses the
 * exception (a true result), 0 if not, -1 on error. */
int py2wasm_with_exit(PyObject *exit, PyObject *exc) {
    PyObject *tb = PyException_GetTraceback(exc);
    PyObject *args[3] = {(PyObject *)Py_TYPE(exc), exc, tb != NULL ? tb : Py_None};
    PyObject *r = PyObject_Vectorcall(exit, args, 3, NULL);
    Py_XDECREF(tb);
    if (r == NULL)
        return -1;
    int t = PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}

/* ------------------------------------------------------------ imports */

/* `import NAME` / `from NAME import FROMLIST` at relative LEVEL, through
 * builtins.__import__ as IMPORT_NAME does. */
PyObject *py2wasm_import_name(PyObject *f, PyObject *name, PyObject *fromlist, int level) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyObject *import = PyDict_GetItemWithError(func->func_builtins, &_Py_ID(__import__));
    if (import == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ImportError, "__import__ not found");
        return NULL;
    }
    PyObject *lvl = PyLong_FromLong(level);
    if (lvl == NULL)
        return NULL;
    PyObject *args[5] = {name, func->func_globals, Py_None, fromlist, lvl};
    PyObject *r = PyObject_Vectorcall(import, args, 5, NULL);
    Py_DECREF(lvl);
    return r;
}

/* `from module import NAME`, with IMPORT_FROM's fallback to sys.modules
 * for submodules and its error message. */
PyObject *py2wasm_import_from(PyObject *module, PyObject *name) {
    PyObject *x;
    if (_PyObject_LookupAttr(module, name, &x) != 0)
        return x;
    PyObject *pkgname = NULL, *fullname = NULL;
    if (_PyObject_LookupAttr(module, &_Py_ID(__name__), &pkgname) > 0 && PyUnicode_Check(pkgname)) {
        fullname = PyUnicode_FromFormat("%U.%U", pkgname, name);
        if (fullname != NULL) {
            x = PyImport_GetModule(fullname);
            Py_DECREF(fullname);
            if (x != NULL) {
                Py_DECREF(pkgname);
                return x;
            }
        }
    }
    if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_AttributeError)) {
        Py_XDECREF(pkgname);
        return NULL;
    }
    PyErr_Clear();
    PyObject *pkgpath = pkgname ? PyModule_GetFilenameObject(module) : NULL;
    if (pkgpath == NULL)
        PyErr_Clear();
    if (pkgname == NULL || !PyUnicode_Check(pkgname)) {
        Py_XSETREF(pkgname, PyUnicode_FromString("<unknown module name>"));
    }
    if (pkgpath == NULL) {
        PyErr_Format(PyExc_ImportError, "cannot import name %R from %R (unknown location)", name, pkgname);
    } else {
        PyErr_Format(PyExc_ImportError, "cannot import name %R from %R (%S)", name, pkgname, pkgpath);
    }
    Py_XDECREF(pkgname);
    Py_XDECREF(pkgpath);
    return NULL;
}

/* Zero-argument super() in a method: super(__class__, first argument),
 * with KLASS the content of the __class__ cell and SELF the first argument's
 * local (either may be NULL: emptied or deleted). A rebound
 * `super` is called with no arguments, as written. */
PyObject *py2wasm_super(PyObject *super, PyObject *klass, PyObject *self) {
    if (super != (PyObject *)&PySuper_Type)
        return PyObject_CallNoArgs(super);
    if (self == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "super(): arg[0] deleted");
        return NULL;
    }
    if (klass == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "super(): empty __class__ cell");
        return NULL;
    }
    PyObject *args[2] = {klass, self};
    return PyObject_Vectorcall(super, args, 2, NULL);
}
