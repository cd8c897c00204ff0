/* Names: globals, class-body namespaces, imports and super(). */
#include "native_internal.h"

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

/* `from module import NAME`, as ceval.c's import_from (IMPORT_FROM): the
 * attribute, else the submodule sys.modules has (a circular relative
 * import), else ImportError with name= the module's name and path= its
 * file, saying when the module is still being initialised (a circular
 * import). */
PyObject *py2wasm_import_from(PyObject *module, PyObject *name) {
    PyObject *x;
    if (_PyObject_LookupAttr(module, name, &x) != 0)
        return x;
    PyObject *pkgname = PyObject_GetAttr(module, &_Py_ID(__name__));
    if (pkgname != NULL && !PyUnicode_Check(pkgname))
        Py_CLEAR(pkgname);
    if (pkgname != NULL) {
        PyObject *fullname = PyUnicode_FromFormat("%U.%U", pkgname, name);
        if (fullname == NULL) {
            Py_DECREF(pkgname);
            return NULL;
        }
        x = PyImport_GetModule(fullname);
        Py_DECREF(fullname);
        if (x != NULL || PyErr_Occurred()) {
            Py_DECREF(pkgname);
            return x;
        }
    }
    PyObject *pkgpath = PyModule_GetFilenameObject(module);
    PyObject *shown = pkgname != NULL ? Py_NewRef(pkgname) : PyUnicode_FromString("<unknown module name>");
    if (shown == NULL) {
        Py_XDECREF(pkgname);
        Py_XDECREF(pkgpath);
        return NULL;
    }
    PyObject *msg;
    if (pkgpath == NULL || !PyUnicode_Check(pkgpath)) {
        PyErr_Clear();
        Py_CLEAR(pkgpath);
        msg = PyUnicode_FromFormat("cannot import name %R from %R (unknown location)", name, shown);
    } else {
        PyObject *spec = PyObject_GetAttr(module, &_Py_ID(__spec__));
        int initializing = _PyModuleSpec_IsInitializing(spec);
        Py_XDECREF(spec);
        PyErr_Clear();
        msg = PyUnicode_FromFormat(initializing ? "cannot import name %R from partially initialized module %R "
                                                  "(most likely due to a circular import) (%S)"
                                                : "cannot import name %R from %R (%S)",
                                   name, shown, pkgpath);
    }
    /* (PyErr_SetImportError takes NULL for the message, name or path) */
    PyErr_SetImportError(msg, pkgname, pkgpath);
    Py_XDECREF(msg);
    Py_DECREF(shown);
    Py_XDECREF(pkgname);
    Py_XDECREF(pkgpath);
    return NULL;
}

/* What generated code passes for a __class__ cell or first argument that
 * the function does not have (src/codegen: SUPER_ABSENT). */
#define SUPER_ABSENT ((PyObject *)1)

/* Zero-argument super() in a function: super(__class__, first argument),
 * with KLASS the content of the __class__ cell and SELF the first
 * positional argument's local (either may be NULL: emptied or deleted, or
 * SUPER_ABSENT), failing as super_init_without_args does. A rebound
 * `super` is called with no arguments, as written. */
PyObject *py2wasm_super(PyObject *super, PyObject *klass, PyObject *self) {
    if (super != (PyObject *)&PySuper_Type)
        return PyObject_CallNoArgs(super);
    if (self == SUPER_ABSENT) {
        PyErr_SetString(PyExc_RuntimeError, "super(): no arguments");
        return NULL;
    }
    if (self == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "super(): arg[0] deleted");
        return NULL;
    }
    if (klass == SUPER_ABSENT) {
        PyErr_SetString(PyExc_RuntimeError, "super(): __class__ cell not found");
        return NULL;
    }
    if (klass == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "super(): empty __class__ cell");
        return NULL;
    }
    if (!PyType_Check(klass)) {
        PyErr_Format(PyExc_RuntimeError, "super(): __class__ is not a type (%s)", Py_TYPE(klass)->tp_name);
        return NULL;
    }
    PyObject *args[2] = {klass, self};
    return PyObject_Vectorcall(super, args, 2, NULL);
}
