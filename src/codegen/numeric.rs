//! Inline int and float arithmetic. Without type inference yet, the types
//! are checked at run time: an exact `int` of at most two digits (CPython's
//! 30-bit digits) or an exact `float` is computed on with wasm's own i64 and
//! f64 instructions, anything else (other types, big ints, a division by
//! zero, an int product that could overflow) takes CPython's path
//! (`py2wasm_binary`, `py2wasm_unary`, `py2wasm_compare_bool`).
//!
//! A result that only feeds more arithmetic (`dx * dx + dy * dy`: the two
//! products) is a *dual* temp: it stays unboxed (a tag saying int or float,
//! and an i64 local holding the int or the float's bits, its object
//! pointer NULL) until something needs
//! the object. The results are CPython's exactly: int arithmetic on values
//! below 2**62 cannot overflow an i64; int / int is an IEEE division when
//! both are below 2**53 (long_true_divide's fast path); an int meets a
//! float as PyLong_AsDouble converts it (correctly rounded), and compares
//! with one only below 2**48 (float_richcompare's exact case).

use wasm_encoder::{BlockType, Instruction as I, MemArg, ValType};

use super::{Ctx, Gen};
use crate::codegen::runtime::Rt;
use crate::ir::{self, BinOp, CmpOp, Inst, LocalId, LocalKind, Op, Temp, Term, Ty, UnaryOp};

/// The tag of a view or a dual temp.
const BOXED: i32 = 0;
const INT: i32 = 1;
const FLOAT: i32 = 2;

/// Unboxed ints stay below this magnitude (so a sum fits an i64).
const INT_LIMIT_BITS: u32 = 62;

/// runtime/attach.c's rangeiter_layout (Objects/rangeobject.c).
const RANGEITER_INDEX: u64 = 8;
const RANGEITER_START: u64 = 12;
const RANGEITER_STEP: u64 = 16;
const RANGEITER_LEN: u64 = 20;
/// runtime/attach.c's check_str_layout (Include/cpython/unicodeobject.h):
/// a str's length, the byte of its state bits (interned:2, kind:3,
/// compact:1, ascii:1, ready:1) and, for a compact ASCII str, where its
/// characters start; the state of a compact ASCII str under the mask.
const STR_LENGTH: u64 = 8;
const STR_STATE: u64 = 16;
const STR_DATA: u64 = 24;
const STR_STATE_MASK: i32 = 0xfc;
const STR_STATE_COMPACT_ASCII: i32 = 0xe4;
/// runtime/attach.c's listiter_layout (Objects/listobject.c).
const LISTITER_INDEX: u64 = 8;
const LISTITER_SEQ: u64 = 12;

/// The dual temps and locals of a function and where their wasm locals are.
#[derive(Default)]
pub struct Plan {
    /// Per temp, then per local: its index among the duals.
    dual: Vec<Option<u32>>,
    dual_local: Vec<Option<u32>>,
    count: u32,
    /// First i32 (tags) and i64 (values) local: `count` of each, then
    /// three scratch locals (operand a, operand b, result). A value is an
    /// int, or a float's bits (`fget`, `fset`): one local, not two, so
    /// every dual is two wasm values where control flow merges.
    pub tag_base: u32,
    pub i64_base: u32,
    /// Per local: the index of the inline range loop (`Op::RangeIter`)
    /// whose iterator it holds. Each has three i64 locals from
    /// `range_base`: the next value, how many are left, the step.
    range: Vec<Option<u32>>,
    pub ranges: u32,
    pub range_base: u32,
    /// Parameters that keep their argument (never assigned or deleted)
    /// and are operands of inline arithmetic: each argument is viewed once,
    /// at the entry (`Gen::view_params`), into a tag local from
    /// `view_tag_base` and a bits local from `view_bits_base`; per temp,
    /// the view of the parameter it was loaded from.
    pub viewed_params: Vec<LocalId>,
    param_view: Vec<Option<u32>>,
    pub view_tag_base: u32,
    pub view_bits_base: u32,
}

impl Plan {
    /// Locals of each type (i32, i64) the plan needs.
    pub fn locals(&self) -> u32 {
        self.count + 3
    }
}

fn inline_binop(op: BinOp) -> bool {
    use BinOp::*;
    matches!(op, Add | Sub | Mul | TrueDiv | FloorDiv | Mod)
}

pub(super) fn is_inline(op: &Op) -> bool {
    match op {
        Op::Binary(b, ..) => inline_binop(*b),
        Op::Unary(UnaryOp::Neg, _) | Op::CompareBool(..) | Op::Compare(..) => true,
        _ => false,
    }
}

/// Finds the duals. A temp is dual when it is made by inline arithmetic,
/// by `IterNext` (a range iterator's next int comes unboxed), by loading a
/// dual local or as a borrowed view (`Alias`) of a dual temp, and is read
/// only by inline arithmetic, released, stored in a dual local, viewed by
/// a dual temp or (IterNext) tested for the end. A local is dual when a
/// dual temp is stored in it: a plain variable (not a cell, not in a
/// generator, whose variables live in its genstate between resumptions).
/// Every rule only ever turns candidates down, so this is a fixpoint.
pub fn plan(f: &ir::Function) -> Plan {
    let mut local_ok: Vec<bool> = f.locals.iter().map(|l| l.kind == LocalKind::Fast && !f.generator).collect();
    let mut temp_ok = vec![false; f.temps.len()];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let Some(d) = inst.dst {
            temp_ok[d as usize] = match &inst.op {
                Op::CompareBool(..) | Op::Compare(..) => false,
                op if is_inline(op) => f.temps[d as usize] == Ty::Obj,
                Op::Alias(src) => f.temps[d as usize] == Ty::Borrowed && f.temps[*src as usize] == Ty::Obj,
                Op::IterNext(_) | Op::RangeNext(_) | Op::LoadLocal(_) => true,
                _ => false,
            };
        }
    }
    loop {
        let before = (temp_ok.clone(), local_ok.clone());
        for b in &f.blocks {
            for inst in &b.insts {
                match (&inst.op, inst.dst) {
                    (Op::LoadLocal(l), Some(d)) => temp_ok[d as usize] &= local_ok[*l as usize],
                    (Op::Alias(src), Some(d)) => {
                        let both = temp_ok[d as usize] && temp_ok[*src as usize];
                        temp_ok[d as usize] = both;
                        temp_ok[*src as usize] = both;
                    }
                    (op, Some(_)) if is_inline(op) => {}
                    (Op::Release(_), _) | (Op::RangeIter(..), _) | (Op::Truth(_), _) => {}
                    // list[i] and list[i] = v read the index (and value) unboxed.
                    (Op::GetItem(o, _), Some(_)) => temp_ok[*o as usize] = false,
                    (Op::SetItem(o, _, _), _) => temp_ok[*o as usize] = false,
                    (Op::StoreLocal(l, t), _) => temp_ok[*t as usize] &= local_ok[*l as usize],
                    // Taking the object out needs the object; so does
                    // super(), which reads the first argument's local.
                    (Op::TakeLocal(l), _) | (Op::Super(_, _, Some(l)), _) => local_ok[*l as usize] = false,
                    // The frame gets the objects.
                    (Op::SyncLocals(ls), _) => {
                        for l in ls {
                            local_ok[*l as usize] = false;
                        }
                    }
                    (op, _) => {
                        for t in op.operands() {
                            temp_ok[t as usize] = false;
                        }
                    }
                }
            }
            match &b.term {
                Term::BranchNull(..) => {}
                Term::Branch(t, ..) | Term::Return(t) | Term::Yield(t, ..) => temp_ok[*t as usize] = false,
                _ => {}
            }
        }
        // A local stays dual only if some dual temp is stored in it.
        let mut stored = vec![false; f.locals.len()];
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            if let Op::StoreLocal(l, t) = &inst.op {
                stored[*l as usize] |= temp_ok[*t as usize];
            }
        }
        for (ok, s) in local_ok.iter_mut().zip(&stored) {
            *ok &= *s;
        }
        if (&temp_ok, &local_ok) == (&before.0, &before.1) {
            break;
        }
    }
    let mut count = 0;
    let mut number = |ok: &bool| {
        ok.then(|| {
            count += 1;
            count - 1
        })
    };
    let dual: Vec<Option<u32>> = temp_ok.iter().map(&mut number).collect();
    let dual_local = local_ok.iter().map(&mut number).collect();
    // A generator's locals live in memory between resumptions: its range
    // loops keep real iterators.
    let mut range = vec![None; f.locals.len()];
    let mut ranges = 0;
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let (Op::RangeIter(l, _), false) = (&inst.op, f.generator) {
            if range[*l as usize].is_none() {
                range[*l as usize] = Some(ranges);
                ranges += 1;
            }
        }
    }
    // Parameters viewed once: never assigned, deleted or taken, not dual,
    // loaded for inline arithmetic at least once.
    let mut fixed: Vec<bool> = (0..f.locals.len())
        .map(|l| (l as u32) < f.nparams && f.locals[l].kind == LocalKind::Fast && !f.generator && !local_ok[l])
        .collect();
    let mut loaded_from: Vec<Option<LocalId>> = vec![None; f.temps.len()];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        match (&inst.op, inst.dst) {
            (Op::StoreLocal(l, _) | Op::DeleteLocal(l) | Op::TakeLocal(l), _) => fixed[*l as usize] = false,
            (Op::LoadLocal(l), Some(d)) => loaded_from[d as usize] = Some(*l),
            _ => {}
        }
    }
    // Worth it when the view would run more than once a call: two uses,
    // or one in a loop (blocks between a jump back and its target).
    let mut loop_depth = vec![0i32; f.blocks.len() + 1];
    for (u, b) in f.blocks.iter().enumerate() {
        for h in b.term.successors().into_iter().filter(|&h| h <= u) {
            loop_depth[h] += 1;
            loop_depth[u + 1] -= 1;
        }
    }
    let mut uses = vec![0u32; f.locals.len()];
    let mut depth = 0;
    for (b, block) in f.blocks.iter().enumerate() {
        depth += loop_depth[b];
        for inst in block.insts.iter().filter(|i| is_inline(&i.op)) {
            for t in inst.op.operands() {
                if let Some(l) = loaded_from[t as usize] {
                    uses[l as usize] += if depth > 0 { 2 } else { 1 };
                }
            }
        }
    }
    let viewed_params: Vec<LocalId> =
        (0..f.locals.len() as LocalId).filter(|&l| fixed[l as usize] && uses[l as usize] >= 2).collect();
    let param_view = loaded_from
        .iter()
        .enumerate()
        .map(|(t, l)| {
            let l = (*l)?;
            if dual[t].is_some() {
                return None;
            }
            viewed_params.iter().position(|&p| p == l).map(|i| i as u32)
        })
        .collect();
    Plan { dual, dual_local, count, range, ranges, viewed_params, param_view, ..Plan::default() }
}

/// What an inline instruction computes.
#[derive(Clone, Copy)]
enum Kind {
    Bin(BinOp, bool),
    Neg,
    Cmp(CmpOp),
    /// A comparison's value: True or False (Op::Compare).
    CmpObj(CmpOp),
}

fn f64_mem() -> MemArg {
    MemArg { offset: 8, align: 3, memory_index: 0 }
}

impl Gen<'_> {
    pub(super) fn is_dual(&self, t: Temp) -> bool {
        self.num.dual.get(t as usize).copied().flatten().is_some()
    }

    /// (tag, int, float) locals of dual temp T: the last two are the same
    /// i64 local, named for how it is read (`fget`).
    fn dual_locals(&self, t: Temp) -> Option<(u32, u32, u32)> {
        let d = self.num.dual.get(t as usize).copied().flatten()?;
        Some((self.num.tag_base + d, self.num.i64_base + d, self.num.i64_base + d))
    }

    /// (tag, int, float) scratch locals (as `dual_locals`): 0 and 1 the
    /// operands, 2 the result.
    fn scratch(&self, i: u32) -> (u32, u32, u32) {
        let c = self.num.count;
        (self.num.tag_base + c + i, self.num.i64_base + c + i, self.num.i64_base + c + i)
    }

    /// Pushes the float whose bits value local L holds.
    fn fget(&mut self, l: u32) {
        self.ins(I::LocalGet(l));
        self.ins(I::F64ReinterpretI64);
    }

    /// Sets value local L to the bits of the float on the stack.
    fn fset(&mut self, l: u32) {
        self.ins(I::I64ReinterpretF64);
        self.ins(I::LocalSet(l));
    }

    fn open_if(&mut self) {
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
    }

    fn close(&mut self) {
        self.ctx.pop();
        self.ins(I::End);
    }

    /// Branches to the CPython path of the instruction being generated.
    fn br_slow(&mut self) {
        let depth = self.slow_depth();
        self.ins(I::Br(depth));
    }

    fn br_slow_if(&mut self) {
        self.open_if();
        self.br_slow();
        self.close();
    }

    /// Pushes whether i64 local L is outside [-2**bits, 2**bits).
    fn i64_out_of_range(&mut self, l: u32, bits: u32) {
        self.ins(I::LocalGet(l));
        self.ins(I::I64Const(1i64 << bits));
        self.ins(I::I64Add);
        self.ins(I::I64Const(1i64 << (bits + 1)));
        self.ins(I::I64GeU);
    }

    /// Sets scratch view I of object temp local W: its tag, and its value
    /// when an exact small int or an exact float.
    fn view_object(&mut self, w: u32, i: u32) {
        let (k, iv, fv) = self.scratch(i);
        self.konst(BOXED);
        self.ins(I::LocalSet(k));
        self.get(w);
        self.ins(I::I32Load(super::mem(4))); // ob_type
        self.ins(I::LocalTee(self.scratch_l));
        self.konst(self.env.data.float_type as i32);
        self.ins(I::I32Eq);
        self.open_if();
        self.get(w);
        self.ins(I::I64Load(f64_mem())); // ob_fval's bits
        self.ins(I::LocalSet(fv));
        self.konst(FLOAT);
        self.ins(I::LocalSet(k));
        self.ins(I::Else);
        self.get(self.scratch_l);
        self.konst(self.env.data.long_type as i32);
        self.ins(I::I32Eq);
        self.open_if();
        // ob_size (signed digit count) in -2..=2.
        self.get(w);
        self.ins(I::I32Load(super::mem(8)));
        self.ins(I::LocalTee(self.scratch_l));
        self.konst(2);
        self.ins(I::I32Add);
        self.konst(4);
        self.ins(I::I32LeU);
        self.open_if();
        self.get(w);
        self.ins(I::I64Load32U(super::mem(12)));
        self.ins(I::LocalSet(iv));
        self.get(self.scratch_l);
        self.konst(1);
        self.ins(I::I32Add);
        self.konst(2);
        self.ins(I::I32LeU);
        self.open_if();
        // One digit or none: ob_digit[0] times the size.
        self.ins(I::LocalGet(iv));
        self.get(self.scratch_l);
        self.ins(I::I64ExtendI32S);
        self.ins(I::I64Mul);
        self.ins(I::LocalSet(iv));
        self.ins(I::Else);
        // Two: ob_digit[1] * 2**30 + ob_digit[0], negated by the sign.
        self.ins(I::LocalGet(iv));
        self.get(w);
        self.ins(I::I64Load32U(super::mem(16)));
        self.ins(I::I64Const(30));
        self.ins(I::I64Shl);
        self.ins(I::I64Or);
        self.ins(I::LocalSet(iv));
        self.ins(I::I64Const(0));
        self.ins(I::LocalGet(iv));
        self.ins(I::I64Sub);
        self.ins(I::LocalGet(iv));
        self.get(self.scratch_l);
        self.konst(0);
        self.ins(I::I32LtS);
        self.ins(I::Select);
        self.ins(I::LocalSet(iv));
        self.close();
        self.konst(INT);
        self.ins(I::LocalSet(k));
        self.close();
        self.close();
        self.close();
    }

    /// Sets scratch view I of operand T.
    fn view(&mut self, t: Temp, i: u32) {
        let w = self.temp(t);
        // A number constant's view is known here: no type checks at run time.
        if let Some(&n) = self.f.numbers.get(&t) {
            let (k, value, _) = self.scratch(i);
            let (tag, bits) = match n {
                ir::Number::Int(v) => (INT, v),
                ir::Number::Float(v) => (FLOAT, v.to_bits() as i64),
            };
            self.konst(tag);
            self.ins(I::LocalSet(k));
            self.ins(I::I64Const(bits));
            self.ins(I::LocalSet(value));
            return;
        }
        if let Some(v) = self.num.param_view.get(t as usize).copied().flatten() {
            // A parameter's argument, viewed at the entry.
            let (k, value, _) = self.scratch(i);
            self.ins(I::LocalGet(self.num.view_tag_base + v));
            self.ins(I::LocalSet(k));
            self.ins(I::LocalGet(self.num.view_bits_base + v));
            self.ins(I::LocalSet(value));
            return;
        }
        match self.dual_locals(t) {
            None => self.view_object(w, i),
            Some((tag, tiv, tfv)) => {
                let (k, iv, fv) = self.scratch(i);
                self.ins(I::LocalGet(tag));
                self.ins(I::LocalSet(k));
                self.ins(I::LocalGet(tiv));
                self.ins(I::LocalSet(iv));
                self.ins(I::LocalGet(tfv));
                self.ins(I::LocalSet(fv));
                self.ins(I::LocalGet(tag));
                self.ins(I::I32Eqz);
                self.open_if();
                self.view_object(w, i);
                self.close();
            }
        }
    }

    /// At the entry: each parameter of `Plan::viewed_params` viewed once
    /// (its argument is the local's value for the whole call).
    pub(super) fn view_params(&mut self) {
        for (v, &l) in self.num.viewed_params.clone().iter().enumerate() {
            let w = self.local(l);
            self.view_object(w, 0);
            let (k, value, _) = self.scratch(0);
            self.ins(I::LocalGet(k));
            self.ins(I::LocalSet(self.num.view_tag_base + v as u32));
            self.ins(I::LocalGet(value));
            self.ins(I::LocalSet(self.num.view_bits_base + v as u32));
        }
    }

    /// Converts scratch view I to f64 when it is an int.
    fn int_view_as_float(&mut self, i: u32) {
        let (k, iv, fv) = self.scratch(i);
        self.ins(I::LocalGet(k));
        self.konst(INT);
        self.ins(I::I32Eq);
        self.open_if();
        self.ins(I::LocalGet(iv));
        self.ins(I::F64ConvertI64S);
        self.fset(fv);
        self.close();
    }

    /// Both views are ints: pushes that condition.
    fn both_int(&mut self) {
        let (ka, _, _) = self.scratch(0);
        let (kb, _, _) = self.scratch(1);
        self.ins(I::LocalGet(ka));
        self.ins(I::LocalGet(kb));
        self.ins(I::I32And);
        self.konst(INT);
        self.ins(I::I32Eq);
    }

    /// Either view is boxed (not a number we compute on).
    fn br_slow_if_boxed(&mut self) {
        let (ka, _, _) = self.scratch(0);
        let (kb, _, _) = self.scratch(1);
        self.ins(I::LocalGet(ka));
        self.ins(I::I32Eqz);
        self.ins(I::LocalGet(kb));
        self.ins(I::I32Eqz);
        self.ins(I::I32Or);
        self.br_slow_if();
    }

    /// The fast path of a binary operation: the result in scratch 2.
    fn binary_fast(&mut self, op: BinOp) {
        let (_, ia, fa) = self.scratch(0);
        let (_, ib, fb) = self.scratch(1);
        let (rk, ri, rf) = self.scratch(2);
        self.both_int();
        self.open_if();
        match op {
            BinOp::Add | BinOp::Sub => {
                self.ins(I::LocalGet(ia));
                self.ins(I::LocalGet(ib));
                self.ins(if op == BinOp::Add { I::I64Add } else { I::I64Sub });
                self.ins(I::LocalSet(ri));
            }
            BinOp::Mul => {
                self.i64_out_of_range(ia, 31);
                self.i64_out_of_range(ib, 31);
                self.ins(I::I32Or);
                self.br_slow_if();
                self.ins(I::LocalGet(ia));
                self.ins(I::LocalGet(ib));
                self.ins(I::I64Mul);
                self.ins(I::LocalSet(ri));
            }
            BinOp::TrueDiv => {
                self.ins(I::LocalGet(ib));
                self.ins(I::I64Eqz);
                self.i64_out_of_range(ia, 53);
                self.ins(I::I32Or);
                self.i64_out_of_range(ib, 53);
                self.ins(I::I32Or);
                self.br_slow_if();
                self.ins(I::LocalGet(ia));
                self.ins(I::F64ConvertI64S);
                self.ins(I::LocalGet(ib));
                self.ins(I::F64ConvertI64S);
                self.ins(I::F64Div);
                self.fset(rf);
            }
            BinOp::FloorDiv | BinOp::Mod => {
                self.ins(I::LocalGet(ib));
                self.ins(I::I64Eqz);
                self.br_slow_if();
                // C truncates; Python floors: a non-zero remainder with the
                // divisor's opposite sign moves the quotient down one (and
                // the remainder up by the divisor).
                self.ins(I::LocalGet(ia));
                self.ins(I::LocalGet(ib));
                self.ins(I::I64RemS);
                self.ins(I::LocalSet(ri));
                self.ins(I::LocalGet(ri));
                self.ins(I::I64Const(0));
                self.ins(I::I64Ne);
                self.ins(I::LocalGet(ri));
                self.ins(I::LocalGet(ib));
                self.ins(I::I64Xor);
                self.ins(I::I64Const(0));
                self.ins(I::I64LtS);
                self.ins(I::I32And);
                self.ins(I::LocalSet(self.scratch_l));
                if op == BinOp::FloorDiv {
                    self.ins(I::LocalGet(ia));
                    self.ins(I::LocalGet(ib));
                    self.ins(I::I64DivS);
                    self.get(self.scratch_l);
                    self.ins(I::I64ExtendI32U);
                    self.ins(I::I64Sub);
                    self.ins(I::LocalSet(ri));
                } else {
                    self.ins(I::LocalGet(ri));
                    self.ins(I::LocalGet(ib));
                    self.ins(I::I64Const(0));
                    self.get(self.scratch_l);
                    self.ins(I::Select);
                    self.ins(I::I64Add);
                    self.ins(I::LocalSet(ri));
                }
            }
            _ => self.br_slow(),
        }
        self.konst(if op == BinOp::TrueDiv { FLOAT } else { INT });
        self.ins(I::LocalSet(rk));
        self.ins(I::Else);
        self.br_slow_if_boxed();
        if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::TrueDiv) {
            // float // and % have their own rules: CPython's path.
            self.br_slow();
        } else {
            self.int_view_as_float(0);
            self.int_view_as_float(1);
            if op == BinOp::TrueDiv {
                self.fget(fb);
                self.ins(I::F64Const(0.0));
                self.ins(I::F64Eq);
                self.br_slow_if();
            }
            self.fget(fa);
            self.fget(fb);
            self.ins(match op {
                BinOp::Add => I::F64Add,
                BinOp::Sub => I::F64Sub,
                BinOp::Mul => I::F64Mul,
                _ => I::F64Div,
            });
            self.fset(rf);
            self.konst(FLOAT);
            self.ins(I::LocalSet(rk));
        }
        self.close();
    }

    /// The fast path of `-a`: the result in scratch 2.
    fn neg_fast(&mut self) {
        let (ka, ia, fa) = self.scratch(0);
        let (rk, ri, rf) = self.scratch(2);
        self.ins(I::LocalGet(ka));
        self.ins(I::LocalSet(rk));
        self.ins(I::LocalGet(ka));
        self.konst(INT);
        self.ins(I::I32Eq);
        self.open_if();
        self.ins(I::I64Const(0));
        self.ins(I::LocalGet(ia));
        self.ins(I::I64Sub);
        self.ins(I::LocalSet(ri));
        self.ins(I::Else);
        self.ins(I::LocalGet(ka));
        self.ins(I::I32Eqz);
        self.br_slow_if();
        self.fget(fa);
        self.ins(I::F64Neg);
        self.fset(rf);
        self.close();
    }

    /// The fast path of a comparison: the truth (0 or 1) in scratch tag 2.
    fn compare_fast(&mut self, op: CmpOp) {
        let (_, ia, fa) = self.scratch(0);
        let (_, ib, fb) = self.scratch(1);
        let (rk, _, _) = self.scratch(2);
        self.both_int();
        self.open_if();
        self.ins(I::LocalGet(ia));
        self.ins(I::LocalGet(ib));
        self.ins(match op {
            CmpOp::Lt => I::I64LtS,
            CmpOp::Le => I::I64LeS,
            CmpOp::Eq => I::I64Eq,
            CmpOp::Ne => I::I64Ne,
            CmpOp::Gt => I::I64GtS,
            CmpOp::Ge => I::I64GeS,
        });
        self.ins(I::LocalSet(rk));
        self.ins(I::Else);
        self.br_slow_if_boxed();
        // An int compares with a float exactly only when the conversion is
        // exact.
        for i in 0..2 {
            let (k, iv, _) = self.scratch(i);
            self.ins(I::LocalGet(k));
            self.konst(INT);
            self.ins(I::I32Eq);
            self.i64_out_of_range(iv, 48);
            self.ins(I::I32And);
            self.br_slow_if();
            self.int_view_as_float(i);
        }
        self.fget(fa);
        self.fget(fb);
        self.ins(match op {
            CmpOp::Lt => I::F64Lt,
            CmpOp::Le => I::F64Le,
            CmpOp::Eq => I::F64Eq,
            CmpOp::Ne => I::F64Ne,
            CmpOp::Gt => I::F64Gt,
            CmpOp::Ge => I::F64Ge,
        });
        self.ins(I::LocalSet(rk));
        self.close();
    }

    /// Pushes whether objects A and B are both one-character ASCII strs
    /// (`is_ascii_char`).
    fn both_ascii_chars(&mut self, a: u32, b: u32) {
        self.is_ascii_char(a);
        self.is_ascii_char(b);
        self.ins(I::I32And);
    }

    /// Pushes whether object W is a one-character ASCII str (exact,
    /// compact: the character is the byte after the header). The length is
    /// read of any object only to be turned down.
    fn is_ascii_char(&mut self, w: u32) {
        self.is_compact_ascii(w);
        self.get(w);
        self.ins(I::I32Load(super::mem(STR_LENGTH)));
        self.konst(1);
        self.ins(I::I32Eq);
        self.ins(I::I32And);
    }

    /// Pushes whether object W is an exact, compact ASCII str (its
    /// characters right after the header). Its state is read of any
    /// object only to be turned down.
    fn is_compact_ascii(&mut self, w: u32) {
        self.type_is_held_in(w, self.env.data.ascii_str_type_ref);
        self.get(w);
        self.ins(I::I32Load8U(super::mem_byte(STR_STATE)));
        self.konst(STR_STATE_MASK);
        self.ins(I::I32And);
        self.konst(STR_STATE_COMPACT_ASCII);
        self.ins(I::I32Eq);
        self.ins(I::I32And);
    }

    /// The builtin B (already known to be the callee) on ARGS, inline for
    /// the cases whose answer is one of CPython's cached objects: `ord()` of
    /// an exact compact ASCII str of one character (the small int of its
    /// code), `chr()` of an exact int in 0..=127 (the one-character str
    /// `py2wasm_ascii_chars` holds, which is what chr() returns). Anything
    /// else goes to the runtime's fast path. Leaves the result (a new
    /// reference, NULL: failed); false when B has no inline path.
    pub(super) fn inline_builtin(&mut self, b: ir::Builtin, args: &[Temp]) -> bool {
        let [a] = args else { return false };
        let w = self.temp(*a);
        let v = self.scratch_l;
        match b {
            ir::Builtin::Ord => {
                self.is_ascii_char(w);
                self.ins(I::If(BlockType::Result(ValType::I32)));
                self.small_int(|g| {
                    g.get(w);
                    g.ins(I::I32Load8U(super::mem_byte(STR_DATA)));
                });
            }
            ir::Builtin::Chr => {
                // The value of an int of no digit or one positive digit:
                // ob_digit[0] times ob_size (read of any object, to be
                // turned down unless it is such an int).
                self.get(w);
                self.ins(I::I32Load(super::mem(12)));
                self.get(w);
                self.ins(I::I32Load(super::mem(8)));
                self.ins(I::I32Mul);
                self.ins(I::LocalSet(v));
                self.get(w);
                self.ins(I::I32Load(super::mem(4))); // ob_type
                self.konst(self.env.data.long_type as i32);
                self.ins(I::I32Eq);
                self.get(w);
                self.ins(I::I32Load(super::mem(8)));
                self.konst(1);
                self.ins(I::I32LeU);
                self.ins(I::I32And);
                self.get(v);
                self.konst(128);
                self.ins(I::I32LtU);
                self.ins(I::I32And);
                // The table is filled when str's layout checked out.
                self.konst(self.env.data.ascii_str_type_ref as i32);
                self.ins(I::I32Load(super::mem(0)));
                self.konst(0);
                self.ins(I::I32Ne);
                self.ins(I::I32And);
                self.ins(I::If(BlockType::Result(ValType::I32)));
                self.konst(self.env.data.ascii_chars as i32);
                self.get(v);
                self.konst(4);
                self.ins(I::I32Mul);
                self.ins(I::I32Add);
                self.ins(I::I32Load(super::mem(0)));
            }
            _ => return false,
        }
        self.ins(I::LocalSet(v));
        self.incref(v);
        self.get(v);
        self.ins(I::Else);
        self.call_on(args, Rt::builtin(b));
        self.ins(I::End);
        true
    }

    /// Object local W = True or False (a new reference) as i32 local
    /// TRUTH is nonzero or zero (TRUTH may be W itself).
    fn bool_object(&mut self, truth: u32, w: u32) {
        self.konst(self.env.data.true_obj as i32);
        self.konst(self.env.data.false_obj as i32);
        self.ins(I::LocalGet(truth));
        self.ins(I::Select);
        self.ins(I::LocalSet(w));
        self.incref(w);
    }

    /// Pushes the truth of comparison OP of the characters of A and B
    /// (both_ascii_chars), which is the strs' own.
    fn ascii_char_compare(&mut self, a: u32, b: u32, op: CmpOp) {
        for w in [a, b] {
            self.get(w);
            self.ins(I::I32Load8U(super::mem_byte(STR_DATA)));
        }
        self.ins(match op {
            CmpOp::Lt => I::I32LtU,
            CmpOp::Le => I::I32LeU,
            CmpOp::Eq => I::I32Eq,
            CmpOp::Ne => I::I32Ne,
            CmpOp::Gt => I::I32GtU,
            CmpOp::Ge => I::I32GeU,
        });
    }

    /// Pushes the address of CPython's cached int (-5..=256, 16 bytes
    /// each, as PyLong_FromLong gives it) of the i32 VALUE pushes.
    fn small_int(&mut self, value: impl FnOnce(&mut Self)) {
        self.konst(self.env.data.small_ints_ref as i32);
        self.ins(I::I32Load(super::mem(0)));
        value(self);
        self.konst(5);
        self.ins(I::I32Add);
        self.konst(4);
        self.ins(I::I32Shl);
        self.ins(I::I32Add);
    }

    /// Boxes the number in (TAG, IV, FV) (an int or a float) into object
    /// local W (NULL on failure).
    fn box_into(&mut self, tag: u32, iv: u32, fv: u32, w: u32) {
        self.ins(I::LocalGet(tag));
        self.konst(INT);
        self.ins(I::I32Eq);
        self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I32)));
        // -5..=256: CPython's cached int (16 bytes each), as
        // PyLong_FromLongLong gives it.
        self.ins(I::LocalGet(iv));
        self.ins(I::I64Const(5));
        self.ins(I::I64Add);
        self.ins(I::I64Const(262));
        self.ins(I::I64LtU);
        self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I32)));
        self.small_int(|g| {
            g.ins(I::LocalGet(iv));
            g.ins(I::I32WrapI64);
        });
        self.ins(I::LocalSet(w));
        self.incref(w);
        self.get(w);
        self.ins(I::Else);
        self.ins(I::LocalGet(iv));
        self.pending_line();
        self.call(Rt::BoxInt);
        self.ins(I::End);
        self.ins(I::Else);
        self.fget(fv);
        self.pending_line();
        self.call(Rt::BoxFloat);
        self.ins(I::End);
        self.ins(I::LocalSet(w));
    }

    /// Boxes scratch result 2 into object local W (NULL on failure).
    fn box_result(&mut self, w: u32) {
        let (rk, ri, rf) = self.scratch(2);
        self.box_into(rk, ri, rf, w);
    }

    /// A dual temp about to be read as an object gets its box. An owned
    /// temp keeps it (and is boxed from then on); a borrowed one (a loaded
    /// local) gets it only for the instruction: `release_borrowed_box`.
    fn materialize(&mut self, x: usize, t: Temp, owned: &[Temp], pos: ir::Pos) -> Result<(), String> {
        let Some((tag, iv, fv)) = self.dual_locals(t) else {
            return Ok(());
        };
        let w = self.temp(t);
        self.ins(I::LocalGet(tag));
        self.open_if();
        self.box_into(tag, iv, fv, w);
        self.get(w);
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(pos))?;
        if self.ty(t) == Ty::Obj {
            self.konst(BOXED);
            self.ins(I::LocalSet(tag));
        }
        self.close();
        Ok(())
    }

    /// After CPython's path: drops the box `materialize` made for a
    /// borrowed dual temp.
    fn release_borrowed_box(&mut self, t: Temp) {
        let Some((tag, _, _)) = self.dual_locals(t) else { return };
        if self.ty(t) == Ty::Obj {
            return;
        }
        let w = self.temp(t);
        self.ins(I::LocalGet(tag));
        self.open_if();
        self.decref(w);
        self.konst(0);
        self.ins(I::LocalSet(w));
        self.close();
    }

    /// Dual local L (when it is one) holding a number gets its box from
    /// now on (what a frame object shows of it: frame.c's sync); on
    /// failure it keeps the number.
    pub(super) fn box_dual_local(&mut self, l: LocalId) {
        let Some((tag, iv, fv)) = self.dual_local_locals(l) else { return };
        let w = self.local(l);
        self.ins(I::LocalGet(tag));
        self.open_if();
        self.box_into(tag, iv, fv, w);
        self.get(w);
        self.open_if();
        self.konst(BOXED);
        self.ins(I::LocalSet(tag));
        self.close();
        self.close();
    }

    /// (tag, int, float) locals of dual local L (as `dual_locals`).
    fn dual_local_locals(&self, l: LocalId) -> Option<(u32, u32, u32)> {
        let d = self.num.dual_local.get(l as usize).copied().flatten()?;
        Some((self.num.tag_base + d, self.num.i64_base + d, self.num.i64_base + d))
    }

    /// Pushes whether temp T is NULL: for a dual temp, no object and no
    /// number (an exhausted iterator).
    pub(super) fn push_is_null(&mut self, t: Temp) {
        self.get(self.temp(t));
        if let Some((tag, _, _)) = self.dual_locals(t) {
            self.ins(I::LocalGet(tag));
            self.ins(I::I32Or);
        }
        self.ins(I::I32Eqz);
    }

    /// Fails with UnboundLocalError when dual local L (object W) is unbound.
    fn check_bound(
        &mut self,
        x: usize,
        l: LocalId,
        w: u32,
        tag: u32,
        owned: &[Temp],
        pos: ir::Pos,
    ) -> Result<(), String> {
        self.get(w);
        self.ins(I::LocalGet(tag));
        self.ins(I::I32Or);
        self.ins(I::I32Eqz);
        self.fail_if_unbound(x, l, owned, Some(pos))
    }

    /// Loads, stores and deletes of dual locals, and IterNext into a dual
    /// temp (a range iterator stepped inline); returns whether INST was one.
    /// A dual local holds either an object (tag BOXED) or a number (its
    /// object pointer NULL): never both.
    pub(super) fn dual_op(&mut self, x: usize, inst: &Inst, owned: &mut Vec<Temp>) -> Result<bool, String> {
        match &inst.op {
            Op::LoadLocal(l) => {
                let Some((ltag, li, lf)) = self.dual_local_locals(*l) else { return Ok(false) };
                let Some(d) = inst.dst else { return Ok(false) };
                let w = self.local(*l);
                let dw = self.temp(d);
                if !self.known_bound() {
                    self.check_bound(x, *l, w, ltag, owned, inst.pos)?;
                }
                if let Some((dtag, di, df)) = self.dual_locals(d) {
                    for (from, to) in [(ltag, dtag), (li, di), (lf, df), (w, dw)] {
                        self.ins(I::LocalGet(from));
                        self.ins(I::LocalSet(to));
                    }
                    if self.ty(d) == Ty::Obj {
                        self.xincref(dw);
                    }
                } else {
                    // Read as an object: the local keeps the box from now on.
                    self.ins(I::LocalGet(ltag));
                    self.open_if();
                    self.box_into(ltag, li, lf, w);
                    self.get(w);
                    self.ins(I::I32Eqz);
                    self.fail_if(x, owned, Some(inst.pos))?;
                    self.konst(BOXED);
                    self.ins(I::LocalSet(ltag));
                    self.close();
                    self.get(w);
                    self.ins(I::LocalSet(dw));
                    if self.ty(d) == Ty::Obj {
                        self.incref(dw);
                    }
                }
                if self.ty(d) == Ty::Obj {
                    owned.push(d);
                }
                Ok(true)
            }
            Op::StoreLocal(l, t) => {
                let Some((ltag, li, lf)) = self.dual_local_locals(*l) else { return Ok(false) };
                let w = self.local(*l);
                let tw = self.temp(*t);
                let t_owned = self.ty(*t) == Ty::Obj;
                owned.retain(|o| o != t);
                self.get(w);
                self.ins(I::LocalSet(self.old_l));
                match self.dual_locals(*t) {
                    Some((ttag, ti, tf)) => {
                        self.ins(I::LocalGet(ttag));
                        self.ins(I::LocalSet(ltag));
                        self.ins(I::LocalGet(ttag));
                        self.open_if();
                        self.ins(I::LocalGet(ti));
                        self.ins(I::LocalSet(li));
                        self.ins(I::LocalGet(tf));
                        self.ins(I::LocalSet(lf));
                        self.konst(0);
                        self.ins(I::LocalSet(w));
                        if t_owned {
                            // The number is kept; a box made for it goes.
                            self.xdecref(tw);
                        }
                        self.ins(I::Else);
                        if !t_owned {
                            self.incref(tw);
                        }
                        self.get(tw);
                        self.ins(I::LocalSet(w));
                        self.close();
                    }
                    None => {
                        if !t_owned {
                            self.incref(tw);
                        }
                        self.konst(BOXED);
                        self.ins(I::LocalSet(ltag));
                        self.get(tw);
                        self.ins(I::LocalSet(w));
                    }
                }
                // Last: the old value's destructor may run any code.
                self.xdecref(self.old_l);
                Ok(true)
            }
            Op::DeleteLocal(l) => {
                let Some((ltag, _, _)) = self.dual_local_locals(*l) else { return Ok(false) };
                let w = self.local(*l);
                self.check_bound(x, *l, w, ltag, owned, inst.pos)?;
                self.konst(BOXED);
                self.ins(I::LocalSet(ltag));
                self.get(w);
                self.ins(I::LocalSet(self.old_l));
                self.konst(0);
                self.ins(I::LocalSet(w));
                self.xdecref(self.old_l);
                Ok(true)
            }
            Op::Alias(src) => {
                // A borrowed view of a dual temp (what a store reads).
                let Some(d) = inst.dst else { return Ok(false) };
                let (Some((dtag, di, df)), Some((stag, si, sf))) = (self.dual_locals(d), self.dual_locals(*src)) else {
                    return Ok(false);
                };
                for (from, to) in [(stag, dtag), (si, di), (sf, df), (self.temp(*src), self.temp(d))] {
                    self.ins(I::LocalGet(from));
                    self.ins(I::LocalSet(to));
                }
                Ok(true)
            }
            Op::IterNext(it) => {
                let Some(d) = inst.dst else { return Ok(false) };
                if !self.is_dual(d) {
                    return Ok(false);
                }
                self.next_item(self.temp(*it), d, owned);
                Ok(true)
            }
            Op::Truth(a) => {
                let Some(d) = inst.dst else { return Ok(false) };
                self.truth(*a);
                self.ins(I::LocalTee(self.temp(d)));
                self.konst(0);
                self.ins(I::I32LtS);
                self.fail_if(x, owned, Some(inst.pos))?;
                Ok(true)
            }
            Op::RangeIter(l, operands) => {
                self.range_iter(x, inst, *l, operands, owned)?;
                Ok(true)
            }
            Op::RangeNext(l) => {
                let Some(d) = inst.dst else { return Err("internal: RangeNext without a result".into()) };
                let w = self.local(*l);
                let Some(k) = self.num.range.get(*l as usize).copied().flatten() else {
                    self.next_item(w, d, owned);
                    return Ok(true);
                };
                let (cur, left, step) = self.range_locals(k);
                let dw = self.temp(d);
                self.get(w);
                self.konst(self.env.data.range_type as i32);
                self.ins(I::I32Eq);
                self.open_if();
                // Counted inline: the next value while any is left.
                self.konst(0);
                self.ins(I::LocalSet(dw));
                let dual = self.dual_locals(d);
                if let Some((dtag, _, _)) = dual {
                    self.konst(BOXED);
                    self.ins(I::LocalSet(dtag));
                }
                self.ins(I::LocalGet(left));
                self.ins(I::I64Const(0));
                self.ins(I::I64GtS);
                self.open_if();
                match dual {
                    Some((dtag, di, _)) => {
                        self.ins(I::LocalGet(cur));
                        self.ins(I::LocalSet(di));
                        self.konst(INT);
                        self.ins(I::LocalSet(dtag));
                    }
                    // NULL with MemoryError set: BranchNull raises it.
                    None => {
                        self.ins(I::LocalGet(cur));
                        self.pending_line();
                        self.call(Rt::BoxInt);
                        self.ins(I::LocalSet(dw));
                    }
                }
                self.ins(I::LocalGet(cur));
                self.ins(I::LocalGet(step));
                self.ins(I::I64Add);
                self.ins(I::LocalSet(cur));
                self.ins(I::LocalGet(left));
                self.ins(I::I64Const(1));
                self.ins(I::I64Sub);
                self.ins(I::LocalSet(left));
                self.close();
                self.ins(I::Else);
                self.next_item(w, d, &mut Vec::new());
                self.close();
                owned.push(d);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Pushes whether the type of object local W is the one the runtime
    /// variable at REF holds (an iterator type whose layout it checked).
    fn type_is_held_in(&mut self, w: u32, type_ref: u32) {
        self.get(w);
        self.ins(I::I32Load(super::mem(4))); // ob_type
        self.konst(type_ref as i32);
        self.ins(I::I32Load(super::mem(0)));
        self.ins(I::I32Eq);
    }

    /// The next item of the iterator in object local ITW into object local
    /// DW (NULL at the end, or failed: BranchNull tells them apart): a list
    /// iterator whose list still has items is stepped inline, as
    /// listiter_next does; anything else (and the end) by the runtime.
    pub(super) fn next_object(&mut self, itw: u32, dw: u32) {
        let (seq, index) = (self.scratch_l, self.old_l);
        self.fast_path_begin();
        self.type_is_held_in(itw, self.env.data.listiter_type_ref);
        self.ins(I::I32Eqz);
        self.br_slow_if();
        self.get(itw);
        self.ins(I::I32Load(super::mem(LISTITER_SEQ)));
        self.ins(I::LocalTee(seq));
        self.ins(I::I32Eqz);
        self.br_slow_if();
        self.get(itw);
        self.ins(I::I32Load(super::mem(LISTITER_INDEX)));
        self.ins(I::LocalTee(index));
        self.get(seq);
        self.ins(I::I32Load(super::mem(8))); // ob_size
        self.ins(I::I32GeU);
        self.br_slow_if();
        self.get(seq);
        self.ins(I::I32Load(super::mem(12))); // ob_item
        self.get(index);
        self.konst(4);
        self.ins(I::I32Mul);
        self.ins(I::I32Add);
        self.ins(I::I32Load(super::mem(0)));
        self.ins(I::LocalSet(dw));
        self.incref(dw);
        self.get(itw);
        self.get(index);
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Store(super::mem(LISTITER_INDEX)));
        self.fast_path_done();
        self.get(itw);
        self.pending_line();
        self.call(Rt::IterNext);
        self.ins(I::LocalSet(dw));
        self.fast_path_end();
    }

    /// The next item of the iterator in object local ITW into temp D (NULL
    /// at the end): a range iterator is stepped inline into a dual D.
    fn next_item(&mut self, itw: u32, d: Temp, owned: &mut Vec<Temp>) {
        let dw = self.temp(d);
        let Some((dtag, di, _)) = self.dual_locals(d) else {
            self.next_object(itw, dw);
            owned.push(d);
            return;
        };
        self.type_is_held_in(itw, self.env.data.rangeiter_type_ref);
        self.open_if();
        // rangeiter_next: start + index * step while index < len
        // (C longs: i32 here), the int unboxed.
        self.konst(0);
        self.ins(I::LocalSet(dw));
        self.konst(BOXED);
        self.ins(I::LocalSet(dtag));
        self.get(itw);
        self.ins(I::I32Load(super::mem(RANGEITER_INDEX)));
        self.ins(I::LocalTee(self.scratch_l));
        self.get(itw);
        self.ins(I::I32Load(super::mem(RANGEITER_LEN)));
        self.ins(I::I32LtS);
        self.open_if();
        self.get(itw);
        self.ins(I::I32Load(super::mem(RANGEITER_START)));
        self.get(self.scratch_l);
        self.get(itw);
        self.ins(I::I32Load(super::mem(RANGEITER_STEP)));
        self.ins(I::I32Mul);
        self.ins(I::I32Add);
        self.ins(I::I64ExtendI32S);
        self.ins(I::LocalSet(di));
        self.get(itw);
        self.get(self.scratch_l);
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Store(super::mem(RANGEITER_INDEX)));
        self.konst(INT);
        self.ins(I::LocalSet(dtag));
        self.close();
        self.ins(I::Else);
        self.next_object(itw, dw);
        self.konst(BOXED);
        self.ins(I::LocalSet(dtag));
        self.close();
        owned.push(d);
    }

    /// Pushes the truth of temp T (-1: failed): a number, True, False,
    /// None and an exact int inline, anything else through the runtime.
    fn truth(&mut self, t: Temp) {
        let w = self.temp(t);
        let result = BlockType::Result(wasm_encoder::ValType::I32);
        let dual = self.dual_locals(t);
        if let Some((tag, iv, fv)) = dual {
            self.ins(I::LocalGet(tag));
            self.konst(INT);
            self.ins(I::I32Eq);
            self.ins(I::If(result));
            self.ins(I::LocalGet(iv));
            self.ins(I::I64Const(0));
            self.ins(I::I64Ne);
            self.ins(I::Else);
            self.ins(I::LocalGet(tag));
            self.konst(FLOAT);
            self.ins(I::I32Eq);
            self.ins(I::If(result));
            self.fget(fv);
            self.ins(I::F64Const(0.0));
            self.ins(I::F64Ne);
            self.ins(I::Else);
        }
        let data = self.env.data;
        self.get(w);
        self.konst(data.true_obj as i32);
        self.ins(I::I32Eq);
        self.ins(I::If(result));
        self.konst(1);
        self.ins(I::Else);
        self.get(w);
        self.konst(data.false_obj as i32);
        self.ins(I::I32Eq);
        self.get(w);
        self.konst(data.none_obj as i32);
        self.ins(I::I32Eq);
        self.ins(I::I32Or);
        self.ins(I::If(result));
        self.konst(0);
        self.ins(I::Else);
        self.get(w);
        self.ins(I::I32Load(super::mem(4))); // ob_type
        self.konst(data.long_type as i32);
        self.ins(I::I32Eq);
        self.ins(I::If(result));
        // An int is true unless it has no digits.
        self.get(w);
        self.ins(I::I32Load(super::mem(8))); // ob_size
        self.konst(0);
        self.ins(I::I32Ne);
        self.ins(I::Else);
        self.get(w);
        self.pending_line();
        self.call(Rt::IsTrue);
        self.ins(I::End);
        self.ins(I::End);
        self.ins(I::End);
        if dual.is_some() {
            self.ins(I::End);
            self.ins(I::End);
        }
    }

    /// (next value, how many left, step) locals of inline range loop K.
    fn range_locals(&self, k: u32) -> (u32, u32, u32) {
        let b = self.num.range_base + 3 * k;
        (b, b + 1, b + 2)
    }

    /// `Op::RangeIter`: when the callee is the builtin range and the
    /// arguments ints of at most two digits (a non-zero step), the loop is
    /// counted in wasm locals and the hidden local L holds the range type
    /// as a marker; otherwise it holds iter(callee(*args)).
    fn range_iter(
        &mut self,
        x: usize,
        inst: &Inst,
        l: LocalId,
        operands: &[Temp],
        owned: &[Temp],
    ) -> Result<(), String> {
        let Some((&callee, args)) = operands.split_first() else {
            return Err("internal: RangeIter without a callee".into());
        };
        let w = self.local(l);
        // The iterator of the loop's previous run goes (after the store).
        self.get(w);
        self.ins(I::LocalSet(self.old_l));
        self.konst(0);
        self.ins(I::LocalSet(w));
        self.xdecref(self.old_l);
        let inline = self.num.range.get(l as usize).copied().flatten();
        if let Some(k) = inline {
            let (cur, left, step) = self.range_locals(k);
            let (tag, iv, _) = self.scratch(0);
            self.fast_path_begin();
            self.get(self.temp(callee));
            self.konst(self.env.data.range_type as i32);
            self.ins(I::I32Ne);
            self.br_slow_if();
            self.ins(I::I64Const(0));
            self.ins(I::LocalSet(cur));
            self.ins(I::I64Const(1));
            self.ins(I::LocalSet(step));
            // range(stop), range(start, stop), range(start, stop, step);
            // the stop goes to LEFT until the count replaces it.
            let dests: &[u32] = match args.len() {
                1 => &[left],
                2 => &[cur, left],
                _ => &[cur, left, step],
            };
            for (&a, &dest) in args.iter().zip(dests) {
                self.view(a, 0);
                self.ins(I::LocalGet(tag));
                self.konst(INT);
                self.ins(I::I32Ne);
                self.br_slow_if();
                self.ins(I::LocalGet(iv));
                self.ins(I::LocalSet(dest));
            }
            // A zero step is CPython's ValueError.
            self.ins(I::LocalGet(step));
            self.ins(I::I64Eqz);
            self.br_slow_if();
            // How many: (stop - start - 1) // step + 1 when the range is
            // not empty, for either sign (no overflow: all below 2**60).
            self.ins(I::LocalGet(step));
            self.ins(I::I64Const(0));
            self.ins(I::I64GtS);
            self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I64)));
            self.ins(I::LocalGet(left));
            self.ins(I::LocalGet(cur));
            self.ins(I::I64Sub);
            self.ins(I::Else);
            self.ins(I::LocalGet(cur));
            self.ins(I::LocalGet(left));
            self.ins(I::I64Sub);
            self.ins(I::End);
            // (distance to the stop, in the step's direction)
            self.ins(I::LocalTee(left));
            self.ins(I::I64Const(0));
            self.ins(I::I64GtS);
            self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I64)));
            self.ins(I::LocalGet(left));
            self.ins(I::I64Const(1));
            self.ins(I::I64Sub);
            self.ins(I::LocalGet(step));
            self.ins(I::I64Const(0));
            self.ins(I::LocalGet(step));
            self.ins(I::I64Sub);
            self.ins(I::LocalGet(step));
            self.ins(I::I64Const(0));
            self.ins(I::I64GtS);
            self.ins(I::Select);
            self.ins(I::I64DivU);
            self.ins(I::I64Const(1));
            self.ins(I::I64Add);
            self.ins(I::Else);
            self.ins(I::I64Const(0));
            self.ins(I::End);
            self.ins(I::LocalSet(left));
            self.konst(self.env.data.range_type as i32);
            self.ins(I::LocalSet(w));
            self.incref(w);
            self.fast_path_done();
        }
        // CPython's path: a call and iter(). (An argument given twice is
        // one temp, boxed once.)
        let mut unique = args.to_vec();
        unique.sort_unstable();
        unique.dedup();
        for &a in &unique {
            self.materialize(x, a, owned, inst.pos)?;
        }
        self.store_args(args, 1);
        self.get(self.temp(callee));
        self.frame_addr(1);
        self.konst(args.len() as i32 | i32::MIN);
        self.call(Rt::RangeIter);
        self.ins(I::LocalSet(w));
        for &a in &unique {
            self.release_borrowed_box(a);
        }
        self.get(w);
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(inst.pos))?;
        if inline.is_some() {
            self.fast_path_end();
        }
        Ok(())
    }

    /// Leaves the address of item K of list O (object local OW) when O is
    /// an exact list (or, with READING, an exact tuple, or a compact ASCII
    /// str: the address of its character's entry in the runtime's table of
    /// CPython's one-character strs, which `s[i]` returns) and K an int
    /// within its bounds (negative ones from the end, as CPython); branches
    /// to CPython's path otherwise. K's view is scratch 0.
    fn list_item_addr(&mut self, ow: u32, reading: bool) {
        let (k, iv, _) = self.scratch(0);
        let ty = self.scratch_l;
        self.get(ow);
        self.ins(I::I32Load(super::mem(4))); // ob_type
        self.ins(I::LocalTee(ty));
        self.konst(self.env.data.list_type as i32);
        self.ins(I::I32Ne);
        if reading {
            self.get(ty);
            self.konst(self.env.data.tuple_type as i32);
            self.ins(I::I32Ne);
            self.ins(I::I32And);
            // Neither: a str is looked at only now.
            self.open_if();
            self.is_compact_ascii(ow);
            self.ins(I::I32Eqz);
            self.br_slow_if();
            self.close();
        } else {
            self.br_slow_if();
        }
        self.ins(I::LocalGet(k));
        self.konst(INT);
        self.ins(I::I32Ne);
        self.br_slow_if();
        // A negative index counts from the end (ob_size, or a str's
        // length, at 8).
        self.ins(I::LocalGet(iv));
        self.ins(I::I64Const(0));
        self.ins(I::I64LtS);
        self.open_if();
        self.ins(I::LocalGet(iv));
        self.get(ow);
        self.ins(I::I32Load(super::mem(8)));
        self.ins(I::I64ExtendI32S);
        self.ins(I::I64Add);
        self.ins(I::LocalSet(iv));
        self.close();
        self.ins(I::LocalGet(iv));
        self.get(ow);
        self.ins(I::I32Load(super::mem(8)));
        self.ins(I::I64ExtendI32U);
        self.ins(I::I64GeU);
        self.br_slow_if();
        if reading {
            // A list's items are in ob_item, a tuple's inline, both at 12;
            // a str's character indexes the table.
            self.get(ty);
            self.konst(self.env.data.list_type as i32);
            self.ins(I::I32Eq);
            self.ins(I::If(BlockType::Result(ValType::I32)));
            self.get(ow);
            self.ins(I::I32Load(super::mem(12)));
            self.ins(I::Else);
            self.get(ty);
            self.konst(self.env.data.tuple_type as i32);
            self.ins(I::I32Eq);
            self.ins(I::If(BlockType::Result(ValType::I32)));
            self.get(ow);
            self.konst(12);
            self.ins(I::I32Add);
            self.ins(I::Else);
            // The character is the index into the table.
            self.get(ow);
            self.ins(I::LocalGet(iv));
            self.ins(I::I32WrapI64);
            self.ins(I::I32Add);
            self.ins(I::I32Load8U(super::mem_byte(STR_DATA)));
            self.ins(I::I64ExtendI32U);
            self.ins(I::LocalSet(iv));
            self.konst(self.env.data.ascii_chars as i32);
            self.ins(I::End);
            self.ins(I::End);
        } else {
            self.get(ow);
            self.ins(I::I32Load(super::mem(12))); // ob_item
        }
        self.ins(I::LocalGet(iv));
        self.ins(I::I32WrapI64);
        self.konst(4);
        self.ins(I::I32Mul);
        self.ins(I::I32Add);
    }

    /// `o[k]` and `o[k] = v` with an inline path for lists (and, to read,
    /// tuples) indexed by ints (the index, and the value stored, may be
    /// unboxed); returns whether INST was one.
    pub(super) fn subscript(&mut self, x: usize, inst: &Inst, owned: &mut Vec<Temp>) -> Result<bool, String> {
        match &inst.op {
            Op::GetItem(o, k) => {
                let Some(d) = inst.dst else { return Ok(false) };
                let (w, ow) = (self.temp(d), self.temp(*o));
                self.view(*k, 0);
                self.fast_path_begin();
                self.list_item_addr(ow, true);
                self.ins(I::I32Load(super::mem(0)));
                self.ins(I::LocalSet(w));
                self.incref(w);
                self.fast_path_done();
                self.pending_line();
                self.materialize(x, *k, owned, inst.pos)?;
                self.get(ow);
                self.get(self.temp(*k));
                self.call(Rt::GetItem);
                self.ins(I::LocalTee(w));
                self.release_borrowed_box(*k);
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, Some(inst.pos))?;
                self.fast_path_end();
                owned.push(d);
                Ok(true)
            }
            Op::SetItem(o, k, v) => {
                let (ow, vw) = (self.temp(*o), self.temp(*v));
                // The value is stored as an object either way.
                self.materialize(x, *v, owned, inst.pos)?;
                self.view(*k, 0);
                self.fast_path_begin();
                self.list_item_addr(ow, false);
                self.ins(I::LocalTee(self.scratch_l));
                self.ins(I::I32Load(super::mem(0)));
                self.ins(I::LocalSet(self.old_l));
                self.incref(vw);
                self.get(self.scratch_l);
                self.get(vw);
                self.ins(I::I32Store(super::mem(0)));
                self.release_borrowed_box(*v);
                // Last: the old item's destructor may run any code.
                self.xdecref(self.old_l);
                self.fast_path_done();
                self.pending_line();
                self.materialize(x, *k, owned, inst.pos)?;
                self.get(ow);
                self.get(self.temp(*k));
                self.get(vw);
                self.call(Rt::SetItem);
                self.release_borrowed_box(*k);
                self.release_borrowed_box(*v);
                self.konst(0);
                self.ins(I::I32LtS);
                self.fail_if(x, owned, Some(inst.pos))?;
                self.fast_path_end();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Inline arithmetic for INST, if it is an inline operation (returns
    /// whether it was): the fast path, then CPython's.
    pub(super) fn numeric(&mut self, x: usize, inst: &Inst, owned: &mut Vec<Temp>) -> Result<bool, String> {
        let (kind, a, b) = match &inst.op {
            Op::Binary(op, inplace, a, b) if inline_binop(*op) => (Kind::Bin(*op, *inplace), *a, Some(*b)),
            Op::Unary(UnaryOp::Neg, a) => (Kind::Neg, *a, None),
            Op::CompareBool(op, a, b) => (Kind::Cmp(*op), *a, Some(*b)),
            Op::Compare(op, a, b) => (Kind::CmpObj(*op), *a, Some(*b)),
            _ => return Ok(false),
        };
        let Some(d) = inst.dst else {
            return Ok(false);
        };
        let w = self.temp(d);
        self.view(a, 0);
        if let Some(b) = b {
            self.view(b, 1);
        }
        self.fast_path_begin();
        match kind {
            Kind::Bin(op, _) => self.binary_fast(op),
            Kind::Neg => self.neg_fast(),
            Kind::Cmp(op) | Kind::CmpObj(op) => self.compare_fast(op),
        }
        // The fast result.
        let (rk, ri, rf) = self.scratch(2);
        match (kind, self.dual_locals(d)) {
            (Kind::Cmp(_), _) => {
                self.ins(I::LocalGet(rk));
                self.ins(I::LocalSet(w));
            }
            (Kind::CmpObj(_), _) => self.bool_object(rk, w),
            (_, Some((tag, iv, fv))) => {
                self.konst(0);
                self.ins(I::LocalSet(w));
                self.ins(I::LocalGet(rk));
                self.ins(I::LocalSet(tag));
                self.ins(I::LocalGet(ri));
                self.ins(I::LocalSet(iv));
                self.ins(I::LocalGet(rf));
                self.ins(I::LocalSet(fv));
                // An int too big to stay unboxed is boxed now.
                self.ins(I::LocalGet(rk));
                self.konst(INT);
                self.ins(I::I32Eq);
                self.i64_out_of_range(ri, INT_LIMIT_BITS);
                self.ins(I::I32And);
                self.open_if();
                self.box_result(w);
                self.get(w);
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, Some(inst.pos))?;
                self.konst(BOXED);
                self.ins(I::LocalSet(tag));
                self.close();
            }
            (_, None) => {
                self.box_result(w);
                self.get(w);
                self.ins(I::I32Eqz);
                self.fail_if(x, owned, Some(inst.pos))?;
            }
        }
        self.fast_path_done();
        // CPython's path.
        self.pending_line();
        self.materialize(x, a, owned, inst.pos)?;
        // (an operand read twice is one temp, boxed once)
        let b_own = b.filter(|&b| b != a);
        if let Some(b) = b_own {
            self.materialize(x, b, owned, inst.pos)?;
        }
        if let Kind::Cmp(op) | Kind::CmpObj(op) = kind {
            // One-character strs (`c == "x"`) are compared here.
            let (aw, bw) = (self.temp(a), self.temp(b.unwrap_or(a)));
            self.both_ascii_chars(aw, bw);
            self.ins(I::If(BlockType::Result(ValType::I32)));
            self.ctx.push(Ctx::If);
            self.ascii_char_compare(aw, bw, op);
            if let Kind::CmpObj(_) = kind {
                self.ins(I::LocalSet(w));
                self.bool_object(w, w);
                self.get(w);
            }
            self.ins(I::Else);
        }
        self.get(self.temp(a));
        match kind {
            Kind::Bin(op, inplace) => {
                self.get(self.temp(b.unwrap_or(a)));
                self.konst(op as i32 | if inplace { ir::INPLACE } else { 0 });
                self.call(Rt::Binary);
                self.ins(I::LocalTee(w));
                self.ins(I::I32Eqz);
            }
            Kind::Neg => {
                self.konst(UnaryOp::Neg as i32);
                self.call(Rt::Unary);
                self.ins(I::LocalTee(w));
                self.ins(I::I32Eqz);
            }
            Kind::Cmp(op) => {
                self.get(self.temp(b.unwrap_or(a)));
                self.konst(op as i32);
                self.call(Rt::CompareBool);
                self.close();
                self.ins(I::LocalTee(w));
                self.konst(0);
                self.ins(I::I32LtS);
            }
            Kind::CmpObj(op) => {
                self.get(self.temp(b.unwrap_or(a)));
                self.konst(op as i32);
                self.call(Rt::Compare);
                self.close();
                self.ins(I::LocalTee(w));
                self.ins(I::I32Eqz);
            }
        }
        self.release_borrowed_box(a);
        if let Some(b) = b_own {
            self.release_borrowed_box(b);
        }
        self.fail_if(x, owned, Some(inst.pos))?;
        if let Some((tag, _, _)) = self.dual_locals(d) {
            self.konst(BOXED);
            self.ins(I::LocalSet(tag));
        }
        self.fast_path_end();
        if self.ty(d) == Ty::Obj {
            owned.push(d);
        }
        Ok(true)
    }
}
