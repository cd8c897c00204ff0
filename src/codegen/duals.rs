//! Dual locals: a local that only ever holds numbers keeps an unboxed int
//! or float (a tag and an i64) until something needs the object; its loads,
//! stores, deletes and unbound checks.
//!
//! A dual (local or temp) holds an object (tag BOXED), or a number (tag
//! INT or FLOAT) with the object it came as, or was boxed into, when it
//! has one (else its object pointer is NULL). The object goes along with
//! the number, so what a program passes in keeps its identity (`f(x) is
//! x`): a box is made at most once, where the object is first needed.

use wasm_encoder::Instruction as I;

use super::numeric::{BOXED, INT};
use super::Gen;
use crate::codegen::runtime::Rt;
use crate::ir::{self, Inst, LocalId, Op, Temp, Ty};

impl Gen<'_> {
    /// Dual local L (when it is one) holding a number without its box gets
    /// one (what a frame object shows of it: frame.c's sync); on failure
    /// it keeps the number alone.
    pub(super) fn box_dual_local(&mut self, l: LocalId) {
        let Some((tag, iv, fv)) = self.dual_local_locals(l) else { return };
        let w = self.local(l);
        self.number_without_box(tag, w);
        self.open_if();
        self.box_into(tag, iv, fv, w);
        self.close();
    }

    /// Pushes whether dual (TAG, object W) holds a number that has no box
    /// (nonzero: its tag).
    pub(super) fn number_without_box(&mut self, tag: u32, w: u32) {
        self.ins(I::LocalGet(tag));
        self.konst(0);
        self.get(w);
        self.ins(I::I32Eqz);
        self.ins(I::Select);
    }

    /// A dual parameter's argument at the entry: a number the caller
    /// passed (an unboxed entry's), else its object viewed once: an exact
    /// int or float is its number from then on, with the object beside it.
    pub(super) fn view_dual_param(&mut self, l: LocalId) {
        let Some((ltag, lbits, _)) = self.dual_local_locals(l) else { return };
        let came = self.unboxed.as_ref().and_then(|p| p.get(l as usize).copied().flatten());
        if let Some((tag, bits)) = came {
            self.ins(I::LocalGet(tag));
            self.ins(I::LocalSet(ltag));
            self.ins(I::LocalGet(bits));
            self.ins(I::LocalSet(lbits));
            self.ins(I::LocalGet(tag));
            self.ins(I::I32Eqz);
            self.ins(I::If(wasm_encoder::BlockType::Empty));
        }
        let w = self.local(l);
        self.view_param_object(w, ltag, lbits);
        if came.is_some() {
            self.ins(I::End);
        }
    }

    /// (tag, int, float) locals of dual local L (as `dual_locals`).
    pub(super) fn dual_local_locals(&self, l: LocalId) -> Option<(u32, u32, u32)> {
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
    /// A dual local holds an object (tag BOXED) or a number, with its box
    /// when it has one (the module's comment).
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
                    self.number_without_box(ltag, w);
                    self.open_if();
                    self.box_into(ltag, li, lf, w);
                    self.get(w);
                    self.ins(I::I32Eqz);
                    self.fail_if(x, owned, Some(inst.pos))?;
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
                        // The number (if any) and the object (if any).
                        self.ins(I::LocalGet(ttag));
                        self.ins(I::LocalSet(ltag));
                        self.ins(I::LocalGet(ti));
                        self.ins(I::LocalSet(li));
                        if tf != ti {
                            self.ins(I::LocalGet(tf));
                            self.ins(I::LocalSet(lf));
                        }
                        if !t_owned {
                            self.xincref(tw);
                        }
                        self.get(tw);
                        self.ins(I::LocalSet(w));
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
}
