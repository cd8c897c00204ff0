//! Inline loop steps: `for` over a list or an inline `range` (its counter
//! in wasm locals, no range iterator made), other iterators through
//! `tp_iternext`.

use wasm_encoder::{BlockType, Instruction as I};

use super::numeric::{BOXED, INT};
use super::Gen;
use crate::codegen::runtime::Rt;
use crate::ir::{Inst, LocalId, Temp};

/// runtime/attach.c's rangeiter_layout (Objects/rangeobject.c).
const RANGEITER_INDEX: u64 = 8;
const RANGEITER_START: u64 = 12;
const RANGEITER_STEP: u64 = 16;
const RANGEITER_LEN: u64 = 20;
/// runtime/attach.c's listiter_layout (Objects/listobject.c).
const LISTITER_INDEX: u64 = 8;
const LISTITER_SEQ: u64 = 12;

impl Gen<'_> {
    /// Pushes whether the type of object local W is the one the runtime
    /// variable at REF holds (an iterator type whose layout it checked).
    pub(super) fn type_is_held_in(&mut self, w: u32, type_ref: u32) {
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
    pub(super) fn next_item(&mut self, itw: u32, d: Temp, owned: &mut Vec<Temp>) {
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

    /// (next value, how many left, step) locals of inline range loop K.
    pub(super) fn range_locals(&self, k: u32) -> (u32, u32, u32) {
        let b = self.num.range_base + 3 * k;
        (b, b + 1, b + 2)
    }

    /// `Op::RangeIter`: when the callee is the builtin range and the
    /// arguments ints of at most two digits (a non-zero step), the loop is
    /// counted in wasm locals and the hidden local L holds the range type
    /// as a marker; otherwise it holds iter(callee(*args)).
    pub(super) fn range_iter(
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
}
