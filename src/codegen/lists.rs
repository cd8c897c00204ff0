//! Inline list subscripts: `a[i]` and `a[i] = v` on an exact list with an
//! int index in range, anything else through CPython.

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::numeric::INT;
use super::strings::STR_DATA;
use super::Gen;
use crate::codegen::runtime::Rt;
use crate::ir::{self, Inst, Op, Temp};

impl Gen<'_> {
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
                // Tuples and strs too, unless a list is expected.
                let any_sequence = !self.f.kind(*o).only(ir::Kinds::LIST);
                self.list_item_addr(ow, any_sequence);
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
}
