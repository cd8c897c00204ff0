//! Inline int and float arithmetic. The types are checked at run time: an
//! exact `int` of at most two digits (CPython's 30-bit digits) or an exact
//! `float` is computed on with wasm's own i64 and f64 instructions,
//! anything else (other types, big ints, a division by zero, an int
//! product that could overflow) takes CPython's path (`py2wasm_binary`,
//! `py2wasm_unary`, `py2wasm_compare_bool`). Where analysis::types expects
//! the operands' types, only that type's path is emitted (`paths`); the
//! checks stay, as the expectation is a hint.
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
pub(super) const BOXED: i32 = 0;
pub(super) const INT: i32 = 1;
pub(super) const FLOAT: i32 = 2;

/// Unboxed ints stay below this magnitude (so a sum fits an i64).
pub(super) const INT_LIMIT_BITS: u32 = 62;

/// The dual temps and locals of a function and where their wasm locals are.
#[derive(Default)]
pub struct Plan {
    /// Per temp, then per local: its index among the duals.
    dual: Vec<Option<u32>>,
    pub(super) dual_local: Vec<Option<u32>>,
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
    pub(super) range: Vec<Option<u32>>,
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
    matches!(op, Add | Sub | Mul | TrueDiv | FloorDiv | Mod | Pow)
}

/// Whether OP has an inline int and float path (the rest of this module).
pub fn is_inline(op: &Op) -> bool {
    match op {
        Op::Binary(b, ..) => inline_binop(*b),
        Op::Unary(UnaryOp::Neg, _) | Op::CompareBool(..) | Op::Compare(..) => true,
        _ => false,
    }
}

/// How a function's calls and returns carry numbers (`plan`): which
/// direct callees take some arguments unboxed (by code table index, per
/// parameter), and whether this function is (a candidate for) an unboxed
/// entry (`unboxed_signature`): its results may leave it unboxed, and a
/// parameter it computes with (an operand of arithmetic, not only of
/// comparisons) is a dual local, whose argument may come as a number.
#[derive(Default, Clone, Copy)]
pub struct Abi<'a> {
    pub callees: Option<&'a std::collections::HashMap<u32, Vec<bool>>>,
    pub unboxed_entry: bool,
}

impl Abi<'_> {
    fn callee(&self, op: &Op) -> Option<&[bool]> {
        match op {
            Op::Call { args, kwnames: None, nkw: 0, callee: Some(ir::Callee::Compiled(c)), .. } => {
                let sig = self.callees?.get(c)?;
                (sig.len() == args.len()).then_some(sig.as_slice())
            }
            _ => None,
        }
    }
}

/// The signature of F's unboxed entry, if it gets one: per parameter,
/// whether the parameter is a dual local (its argument may come as a
/// number, a tag and an i64 beside its slot). A function gets one when it
/// is an ordinary function (not a generator, not a class body) with a dual
/// parameter or a result that can stay unboxed. What callees take is not
/// needed here: it never changes which parameters are dual (`plan`).
pub fn unboxed_signature(f: &ir::Function) -> Option<Vec<bool>> {
    if f.generator || f.class_body {
        return None;
    }
    let p = plan(f, Abi { callees: None, unboxed_entry: true });
    let sig: Vec<bool> = (0..f.nparams as usize).map(|l| p.dual_local[l].is_some()).collect();
    let returns = f.blocks.iter().any(|b| matches!(b.term, Term::Return(t) if p.dual[t as usize].is_some()));
    (sig.iter().any(|&d| d) || returns).then_some(sig)
}

/// Finds the duals. A temp is dual when it is made by inline arithmetic,
/// by `IterNext` (a range iterator's next int comes unboxed), by loading a
/// dual local, by a direct call of a function with an unboxed entry, or as
/// a borrowed view (`Alias`) of a dual temp, and is read only by inline
/// arithmetic, released, stored in a dual local, viewed by a dual temp,
/// (IterNext) tested for the end, passed to a direct callee's parameter
/// that takes numbers or returned from a function whose results may leave
/// unboxed (`Abi`). A local is dual when a dual temp is stored in it: a
/// plain variable (not a cell, not in a generator, whose variables live in
/// its genstate between resumptions); an unboxed entry's parameter is
/// dual also when it is an operand of arithmetic (`Abi`: its argument
/// comes as a number, or is viewed once, at the
/// entry). Every rule only ever turns candidates down, so this is a
/// fixpoint.
pub fn plan(f: &ir::Function, abi: Abi) -> Plan {
    let mut local_ok: Vec<bool> = f.locals.iter().map(|l| l.kind == LocalKind::Fast && !f.generator).collect();
    let mut temp_ok = vec![false; f.temps.len()];
    let mut loaded_from: Vec<Option<LocalId>> = vec![None; f.temps.len()];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let Some(d) = inst.dst {
            // (what is expected not to be a number stays an object)
            temp_ok[d as usize] = f.kind(d).may(ir::Kinds::NUMBER)
                && match &inst.op {
                    Op::CompareBool(..) | Op::Compare(..) => false,
                    op if is_inline(op) => f.temps[d as usize] == Ty::Obj,
                    Op::Alias(src) => f.temps[d as usize] == Ty::Borrowed && f.temps[*src as usize] == Ty::Obj,
                    Op::IterNext(_) | Op::RangeNext(_) | Op::LoadLocal(_) => true,
                    op => abi.callee(op).is_some() && f.temps[d as usize] == Ty::Obj,
                };
            if let Op::LoadLocal(l) = inst.op {
                loaded_from[d as usize] = Some(l);
            }
        }
    }
    // An unboxed entry's parameters loaded for arithmetic.
    let mut arith_param = vec![false; f.locals.len()];
    let arithmetic = |op: &Op| matches!(op, Op::Binary(..) | Op::Unary(..)) && is_inline(op);
    let insts = f.blocks.iter().flat_map(|b| &b.insts);
    for inst in insts.filter(|i| abi.unboxed_entry && arithmetic(&i.op)) {
        for t in inst.op.operands() {
            if let Some(l) = loaded_from[t as usize].filter(|&l| l < f.nparams) {
                arith_param[l as usize] = true;
            }
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
                    // A direct callee's number parameters take duals.
                    (op @ Op::Call { func, args, .. }, _) if abi.callee(op).is_some() => {
                        let sig = abi.callee(op).unwrap_or_default();
                        temp_ok[*func as usize] = false;
                        for (a, &takes) in args.iter().zip(sig) {
                            if !takes {
                                temp_ok[*a as usize] = false;
                            }
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
                Term::Return(_) if abi.unboxed_entry => {}
                Term::Branch(t, ..) | Term::Return(t) | Term::Yield(t, ..) => temp_ok[*t as usize] = false,
                _ => {}
            }
        }
        // A local stays dual only if some dual temp is stored in it (or,
        // a parameter, it is loaded for arithmetic).
        let mut stored = arith_param.clone();
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
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let Op::StoreLocal(l, _) | Op::DeleteLocal(l) | Op::TakeLocal(l) = &inst.op {
            fixed[*l as usize] = false;
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
    pub(super) fn dual_locals(&self, t: Temp) -> Option<(u32, u32, u32)> {
        let d = self.num.dual.get(t as usize).copied().flatten()?;
        Some((self.num.tag_base + d, self.num.i64_base + d, self.num.i64_base + d))
    }

    /// (tag, int, float) scratch locals (as `dual_locals`): 0 and 1 the
    /// operands, 2 the result.
    pub(super) fn scratch(&self, i: u32) -> (u32, u32, u32) {
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

    pub(super) fn open_if(&mut self) {
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
    }

    pub(super) fn close(&mut self) {
        self.ctx.pop();
        self.ins(I::End);
    }

    /// Branches to the CPython path of the instruction being generated.
    fn br_slow(&mut self) {
        let depth = self.slow_depth();
        self.ins(I::Br(depth));
    }

    pub(super) fn br_slow_if(&mut self) {
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
    pub(super) fn view(&mut self, t: Temp, i: u32) {
        let w = self.temp(t);
        if let Some(known) = self.known.get_mut(i as usize) {
            *known = None;
        }
        // A number constant's view is known here: no type checks at run time.
        if let Some(&n) = self.f.numbers.get(&t) {
            let (k, value, _) = self.scratch(i);
            let (tag, bits) = match n {
                ir::Number::Int(v) => (INT, v),
                ir::Number::Float(v) => (FLOAT, v.to_bits() as i64),
            };
            if let Some(known) = self.known.get_mut(i as usize) {
                *known = Some(tag);
            }
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

    /// Views object W (not NULL) into dual (TAG, BITS): an exact small int
    /// or float's number, else BOXED.
    pub(super) fn view_param_object(&mut self, w: u32, tag: u32, bits: u32) {
        self.view_object(w, 0);
        let (k, value, _) = self.scratch(0);
        self.ins(I::LocalGet(k));
        self.ins(I::LocalSet(tag));
        self.ins(I::LocalGet(value));
        self.ins(I::LocalSet(bits));
    }

    /// At the entry: each parameter of `Plan::viewed_params` viewed once
    /// (its argument is the local's value for the whole call).
    pub(super) fn view_params(&mut self) {
        for (v, &l) in self.num.viewed_params.clone().iter().enumerate() {
            let w = self.local(l);
            self.view_param_object(w, self.num.view_tag_base + v as u32, self.num.view_bits_base + v as u32);
        }
    }

    /// Pushes whether the float in value local L is finite.
    fn is_finite(&mut self, l: u32) {
        self.fget(l);
        self.ins(I::F64Abs);
        self.ins(I::F64Const(f64::INFINITY));
        self.ins(I::F64Lt);
    }

    /// Converts scratch view I to f64 when it is an int.
    fn int_view_as_float(&mut self, i: u32) {
        let (k, iv, fv) = self.scratch(i);
        match self.known[i as usize] {
            Some(INT) => {
                self.ins(I::LocalGet(iv));
                self.ins(I::F64ConvertI64S);
                self.fset(fv);
                return;
            }
            Some(_) => return,
            None => {}
        }
        self.ins(I::LocalGet(k));
        self.konst(INT);
        self.ins(I::I32Eq);
        self.open_if();
        self.ins(I::LocalGet(iv));
        self.ins(I::F64ConvertI64S);
        self.fset(fv);
        self.close();
    }

    /// Both views are ints: pushes that condition (a constant's tag is
    /// known: only the other is tested).
    fn both_int(&mut self) {
        let (ka, _, _) = self.scratch(0);
        let (kb, _, _) = self.scratch(1);
        match self.known {
            [Some(a), Some(b)] => self.konst(i32::from(a == INT && b == INT)),
            [Some(k), None] | [None, Some(k)] if k != INT => self.konst(0),
            [Some(_), None] | [None, Some(_)] => {
                self.ins(I::LocalGet(if self.known[0].is_some() { kb } else { ka }));
                self.konst(INT);
                self.ins(I::I32Eq);
            }
            [None, None] => {
                self.ins(I::LocalGet(ka));
                self.ins(I::LocalGet(kb));
                self.ins(I::I32And);
                self.konst(INT);
                self.ins(I::I32Eq);
            }
        }
    }

    /// Either view is boxed (not a number we compute on); a constant never is.
    fn br_slow_if_boxed(&mut self) {
        let unknown: Vec<u32> = (0..2).filter(|&i| self.known[i as usize].is_none()).collect();
        for (n, &i) in unknown.iter().enumerate() {
            let (k, _, _) = self.scratch(i);
            self.ins(I::LocalGet(k));
            self.ins(I::I32Eqz);
            if n > 0 {
                self.ins(I::I32Or);
            }
        }
        if !unknown.is_empty() {
            self.br_slow_if();
        }
    }

    /// The fast path of a binary operation: the result in scratch 2.
    fn binary_fast(&mut self, op: BinOp) {
        let (int_path, float_path) = self.paths();
        self.both_int();
        if !int_path {
            // Floats expected: ints take CPython's path.
            self.br_slow_if();
            self.float_fast(op);
            return;
        }
        if !float_path {
            // Ints expected: anything else takes CPython's path.
            self.ins(I::I32Eqz);
            self.br_slow_if();
            self.int_fast(op);
            return;
        }
        self.open_if();
        self.int_fast(op);
        self.ins(I::Else);
        self.float_fast(op);
        self.close();
    }

    /// Which of the int and float paths inline arithmetic has: both,
    /// unless the operands are expected to be ints (then no float path) or
    /// one is expected to be a float (then no int path).
    fn paths(&self) -> (bool, bool) {
        let hint = |i: usize| self.known[i].or(self.expect[i]);
        let float = hint(0) == Some(FLOAT) || hint(1) == Some(FLOAT);
        let ints = hint(0) == Some(INT) && hint(1) == Some(INT);
        (!float, !ints)
    }

    /// Binary OP on two int views: the result in scratch 2.
    fn int_fast(&mut self, op: BinOp) {
        let (_, ia, _) = self.scratch(0);
        let (_, ib, _) = self.scratch(1);
        let (rk, ri, rf) = self.scratch(2);
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
    }

    /// Binary OP on two number views, not both ints (or boxed: CPython's
    /// path): the result in scratch 2.
    fn float_fast(&mut self, op: BinOp) {
        let (_, _, fa) = self.scratch(0);
        let (_, _, fb) = self.scratch(1);
        let (rk, _, rf) = self.scratch(2);
        self.br_slow_if_boxed();
        if op == BinOp::Pow {
            // int ** int took CPython's path above (an int, or a float for
            // a negative exponent); a float meets pow() when float_pow
            // would call it, and only its finite results stay here
            // (runtime/operators.c, py2wasm_float_pow).
            self.int_view_as_float(0);
            self.int_view_as_float(1);
            self.fget(fa);
            self.ins(I::F64Const(0.0));
            self.ins(I::F64Gt);
            self.fget(fa);
            self.ins(I::F64Const(f64::INFINITY));
            self.ins(I::F64Lt);
            self.ins(I::I32And);
            self.is_finite(fb);
            self.ins(I::I32And);
            self.fget(fb);
            self.ins(I::F64Const(0.0));
            self.ins(I::F64Ne);
            self.ins(I::I32And);
            self.ins(I::I32Eqz);
            self.br_slow_if();
            self.fget(fa);
            self.fget(fb);
            self.call(Rt::FloatPow);
            self.fset(rf);
            self.is_finite(rf);
            self.ins(I::I32Eqz);
            self.br_slow_if();
            self.konst(FLOAT);
            self.ins(I::LocalSet(rk));
        } else if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::TrueDiv) {
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
    }

    /// The fast path of `-a`: the result in scratch 2.
    fn neg_fast(&mut self) {
        let (ka, ia, fa) = self.scratch(0);
        let (rk, ri, rf) = self.scratch(2);
        self.ins(I::LocalGet(ka));
        self.ins(I::LocalSet(rk));
        let int = |g: &mut Self| {
            g.ins(I::I64Const(0));
            g.ins(I::LocalGet(ia));
            g.ins(I::I64Sub);
            g.ins(I::LocalSet(ri));
        };
        let float = |g: &mut Self| {
            g.fget(fa);
            g.ins(I::F64Neg);
            g.fset(rf);
        };
        // Only the expected type's path, when one is expected.
        if let Some(tag) = self.expect[0] {
            self.ins(I::LocalGet(ka));
            self.konst(tag);
            self.ins(I::I32Ne);
            self.br_slow_if();
            if tag == INT {
                int(self);
            } else {
                float(self);
            }
            return;
        }
        self.ins(I::LocalGet(ka));
        self.konst(INT);
        self.ins(I::I32Eq);
        self.open_if();
        int(self);
        self.ins(I::Else);
        self.ins(I::LocalGet(ka));
        self.ins(I::I32Eqz);
        self.br_slow_if();
        float(self);
        self.close();
    }

    /// The fast path of a comparison: the truth (0 or 1) in scratch tag 2.
    fn compare_fast(&mut self, op: CmpOp) {
        let (_, ia, fa) = self.scratch(0);
        let (_, ib, fb) = self.scratch(1);
        let (rk, _, _) = self.scratch(2);
        let (int_path, float_path) = self.paths();
        let int = |g: &mut Self| {
            g.ins(I::LocalGet(ia));
            g.ins(I::LocalGet(ib));
            g.ins(match op {
                CmpOp::Lt => I::I64LtS,
                CmpOp::Le => I::I64LeS,
                CmpOp::Eq => I::I64Eq,
                CmpOp::Ne => I::I64Ne,
                CmpOp::Gt => I::I64GtS,
                CmpOp::Ge => I::I64GeS,
            });
            g.ins(I::LocalSet(rk));
        };
        self.both_int();
        if !float_path {
            // Ints expected: anything else takes CPython's path.
            self.ins(I::I32Eqz);
            self.br_slow_if();
            int(self);
            return;
        }
        if int_path {
            self.open_if();
            int(self);
            self.ins(I::Else);
        } else {
            // A float expected: two ints take CPython's path.
            self.br_slow_if();
        }
        self.br_slow_if_boxed();
        // An int compares with a float exactly only when the conversion is
        // exact.
        for i in 0..2 {
            let (k, iv, _) = self.scratch(i);
            match self.known[i as usize] {
                Some(INT) => self.i64_out_of_range(iv, 48),
                Some(_) => {
                    continue;
                }
                None => {
                    self.ins(I::LocalGet(k));
                    self.konst(INT);
                    self.ins(I::I32Eq);
                    self.i64_out_of_range(iv, 48);
                    self.ins(I::I32And);
                }
            }
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
        if int_path {
            self.close();
        }
    }

    /// Pushes the address of CPython's cached int (-5..=256, 16 bytes
    /// each, as PyLong_FromLong gives it) of the i32 VALUE pushes.
    pub(super) fn small_int(&mut self, value: impl FnOnce(&mut Self)) {
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
    pub(super) fn box_into(&mut self, tag: u32, iv: u32, fv: u32, w: u32) {
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

    /// A dual temp about to be read as an object gets its box, unless it
    /// has one. An owned temp keeps it; a borrowed one (a loaded local)
    /// gets it only for the instruction (`release_borrowed_box`; a `made`
    /// flag says whether it was made here).
    pub(super) fn materialize(&mut self, x: usize, t: Temp, owned: &[Temp], pos: ir::Pos) -> Result<(), String> {
        let Some((tag, iv, fv)) = self.dual_locals(t) else {
            return Ok(());
        };
        let w = self.temp(t);
        self.number_without_box(tag, w);
        if self.ty(t) != Ty::Obj {
            let Some(&flag) = self.made_l.get(self.made.len()) else {
                return Err("internal: more than three boxes made for one instruction".into());
            };
            self.made.push(t);
            self.ins(I::LocalTee(flag));
        }
        self.open_if();
        self.box_into(tag, iv, fv, w);
        self.get(w);
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(pos))?;
        self.close();
        Ok(())
    }

    /// After CPython's path: drops the box `materialize` made for a
    /// borrowed dual temp.
    pub(super) fn release_borrowed_box(&mut self, t: Temp) {
        if self.dual_locals(t).is_none() || self.ty(t) == Ty::Obj {
            return;
        }
        let Some(i) = self.made.iter().position(|&m| m == t) else { return };
        let w = self.temp(t);
        self.ins(I::LocalGet(self.made_l[i]));
        self.open_if();
        self.decref(w);
        self.konst(0);
        self.ins(I::LocalSet(w));
        self.close();
    }

    /// Pushes the truth of temp T (-1: failed): a number, True, False,
    /// None and an exact int inline, anything else through the runtime.
    pub(super) fn truth(&mut self, t: Temp) {
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
        self.known = [None, None];
        let hint = |k: ir::Kinds| k.number().map(|n| if n == ir::Kinds::INT { INT } else { FLOAT });
        self.expect = [hint(self.f.kind(a)), b.and_then(|b| hint(self.f.kind(b)))];
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
        let strs = b.is_some_and(|b| self.f.kind(a).may(ir::Kinds::STR) && self.f.kind(b).may(ir::Kinds::STR));
        let str_path = matches!(kind, Kind::Cmp(_) | Kind::CmpObj(_)) && strs;
        if let (Kind::Cmp(op) | Kind::CmpObj(op), true) = (kind, str_path) {
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
                if str_path {
                    self.close();
                }
                self.ins(I::LocalTee(w));
                self.konst(0);
                self.ins(I::I32LtS);
            }
            Kind::CmpObj(op) => {
                self.get(self.temp(b.unwrap_or(a)));
                self.konst(op as i32);
                self.call(Rt::Compare);
                if str_path {
                    self.close();
                }
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
