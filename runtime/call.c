/* Calls: the vectorcall of compiled functions, the entry points of C code
 * into generated code, and the calls generated code makes (compiled
 * functions directly, constructors, C functions, `*args`/`**kwargs`). */
#include "native_internal.h"

/* ------------------------------------------------------------ calls */

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
    /* The entry counts the call against the recursion limit itself
     * (src/codegen/frame.rs), and takes references of its own to what it
     * keeps (generated code's convention, codegen borrowed_params); ours
     * stay until it returns. */
    result = entry((PyObject *)func, slots);
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
     * prologue; the arguments stay the caller's). The entry counts the
     * call against the recursion limit. */
    return entry(callable, (PyObject **)args);
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
        extra != NULL && extra->ce_size > py2wasm_extra_index ? extra->ce_extras[py2wasm_extra_index] : NULL;
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
    if (tp == &PyCFunction_Type || tp == &PyCMethod_Type || (tp == &PyMethodDescr_Type && nargs >= 1)) {
        PyThreadState *tstate = _PyThreadState_GET();
        if (tstate->cframe->use_tracing && tstate->c_profilefunc != NULL)
            return py2wasm_profiled_c_call(tstate, callable, args, nargsf, kwnames);
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

/* The recursion limit of a Python call: the entry of every compiled
 * function (not a generator's, not a class body's: their callers count)
 * does what _Py_EnterRecursiveCallTstate and _Py_LeaveRecursiveCallTstate
 * do to tstate->recursion_remaining (at the offset below), through this
 * variable, and calls py2wasm_check_recursion when the counter was used
 * up, as _Py_MakeRecCheck does (no USE_STACKCHECK here). Nonzero:
 * RecursionError is set (and the counter restored). */
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
    if (_PyCode_GetExtra(func->func_code, py2wasm_extra_index, &extra) == 0 && extra != NULL)
        func->vectorcall = native_vectorcall;
    else
        PyErr_Clear();
}

/* A nested def, lambda or comprehension: the function object for code
 * CODE_ID with the globals of the function running it. */
PyObject *py2wasm_make_function(PyObject *outer, uint32_t code_id) {
    PyObject *code = py2wasm_code_slots()[code_id];
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
