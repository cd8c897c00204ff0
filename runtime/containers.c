/* Building containers, formatting, unpacking and iteration. */
#include "native_internal.h"

/* ------------------------------------------------------------ containers */

/* DICT_UPDATE of a `{**m}` display, with its message for a non-mapping. */
int py2wasm_dict_update(PyObject *dict, PyObject *other) {
    if (PyDict_Update(dict, other) == 0)
        return 0;
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not a mapping", Py_TYPE(other)->tp_name);
    }
    return -1;
}

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
