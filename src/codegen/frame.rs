//! The frame of a call, pushed and popped inline. `py2wasm_frame_push` and
//! `py2wasm_frame_pop` (runtime/frame.c) stay the reference and the slow
//! path; generated code repeats their common case so that a call does not
//! pay two calls into C and their branches: no trace or profile function
//! set, room left in the thread's data stack chunk, and a code object with
//! the number of local slots the compiler counted. Anything else (and a
//! class body, whose frame holds its namespace) calls the runtime.
//!
//! The layouts read and written here are asserted in runtime/frame.c.

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::{mem, mem_byte, Gen};
use crate::codegen::runtime::Rt;

/// offsetof(PyThreadState, cframe), (.., datastack_chunk), (.., datastack_top)
/// and (.., datastack_limit).
const TSTATE_CFRAME: u64 = 40;
const TSTATE_CHUNK: u64 = 172;
const TSTATE_TOP: u64 = 176;
const TSTATE_LIMIT: u64 = 180;
/// offsetof(_PyStackChunk, data).
const CHUNK_DATA: i32 = 12;
/// offsetof(_PyCFrame, use_tracing) and (.., current_frame).
const CFRAME_USE_TRACING: u64 = 0;
const CFRAME_CURRENT: u64 = 4;
/// offsetof(PyFunctionObject, func_globals) and (.., func_builtins).
const FUNC_GLOBALS: u64 = 8;
const FUNC_BUILTINS: u64 = 12;
/// offsetof(PyCodeObject, co_nlocalsplus), (.., _co_firsttraceable) and
/// (.., co_code_adaptive).
const CODE_NLOCALSPLUS: u64 = 52;
const CODE_FIRSTTRACEABLE: u64 = 108;
const CODE_ADAPTIVE: i32 = 116;
/// offsetof(_PyInterpreterFrame, ...): the fields a pushed frame sets.
const FRAME_FUNC: u64 = 0;
const FRAME_GLOBALS: u64 = 4;
const FRAME_BUILTINS: u64 = 8;
const FRAME_LOCALS: u64 = 12;
const FRAME_PREVIOUS: u64 = 24;
const FRAME_STACKTOP: u64 = 32;
/// is_entry (a byte) and owner (a byte, FRAME_OWNED_BY_THREAD = 0), stored
/// as one 16-bit zero.
const FRAME_IS_ENTRY_OWNER: u64 = 36;
/// FRAME_SPECIALS_SIZE: the frame's header in words, and
/// offsetof(_PyInterpreterFrame, localsplus), where the slots start.
const FRAME_SPECIALS_WORDS: i32 = 10;
const FRAME_LOCALSPLUS: u64 = 40;

impl Gen<'_> {
    /// The local slots CPython's code object has for this function
    /// (co_nlocalsplus): its variables, cells and free variables.
    fn nlocalsplus(&self) -> i32 {
        self.f.locals.iter().filter(|l| l.in_code()).count() as i32
    }

    /// Pushes the call's frame into `pyframe_l`, as py2wasm_frame_push does
    /// (what it says of references and of the fields holds here), or
    /// returns from the entry when the runtime says the call cannot run
    /// here: MemoryError (NULL), or a trace or profile function set (1: the
    /// interpreter runs the call). Leaves f_code in `code_l`.
    pub(super) fn push_frame(&mut self) {
        let n = self.nlocalsplus();
        let size = (FRAME_SPECIALS_WORDS + n) * 4;
        // (a function that is not a generator has no use for gen_l and state_l)
        let (tstate, cframe, top) = (self.gen_l, self.state_l, self.scratch_l);
        self.tstate();
        self.ins(I::LocalSet(tstate));
        // Within CPython's recursion limit, counted here for every caller
        // (_Py_EnterRecursiveCallTstate; the runtime checks the limit when
        // the counter was used up, and restores it when it raises).
        self.get(tstate);
        self.get(tstate);
        self.ins(I::I32Load(mem(super::RECURSION_REMAINING)));
        self.konst(1);
        self.ins(I::I32Sub);
        self.ins(I::LocalTee(top));
        self.ins(I::I32Store(mem(super::RECURSION_REMAINING)));
        self.get(top);
        self.konst(0);
        self.ins(I::I32LtS);
        self.ins(I::If(BlockType::Empty));
        self.call(Rt::CheckRecursion);
        self.ins(I::If(BlockType::Empty));
        self.konst(0);
        self.return_object();
        self.ins(I::End);
        self.ins(I::End);
        self.get(tstate);
        self.ins(I::I32Load(mem(TSTATE_CFRAME)));
        self.ins(I::LocalSet(cframe));
        self.get(self.func_l);
        self.ins(I::I32Load(mem(super::FUNC_CODE)));
        self.ins(I::LocalSet(self.code_l));
        self.get(tstate);
        self.ins(I::I32Load(mem(TSTATE_TOP)));
        self.ins(I::LocalSet(top));
        // Not tracing, the code's slots as counted, and room in the chunk
        // (a thread with no chunk yet has top and limit NULL: no room).
        self.get(cframe);
        self.ins(I::I32Load8U(mem_byte(CFRAME_USE_TRACING)));
        self.ins(I::I32Eqz);
        self.get(self.code_l);
        self.ins(I::I32Load(mem(CODE_NLOCALSPLUS)));
        self.konst(n);
        self.ins(I::I32Eq);
        self.ins(I::I32And);
        self.get(top);
        self.konst(size);
        self.ins(I::I32Add);
        self.get(tstate);
        self.ins(I::I32Load(mem(TSTATE_LIMIT)));
        self.ins(I::I32LtU);
        self.ins(I::I32And);
        self.ins(I::If(BlockType::Empty));
        {
            self.get(tstate);
            self.get(top);
            self.konst(size);
            self.ins(I::I32Add);
            self.ins(I::I32Store(mem(TSTATE_TOP)));
            self.get(top);
            self.ins(I::LocalSet(self.pyframe_l));
            let frame = self.pyframe_l;
            let store_from = |g: &mut Self, field: u64, value: &dyn Fn(&mut Self)| {
                g.get(frame);
                value(g);
                g.ins(I::I32Store(mem(field)));
            };
            let func = self.func_l;
            let code = self.code_l;
            store_from(self, FRAME_FUNC, &|g| g.get(func));
            store_from(self, super::FRAME_CODE, &|g| g.get(code));
            store_from(self, FRAME_GLOBALS, &|g| {
                g.get(func);
                g.ins(I::I32Load(mem(FUNC_GLOBALS)));
            });
            store_from(self, FRAME_BUILTINS, &|g| {
                g.get(func);
                g.ins(I::I32Load(mem(FUNC_BUILTINS)));
            });
            for field in [FRAME_LOCALS, super::FRAME_OBJ, FRAME_STACKTOP] {
                store_from(self, field, &|g| g.konst(0));
            }
            self.get(frame);
            self.konst(0);
            self.ins(I::I32Store16(wasm_encoder::MemArg { offset: FRAME_IS_ENTRY_OWNER, align: 1, memory_index: 0 }));
            // f_locals and a frame object's copy read every slot (unbound).
            for i in 0..n {
                self.get(frame);
                self.konst(0);
                self.ins(I::I32Store(mem(FRAME_LOCALSPLUS + 4 * i as u64)));
            }
            // At its first traceable instruction (after the prologue
            // CPython's frame runs before RESUME).
            store_from(self, super::FRAME_PREV_INSTR, &|g| {
                g.get(code);
                g.konst(CODE_ADAPTIVE);
                g.ins(I::I32Add);
                g.get(code);
                g.ins(I::I32Load(mem(CODE_FIRSTTRACEABLE)));
                g.konst(1);
                g.ins(I::I32Shl);
                g.ins(I::I32Add);
            });
            // Linked as the thread's current frame.
            store_from(self, FRAME_PREVIOUS, &|g| {
                g.get(cframe);
                g.ins(I::I32Load(mem(CFRAME_CURRENT)));
            });
            self.get(cframe);
            self.get(frame);
            self.ins(I::I32Store(mem(CFRAME_CURRENT)));
        }
        self.ins(I::Else);
        self.push_frame_in_runtime(false);
        self.ins(I::End);
    }

    /// The call leaves the recursion count (_Py_LeaveRecursiveCallTstate);
    /// `gen_l` holds the thread state (push_frame, pop_frame).
    pub(super) fn leave_recursion_count(&mut self) {
        self.get(self.gen_l);
        self.get(self.gen_l);
        self.ins(I::I32Load(mem(super::RECURSION_REMAINING)));
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Store(mem(super::RECURSION_REMAINING)));
    }

    /// The call's frame from the runtime into `pyframe_l` (a class body's
    /// f_locals is its namespace, the one slot): none (MemoryError): the
    /// call fails before anything ran; 1 (a trace or profile function is
    /// set): the interpreter runs the call (runtime/frame.c).
    pub(super) fn push_frame_in_runtime(&mut self, class_body: bool) {
        self.get(self.func_l);
        if class_body {
            self.get(self.slots_l);
            self.ins(I::I32Load(mem(0)));
        } else {
            self.konst(0);
        }
        self.call(Rt::FramePush);
        self.ins(I::LocalTee(self.pyframe_l));
        self.konst(1);
        self.ins(I::I32LeU);
        self.ins(I::If(BlockType::Empty));
        self.get(self.pyframe_l);
        self.ins(I::If(BlockType::Result(ValType::I32)));
        self.traced_call();
        self.ins(I::Else);
        self.konst(0);
        self.ins(I::End);
        if !class_body {
            // (a class body's caller counted its call: py2wasm_class_body)
            self.ins(I::LocalSet(self.ret_l));
            self.leave_recursion_count();
            self.get(self.ret_l);
        }
        self.return_object();
        self.ins(I::End);
    }

    /// Hands the call to the interpreter (a trace or profile function is
    /// set): its result, NULL on failure. The interpreter needs every
    /// argument as an object: an unboxed entry boxes those that came as
    /// numbers only into their slots for the call (marking their tags
    /// MADE), and drops the boxes after it.
    fn traced_call(&mut self) {
        const MADE: i32 = 3;
        let params: Vec<(u32, u32, u32)> = match &self.unboxed {
            Some(p) => p.iter().enumerate().filter_map(|(i, tb)| tb.map(|(t, b)| (i as u32, t, b))).collect(),
            None => Vec::new(),
        };
        let (ok, boxed) = (self.ret_l, self.old_l);
        self.konst(1);
        self.ins(I::LocalSet(ok));
        for &(i, tag, bits) in &params {
            self.ins(I::LocalGet(tag));
            self.konst(0);
            self.get(self.slots_l);
            self.ins(I::I32Load(mem(u64::from(i) * 4)));
            self.ins(I::I32Eqz);
            self.ins(I::Select);
            self.ins(I::If(BlockType::Empty));
            self.box_into_slot(tag, bits, self.slots_l, u64::from(i) * 4, ok, boxed);
            self.konst(MADE);
            self.ins(I::LocalSet(tag));
            self.ins(I::End);
        }
        self.get(ok);
        self.ins(I::If(BlockType::Result(ValType::I32)));
        self.get(self.func_l);
        self.get(self.slots_l);
        self.call(Rt::TracedCall);
        self.ins(I::Else);
        self.konst(0);
        self.ins(I::End);
        self.ins(I::LocalSet(ok));
        for &(i, tag, _) in &params {
            self.ins(I::LocalGet(tag));
            self.konst(MADE);
            self.ins(I::I32Eq);
            self.ins(I::If(BlockType::Empty));
            self.get(self.slots_l);
            self.ins(I::I32Load(mem(u64::from(i) * 4)));
            self.ins(I::LocalSet(boxed));
            self.xdecref(boxed);
            self.get(self.slots_l);
            self.konst(0);
            self.ins(I::I32Store(mem(u64::from(i) * 4)));
            self.ins(I::End);
        }
        self.get(ok);
    }

    /// Pops the call's frame, as py2wasm_frame_pop does: inline when
    /// nothing outlives it (no frame object, no f_locals, no stack) and it
    /// is not the first of its chunk; the runtime does the rest.
    pub(super) fn pop_frame(&mut self) {
        let (tstate, frame) = (self.gen_l, self.pyframe_l);
        self.tstate();
        self.ins(I::LocalSet(tstate));
        self.get(frame);
        self.ins(I::I32Load(mem(super::FRAME_OBJ)));
        self.get(frame);
        self.ins(I::I32Load(mem(FRAME_LOCALS)));
        self.ins(I::I32Or);
        self.get(frame);
        self.ins(I::I32Load(mem(FRAME_STACKTOP)));
        self.ins(I::I32Or);
        self.ins(I::I32Eqz);
        self.get(tstate);
        self.ins(I::I32Load(mem(TSTATE_CHUNK)));
        self.konst(CHUNK_DATA);
        self.ins(I::I32Add);
        self.get(frame);
        self.ins(I::I32Ne);
        self.ins(I::I32And);
        self.ins(I::If(BlockType::Empty));
        {
            self.get(tstate);
            self.ins(I::I32Load(mem(TSTATE_CFRAME)));
            self.get(frame);
            self.ins(I::I32Load(mem(FRAME_PREVIOUS)));
            self.ins(I::I32Store(mem(CFRAME_CURRENT)));
            self.get(tstate);
            self.get(frame);
            self.ins(I::I32Store(mem(TSTATE_TOP)));
        }
        self.ins(I::Else);
        {
            self.get(frame);
            self.call(Rt::FramePop);
        }
        self.ins(I::End);
    }
}
