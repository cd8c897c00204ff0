/* Compiled generators and coroutines: resumption through gen_send_ex2's
 * hook, the genstate holding their variables while suspended, `yield from`
 * and `await`. */
#include "native_internal.h"

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
    /* Per slot: the index in the frame's localsplus of the variable it
     * holds, -1 for those the code object does not have (compiler-made). */
    const int16_t *where;
    PyObject *slots[1];
} genstate;
_Static_assert(offsetof(genstate, state) == 12, "src/codegen GENSTATE_STATE");
_Static_assert(offsetof(genstate, slots) == 20, "src/codegen GENSTATE_SLOTS");

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

PyTypeObject py2wasm_genstate_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "py2wasm.genstate",
    .tp_basicsize = offsetof(genstate, slots),
    .tp_itemsize = sizeof(PyObject *),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = genstate_traverse,
    .tp_clear = genstate_clear,
    .tp_dealloc = genstate_dealloc,
};

/* Whether generated code has run FRAME's generator (and suspended it):
 * its genstate at the bottom of the value stack, the sent value above. */
static int has_genstate(_PyInterpreterFrame *frame) {
    return frame->stacktop - frame->f_code->co_nlocalsplus >= 2 &&
           Py_IS_TYPE(_PyFrame_Stackbase(frame)[0], &py2wasm_genstate_type);
}

/* Where the NLOCALS variables named in NAMES (a tuple; None for those the
 * compiler made) are in CODE's localsplus: made once per function and kept
 * in its word *CACHED of the image. Free variables are not in the genstate
 * (the frame has their cells), so they map to -1 too. */
static const int16_t *variable_slots(PyCodeObject *code, PyObject *names, int nlocals, int32_t *cached) {
    if (*cached != 0)
        return (const int16_t *)(intptr_t)*cached;
    if (names == NULL || !PyTuple_Check(names) || PyTuple_GET_SIZE(names) != nlocals) {
        PyErr_SetString(PyExc_SystemError, "py2wasm: a generator without its variables' names");
        return NULL;
    }
    int16_t *where = PyMem_RawMalloc(sizeof(int16_t) * (nlocals ? nlocals : 1));
    if (where == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    PyObject *code_names = code->co_localsplusnames;
    for (int i = 0; i < nlocals; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        where[i] = -1;
        if (!PyUnicode_Check(name))
            continue;
        for (int j = 0; j < code->co_nlocalsplus; j++) {
            PyObject *candidate = PyTuple_GET_ITEM(code_names, j);
            if ((candidate == name || _PyUnicode_Equal(candidate, name)) &&
                !(_PyLocals_GetKind(code->co_localspluskinds, j) & CO_FAST_FREE)) {
                where[i] = (int16_t)j;
                break;
            }
        }
    }
    *cached = (int32_t)(intptr_t)where;
    return where;
}

/* The first thing a compiled generator's code does on each resumption:
 * returns its genstate (borrowed: the frame owns it). The first time, it
 * makes one with NLOCALS slots, moves the NPARAMS arguments the
 * interpreter bound into it (a cell parameter's value out of its cell) and
 * drops the value send() pushed (None). Later, it takes the variables back
 * from the frame (py2wasm_gen_suspend put them there) and the sent value
 * stays on the stack for py2wasm_gen_sent. NAMES and CACHED: see
 * variable_slots. */
PyObject *py2wasm_gen_enter(_PyInterpreterFrame *frame, int nlocals, int nparams, PyObject *names, int32_t *cached) {
    PyObject **base = _PyFrame_Stackbase(frame);
    if (has_genstate(frame)) {
        /* Running again: past the YIELD_VALUE it stopped at, on the RESUME
         * after it, as the interpreter is once resumed. Otherwise _PyGen_yf
         * (gi_yieldfrom, cr_await) would still see a `yield from` in
         * progress and peek at the stack while the generator runs. */
        if (_Py_OPCODE(*frame->prev_instr) == YIELD_VALUE)
            frame->prev_instr++;
        genstate *g = (genstate *)base[0];
        for (Py_ssize_t i = 0; i < Py_SIZE(g); i++) {
            int j = g->where[i];
            if (j >= 0) {
                Py_XSETREF(g->slots[i], frame->localsplus[j]);
                frame->localsplus[j] = NULL;
            }
        }
        return base[0];
    }
    const int16_t *where = variable_slots(frame->f_code, names, nlocals, cached);
    if (where == NULL)
        return NULL;
    genstate *g = PyObject_GC_NewVar(genstate, &py2wasm_genstate_type, nlocals);
    if (g == NULL)
        return NULL;
    g->state = 0;
    g->where = where;
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
        py2wasm_traceback(frame, co->co_firstlineno, -1, -1, -1);
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
        int index = py2wasm_instruction_at(code, line, col, end_line, end_col, YIELD_VALUE, 0);
        *cached = index >= 0 ? index + 1 : -1;
    }
    /* Unknown: the frame stays where it was (the start). */
    if (*cached > 0)
        frame->prev_instr = _PyCode_CODE(code) + (*cached - 1);
    /* The variables go where the interpreter keeps them, so the suspended
     * frame's f_locals (inspect.getgeneratorlocals) shows them; moved, not
     * copied: py2wasm_gen_enter takes them back. */
    genstate *g = (genstate *)_PyFrame_Stackbase(frame)[0];
    for (Py_ssize_t i = 0; i < Py_SIZE(g); i++) {
        int j = g->where[i];
        if (j >= 0) {
            Py_XSETREF(frame->localsplus[j], g->slots[i]);
            g->slots[i] = NULL;
        }
    }
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

/* GET_AWAITABLE with OPARG (0: `await`; 1, 2: the results of __aenter__
 * and __aexit__ in `async with`, as ceval.c's format_awaitable_error
 * words it): the iterator to delegate to. */
PyObject *py2wasm_awaitable(PyObject *o, int oparg) {
    PyObject *it = _PyCoro_GetAwaitableIter(o);
    if (it == NULL && (Py_TYPE(o)->tp_as_async == NULL || Py_TYPE(o)->tp_as_async->am_await == NULL)) {
        if (oparg == 1)
            PyErr_Format(PyExc_TypeError,
                         "'async with' received an object from __aenter__ that does not implement __await__: %.100s",
                         Py_TYPE(o)->tp_name);
        else if (oparg == 2)
            PyErr_Format(PyExc_TypeError,
                         "'async with' received an object from __aexit__ that does not implement __await__: %.100s",
                         Py_TYPE(o)->tp_name);
    }
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

/* GET_AITER: the asynchronous iterator of `async for`. */
PyObject *py2wasm_get_aiter(PyObject *o) {
    PyTypeObject *type = Py_TYPE(o);
    unaryfunc getter = type->tp_as_async != NULL ? type->tp_as_async->am_aiter : NULL;
    if (getter == NULL) {
        PyErr_Format(PyExc_TypeError, "'async for' requires an object with __aiter__ method, got %.100s",
                     type->tp_name);
        return NULL;
    }
    PyObject *it = getter(o);
    if (it == NULL)
        return NULL;
    if (Py_TYPE(it)->tp_as_async == NULL || Py_TYPE(it)->tp_as_async->am_anext == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "'async for' received an object from __aiter__ that does not implement __anext__: %.100s",
                     Py_TYPE(it)->tp_name);
        Py_DECREF(it);
        return NULL;
    }
    return it;
}

/* GET_ANEXT: the awaitable iterator of the next step of AITER. */
PyObject *py2wasm_get_anext(PyObject *aiter) {
    PyTypeObject *type = Py_TYPE(aiter);
    if (PyAsyncGen_CheckExact(aiter))
        return type->tp_as_async->am_anext(aiter);
    unaryfunc getter = type->tp_as_async != NULL ? type->tp_as_async->am_anext : NULL;
    if (getter == NULL) {
        PyErr_Format(PyExc_TypeError, "'async for' requires an iterator with __anext__ method, got %.100s",
                     type->tp_name);
        return NULL;
    }
    PyObject *next = getter(aiter);
    if (next == NULL)
        return NULL;
    PyObject *awaitable = _PyCoro_GetAwaitableIter(next);
    if (awaitable == NULL)
        _PyErr_FormatFromCause(PyExc_TypeError, "'async for' received an invalid object from __anext__: %.100s",
                               Py_TYPE(next)->tp_name);
    Py_DECREF(next);
    return awaitable;
}

/* END_ASYNC_FOR, in the handler around an `async for` step: 0 when the
 * exception being raised is StopAsyncIteration (the loop is over; it is
 * cleared), -1 (it stays raised) otherwise. */
int py2wasm_end_async_for(void) {
    if (!PyErr_ExceptionMatches(PyExc_StopAsyncIteration))
        return -1;
    PyErr_Clear();
    return 0;
}

/* ASYNC_GEN_WRAP: what an async generator's `yield` hands out, marked as
 * a value (not a step of an await inside it). */
PyObject *py2wasm_async_gen_wrap(PyObject *v) { return _PyAsyncGenValueWrapperNew(v); }

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
        extra != NULL && extra->ce_size > py2wasm_extra_index ? extra->ce_extras[py2wasm_extra_index] : NULL;
    if (e == NULL || e->entry == PY2WASM_NO_ENTRY)
        return _PyEval_EvalFrame(tstate, frame, exc);
    /* A generator the interpreter started (a trace or profile function
     * was set when it first ran: see frame.c) stays on the interpreter, as
     * does one first run while tracing; one started natively goes on
     * natively (its state is in its genstate). */
    int native = has_genstate(frame);
    int fresh = frame->prev_instr < _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable;
    if (!native && (!fresh || tstate->cframe->use_tracing))
        return _PyEval_EvalFrame(tstate, frame, exc);
    if (_Py_EnterRecursiveCallTstate(tstate, "")) {
        Py_DECREF(_PyFrame_StackPop(frame));
        return NULL;
    }
    /* The generator's frame is the current one while it runs (as
     * _PyEval_EvalFrameDefault makes it): gen_send_ex2 has linked it to
     * the caller's (frame->previous) and unlinks it after. */
    _PyCFrame *cframe = tstate->cframe;
    cframe->current_frame = frame;
    /* A trace or profile function set since the generator started sees
     * each resumption as the interpreter reports it: 'call' (not when
     * resumed by throw(), which the interpreter enters at the exception)
     * and 'return' when it suspends or ends. Native code has no per-line
     * loop: 'line' and 'exception' events come only from code the
     * interpreter runs (frame.c hands calls made while tracing to it). */
    PyObject *r;
    if (native && cframe->use_tracing && !exc && py2wasm_trace_event(tstate, frame, PyTrace_CALL, Py_None, TRACE_AND_PROFILE) < 0) {
        Py_DECREF(_PyFrame_StackPop(frame)); /* the value send() pushed */
        r = NULL;
    } else {
        r = ((gen_entry)(uintptr_t)e->entry)((PyObject *)frame->f_func, frame);
        if (native && cframe->use_tracing && py2wasm_trace_event(tstate, frame, PyTrace_RETURN, r, TRACE_AND_PROFILE) < 0)
            Py_CLEAR(r);
    }
    cframe->current_frame = frame->previous;
    _Py_LeaveRecursiveCallTstate(tstate);
    return r;
}
