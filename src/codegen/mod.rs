//! Phase 5: code generation. Each IR function becomes one wasm function
//! `entry(func, slots) -> result` (the signature runtime/call.c calls
//! through the table), built with wasm-encoder; one that direct calls can
//! pass numbers to unboxed becomes two (`unboxed_type`, calls.rs). Control flow is laid out
//! by stackify; every call into CPython goes to a runtime export by its
//! function index (link resolves `Rt` names); reference counts of Python
//! objects are updated inline, as Py_INCREF/Py_DECREF do (wasm32 layout:
//! ob_refcnt at offset 0).

mod bound;
mod cached;
mod calls;
pub use calls::generate_boxed_entry;
pub mod consts;
mod duals;
mod frame;
mod iteration;
mod lists;
mod numeric;
pub use numeric::{is_inline, unboxed_signature};
pub mod runtime;
pub mod stackify;
mod strings;

use std::collections::HashMap;

use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType};

use crate::ir::{self, Callee, Inst, LocalKind, Op, Temp, Term, Ty};
use runtime::Rt;

/// Where generated code finds things in the linked module.
pub struct Env<'a> {
    /// Function index of each runtime export.
    pub funcs: &'a HashMap<Rt, u32>,
    /// Global index of the C stack pointer.
    pub stack_pointer: u32,
    pub data: crate::link::DataAddrs,
    /// Address of constant slot 0 (4 bytes a slot).
    pub const_base: u32,
    /// Address of code slot 0: the code objects, after the constants.
    pub code_base: u32,
    /// The wasm function of each natively compiled code (by code table
    /// index), for direct calls.
    pub direct: &'a HashMap<u32, u32>,
    /// The table index of each generator expression's collecting variant
    /// (by code table index and what it collects; ir::Consumer).
    pub collect: &'a HashMap<(u32, ir::Collect), u32>,
    /// The type index of a native entry, (func, slots) -> result, for
    /// calls through the function table.
    pub entry_type: u32,
    /// The functions with an unboxed entry (`numeric::unboxed_signature`),
    /// by code table index: which parameters take numbers, and the entry's
    /// wasm function.
    pub unboxed_sigs: &'a HashMap<u32, Vec<bool>>,
    pub unboxed_funcs: &'a HashMap<u32, u32>,
}

/// An unboxed entry's wasm type: (func, slots, then a tag (i32) and a value
/// (i64) per parameter that takes numbers) -> (result, value). A
/// parameter's slot holds its object, or NULL when it came as a number
/// only. The result is an object (with an unused value), a number's tag
/// (`numeric::INT` or `FLOAT`, never an object's address) with its value,
/// or NULL: failed. Two results, so that engines return them in registers.
pub fn unboxed_type(sig: &[bool]) -> (Vec<ValType>, Vec<ValType>) {
    let mut params = vec![ValType::I32, ValType::I32];
    for _ in sig.iter().filter(|&&d| d) {
        params.extend([ValType::I32, ValType::I64]);
    }
    (params, vec![ValType::I32, ValType::I64])
}

/// offsetof(_PyInterpreterFrame, f_code), (.., prev_instr) and (.., frame_obj), asserted in
/// runtime/frame.c.
const FRAME_CODE: u64 = 16;
const FRAME_PREV_INSTR: u64 = 28;
const FRAME_OBJ: u64 = 20;
/// offsetof(PyFunctionObject, func_code), asserted in runtime/call.c.
const FUNC_CODE: u64 = 24;
/// offsetof(PyThreadState, recursion_remaining), asserted in runtime/call.c.
const RECURSION_REMAINING: u64 = 20;

fn mem(offset: u64) -> MemArg {
    MemArg { offset, align: 2, memory_index: 0 }
}

/// A byte's address.
fn mem_byte(offset: u64) -> MemArg {
    MemArg { offset, align: 0, memory_index: 0 }
}

enum Ctx {
    Loop(usize),
    Block(usize),
    If,
    /// The block an inline arithmetic fast path leaves for CPython's path.
    Slow,
}

struct Gen<'a> {
    f: &'a ir::Function,
    env: &'a Env<'a>,
    out: Function,
    layout: stackify::Layout,
    ctx: Vec<Ctx>,
    /// Owned temps at each block's entry (checked for agreement).
    entry_owned: Vec<Option<Vec<Temp>>>,
    exit: usize,
    // wasm local indices
    func_l: u32,
    slots_l: u32,
    ret_l: u32,
    frame_l: u32,
    scratch_l: u32,
    old_l: u32,
    first_local: u32,
    first_temp: u32,
    frame_size: u32,
    /// Address of the next unused inline cache.
    next_cache: u32,
    /// ProbeMethod results and their caches, which their calls share.
    probe_caches: std::collections::HashMap<Temp, u32>,
    /// Generators: the genstate object and the yield being resumed (0: none).
    gen_l: u32,
    state_l: u32,
    /// The address of the next call site's word, and the sites so far.
    next_site: u32,
    sites: Vec<(ir::Pos, u32)>,
    /// The site word of the instruction being generated when it moves the
    /// frame only on its slow paths (`pending_line`).
    pending_site: Option<u32>,
    /// The function's _PyInterpreterFrame (runtime/frame.c): pushed by the
    /// prologue, popped by the epilogue; a generator's is its own frame.
    pyframe_l: u32,
    /// The frame's code object (sites add their offsets to it), loaded
    /// once by the prologue when the function has sites.
    code_l: u32,
    /// Inline arithmetic: the unboxed temps and their locals.
    num: numeric::Plan,
    /// Per block and instruction: a read of a local bound for certain
    /// (bound.rs), which needs no UnboundLocalError check.
    known_bound: Vec<Vec<bool>>,
    /// Per local: a parameter used borrowed (`borrowed_params`).
    borrowed: Vec<bool>,
    /// The instruction being generated: (block, index).
    at: (usize, usize),
    /// An unboxed entry (`unboxed_type`): per parameter, the wasm
    /// parameters of its tag and value, when it takes a number.
    unboxed: Option<Vec<Option<(u32, u32)>>>,
    /// The result's value (an unboxed entry's, beside `ret_l`).
    ret_bits_l: u32,
    /// Whether `materialize` boxed a borrowed dual temp for the
    /// instruction being generated (three flags, and whose they are).
    made_l: [u32; 3],
    made: Vec<Temp>,
    /// Inline arithmetic: the tags of scratch views 0 and 1 when known at
    /// compile time (a number constant's), so only the other is tested.
    known: [Option<i32>; 2],
    /// Inline arithmetic: the tags views 0 and 1 are expected to have
    /// (analysis::types), when one is: only that type's path is inline,
    /// anything else takes CPython's.
    expect: [Option<i32>; 2],
}

/// runtime/generator.c's genstate: where a suspended generator's yield number
/// and variables are.
/// runtime/names.c's SUPER_ABSENT: what py2wasm_super gets for a __class__
/// cell or first argument the function does not have.
const SUPER_ABSENT: i32 = 1;
const GENSTATE_STATE: u64 = 12;
const GENSTATE_SLOTS: u64 = 20;

/// The calling convention of entries: the caller keeps its references to
/// the arguments in the slots for the whole call, and the callee takes its
/// own of those it may rebind. A parameter never stored to, deleted or
/// taken out (a plain variable, not a cell; not in a generator, whose
/// arguments come in its frame) is used borrowed: no reference counting on
/// the way in or out; a dual one (`numeric::Plan`) owns its object (its
/// argument, increfed, or a box). Per local: whether it is such a parameter.
fn borrowed_params(f: &ir::Function, num: &numeric::Plan) -> Vec<bool> {
    let mut borrowed: Vec<bool> = f
        .locals
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (i as u32) < f.nparams && l.kind == LocalKind::Fast && !f.generator && num.dual_local[i].is_none()
        })
        .collect();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let Op::StoreLocal(l, _) | Op::DeleteLocal(l) | Op::TakeLocal(l) = inst.op {
            borrowed[l as usize] = false;
        }
    }
    borrowed
}

/// Generates the wasm function of F, or the reason it cannot (an internal
/// inconsistency: the function then falls back to bytecode).
/// CACHES is the address of the function's first inline cache
/// (`ir::Function::cache_count` of them, image::CACHE_SIZE bytes each); its
/// call sites' words follow them (`ir::Function::cache_bytes`). Returns
/// the function with the position and address of each call site, in order.
/// OWN is the signature of the function's unboxed entry, when this is
/// that entry (`unboxed_type`; `generate_boxed_entry` makes the other).
pub fn generate(
    f: &ir::Function,
    env: &Env,
    caches: u32,
    own: Option<&[bool]>,
) -> Result<(Function, Vec<(ir::Pos, u32)>), String> {
    let exit = f.blocks.len();
    let mut succs: Vec<Vec<usize>> = Vec::with_capacity(exit + 1);
    let mut forced = vec![false; exit + 1];
    forced[exit] = true;
    for b in &f.blocks {
        let mut s = b.term.successors();
        let h = b.handler.unwrap_or(exit);
        forced[h] = true;
        s.push(h);
        if matches!(b.term, Term::Return(_)) {
            s.push(exit);
        }
        succs.push(s);
    }
    succs.push(Vec::new());
    let layout = stackify::layout(&stackify::Graph { succs, forced_merge: forced });
    let nlocals = f.locals.len() as u32;
    let ntemps = f.temps.len() as u32;
    // wasm locals: 0 func, 1 slots (a generator's frame), an unboxed
    // entry's tags and values (two per parameter taking a number), then
    // ret, frame (the C stack's), scratch, old, gen, state, pyframe (the
    // function's _PyInterpreterFrame), code (its f_code, for sites), Python
    // locals, temps; then the tags and values (an int, or a float's bits)
    // of inline arithmetic (numeric.rs), the viewed parameters' tags, the
    // three `made` flags, then (i64) the values, the range
    // loops' locals, the viewed parameters' values and the result's value.
    let mut num = numeric::plan(f, numeric::Abi { callees: Some(env.unboxed_sigs), unboxed_entry: own.is_some() });
    let mut unboxed = None;
    let mut base = 2;
    if let Some(sig) = own {
        let dual_params: Vec<bool> = (0..f.nparams as usize).map(|l| num.dual_local[l].is_some()).collect();
        if dual_params != sig {
            return Err("internal: the unboxed entry's parameters differ from the plan's".into());
        }
        unboxed = Some(
            sig.iter()
                .map(|&d| {
                    d.then(|| {
                        base += 2;
                        (base - 2, base - 1)
                    })
                })
                .collect(),
        );
    }
    let n = num.locals();
    let views = num.viewed_params.len() as u32;
    let first_tag = base + 8 + nlocals + ntemps;
    let n64 = n + 3 * num.ranges + views;
    num.tag_base = first_tag;
    num.view_tag_base = first_tag + n;
    num.i64_base = first_tag + n + views + 3;
    num.range_base = num.i64_base + n;
    num.view_bits_base = num.range_base + 3 * num.ranges;
    let out = Function::new([(8 + nlocals + ntemps + n + views + 3, ValType::I32), (n64 + 1, ValType::I64)]);
    let frame_size = (f.max_args * 4).div_ceil(16) * 16;
    let borrowed = borrowed_params(f, &num);
    let mut g = Gen {
        f,
        env,
        out,
        layout,
        ctx: Vec::new(),
        entry_owned: vec![None; exit + 1],
        exit,
        func_l: 0,
        slots_l: 1,
        ret_l: base,
        frame_l: base + 1,
        scratch_l: base + 2,
        old_l: base + 3,
        gen_l: base + 4,
        state_l: base + 5,
        pyframe_l: base + 6,
        code_l: base + 7,
        first_local: base + 8,
        first_temp: base + 8 + nlocals,
        frame_size,
        next_cache: caches,
        next_site: caches + f.cache_count() * crate::link::image::CACHE_SIZE,
        sites: Vec::new(),
        pending_site: None,
        probe_caches: std::collections::HashMap::new(),
        num,
        known_bound: bound::known_bound_reads(f),
        borrowed,
        at: (0, 0),
        unboxed,
        ret_bits_l: first_tag + n + views + 3 + n64,
        made_l: [first_tag + n + views, first_tag + n + views + 1, first_tag + n + views + 2],
        made: Vec::new(),
        known: [None, None],
        expect: [None, None],
    };
    g.prologue();
    g.entry_owned[0] = Some(Vec::new());
    g.tree(0)?;
    g.out.instruction(&I::Unreachable);
    g.out.instruction(&I::End);
    // (Fewer when a block is unreachable: codegen leaves it out.)
    if g.sites.len() as u32 > f.site_count() {
        return Err("internal: more call sites generated than counted".into());
    }
    Ok((g.out, g.sites))
}

impl Gen<'_> {
    fn ins(&mut self, i: I) {
        self.out.instruction(&i);
    }
    fn call(&mut self, rt: Rt) {
        let idx = self.env.funcs[&rt];
        self.ins(I::Call(idx));
    }
    fn local(&self, l: ir::LocalId) -> u32 {
        self.first_local + l
    }
    fn temp(&self, t: Temp) -> u32 {
        self.first_temp + t
    }
    fn ty(&self, t: Temp) -> Ty {
        self.f.temps[t as usize]
    }
    fn get(&mut self, l: u32) {
        self.ins(I::LocalGet(l));
    }
    fn konst(&mut self, v: i32) {
        self.ins(I::I32Const(v));
    }
    fn const_slot(&mut self, k: ir::ConstId) {
        self.konst(0);
        self.ins(I::I32Load(mem(u64::from(self.env.const_base) + 4 * u64::from(k))));
    }

    /// Pushes the address of a fresh inline cache.
    fn cache(&mut self) {
        let addr = self.next_cache_addr();
        self.konst(addr as i32);
    }

    /// A probed call's probe temp and the cache it shares with it.
    fn probe_of(&self, probe: Option<Temp>) -> Result<Option<(Temp, u32)>, String> {
        match probe {
            None => Ok(None),
            Some(p) => match self.probe_caches.get(&p) {
                Some(&cache) => Ok(Some((p, cache))),
                None => Err("internal: a method call generated before its probe".into()),
            },
        }
    }

    /// The address of a fresh inline cache.
    fn next_cache_addr(&mut self) -> u32 {
        let addr = self.next_cache;
        self.next_cache += crate::link::image::CACHE_SIZE;
        addr
    }

    /// The depth of the innermost `Ctx::Slow` block: where an inline fast
    /// path branches to reach its runtime call.
    fn slow_depth(&self) -> u32 {
        self.ctx.iter().rev().position(|c| matches!(c, Ctx::Slow)).unwrap_or(0) as u32
    }

    /// Opens an inline fast path (numeric.rs, cached.rs): the code up to
    /// `fast_path_done` runs in a block that a miss leaves (`slow_depth`)
    /// for CPython's path, which follows and `fast_path_end` closes.
    fn fast_path_begin(&mut self) {
        self.ins(I::Block(BlockType::Empty));
        self.ctx.push(Ctx::If);
        self.ins(I::Block(BlockType::Empty));
        self.ctx.push(Ctx::Slow);
    }

    /// The fast path finished: skip CPython's path, which starts here.
    fn fast_path_done(&mut self) {
        self.ins(I::Br(1));
        self.ctx.pop();
        self.ins(I::End);
    }

    fn fast_path_end(&mut self) {
        self.ctx.pop();
        self.ins(I::End);
    }

    fn incref(&mut self, l: u32) {
        self.get(l);
        self.get(l);
        self.ins(I::I32Load(mem(0)));
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Store(mem(0)));
    }

    fn xincref(&mut self, l: u32) {
        self.get(l);
        self.ins(I::If(BlockType::Empty));
        self.incref(l);
        self.ins(I::End);
    }

    fn decref(&mut self, l: u32) {
        self.get(l);
        self.get(l);
        self.ins(I::I32Load(mem(0)));
        self.konst(1);
        self.ins(I::I32Sub);
        self.ins(I::LocalTee(self.scratch_l));
        self.ins(I::I32Store(mem(0)));
        self.get(self.scratch_l);
        self.ins(I::I32Eqz);
        self.ins(I::If(BlockType::Empty));
        self.pending_line();
        self.get(l);
        self.call(Rt::Dealloc);
        self.ins(I::End);
    }

    fn xdecref(&mut self, l: u32) {
        self.get(l);
        self.ins(I::If(BlockType::Empty));
        self.decref(l);
        self.ins(I::End);
    }

    fn prologue(&mut self) {
        let f = self.f;
        if f.generator {
            self.get(self.slots_l);
            self.ins(I::LocalSet(self.pyframe_l));
            self.generator_prologue();
        } else {
            if f.class_body {
                self.push_frame_in_runtime(true);
            } else {
                self.push_frame();
            }
            for i in 0..f.nparams {
                self.get(self.slots_l);
                self.ins(I::I32Load(mem(u64::from(i) * 4)));
                self.ins(I::LocalSet(self.local(i)));
                if !self.borrowed[i as usize] {
                    self.xincref(self.local(i));
                }
                self.view_dual_param(i);
            }
        }
        // (push_frame sets code_l; a frame the runtime made has f_code)
        if (f.generator || f.class_body) && f.site_count() > 0 {
            self.get(self.pyframe_l);
            self.ins(I::I32Load(mem(FRAME_CODE)));
            self.ins(I::LocalSet(self.code_l));
        }
        if f.makes_cells() {
            self.call_site(ir::Pos::BEFORE_START);
        }
        // A resumed generator has its cells already.
        if f.generator {
            self.get(self.state_l);
            self.ins(I::I32Eqz);
            self.ins(I::If(BlockType::Empty));
        }
        for (i, l) in f.locals.iter().enumerate() {
            let w = self.local(i as u32);
            if l.kind == LocalKind::Cell {
                // The cell takes the parameter's value (or starts empty).
                self.get(w);
                self.call(Rt::CellNew);
                self.get(w);
                self.ins(I::If(BlockType::Empty));
                self.decref(w);
                self.ins(I::End);
                self.ins(I::LocalSet(w));
            }
        }
        if f.generator {
            self.ins(I::End);
        }
        if f.makes_cells() {
            self.call_site(ir::Pos::NO_ENTRY);
        }
        for (i, l) in f.locals.iter().enumerate() {
            let w = self.local(i as u32);
            if let LocalKind::Free(index) = l.kind {
                self.get(self.func_l);
                self.call(Rt::Closure);
                self.ins(I::I32Load(mem(u64::from(index) * 4)));
                self.ins(I::LocalSet(w));
            }
        }
        if self.frame_size > 0 {
            self.ins(I::GlobalGet(self.env.stack_pointer));
            self.konst(self.frame_size as i32);
            self.ins(I::I32Sub);
            self.ins(I::LocalTee(self.frame_l));
            self.ins(I::GlobalSet(self.env.stack_pointer));
        }
        self.view_params();
    }

    /// A generator takes its variables out of its genstate (the arguments,
    /// the first time) and the number of the yield it resumes at.
    fn generator_prologue(&mut self) {
        self.get(self.slots_l);
        self.konst(self.f.locals.len() as i32);
        self.konst(self.f.nparams as i32);
        match self.f.local_names {
            Some(names) => self.const_slot(names),
            None => self.konst(0),
        }
        self.cache();
        self.call(Rt::GenEnter);
        self.ins(I::LocalTee(self.gen_l));
        self.ins(I::I32Eqz);
        self.ins(I::If(BlockType::Empty));
        self.konst(0);
        self.ins(I::Return);
        self.ins(I::End);
        for (i, l) in self.f.locals.iter().enumerate() {
            if matches!(l.kind, LocalKind::Free(_)) {
                continue;
            }
            let slot = GENSTATE_SLOTS + 4 * i as u64;
            self.get(self.gen_l);
            self.ins(I::I32Load(mem(slot)));
            self.ins(I::LocalSet(self.local(i as u32)));
            self.get(self.gen_l);
            self.konst(0);
            self.ins(I::I32Store(mem(slot)));
        }
        self.get(self.gen_l);
        self.ins(I::I32Load(mem(GENSTATE_STATE)));
        self.ins(I::LocalSet(self.state_l));
    }

    /// Suspends at yield K: the variables go back into the genstate (their
    /// references with them), the frame is placed at the yield, V is returned.
    fn yield_at(&mut self, v: Temp, k: u32, pos: ir::Pos, delegate: Option<ir::LocalId>) {
        let w = self.temp(v);
        if self.ty(v) != Ty::Obj {
            self.incref(w);
        }
        for (i, l) in self.f.locals.iter().enumerate() {
            if matches!(l.kind, LocalKind::Free(_)) {
                continue;
            }
            self.get(self.gen_l);
            self.get(self.local(i as u32));
            self.ins(I::I32Store(mem(GENSTATE_SLOTS + 4 * i as u64)));
        }
        self.get(self.gen_l);
        self.konst(k as i32);
        self.ins(I::I32Store(mem(GENSTATE_STATE)));
        self.get(self.slots_l);
        if let Some(d) = delegate {
            self.get(self.local(d));
        }
        for p in [pos.line, pos.col, pos.end_line, pos.end_col] {
            self.konst(p as i32);
        }
        self.cache();
        self.call(if delegate.is_some() { Rt::GenSuspendFrom } else { Rt::GenSuspend });
        if self.frame_size > 0 {
            self.get(self.frame_l);
            self.konst(self.frame_size as i32);
            self.ins(I::I32Add);
            self.ins(I::GlobalSet(self.env.stack_pointer));
        }
        self.get(w);
        self.ins(I::Return);
    }

    /// The frame gets references to the values of locals LS (runtime/frame.c:
    /// a dual local holding a number is boxed first), then shows them.
    fn sync_frame_locals(&mut self, ls: &[ir::LocalId]) {
        for &l in ls {
            self.box_dual_local(l);
            self.get(self.pyframe_l);
            self.const_slot(self.f.locals[l as usize].name_const);
            self.get(self.local(l));
            self.call(Rt::SyncLocal);
        }
        self.get(self.pyframe_l);
        self.call(Rt::SyncFinish);
    }

    /// The exit node: pop the frame (unlinked before the locals go, as
    /// CPython clears a frame), release the locals, pop the argument
    /// frame, return.
    fn epilogue(&mut self) {
        if !self.f.generator {
            if !self.f.class_body {
                // A frame object that outlives the call (a traceback's)
                // keeps the variables, as CPython's does (runtime/frame.c).
                self.get(self.pyframe_l);
                self.ins(I::I32Load(mem(FRAME_OBJ)));
                self.ins(I::If(BlockType::Empty));
                let visible: Vec<ir::LocalId> =
                    (0..self.f.locals.len() as ir::LocalId).filter(|&l| self.f.locals[l as usize].in_code()).collect();
                self.sync_frame_locals(&visible);
                self.ins(I::End);
            }
            if self.f.class_body {
                self.get(self.pyframe_l);
                self.call(Rt::FramePop);
            } else {
                self.pop_frame();
                self.leave_recursion_count();
            }
        }
        for (i, l) in self.f.locals.iter().enumerate() {
            if !matches!(l.kind, LocalKind::Free(_)) && !self.borrowed[i] {
                self.xdecref(self.local(i as u32));
            }
        }
        if self.frame_size > 0 {
            self.get(self.frame_l);
            self.konst(self.frame_size as i32);
            self.ins(I::I32Add);
            self.ins(I::GlobalSet(self.env.stack_pointer));
        }
        self.get(self.ret_l);
        if self.unboxed.is_some() {
            self.ins(I::LocalGet(self.ret_bits_l));
        }
        self.ins(I::Return);
    }

    /// Returns from the entry with the i32 result on the stack (NULL:
    /// failed), as an object (an unboxed entry adds an unused value).
    fn return_object(&mut self) {
        if self.unboxed.is_some() {
            self.ins(I::I64Const(0));
        }
        self.ins(I::Return);
    }

    // ------------------------------------------------------------ layout

    fn tree(&mut self, x: usize) -> Result<(), String> {
        let merges = self.layout.merge_children[x].clone();
        if self.layout.loop_header[x] {
            self.ins(I::Loop(BlockType::Empty));
            self.ctx.push(Ctx::Loop(x));
            self.within(x, &merges)?;
            self.ctx.pop();
            self.ins(I::End);
        } else {
            self.within(x, &merges)?;
        }
        Ok(())
    }

    fn within(&mut self, x: usize, merges: &[usize]) -> Result<(), String> {
        match merges.split_first() {
            None => self.node(x),
            Some((&y, rest)) => {
                self.ins(I::Block(BlockType::Empty));
                self.ctx.push(Ctx::Block(y));
                self.within(x, rest)?;
                self.ctx.pop();
                self.ins(I::End);
                self.tree(y)
            }
        }
    }

    fn depth_of(&self, target: usize, want_loop: bool) -> Result<u32, String> {
        for (i, c) in self.ctx.iter().rev().enumerate() {
            match c {
                Ctx::Loop(b) if want_loop && *b == target => return Ok(i as u32),
                Ctx::Block(b) if !want_loop && *b == target => return Ok(i as u32),
                _ => {}
            }
        }
        Err(format!("internal: no branch target for block {target}"))
    }

    /// Control goes from SOURCE to TARGET with OWNED temps.
    fn branch(&mut self, source: usize, target: usize, owned: &[Temp]) -> Result<(), String> {
        match &self.entry_owned[target] {
            Some(o) if o.as_slice() != owned => {
                return Err(format!("internal: reference ownership differs at the start of block {target}"))
            }
            Some(_) => {}
            None => self.entry_owned[target] = Some(owned.to_vec()),
        }
        if self.layout.order[target] <= self.layout.order[source] {
            let d = self.depth_of(target, true)?;
            self.ins(I::Br(d));
        } else if self.layout.merge[target] {
            let d = self.depth_of(target, false)?;
            self.ins(I::Br(d));
        } else {
            self.tree(target)?;
        }
        Ok(())
    }

    /// The failure path of the instruction just emitted (its result is on
    /// the wasm stack as an i32 condition: nonzero means failed): release
    /// what the block owns, add the traceback entry, go to the handler.
    fn fail_if(&mut self, x: usize, owned: &[Temp], pos: Option<ir::Pos>) -> Result<(), String> {
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        self.unwind(x, owned, pos)?;
        self.ctx.pop();
        self.ins(I::End);
        Ok(())
    }

    /// The failure path of a read of local L found unbound (the condition
    /// is on the stack): UnboundLocalError, or NameError for a free variable.
    fn fail_if_unbound(
        &mut self,
        x: usize,
        l: ir::LocalId,
        owned: &[Temp],
        pos: Option<ir::Pos>,
    ) -> Result<(), String> {
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        let local = &self.f.locals[l as usize];
        let free = matches!(local.kind, LocalKind::Free(_));
        self.const_slot(local.name_const);
        self.call(if free { Rt::UnboundFree } else { Rt::UnboundLocal });
        self.ins(I::Drop);
        self.unwind(x, owned, pos)?;
        self.ctx.pop();
        self.ins(I::End);
        Ok(())
    }

    fn unwind(&mut self, x: usize, owned: &[Temp], pos: Option<ir::Pos>) -> Result<(), String> {
        for &t in owned.iter().rev() {
            let w = self.temp(t);
            self.xdecref(w);
        }
        if let Some(p) = pos.filter(|p| *p != ir::Pos::NO_ENTRY) {
            self.get(self.pyframe_l);
            for v in [p.line, p.col, p.end_line, p.end_col] {
                self.konst(v as i32);
            }
            self.call(Rt::Traceback);
        }
        let handler = self.f.blocks[x].handler.unwrap_or(self.exit);
        if handler == self.exit {
            self.konst(0);
            self.ins(I::LocalSet(self.ret_l));
        }
        self.branch(x, handler, &[])
    }

    fn node(&mut self, x: usize) -> Result<(), String> {
        if x == self.exit {
            self.epilogue();
            return Ok(());
        }
        let mut owned = self.entry_owned[x].clone().unwrap_or_default();
        let block = &self.f.blocks[x];
        for (i, inst) in block.insts.iter().enumerate() {
            self.at = (x, i);
            self.inst(x, inst, &mut owned)?;
        }
        match block.term.clone() {
            Term::Jump(t) => self.branch(x, t, &owned)?,
            Term::Branch(c, t, e) => {
                self.get(self.temp(c));
                self.ins(I::If(BlockType::Empty));
                self.ctx.push(Ctx::If);
                self.branch(x, t, &owned)?;
                self.ins(I::Else);
                self.branch(x, e, &owned)?;
                self.ctx.pop();
                self.ins(I::End);
            }
            Term::BranchNull(v, null, nonnull) => {
                self.push_is_null(v);
                self.ins(I::If(BlockType::Empty));
                self.ctx.push(Ctx::If);
                // At the end of iteration: was it an error?
                self.call(Rt::ErrorOccurred);
                let without: Vec<Temp> = owned.iter().copied().filter(|&o| o != v).collect();
                let pos = self.last_pos(x);
                self.fail_if(x, &without, pos)?;
                self.branch(x, null, &without)?;
                self.ins(I::Else);
                self.branch(x, nonnull, &owned)?;
                self.ctx.pop();
                self.ins(I::End);
            }
            Term::Return(v) => {
                let w = self.temp(v);
                let dual = self.dual_locals(v);
                if let Some((_, bits, _)) = dual {
                    // An unboxed entry's result (`unboxed_type`): its box
                    // if it has one (owned: a borrowed one is increfed),
                    // else the number's tag and value.
                    if self.ty(v) != Ty::Obj {
                        self.xincref(w);
                    }
                    self.ins(I::LocalGet(bits));
                    self.ins(I::LocalSet(self.ret_bits_l));
                } else if self.ty(v) != Ty::Obj {
                    self.incref(w);
                }
                let rest: Vec<Temp> = owned.iter().copied().filter(|&o| o != v).collect();
                for t in rest.iter().rev() {
                    let tw = self.temp(*t);
                    self.xdecref(tw);
                }
                self.get(w);
                if let Some((tag, _, _)) = dual {
                    self.ins(I::LocalGet(tag));
                    self.get(w);
                    self.ins(I::Select);
                }
                self.ins(I::LocalSet(self.ret_l));
                self.branch(x, self.exit, &[])?;
            }
            Term::Reraise => {
                self.call(Rt::Reraise);
                // 1: the handled exception is raised again, as it was.
                self.ins(I::If(BlockType::Empty));
                self.ctx.push(Ctx::If);
                self.unwind(x, &owned, None)?;
                self.ins(I::Else);
                let pos = self.last_pos(x).or(Some(ir::Pos::default()));
                self.unwind(x, &owned, pos)?;
                self.ctx.pop();
                self.ins(I::End);
            }
            Term::Propagate => self.unwind(x, &owned, None)?,
            Term::Yield(v, k, pos, delegate) => {
                if owned.iter().any(|&o| o != v) {
                    return Err("internal: a value is live across a yield".to_string());
                }
                self.yield_at(v, k, pos, delegate);
            }
            Term::Resume(cases, default) => {
                for (k, target, last) in cases {
                    self.get(self.state_l);
                    self.konst(k as i32);
                    self.ins(I::I32Eq);
                    self.ins(I::If(BlockType::Empty));
                    self.ctx.push(Ctx::If);
                    if last {
                        self.konst(0);
                        self.ins(I::LocalSet(self.state_l));
                    }
                    self.branch(x, target, &owned)?;
                    self.ctx.pop();
                    self.ins(I::End);
                }
                self.branch(x, default, &owned)?;
            }
            Term::Unreachable => {
                // After an instruction that always fails (its failure path
                // branched away): nothing runs here.
                self.ins(I::Unreachable);
            }
        }
        Ok(())
    }

    fn last_pos(&self, x: usize) -> Option<ir::Pos> {
        self.f.blocks[x].insts.last().map(|i| i.pos)
    }

    /// Pushes the current thread state (runtime/call.c).
    fn tstate(&mut self) {
        self.konst(self.env.data.tstate_ref as i32);
        self.ins(I::I32Load(mem(0)));
        self.ins(I::I32Load(mem(0)));
    }

    /// Whether the instruction being generated reads a local that every
    /// path to it has bound.
    fn known_bound(&self) -> bool {
        let (b, i) = self.at;
        self.known_bound.get(b).and_then(|v| v.get(i)).copied().unwrap_or(false)
    }

    fn opt_temp(&mut self, t: Option<Temp>) {
        match t {
            Some(t) => self.get(self.temp(t)),
            None => self.konst(0),
        }
    }

    /// Before a call: the frame's current instruction becomes the call's,
    /// `frame->prev_instr = (char *)frame->f_code + site word` (the word the
    /// runtime filled in when the code was attached).
    fn call_site(&mut self, pos: ir::Pos) {
        let addr = self.new_site(pos);
        self.store_site(addr);
    }

    /// A word for a site at POS (its address).
    fn new_site(&mut self, pos: ir::Pos) -> u32 {
        let addr = self.next_site;
        self.next_site += 4;
        self.sites.push((pos, addr));
        addr
    }

    /// On a path of the current instruction that can allocate or run
    /// other code: the frame moves to its line if the instruction is a
    /// `LineSite::SlowPaths` site.
    fn pending_line(&mut self) {
        if let Some(addr) = self.pending_site {
            self.store_site(addr);
        }
    }

    /// `frame->prev_instr = (char *)code + *ADDR`.
    fn store_site(&mut self, addr: u32) {
        self.get(self.pyframe_l);
        self.get(self.code_l);
        self.konst(0);
        self.ins(I::I32Load(mem(u64::from(addr))));
        self.ins(I::I32Add);
        self.ins(I::I32Store(mem(FRAME_PREV_INSTR)));
    }

    fn inst(&mut self, x: usize, inst: &Inst, owned: &mut Vec<Temp>) -> Result<(), String> {
        self.made.clear();
        if inst.line_site == ir::LineSite::SlowPaths && !inst.op.is_call_site() {
            self.pending_site = Some(self.new_site(inst.pos));
        } else if inst.is_site() {
            self.call_site(inst.pos);
        }
        let r = self.inst_body(x, inst, owned);
        self.pending_site = None;
        r
    }

    fn inst_body(&mut self, x: usize, inst: &Inst, owned: &mut Vec<Temp>) -> Result<(), String> {
        use Op::*;
        let dst = inst.dst.map(|d| self.temp(d));
        let pos = Some(inst.pos);
        // How failure shows: a NULL pointer, a negative int, or always.
        enum Fail {
            Never,
            Null,
            Negative,
        }
        let mut fail = Fail::Null;
        if self.numeric(x, inst, owned)? || self.dual_op(x, inst, owned)? || self.subscript(x, inst, owned)? {
            return Ok(());
        }
        // The generic code of a slow-path site moves the frame first, but
        // for a release (only a destructor can look: `decref`) and a loop
        // step (`next_object`: before the runtime's next).
        let moves_inside = match inst.op {
            StoreLocal(..) | DeleteLocal(_) | Release(_) => true,
            IterNext(_) => inst.dst.is_some(),
            _ => false,
        };
        if !moves_inside {
            self.pending_line();
            self.pending_site = None;
        }
        match &inst.op {
            Const(k) => {
                self.const_slot(*k);
                fail = Fail::Never;
            }
            LoadLocal(l) => {
                let w = self.local(*l);
                // Hidden locals are bound whenever read; so are those
                // every path assigns (bound.rs). Other reads are checked.
                if self.f.locals[*l as usize].kind != LocalKind::Hidden && !self.known_bound() {
                    self.get(w);
                    self.ins(I::I32Eqz);
                    self.fail_if_unbound(x, *l, owned, pos)?;
                }
                self.get(w);
                fail = Fail::Never;
                if self.ty(inst.dst.unwrap_or(0)) == Ty::Obj {
                    self.ins(I::LocalSet(dst.unwrap_or(0)));
                    self.incref(dst.unwrap_or(0));
                    owned.push(inst.dst.unwrap_or(0));
                    return Ok(());
                }
            }
            TakeLocal(l) => {
                let w = self.local(*l);
                self.get(w);
                self.konst(0);
                self.ins(I::LocalSet(w));
                fail = Fail::Never;
            }
            StoreLocal(l, t) | StoreCell(l, t) => {
                let tw = self.temp(*t);
                if self.ty(*t) != Ty::Obj {
                    self.incref(tw);
                }
                owned.retain(|o| o != t);
                let w = self.local(*l);
                if matches!(inst.op, StoreLocal(..)) {
                    // Store first, then release the old value (its
                    // destructor may run arbitrary code).
                    self.get(w);
                    self.ins(I::LocalSet(self.old_l));
                    self.get(tw);
                    self.ins(I::LocalSet(w));
                    self.xdecref(self.old_l);
                } else {
                    self.get(w);
                    self.get(tw);
                    self.call(Rt::CellSet);
                    self.ins(I::Drop);
                    self.decref(tw);
                }
                return Ok(());
            }
            DeleteLocal(l) => {
                let w = self.local(*l);
                self.get(w);
                self.ins(I::I32Eqz);
                self.fail_if_unbound(x, *l, owned, pos)?;
                self.get(w);
                self.ins(I::LocalSet(self.old_l));
                self.konst(0);
                self.ins(I::LocalSet(w));
                self.decref(self.old_l);
                return Ok(());
            }
            LoadCell(l) | DeleteCell(l) => {
                let w = self.local(*l);
                // cell->ob_ref at offset 8
                self.get(w);
                self.ins(I::I32Load(mem(8)));
                self.ins(I::I32Eqz);
                self.fail_if_unbound(x, *l, owned, pos)?;
                if matches!(inst.op, DeleteCell(_)) {
                    self.get(w);
                    self.konst(0);
                    self.call(Rt::CellSet);
                    self.ins(I::Drop);
                    return Ok(());
                }
                self.get(w);
                self.ins(I::I32Load(mem(8)));
                self.ins(I::LocalSet(dst.unwrap_or(0)));
                self.incref(dst.unwrap_or(0));
                owned.push(inst.dst.unwrap_or(0));
                return Ok(());
            }
            CellObject(l) => {
                let w = self.local(*l);
                self.get(w);
                self.ins(I::LocalSet(dst.unwrap_or(0)));
                self.incref(dst.unwrap_or(0));
                owned.push(inst.dst.unwrap_or(0));
                return Ok(());
            }
            LoadGlobal(k) => {
                let Some(d) = inst.dst else {
                    return Err("internal: a global load without a result".to_string());
                };
                self.load_global(x, *k, d, owned, inst.pos)?;
                owned.push(d);
                return Ok(());
            }
            StoreGlobal(k, t) => {
                self.get(self.func_l);
                self.const_slot(*k);
                self.call_on(&[*t], Rt::StoreGlobal);
                fail = Fail::Negative;
            }
            DeleteGlobal(k) => {
                self.get(self.func_l);
                self.const_slot(*k);
                self.call(Rt::DeleteGlobal);
                fail = Fail::Negative;
            }
            Call { func, args, kwnames: None, nkw: 0, callee: Some(Callee::Compiled(code)) }
                if self.env.unboxed_funcs.contains_key(code) =>
            {
                return self.unboxed_call(x, inst, *func, args, *code, owned);
            }
            Call { func, args, kwnames: None, nkw: 0, callee: Some(Callee::Compiled(code)) }
                if self.env.direct.contains_key(code) =>
            {
                self.store_args(args, 1);
                self.direct_call(*func, args, *code);
            }
            Call { func, args, kwnames: None, nkw: 0, callee: Some(Callee::Builtin(b)) } => {
                self.store_args(args, 1);
                self.builtin_call(*func, args, *b);
            }
            Call { func, args, kwnames, nkw, .. } => {
                self.store_args(args, 1);
                self.vectorcall(*func, args.len(), *nkw, *kwnames);
            }
            ConsumeGenexp { func, genfunc, iter, code, consumer } => {
                self.get(self.temp(*func));
                self.get(self.temp(*genfunc));
                self.get(self.temp(*iter));
                self.konst(consumer.index() as i32);
                // No variant (it could not be compiled): the runtime makes
                // the generator.
                let variant = self.env.collect.get(&(*code, consumer.collect()));
                self.konst(variant.map_or(-1, |&e| e as i32));
                self.call(Rt::ConsumeGenexp);
            }
            ProbeMethod { obj, name, nargs, kwnames } => {
                let cache = self.next_cache_addr();
                self.probe_caches.insert(inst.dst.ok_or("internal: a probe without a result")?, cache);
                self.probe_method(*obj, *name, *nargs, *kwnames, cache as i32, dst.unwrap_or(0));
            }
            CallMethod { name, args, kwnames: None, probe, .. } if dst.is_some() && !args.is_empty() => {
                let probe = self.probe_of(*probe)?;
                self.store_args(args, 1);
                self.call_method(*name, args, dst.unwrap_or(0), probe);
            }
            CallMethod { name, args, kwnames, nkw, probe } => {
                let probe = self.probe_of(*probe)?;
                self.store_args(args, 1);
                if let Some((p, _)) = probe {
                    self.get(self.temp(p));
                }
                self.const_slot(*name);
                self.frame_addr(1);
                let npos = args.len() as i32 - *nkw as i32;
                self.konst(npos | i32::MIN);
                match kwnames {
                    Some(k) => self.const_slot(*k),
                    None => self.konst(0),
                }
                match probe {
                    Some((_, cache)) => {
                        self.konst(cache as i32);
                        self.call(Rt::CallMethodProbed);
                    }
                    None => {
                        self.cache();
                        self.call(Rt::CallMethodCached);
                    }
                }
            }
            Binary(op, inplace, a, b) => {
                self.get(self.temp(*a));
                self.get(self.temp(*b));
                self.konst(*op as i32 | if *inplace { ir::INPLACE } else { 0 });
                self.call(Rt::Binary);
            }
            Unary(op, a) => {
                self.get(self.temp(*a));
                self.konst(*op as i32);
                self.call(Rt::Unary);
            }
            Compare(op, a, b) | CompareBool(op, a, b) => {
                self.get(self.temp(*a));
                self.get(self.temp(*b));
                self.konst(*op as i32);
                if matches!(inst.op, Compare(..)) {
                    self.call(Rt::Compare);
                } else {
                    self.call(Rt::CompareBool);
                    fail = Fail::Negative;
                }
            }
            Is(a, b) => {
                self.get(self.temp(*a));
                self.get(self.temp(*b));
                self.ins(I::I32Eq);
                fail = Fail::Never;
            }
            Contains(a, b) => {
                self.call_on(&[*a, *b], Rt::Contains);
                fail = Fail::Negative;
            }
            Truth(a) => {
                self.call_on(&[*a], Rt::IsTrue);
                fail = Fail::Negative;
            }
            Not(a) => {
                self.get(self.temp(*a));
                self.ins(I::I32Eqz);
                fail = Fail::Never;
            }
            BoolObj(a) => {
                self.call_on(&[*a], Rt::Bool);
                fail = Fail::Never;
            }
            GetAttr(o, k) => {
                let Some(d) = inst.dst else {
                    return Err("internal: an attribute load without a result".to_string());
                };
                self.get_attr(x, *o, *k, d, owned, inst.pos)?;
                owned.push(d);
                return Ok(());
            }
            SetAttr(o, k, v) => {
                self.set_attr(x, *o, *k, *v, owned, inst.pos)?;
                return Ok(());
            }
            DelAttr(o, k) => {
                self.get(self.temp(*o));
                self.const_slot(*k);
                self.konst(0);
                self.call(Rt::SetAttr);
                fail = Fail::Negative;
            }
            GetItem(o, k) => {
                self.call_on(&[*o, *k], Rt::GetItem);
            }
            SetItem(o, k, v) => {
                self.call_on(&[*o, *k, *v], Rt::SetItem);
                fail = Fail::Negative;
            }
            DelItem(o, k) => {
                self.call_on(&[*o, *k], Rt::DelItem);
                fail = Fail::Negative;
            }
            BuildTuple(v) | BuildList(v) | BuildSet(v) | BuildDict(v) | BuildString(v) => {
                self.store_args(v, 0);
                self.frame_addr(0);
                let n = if matches!(inst.op, BuildDict(_)) { v.len() / 2 } else { v.len() };
                self.konst(n as i32);
                self.call(match &inst.op {
                    BuildTuple(_) => Rt::BuildTuple,
                    BuildList(_) => Rt::BuildList,
                    BuildSet(_) => Rt::BuildSet,
                    BuildDict(_) => Rt::BuildDict,
                    _ => Rt::BuildString,
                });
            }
            GetSlice(o, lo, hi) => {
                self.call_on(&[*o, *lo, *hi], Rt::GetSlice);
            }
            SetSlice(o, lo, hi, v) => {
                self.call_on(&[*o, *lo, *hi, *v], Rt::SetSlice);
                fail = Fail::Negative;
            }
            BuildSlice(a, b, c) => {
                self.call_on(&[*a, *b, *c], Rt::SliceNew);
            }
            Format(v, conv, spec) => {
                self.get(self.temp(*v));
                self.konst(*conv);
                self.opt_temp(*spec);
                self.call(Rt::Format);
            }
            ListAppend(a, b) | SetAdd(a, b) => {
                self.get(self.temp(*a));
                self.get(self.temp(*b));
                self.call(if matches!(inst.op, ListAppend(..)) { Rt::ListAppend } else { Rt::SetAdd });
                fail = Fail::Negative;
            }
            DictSetItem(d, k, v) => {
                self.call_on(&[*d, *k, *v], Rt::DictSetItem);
                fail = Fail::Negative;
            }
            SetUpdate(a, b) | DictUpdate(a, b) => {
                self.call_on(&[*a, *b], if matches!(inst.op, SetUpdate(..)) { Rt::SetUpdate } else { Rt::DictUpdate });
                fail = Fail::Negative;
            }
            ListToTuple(l) => self.call_on(&[*l], Rt::ListToTuple),
            MatchSequence(o) | MatchMapping(o) => {
                let rt = if matches!(inst.op, MatchSequence(_)) { Rt::MatchSequence } else { Rt::MatchMapping };
                self.call_on(&[*o], rt);
                fail = Fail::Never;
            }
            MatchLen(o) => self.call_on(&[*o], Rt::MatchLen),
            MatchKeys(s, k) => self.call_on(&[*s, *k], Rt::MatchKeys),
            MatchRest(s, k) => self.call_on(&[*s, *k], Rt::MatchRest),
            MatchClass(s, c, nargs, kwnames) => {
                self.get(self.temp(*s));
                self.get(self.temp(*c));
                self.konst(*nargs as i32);
                self.const_slot(*kwnames);
                self.call(Rt::MatchClass);
            }
            GetIter(o) => {
                self.call_on(&[*o], Rt::GetIter);
            }
            // duals.rs generates these (dual_op).
            RangeIter(..) | RangeNext(_) => return Err("internal: range loop not generated".into()),
            IterNext(it) => {
                match dst {
                    Some(d) => {
                        let itw = self.temp(*it);
                        self.next_object(itw, d);
                        self.get(d);
                    }
                    None => self.call_on(&[*it], Rt::IterNext),
                }
                // NULL is the end of iteration: BranchNull checks for errors.
                fail = Fail::Never;
            }
            Unpack(o, n) => {
                // An exact tuple or list of the right size is its own
                // unpacking; anything else goes to the runtime.
                let ow = self.temp(*o);
                self.get(ow);
                self.ins(I::I32Load(mem(4))); // ob_type
                self.ins(I::LocalTee(self.scratch_l));
                self.konst(self.env.data.tuple_type as i32);
                self.ins(I::I32Eq);
                self.get(self.scratch_l);
                self.konst(self.env.data.list_type as i32);
                self.ins(I::I32Eq);
                self.ins(I::I32Or);
                self.get(ow);
                self.ins(I::I32Load(mem(8))); // ob_size
                self.konst(*n as i32);
                self.ins(I::I32Eq);
                self.ins(I::I32And);
                self.ins(I::If(BlockType::Result(ValType::I32)));
                self.incref(ow);
                self.get(ow);
                self.ins(I::Else);
                self.get(ow);
                self.konst(*n as i32);
                self.call(Rt::Unpack);
                self.ins(I::End);
            }
            UnpackEx(o, before, after) => {
                self.get(self.temp(*o));
                self.konst(*before as i32);
                self.konst(*after as i32);
                self.call(Rt::UnpackEx);
            }
            TupleItem(t, i) => {
                let tw = self.temp(*t);
                self.get(tw);
                self.ins(I::I32Load(mem(4))); // ob_type
                self.konst(self.env.data.list_type as i32);
                self.ins(I::I32Eq);
                self.ins(I::If(BlockType::Result(ValType::I32)));
                self.get(tw);
                self.ins(I::I32Load(mem(12))); // ob_item
                self.ins(I::I32Load(mem(u64::from(*i) * 4)));
                self.ins(I::Else);
                self.get(tw);
                self.ins(I::I32Load(mem(12 + u64::from(*i) * 4)));
                self.ins(I::End);
                fail = Fail::Never;
            }
            MakeFunction { code, defaults, kwdefaults, annotations, closure } => {
                self.get(self.func_l);
                self.konst(*code as i32);
                self.call(Rt::MakeFunction);
                self.ins(I::LocalTee(dst.unwrap_or(0)));
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, pos)?;
                owned.push(inst.dst.unwrap_or(0));
                // function_set steals: give it new references.
                let parts = [*defaults, *kwdefaults, *annotations, *closure];
                for p in parts.iter().flatten() {
                    let w = self.temp(*p);
                    self.incref(w);
                }
                self.get(dst.unwrap_or(0));
                for p in parts {
                    self.opt_temp(p);
                }
                self.call(Rt::FunctionSet);
                self.ins(I::Drop);
                return Ok(());
            }
            ImportName { name, fromlist, level } => {
                self.get(self.func_l);
                self.const_slot(*name);
                self.get(self.temp(*fromlist));
                self.konst(*level);
                self.call(Rt::ImportName);
            }
            ImportFrom(m, k) => {
                self.get(self.temp(*m));
                self.const_slot(*k);
                self.call(Rt::ImportFrom);
            }
            Super(s, cell, me) => {
                self.get(self.temp(*s));
                // The content of the cell (cell->ob_ref at offset 8), or
                // SUPER_ABSENT when the function has no __class__ cell.
                match cell {
                    Some(cell) => {
                        self.get(self.local(*cell));
                        self.ins(I::I32Load(mem(8)));
                    }
                    None => self.konst(SUPER_ABSENT),
                }
                // The first argument's object, or NULL when it was deleted
                // (duals.rs keeps this local boxed; a cell's content),
                // or SUPER_ABSENT when there is no positional parameter.
                match me {
                    Some(me) => {
                        self.get(self.local(*me));
                        if self.f.locals[*me as usize].kind == ir::LocalKind::Cell {
                            self.ins(I::I32Load(mem(8)));
                        }
                    }
                    None => self.konst(SUPER_ABSENT),
                }
                self.call(Rt::Super);
            }
            LoadName(ns, k) => {
                self.get(self.func_l);
                self.get(self.temp(*ns));
                self.const_slot(*k);
                self.call(Rt::LoadName);
            }
            StoreName(ns, k, v) => {
                self.get(self.temp(*ns));
                self.const_slot(*k);
                self.call_on(&[*v], Rt::StoreName);
                fail = Fail::Negative;
            }
            DeleteName(ns, k) => {
                self.get(self.temp(*ns));
                self.const_slot(*k);
                self.call(Rt::DeleteName);
                fail = Fail::Negative;
            }
            LoadClassDeref(ns, l) => {
                self.get(self.temp(*ns));
                let name = self.f.locals[*l as usize].name_const;
                self.const_slot(name);
                let w = self.local(*l);
                self.get(w);
                self.call(Rt::LoadClassDeref);
            }
            SetupAnnotations(ns) => {
                self.call_on(&[*ns], Rt::SetupAnnotations);
                fail = Fail::Negative;
            }
            LoadBuildClass => {
                self.get(self.func_l);
                self.call(Rt::LoadBuildClass);
            }
            Globals => {
                self.get(self.func_l);
                self.call(Rt::Globals);
            }
            SyncLocals(ls) => {
                self.get(self.pyframe_l);
                self.call(Rt::ClearLocals);
                self.sync_frame_locals(ls);
                fail = Fail::Never;
            }
            ClearLocals => {
                self.get(self.pyframe_l);
                self.call(Rt::ClearLocals);
                fail = Fail::Never;
            }
            CallEx(f, a, k) => {
                self.get(self.temp(*f));
                self.get(self.temp(*a));
                self.opt_temp(*k);
                self.call(Rt::CallEx);
            }
            ListExtend(l, it) => {
                self.call_on(&[*l, *it], Rt::ListExtend);
                fail = Fail::Negative;
            }
            DictMerge(f, d, m) => {
                self.call_on(&[*f, *d, *m], Rt::DictMerge);
                fail = Fail::Negative;
            }
            WithEnter(m) => {
                self.call_on(&[*m], Rt::WithEnter);
            }
            WithExit(f, e) => {
                self.call_on(&[*f, *e], Rt::WithExit);
                fail = Fail::Negative;
            }
            AsyncWithEnter(m) => self.call_on(&[*m], Rt::AsyncWithEnter),
            AsyncWithExit(f, e) => self.call_on(&[*f, *e], Rt::AsyncWithExit),
            GetAIter(a) => self.call_on(&[*a], Rt::GetAIter),
            GetANext(a) => self.call_on(&[*a], Rt::GetANext),
            AsyncGenWrap(a) => self.call_on(&[*a], Rt::AsyncGenWrap),
            ExceptStarMatch(e, t) => self.call_on(&[*e, *t], Rt::ExceptStarMatch),
            PrepReraiseStar(o, l) => self.call_on(&[*o, *l], Rt::PrepReraiseStar),
            EndAsyncFor => {
                self.call(Rt::EndAsyncFor);
                fail = Fail::Negative;
            }
            GenSent | GenSentFrom => {
                self.get(self.slots_l);
                self.call(if matches!(inst.op, GenSent) { Rt::GenSent } else { Rt::GenSentFrom });
            }
            YieldFromIter(a) => self.call_on(&[*a], Rt::YieldFromIter),
            Awaitable(a, oparg) => {
                self.get(self.temp(*a));
                self.konst(i32::from(*oparg));
                self.call(Rt::Awaitable);
            }
            Send(d, v) => {
                self.call_on(&[*d, *v], Rt::Send);
            }
            SendDone => {
                self.call(Rt::SendDone);
                fail = Fail::Never;
            }
            Raise(exc, cause) => {
                self.opt_temp(*exc);
                self.opt_temp(*cause);
                self.call(Rt::Raise);
                self.ins(I::Drop);
                self.unwind(x, owned, pos)?;
                return Ok(());
            }
            AssertFail(msg) => {
                self.opt_temp(*msg);
                self.call(Rt::AssertFail);
                self.ins(I::Drop);
                self.unwind(x, owned, pos)?;
                return Ok(());
            }
            ExcFetch => {
                self.call(Rt::ExcFetch);
                fail = Fail::Never;
            }
            ExcRestore(t, true) => {
                owned.retain(|o| o != t);
                self.call_on(&[*t], Rt::ExcRestore);
                return Ok(());
            }
            ExcRestore(t, false) => {
                // (the frame back at the raise: line sites may have moved it)
                owned.retain(|o| o != t);
                self.get(self.temp(*t));
                self.get(self.pyframe_l);
                self.call(Rt::ExcRestoreLasti);
                return Ok(());
            }
            ExcPush(t) => {
                self.call_on(&[*t], Rt::ExcPush);
                fail = Fail::Never;
            }
            ExcPop(t) => {
                owned.retain(|o| o != t);
                self.call_on(&[*t], Rt::ExcPop);
                return Ok(());
            }
            ExcMatches(e, t) => {
                self.call_on(&[*e, *t], Rt::ExcMatches);
                fail = Fail::Negative;
            }
            Alias(t) => {
                self.get(self.temp(*t));
                fail = Fail::Never;
                if self.ty(inst.dst.unwrap_or(0)) == Ty::Obj {
                    self.ins(I::LocalSet(dst.unwrap_or(0)));
                    self.incref(dst.unwrap_or(0));
                    owned.push(inst.dst.unwrap_or(0));
                    return Ok(());
                }
            }
            Release(t) => {
                owned.retain(|o| o != t);
                let w = self.temp(*t);
                // An unboxed number has no object.
                if self.is_dual(*t) {
                    self.xdecref(w);
                } else {
                    self.decref(w);
                }
                return Ok(());
            }
        }
        // The result: into dst (or dropped), then the failure check.
        match (inst.dst, &fail) {
            (Some(d), Fail::Never) => {
                self.ins(I::LocalSet(self.temp(d)));
            }
            (Some(d), Fail::Null) => {
                self.ins(I::LocalTee(self.temp(d)));
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, pos)?;
            }
            (Some(d), Fail::Negative) => {
                self.ins(I::LocalTee(self.temp(d)));
                self.konst(0);
                self.ins(I::I32LtS);
                self.fail_if(x, owned, pos)?;
            }
            (None, Fail::Never) => {}
            (None, Fail::Null) => {
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, pos)?;
            }
            (None, Fail::Negative) => {
                self.konst(0);
                self.ins(I::I32LtS);
                self.fail_if(x, owned, pos)?;
            }
        }
        if let Some(d) = inst.dst {
            if self.ty(d) == Ty::Obj {
                owned.push(d);
            }
        }
        Ok(())
    }
}

/// Whether INST's generated code moves the frame to its line only on the
/// paths that can allocate or run other code (`ir::LineSite::SlowPaths`):
/// inline arithmetic, comparisons and list subscripts (their CPython
/// path, a result or operand boxed), truth tests (the runtime's), loop
/// steps (a box, a non-list iterator's `__next__`), and releases of a
/// value (its destructor). Every way generated code allocates or calls
/// out for these calls `Gen::pending_line` first.
pub fn line_on_slow_paths(inst: &Inst) -> bool {
    let has_dst = inst.dst.is_some();
    match &inst.op {
        Op::StoreLocal(..) | Op::DeleteLocal(_) | Op::Release(_) | Op::RangeNext(_) | Op::SetItem(..) => true,
        Op::GetItem(..) | Op::Truth(_) | Op::IterNext(_) => has_dst,
        op => numeric::is_inline(op) && has_dst,
    }
}
