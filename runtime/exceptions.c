/* Exceptions: traceback entries, except clauses, raise, assert, `with`. */
#include "native_internal.h"

/* ------------------------------------------------------------ exceptions */

/* Adds FRAME's entry to the traceback of the exception being raised, as
 * the interpreter does when an exception reaches a frame: its frame object,
 * at the instruction of the failing expression (so the printed line and
 * carets are CPython's). A position the code has no instruction for (a
 * throw() into a generator not started: its def line) is the entry's line. */
void py2wasm_traceback(_PyInterpreterFrame *frame, int line, int col, int end_line, int end_col) {
    PyCodeObject *code = frame->f_code;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyFrameObject *f = _PyFrame_GetFrameObject(frame);
    if (f == NULL) {
        PyErr_Clear();
        PyErr_Restore(type, value, tb);
        return;
    }
    int index = py2wasm_instruction_at(code, line, col, end_line, end_col, -1, 0);
    if (index >= 0)
        frame->prev_instr = _PyCode_CODE(code) + index;
    else
        f->f_lineno = line; /* read by PyTraceBack_Here (PyFrame_GetLineNumber) */
    PyErr_Restore(type, value, tb);
    PyTraceBack_Here(f);
    f->f_lineno = 0; /* nonzero only while tracing */
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

/* The same, where CPython's RERAISE restores the frame's instruction to
 * the one that raised (oparg 1: a `with`'s exit, a handler's cleanup):
 * FRAME goes back to what its traceback entry recorded (tb_lasti, in
 * bytes), since native code may have moved it to a later line meanwhile. */
void py2wasm_exc_restore_lasti(PyObject *exc, _PyInterpreterFrame *frame) {
    PyObject *tb = PyException_GetTraceback(exc);
    if (tb != NULL && PyTraceBack_Check(tb)) {
        PyTracebackObject *t = (PyTracebackObject *)tb;
        if (t->tb_frame != NULL && t->tb_frame->f_frame == frame && t->tb_lasti >= 0)
            frame->prev_instr = _PyCode_CODE(frame->f_code) + t->tb_lasti / (int)sizeof(_Py_CODEUNIT);
    }
    Py_XDECREF(tb);
    py2wasm_exc_restore(exc);
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

/* CHECK_EG_MATCH, for `except* TYPE:` with EXC the part of the exception
 * group no earlier clause took (None when nothing is left): the pair
 * (match, rest). A match (an exception group; a lone exception is wrapped
 * in one) becomes the handled exception; without one, match is None and
 * rest is EXC. As ceval.c's check_except_star_type_valid and
 * exception_group_match. */
PyObject *py2wasm_except_star_match(PyObject *exc, PyObject *type) {
    /* The check of `except TYPE:` (None matches no type). */
    if (py2wasm_exc_matches(Py_None, type) < 0)
        return NULL;
    /* except* ExceptionGroup makes no sense: groups are split, not caught. */
    int is_group = 0;
    if (PyTuple_Check(type)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type) && !is_group; i++)
            if ((is_group = PyObject_IsSubclass(PyTuple_GET_ITEM(type, i), PyExc_BaseExceptionGroup)) < 0)
                return NULL;
    } else if ((is_group = PyObject_IsSubclass(type, PyExc_BaseExceptionGroup)) < 0) {
        return NULL;
    }
    if (is_group) {
        PyErr_SetString(PyExc_TypeError, "catching ExceptionGroup with except* is not allowed. Use except instead.");
        return NULL;
    }
    if (Py_IsNone(exc))
        return PyTuple_Pack(2, Py_None, Py_None);
    if (PyErr_GivenExceptionMatches(exc, type)) {
        PyObject *match;
        if (_PyBaseExceptionGroup_Check(exc)) {
            match = Py_NewRef(exc);
        } else {
            PyObject *one = PyTuple_Pack(1, exc);
            match = one == NULL ? NULL : _PyExc_CreateExceptionGroup("", one);
            Py_XDECREF(one);
            if (match == NULL)
                return NULL;
        }
        PyObject *pair = PyTuple_Pack(2, match, Py_None);
        if (pair != NULL)
            PyErr_SetExcInfo(NULL, Py_NewRef(match), NULL);
        Py_DECREF(match);
        return pair;
    }
    if (!_PyBaseExceptionGroup_Check(exc))
        return PyTuple_Pack(2, Py_None, exc);
    /* A group: split() says which part matches. */
    PyObject *pair = PyObject_CallMethod(exc, "split", "(O)", type);
    if (pair == NULL)
        return NULL;
    if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
        Py_DECREF(pair);
        PyErr_SetString(PyExc_TypeError, "split() of an exception group did not return a pair");
        return NULL;
    }
    PyObject *match = PyTuple_GET_ITEM(pair, 0);
    if (Py_IsNone(match)) {
        /* Nothing matched: the rest is the group itself. */
        Py_DECREF(pair);
        return PyTuple_Pack(2, Py_None, exc);
    }
    PyErr_SetExcInfo(NULL, Py_NewRef(match), NULL);
    return pair;
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

/* MGR's __enter__ and __exit__ (IS_ASYNC: __aenter__ and __aexit__), both
 * bound, as BEFORE_WITH and BEFORE_ASYNC_WITH look them up: 0, or -1 with
 * CPython's message for a manager that lacks either. */
static int manager_methods(PyObject *mgr, int is_async, PyObject **enter, PyObject **exit) {
    const char *protocol = is_async ? "asynchronous context manager" : "context manager";
    *enter = _PyObject_LookupSpecial(mgr, is_async ? &_Py_ID(__aenter__) : &_Py_ID(__enter__));
    if (*enter == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the %s protocol", Py_TYPE(mgr)->tp_name,
                         protocol);
        return -1;
    }
    *exit = _PyObject_LookupSpecial(mgr, is_async ? &_Py_ID(__aexit__) : &_Py_ID(__exit__));
    if (*exit == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the %s protocol (missed %s method)",
                         Py_TYPE(mgr)->tp_name, protocol, is_async ? "__aexit__" : "__exit__");
        Py_CLEAR(*enter);
        return -1;
    }
    return 0;
}

/* BEFORE_WITH (IS_ASYNC: BEFORE_ASYNC_WITH, then GET_AWAITABLE 1): a new
 * tuple (__exit__ bound to MGR, what MGR.__enter__() returned), or
 * (__aexit__, the awaitable iterator of what __aenter__() returned). */
static PyObject *enter_manager(PyObject *mgr, int is_async) {
    PyObject *enter, *exit;
    if (manager_methods(mgr, is_async, &enter, &exit) < 0)
        return NULL;
    PyObject *value = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    if (value != NULL && is_async)
        Py_SETREF(value, py2wasm_awaitable(value, 1));
    PyObject *pair = value == NULL ? NULL : PyTuple_Pack(2, exit, value);
    Py_DECREF(exit);
    Py_XDECREF(value);
    return pair;
}

PyObject *py2wasm_with_enter(PyObject *mgr) { return enter_manager(mgr, 0); }

PyObject *py2wasm_async_with_enter(PyObject *mgr) { return enter_manager(mgr, 1); }

/* WITH_EXCEPT_START: what EXIT(type, EXC, traceback) returns (a new
 * reference, or NULL). */
static PyObject *call_exit(PyObject *exit, PyObject *exc) {
    PyObject *tb = PyException_GetTraceback(exc);
    PyObject *args[3] = {(PyObject *)Py_TYPE(exc), exc, tb != NULL ? tb : Py_None};
    PyObject *r = PyObject_Vectorcall(exit, args, 3, NULL);
    Py_XDECREF(tb);
    return r;
}

/* `async with`: the awaitable iterator (GET_AWAITABLE 2) of what __aexit__
 * returned for EXC. */
PyObject *py2wasm_async_with_exit(PyObject *exit, PyObject *exc) {
    PyObject *r = call_exit(exit, exc);
    if (r == NULL)
        return NULL;
    PyObject *it = py2wasm_awaitable(r, 2);
    Py_DECREF(r);
    return it;
}

/* `with`: 1 if __exit__ suppresses EXC (a true result), 0 if not, -1 on
 * error. */
int py2wasm_with_exit(PyObject *exit, PyObject *exc) {
    PyObject *r = call_exit(exit, exc);
    if (r == NULL)
        return -1;
    int t = PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}
