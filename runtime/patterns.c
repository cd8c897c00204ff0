/* `match` statements (src/lower/patterns.rs): what CPython 3.11's
 * MATCH_SEQUENCE, MATCH_MAPPING, GET_LEN, MATCH_KEYS and MATCH_CLASS
 * instructions do (their helpers in Python/ceval.c are private), with the
 * same lookups in the same order and the same error messages, and the
 * dict a `**rest` capture gets. */
#include "native_internal.h"

/* Whether a sequence pattern applies (collections.abc.Sequence types and
 * the builtins that set the flag; not str, bytes or bytearray). */
int py2wasm_match_sequence(PyObject *subject) {
    return PyType_HasFeature(Py_TYPE(subject), Py_TPFLAGS_SEQUENCE);
}

int py2wasm_match_mapping(PyObject *subject) {
    return PyType_HasFeature(Py_TYPE(subject), Py_TPFLAGS_MAPPING);
}

PyObject *py2wasm_match_len(PyObject *subject) {
    Py_ssize_t n = PyObject_Length(subject);
    return n < 0 ? NULL : PyLong_FromSsize_t(n);
}

/* The values of KEYS (a tuple) in mapping MAP, as a tuple, or None when
 * one is missing. Looked up with map.get(key, marker), which neither raises
 * for a missing key nor makes one (a defaultdict's __missing__ is not
 * called); a key given twice is a ValueError. */
PyObject *py2wasm_match_keys(PyObject *map, PyObject *keys) {
    Py_ssize_t n = PyTuple_GET_SIZE(keys);
    if (n == 0)
        return PyTuple_New(0);
    PyObject *get = PyObject_GetAttr(map, &_Py_ID(get));
    PyObject *seen = get ? PySet_New(NULL) : NULL;
    PyObject *marker = seen ? PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type) : NULL;
    PyObject *values = marker ? PyTuple_New(n) : NULL;
    PyObject *result = NULL;
    if (values == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyTuple_GET_ITEM(keys, i);
        int dup = PySet_Contains(seen, key);
        if (dup < 0 || (dup == 0 && PySet_Add(seen, key) < 0))
            goto done;
        if (dup) {
            PyErr_Format(PyExc_ValueError, "mapping pattern checks duplicate key (%R)", key);
            goto done;
        }
        PyObject *args[2] = {key, marker};
        PyObject *value = PyObject_Vectorcall(get, args, 2, NULL);
        if (value == NULL)
            goto done;
        if (value == marker) {
            Py_DECREF(value);
            result = Py_NewRef(Py_None);
            goto done;
        }
        PyTuple_SET_ITEM(values, i, value);
    }
    result = Py_NewRef(values);
done:
    Py_XDECREF(values);
    Py_XDECREF(marker);
    Py_XDECREF(seen);
    Py_XDECREF(get);
    return result;
}

/* `{..., **rest}`: a dict of MAP's items less KEYS (as the compiler's
 * BUILD_MAP, DICT_UPDATE and DELETE_SUBSCR of each key). */
PyObject *py2wasm_match_rest(PyObject *map, PyObject *keys) {
    PyObject *rest = PyDict_New();
    if (rest == NULL)
        return NULL;
    if (py2wasm_dict_update(rest, map) < 0) {
        Py_DECREF(rest);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(keys); i++) {
        if (PyObject_DelItem(rest, PyTuple_GET_ITEM(keys, i)) < 0) {
            Py_DECREF(rest);
            return NULL;
        }
    }
    return rest;
}

/* Attribute NAME of SUBJECT for a class pattern of TYPE, into list ATTRS;
 * 0 when it is missing (no match), -1 on error (NAME twice in the pattern
 * is a TypeError). SEEN holds the names looked up so far. */
static int class_attr(PyObject *subject, PyTypeObject *type, PyObject *name, PyObject *seen, PyObject *attrs) {
    int dup = PySet_Contains(seen, name);
    if (dup < 0 || (dup == 0 && PySet_Add(seen, name) < 0))
        return -1;
    if (dup) {
        PyErr_Format(PyExc_TypeError, "%s() got multiple sub-patterns for attribute %R", type->tp_name, name);
        return -1;
    }
    PyObject *attr = PyObject_GetAttr(subject, name);
    if (attr == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    int r = PyList_Append(attrs, attr);
    Py_DECREF(attr);
    return r < 0 ? -1 : 1;
}

/* `Cls(p0, ..., name=p, ...)`: None unless SUBJECT is an instance of CLS;
 * else a tuple of the NARGS attributes __match_args__ names (or the subject
 * itself, for the builtins that match themselves, when the type has no
 * __match_args__), then those KWNAMES names, or None when one is missing. */
PyObject *py2wasm_match_class(PyObject *subject, PyObject *cls, int nargs, PyObject *kwnames) {
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "called match pattern must be a type");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    int is = PyObject_IsInstance(subject, cls);
    if (is <= 0)
        return is < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *seen = PySet_New(NULL);
    PyObject *attrs = seen ? PyList_New(0) : NULL;
    PyObject *match_args = NULL, *result = NULL;
    if (attrs == NULL)
        goto done;
    if (nargs > 0) {
        int match_self = 0;
        match_args = PyObject_GetAttrString(cls, "__match_args__");
        if (match_args != NULL) {
            if (!PyTuple_CheckExact(match_args)) {
                PyErr_Format(PyExc_TypeError, "%s.__match_args__ must be a tuple (got %s)", type->tp_name,
                             Py_TYPE(match_args)->tp_name);
                goto done;
            }
        } else if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            /* Only a type without __match_args__ (not even inherited)
             * matches itself positionally (int, str, list, ...). */
            PyErr_Clear();
            match_args = PyTuple_New(0);
            if (match_args == NULL)
                goto done;
            match_self = PyType_HasFeature(type, _Py_TPFLAGS_MATCH_SELF);
        } else {
            goto done;
        }
        Py_ssize_t allowed = match_self ? 1 : PyTuple_GET_SIZE(match_args);
        if (allowed < nargs) {
            PyErr_Format(PyExc_TypeError, "%s() accepts %d positional sub-pattern%s (%d given)", type->tp_name,
                         (int)allowed, allowed == 1 ? "" : "s", nargs);
            goto done;
        }
        if (match_self) {
            if (PyList_Append(attrs, subject) < 0)
                goto done;
        } else {
            for (int i = 0; i < nargs; i++) {
                PyObject *name = PyTuple_GET_ITEM(match_args, i);
                if (!PyUnicode_CheckExact(name)) {
                    PyErr_Format(PyExc_TypeError, "__match_args__ elements must be strings (got %s)",
                                 Py_TYPE(name)->tp_name);
                    goto done;
                }
                int found = class_attr(subject, type, name, seen, attrs);
                if (found <= 0) {
                    if (found == 0)
                        result = Py_NewRef(Py_None);
                    goto done;
                }
            }
        }
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        int found = class_attr(subject, type, PyTuple_GET_ITEM(kwnames, i), seen, attrs);
        if (found <= 0) {
            if (found == 0)
                result = Py_NewRef(Py_None);
            goto done;
        }
    }
    result = PyList_AsTuple(attrs);
done:
    Py_XDECREF(match_args);
    Py_XDECREF(attrs);
    Py_XDECREF(seen);
    return result;
}
