/* Start-up: the image's constants, the layout checks generated code relies
 * on, and `attach`, which finds the compiled code objects in what CPython
 * compiles from the embedded sources. */
#include "native_internal.h"

Py_ssize_t py2wasm_extra_index = -1;
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

void py2wasm_find_builtins(void);

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
    py2wasm_extra_index = _PyEval_RequestCodeExtraIndex(NULL);
    if (py2wasm_extra_index < 0)
        return -1;
    _Py_FunctionNewHook = py2wasm_function_new_hook;
    _Py2wasm_ClassBodyHook = py2wasm_class_body;
    _Py2wasm_GenResumeHook = py2wasm_gen_resume;
    check_rangeiter_layout();
    check_listiter_layout();
    check_str_layout();
    py2wasm_find_builtins();
    if (PyType_Ready(&py2wasm_genstate_type) < 0)
        return -1;
    return 0;
}

static const struct py2wasm_code_entry *code_entries(void) {
    return (const struct py2wasm_code_entry *)(img_base + img_header->code_table_off);
}

PyObject **py2wasm_code_slots(void) {
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
        /* The slot's reference is never dropped, also when the module is
         * compiled again (imported anew): the frames of compiled code
         * borrow their code object (frame.c), and a function made from the
         * old one may still run. */
        PyObject **slot = &py2wasm_code_slots()[i];
        *slot = Py_NewRef(code);
        if (e[i].entry != PY2WASM_NO_ENTRY &&
            _PyCode_SetExtra((PyObject *)code, py2wasm_extra_index, (void *)&e[i]) < 0)
            return -1;
        /* (the image is writable memory: the compiler placed it in pages
         * of its own) */
        py2wasm_resolve_sites(code, (const struct py2wasm_site *)(img_base + e[i].sites_off), e[i].site_count,
                              (uint8_t *)img_base);
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
