/* Frames of compiled code. Each call of a compiled function (or class body)
 * pushes the frame CPython would have made for it: a _PyInterpreterFrame
 * in the thread's data stack, linked as the thread's current frame, with
 * its function, code, globals and builtins. So sys._getframe(),
 * inspect.currentframe()/stack(), traceback.extract_stack(), logging's
 * caller, warnings' stacklevel and the interpreter's own LOAD_GLOBAL-free
 * readers (globals() of a callee, the module a class statement is in) see
 * compiled functions as frames, and an exception's traceback entries are
 * this frame's (tb_frame.f_back walks the real stack).
 *
 * What such a frame does not have: its local variables. They live in wasm
 * locals, so localsplus stays NULL (stacktop 0: nothing for CPython to
 * release) and f_locals seen from outside is empty. prev_instr starts at
 * the code's first traceable instruction (so the frame is "complete" for
 * _PyFrame_IsIncomplete) and generated code moves it to the instruction of
 * each call before making it (and the traceback code to the failing one),
 * so f_lineno is the line being run. A compiled generator's frame is the
 * generator's own (gen_send_ex2 links it; generator.c makes it current).
 */
#include "native_internal.h"

/* While a trace or profile function is set (sys.settrace, sys.setprofile:
 * debuggers, coverage, profilers), calls of compiled code run on the
 * interpreter, which reports their events (line numbers included): the
 * code object is CPython's own. py2wasm_frame_push answers this instead of
 * a frame, and the entry hands its call to py2wasm_traced_call. */

/* The trace and profile functions' WHAT event for FRAME with ARG, as
 * ceval.c's call_trace_protected reports it: with the frame object made for
 * it, tracing suspended meanwhile, and the exception being raised (if any)
 * kept aside. WHICH says whose: the trace function's (TRACE_FUNC), the
 * profile function's (PROFILE_FUNC) or both. -1 when a function failed (its
 * exception is set, the one kept aside dropped). */
int py2wasm_trace_event(PyThreadState *tstate, _PyInterpreterFrame *frame, int what, PyObject *arg, int which) {
    for (int profile = 0; profile < 2; profile++) {
        Py_tracefunc func = profile ? tstate->c_profilefunc : tstate->c_tracefunc;
        PyObject *obj = profile ? tstate->c_profileobj : tstate->c_traceobj;
        if (func == NULL || tstate->tracing || !(which & (profile ? PROFILE_FUNC : TRACE_FUNC)) || frame == NULL)
            continue;
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyFrameObject *f = _PyFrame_GetFrameObject(frame);
        int err = -1;
        if (f != NULL) {
            int old_what = tstate->tracing_what;
            tstate->tracing_what = what;
            PyThreadState_EnterTracing(tstate);
            err = func(obj, f, what, arg);
            PyThreadState_LeaveTracing(tstate);
            tstate->tracing_what = old_what;
        }
        if (err != 0) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            return -1;
        }
        PyErr_Restore(type, value, tb);
    }
    return 0;
}

/* A call of a built-in function or method descriptor CALLABLE from
 * compiled code while a profile function is set, reported as the
 * interpreter's CALL reports it (trace_call_function and C_TRACE in
 * ceval.c): 'c_call' before, 'c_return' or 'c_exception' after, with the
 * built-in as the argument (a method descriptor bound to its object
 * first, which is then not an argument). Calls of compiled functions made
 * while profiling run on the interpreter, which reports them; this is for
 * a compiled function that was already running when the profiler started
 * (cProfile's enable() called from it). */
PyObject *py2wasm_profiled_c_call(PyThreadState *tstate, PyObject *callable, PyObject *const *args, size_t nargsf,
                                  PyObject *kwnames) {
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *func;
    if (Py_IS_TYPE(callable, &PyMethodDescr_Type)) {
        func = Py_TYPE(callable)->tp_descr_get(callable, args[0], (PyObject *)Py_TYPE(args[0]));
        if (func == NULL)
            return NULL;
        args++;
        nargs--;
    } else {
        func = Py_NewRef(callable);
    }
    _PyInterpreterFrame *frame = tstate->cframe->current_frame;
    PyObject *r = NULL;
    if (py2wasm_trace_event(tstate, frame, PyTrace_C_CALL, func, PROFILE_FUNC) == 0) {
        r = PyObject_Vectorcall(func, args, nargs, kwnames);
        /* (the call may have stopped the profiler) */
        if (r == NULL)
            (void)py2wasm_trace_event(tstate, frame, PyTrace_C_EXCEPTION, func, PROFILE_FUNC);
        else if (py2wasm_trace_event(tstate, frame, PyTrace_C_RETURN, func, PROFILE_FUNC) < 0)
            Py_CLEAR(r);
    }
    Py_DECREF(func);
    return r;
}

/* Sets the N slots at P to NULL. Unrolled up to 16: this build's memset
 * (wasi-libc's, no bulk-memory instructions) cost as much as the rest of a
 * frame's push and pop together (measured as wasmtime fuel over
 * bench/pystone_like.py: the frame's share of a loop halved). */
static inline void clear_slots(PyObject **p, int n) {
    switch (n) {
#define SLOT(k) case k: p[k - 1] = NULL; __attribute__((fallthrough));
    SLOT(16) SLOT(15) SLOT(14) SLOT(13) SLOT(12) SLOT(11) SLOT(10) SLOT(9)
    SLOT(8) SLOT(7) SLOT(6) SLOT(5) SLOT(4) SLOT(3) SLOT(2) SLOT(1)
#undef SLOT
    case 0:
        break;
    default:
        memset(p, 0, n * sizeof(PyObject *));
    }
}

/* Pushes the frame of a call of compiled function F; LOCALS is a class
 * body's namespace (its f_locals), NULL for a function. Returns the frame,
 * or NULL with MemoryError set.
 *
 * CPython's frames own their function and code (_PyFrame_InitializeSpecials
 * increfs them). Ours borrow both while the call runs, which costs nothing:
 * the caller holds the function until the call returns (the invariant of
 * entries, ARCHITECTURE.md), and attach keeps every compiled code object
 * alive for the program's life (a function's __code__ may be replaced while
 * it runs). Only a frame that outlives its call (py2wasm_frame_pop) takes
 * references, for the frame object that keeps it. LOCALS is owned. */
_PyInterpreterFrame *py2wasm_frame_push(PyObject *f, PyObject *locals) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyCodeObject *co = (PyCodeObject *)func->func_code;
    PyThreadState *tstate = _PyThreadState_GET();
    if (tstate->cframe->use_tracing)
        return PY2WASM_FRAME_TRACED;
    _PyInterpreterFrame *frame = _PyThreadState_BumpFramePointer(tstate, FRAME_SPECIALS_SIZE + co->co_nlocalsplus);
    if (frame == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    frame->f_func = func;
    frame->f_code = co;
    frame->f_globals = func->func_globals;
    frame->f_builtins = func->func_builtins;
    frame->f_locals = Py_XNewRef(locals);
    frame->frame_obj = NULL;
    /* f_locals and a frame object's copy read every slot (as unbound). */
    clear_slots(frame->localsplus, co->co_nlocalsplus);
    frame->stacktop = 0;
    frame->is_entry = false;
    frame->owner = FRAME_OWNED_BY_THREAD;
    frame->prev_instr = _PyCode_CODE(co) + co->_co_firsttraceable;
    _PyCFrame *cframe = tstate->cframe;
    frame->previous = cframe->current_frame;
    cframe->current_frame = frame;
    return frame;
}

/* A compiled function's call, with the slots its entry got (the
 * parameters, bound: CPython's localsplus order), run by the interpreter. */
PyObject *py2wasm_traced_call(PyObject *f, PyObject **slots) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyCodeObject *co = (PyCodeObject *)func->func_code;
    PyThreadState *tstate = _PyThreadState_GET();
    PyObject *r;
    /* The entry (or a class body's caller) counted this call against the
     * recursion limit, and the interpreter counts its frame again. */
    tstate->recursion_remaining++;
    if (!(co->co_flags & CO_OPTIMIZED)) {
        /* a class body: its one slot is the namespace */
        r = _PyEval_Vector(tstate, func, slots[0], NULL, 0, NULL);
    } else {
        int nparams = co->co_argcount + co->co_kwonlyargcount + ((co->co_flags & CO_VARARGS) != 0) +
                      ((co->co_flags & CO_VARKEYWORDS) != 0);
        _PyInterpreterFrame *frame = _PyThreadState_BumpFramePointer(tstate, FRAME_SPECIALS_SIZE + co->co_nlocalsplus + co->co_stacksize);
        if (frame == NULL) {
            tstate->recursion_remaining--;
            return PyErr_NoMemory();
        }
        /* What _PyEval_Vector does, from bound arguments: the frame owns
         * the function and its arguments. */
        _PyFrame_InitializeSpecials(frame, (PyFunctionObject *)Py_NewRef(func), NULL, co->co_nlocalsplus);
        for (int i = 0; i < co->co_nlocalsplus; i++)
            frame->localsplus[i] = i < nparams ? Py_XNewRef(slots[i]) : NULL;
        r = _PyEval_EvalFrame(tstate, frame, 0);
        /* _PyEvalFrameClearAndPop (private to ceval.c) */
        tstate->recursion_remaining--;
        _PyFrame_Clear(frame);
        tstate->recursion_remaining++;
        _PyThreadState_PopFrame(tstate, frame);
    }
    tstate->recursion_remaining--;
    return r;
}

/* Pops FRAME (the current frame) when its call returns, as the interpreter
 * does (_PyEvalFrameClearAndPop): unlinked first, then cleared, so a frame
 * object that outlives the call (a traceback's, sys._getframe()'s) takes a
 * copy of it and its f_back (take_ownership in Python/frame.c). */
void py2wasm_frame_pop(_PyInterpreterFrame *frame) {
    PyThreadState *tstate = _PyThreadState_GET();
    assert(tstate->cframe->current_frame == frame);
    tstate->cframe->current_frame = frame->previous;
    if (frame->frame_obj != NULL || frame->f_locals != NULL || frame->stacktop != 0) {
        PyFrameObject *f = frame->frame_obj;
        if (f != NULL && Py_REFCNT(f) > 1) {
            /* The frame object keeps a copy of the specials only (stacktop
             * 0); its own local slots were never written (frame objects
             * are not zeroed) and f_locals reads them all. */
            _PyInterpreterFrame *copy = (_PyInterpreterFrame *)f->_f_frame_data;
            clear_slots(copy->localsplus, frame->f_code->co_nlocalsplus);
        }
        /* _PyFrame_Clear releases the function and code (or hands them to
         * the frame object): the references a CPython frame holds. */
        Py_INCREF(frame->f_func);
        Py_INCREF(frame->f_code);
        _PyFrame_Clear(frame);
    }
    /* _PyThreadState_PopFrame, whose common case is one store */
    PyObject **base = (PyObject **)frame;
    if (base != &tstate->datastack_chunk->data[0])
        tstate->datastack_top = base;
    else
        _PyThreadState_PopFrame(tstate, frame);
}

/* ------------------------------------------------------------ variables
 *
 * A call of locals(), vars(), dir(), eval() or exec() that reads the
 * caller's variables (ir::Op::SyncLocals): for the call, the frame holds
 * references to the function's variables in its localsplus slots (cells
 * for cell and free variables, as the interpreter keeps them), where
 * _PyFrame_FastToLocalsWithError reads them, so the builtins see what they
 * would see in CPython. As in CPython, what exec() stores there does not
 * come back into the variables. A frame object that outlives its call (a
 * traceback's) gets the variables the same way as the call returns, so
 * its f_locals shows them as CPython's does (a number generated code keeps
 * unboxed in a loop shows as unbound). */

/* Drops the variables a sync gave FRAME (a generator's frame keeps its
 * stack above them, so only the slots go). */
void py2wasm_clear_locals(_PyInterpreterFrame *frame) {
    PyCodeObject *co = frame->f_code;
    for (int i = 0; i < co->co_nlocalsplus; i++)
        Py_CLEAR(frame->localsplus[i]);
    if (frame->owner == FRAME_OWNED_BY_THREAD)
        frame->stacktop = 0;
}

/* FRAME's variable NAME gets VALUE (borrowed; NULL: unbound); a name the
 * code object does not have (a variable only the compiler made) is left
 * out. */
void py2wasm_sync_local(_PyInterpreterFrame *frame, PyObject *name, PyObject *value) {
    PyCodeObject *co = frame->f_code;
    PyObject *names = co->co_localsplusnames;
    for (int j = 0; j < co->co_nlocalsplus; j++) {
        PyObject *candidate = PyTuple_GET_ITEM(names, j);
        if (candidate == name || _PyUnicode_Equal(candidate, name)) {
            Py_XSETREF(frame->localsplus[j], Py_XNewRef(value));
            return;
        }
    }
}

/* After the variables: the frame shows them (stacktop), with its free
 * variables always in place (COPY_FREE_VARS puts them there before
 * anything runs: the readers take each such slot as a cell). */
void py2wasm_sync_finish(_PyInterpreterFrame *frame) {
    PyCodeObject *co = frame->f_code;
    PyObject *closure = frame->f_func->func_closure;
    int first_free = co->co_nlocalsplus - co->co_nfreevars;
    for (int i = 0; i < co->co_nfreevars; i++)
        if (frame->localsplus[first_free + i] == NULL && closure != NULL && i < PyTuple_GET_SIZE(closure))
            frame->localsplus[first_free + i] = Py_NewRef(PyTuple_GET_ITEM(closure, i));
    if (frame->owner == FRAME_OWNED_BY_THREAD)
        frame->stacktop = co->co_nlocalsplus;
}

/* Layouts generated code writes (src/codegen: FRAME_CODE, FRAME_PREV_INSTR). */
_Static_assert(offsetof(_PyInterpreterFrame, f_code) == 16, "codegen: f_code");
_Static_assert(offsetof(_PyInterpreterFrame, prev_instr) == 28, "codegen: prev_instr");
_Static_assert(offsetof(_PyInterpreterFrame, frame_obj) == 20, "codegen: frame_obj");

/* ------------------------------------------------------------ positions
 *
 * A code object's co_linetable gives each run of code units its source
 * positions (CPython's Objects/locations.md): a first byte with bit 7 set,
 * the entry's kind in bits 3-6 and its length in code units minus one in
 * bits 0-2, then the kind's data. Lines are deltas from the entry before
 * (the first from co_firstlineno); columns are 0-based, -1 when unknown.
 * Read once per code object here rather than through PyCode_Addr2Location,
 * which starts over from the beginning for each instruction. */
typedef struct {
    const uint8_t *p, *end;
    int line;
} positions;

static unsigned int read_varint(positions *r) {
    /* 6 bits a byte, least significant first; bit 6: more follow */
    unsigned int b = *r->p++, v = b & 63, shift = 0;
    while (b & 64) {
        b = *r->p++;
        shift += 6;
        v |= (b & 63) << shift;
    }
    return v;
}

static int read_svarint(positions *r) {
    unsigned int v = read_varint(r); /* the sign in bit 0 */
    return (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
}

/* Reads the next entry: returns how many code units it covers (0 at the
 * end of the table) and sets their positions (line -1: none). */
static int positions_next(positions *r, int *line, int *col, int *end_line, int *end_col) {
    if (r->p >= r->end)
        return 0;
    int first = *r->p++;
    int kind = (first >> 3) & 15, units = (first & 7) + 1;
    switch (kind) {
    case 15: /* no position */
        *line = *end_line = *col = *end_col = -1;
        break;
    case 14: /* long form */
        r->line += read_svarint(r);
        *line = r->line;
        *end_line = r->line + (int)read_varint(r);
        *col = (int)read_varint(r) - 1;
        *end_col = (int)read_varint(r) - 1;
        break;
    case 13: /* a line without columns */
        r->line += read_svarint(r);
        *line = *end_line = r->line;
        *col = *end_col = -1;
        break;
    case 10:
    case 11:
    case 12: /* one line, 0 to 2 below the last, both columns a byte */
        r->line += kind - 10;
        *line = *end_line = r->line;
        *col = *r->p++;
        *end_col = *r->p++;
        break;
    default: { /* short form: the same line, columns below 80 */
        int second = *r->p++;
        *line = *end_line = r->line;
        *col = kind << 3 | (second >> 4);
        *end_col = *col + (second & 15);
    }
    }
    return units;
}

static void positions_start(positions *r, PyCodeObject *code) {
    r->p = (const uint8_t *)PyBytes_AS_STRING(code->co_linetable);
    r->end = r->p + PyBytes_GET_SIZE(code->co_linetable);
    r->line = code->co_firstlineno;
}

/* The first instruction (code unit index) of CODE at exactly these source
 * positions, of opcode OPCODE unless it is -1 (the code as compiled: not
 * quickened yet, or a YIELD_VALUE, which has no quickened forms); with
 * LINE_ONLY, else the first on LINE; -1 if none. Only from the first
 * traceable instruction on: a frame placed in the prologue (MAKE_CELL,
 * RETURN_GENERATOR, on the def's line) would be incomplete. */
int py2wasm_instruction_at(PyCodeObject *code, int line, int col, int end_line, int end_col, int opcode,
                           int line_only) {
    positions r;
    positions_start(&r, code);
    int at = 0, units, l, c, el, ec, on_line = -1, first = code->_co_firsttraceable;
    while ((units = positions_next(&r, &l, &c, &el, &ec)) > 0) {
        /* (the prologue before RESUME, which has the def's position, is
         * never a frame's place once it runs: _PyFrame_IsIncomplete) */
        int from = at < first ? first : at;
        if (l == line && c == col && el == end_line && ec == end_col) {
            for (int i = from; i < at + units; i++)
                if (opcode < 0 || _Py_OPCODE(_PyCode_CODE(code)[i]) == opcode)
                    return i;
        }
        if (l == line && on_line < 0 && from < at + units)
            on_line = from;
        at += units;
    }
    return line_only ? on_line : -1;
}

/* One pass over CODE's position table for all its sites (a module's
 * functions have a site per line or more, and attach resolves them all at
 * start-up): the first instruction of each distinct position and of each
 * line, in open-addressed tables of twice the table's length. */
typedef struct {
    int line, col, end_line, end_col, index; /* index -1: empty */
} position_slot;

static uint32_t position_hash(int line, int col, int end_line, int end_col) {
    uint32_t h = (uint32_t)line * 0x9e3779b1u;
    h ^= (uint32_t)col * 0x85ebca6bu + (h << 6) + (h >> 2);
    h ^= (uint32_t)end_line * 0xc2b2ae35u + (h << 6) + (h >> 2);
    h ^= (uint32_t)end_col * 0x27d4eb2fu + (h << 6) + (h >> 2);
    return h;
}

/* The slot of the position (of the line, with LINE_ONLY) in TABLE (size
 * MASK + 1): its own or the empty one where it would go. */
static position_slot *position_find(position_slot *table, uint32_t mask, int line, int col, int end_line,
                                    int end_col, int line_only) {
    uint32_t h = line_only ? (uint32_t)line * 0x9e3779b1u : position_hash(line, col, end_line, end_col);
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        position_slot *p = &table[i];
        if (p->index < 0 || (p->line == line && (line_only || (p->col == col && p->end_line == end_line &&
                                                               p->end_col == end_col))))
            return p;
    }
}

/* Fills the words of CODE's sites (struct py2wasm_site, at image offsets
 * from BASE) with the byte offset of each site's instruction from the code
 * object (generated code adds f_code): the instruction at the site's
 * positions, or the first of its line, or the first traceable one (line
 * -1); line -2 is the word before the first instruction, where CPython's
 * frame is while MAKE_CELL runs (_PyFrame_IsIncomplete). Always within
 * CODE or just before it, as CPython's prev_instr is. The positions are
 * read once for all of them (the tables above). */
void py2wasm_resolve_sites(PyCodeObject *code, const struct py2wasm_site *sites, uint32_t count, uint8_t *base) {
    if (count == 0)
        return;
    uint32_t size = 16;
    while (size < 2 * (uint32_t)Py_SIZE(code) + 2)
        size *= 2;
    position_slot *exact = PyMem_RawMalloc(2 * size * sizeof(position_slot));
    position_slot *lines = exact + size;
    if (exact != NULL) {
        for (uint32_t i = 0; i < 2 * size; i++)
            exact[i].index = -1;
        positions r;
        positions_start(&r, code);
        int at = 0, units, l, c, el, ec;
        while ((units = positions_next(&r, &l, &c, &el, &ec)) > 0) {
            /* (as py2wasm_instruction_at: not the prologue before RESUME) */
            int from = at < code->_co_firsttraceable ? code->_co_firsttraceable : at;
            at += units;
            if (from >= at)
                continue;
            position_slot *p = position_find(exact, size - 1, l, c, el, ec, 0);
            if (p->index < 0)
                *p = (position_slot){l, c, el, ec, from};
            p = position_find(lines, size - 1, l, 0, 0, 0, 1);
            if (p->index < 0)
                *p = (position_slot){l, 0, 0, 0, from};
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        const struct py2wasm_site *s = &sites[i];
        int index = code->_co_firsttraceable;
        if (s->line == -2) {
            index = -1;
        } else if (s->line >= 0 && exact != NULL) {
            position_slot *p = position_find(exact, size - 1, s->line, s->col, s->end_line, s->end_col, 0);
            if (p->index < 0)
                p = position_find(lines, size - 1, s->line, 0, 0, 0, 1);
            if (p->index >= 0)
                index = p->index;
        } else if (s->line >= 0) {
            /* (no memory for the tables: one scan a site) */
            int found = py2wasm_instruction_at(code, s->line, s->col, s->end_line, s->end_col, -1, 1);
            if (found >= 0)
                index = found;
        }
        int32_t offset = (int32_t)((char *)(_PyCode_CODE(code) + index) - (char *)code);
        memcpy(base + s->word_off, &offset, sizeof offset);
    }
    PyMem_RawFree(exact);
}

/* Layouts the inline frame push and pop write (src/codegen/frame.rs; func_code
 * is asserted in call.c). */
_Static_assert(offsetof(PyThreadState, cframe) == 40, "codegen: tstate cframe");
_Static_assert(offsetof(PyThreadState, datastack_chunk) == 172, "codegen: datastack_chunk");
_Static_assert(offsetof(PyThreadState, datastack_top) == 176, "codegen: datastack_top");
_Static_assert(offsetof(PyThreadState, datastack_limit) == 180, "codegen: datastack_limit");
_Static_assert(offsetof(_PyStackChunk, data) == 12, "codegen: chunk data");
_Static_assert(offsetof(_PyCFrame, use_tracing) == 0 && sizeof(((_PyCFrame *)0)->use_tracing) == 1,
               "codegen: use_tracing");
_Static_assert(offsetof(_PyCFrame, current_frame) == 4, "codegen: current_frame");
_Static_assert(offsetof(PyFunctionObject, func_globals) == 8, "codegen: func_globals");
_Static_assert(offsetof(PyFunctionObject, func_builtins) == 12, "codegen: func_builtins");
_Static_assert(offsetof(PyCodeObject, co_nlocalsplus) == 52, "codegen: co_nlocalsplus");
_Static_assert(offsetof(PyCodeObject, _co_firsttraceable) == 108, "codegen: _co_firsttraceable");
_Static_assert(offsetof(PyCodeObject, co_code_adaptive) == 116, "codegen: co_code_adaptive");
_Static_assert(offsetof(_PyInterpreterFrame, f_func) == 0, "codegen: f_func");
_Static_assert(offsetof(_PyInterpreterFrame, f_globals) == 4, "codegen: f_globals");
_Static_assert(offsetof(_PyInterpreterFrame, f_builtins) == 8, "codegen: f_builtins");
_Static_assert(offsetof(_PyInterpreterFrame, f_locals) == 12, "codegen: f_locals");
_Static_assert(offsetof(_PyInterpreterFrame, previous) == 24, "codegen: previous");
_Static_assert(offsetof(_PyInterpreterFrame, stacktop) == 32, "codegen: stacktop");
_Static_assert(offsetof(_PyInterpreterFrame, is_entry) == 36 && offsetof(_PyInterpreterFrame, owner) == 37 &&
                   FRAME_OWNED_BY_THREAD == 0,
               "codegen: is_entry, owner");
_Static_assert(offsetof(_PyInterpreterFrame, localsplus) == 40 && FRAME_SPECIALS_SIZE == 10,
               "codegen: localsplus");
