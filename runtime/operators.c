/* Operators, subscripts and the builtins with fast paths. */
#include "native_internal.h"

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

void py2wasm_find_builtins(void) {
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
    /* (the entry counts the call against the recursion limit) */
    PyObject *slots[1] = {iter}; /* borrowed: the caller holds it */
    PyObject *r = ((native_entry)(uintptr_t)entry)(genfunc, slots);
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

/* X ** Y for floats where CPython's float_pow leaves the work to the
 * platform's pow(): X positive and finite, Y finite and not zero (its
 * special cases before that point answer what pow() answers for these, as
 * C99 specifies it: 1 ** Y is 1). Generated code takes this when both are
 * floats, or an int and a float (converted as float_pow converts it), and
 * only a finite result: an infinite one is float_pow's OverflowError,
 * which CPython's path then raises. wasi-libc's pow() never sets errno,
 * so the finite result is float_pow's. */
double py2wasm_float_pow(double x, double y) { return pow(x, y); }

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
