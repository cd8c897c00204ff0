//! Inline paths of str operations: one-character ASCII strs compared by
//! their byte, and `ord()`/`chr()` answered with CPython's cached objects.

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::Gen;
use crate::codegen::runtime::Rt;
use crate::ir::{self, CmpOp, Temp};

/// runtime/attach.c's check_str_layout (Include/cpython/unicodeobject.h):
/// a str's length, the byte of its state bits (interned:2, kind:3,
/// compact:1, ascii:1, ready:1) and, for a compact ASCII str, where its
/// characters start; the state of a compact ASCII str under the mask.
pub(super) const STR_LENGTH: u64 = 8;
pub(super) const STR_STATE: u64 = 16;
pub(super) const STR_DATA: u64 = 24;
pub(super) const STR_STATE_MASK: i32 = 0xfc;
pub(super) const STR_STATE_COMPACT_ASCII: i32 = 0xe4;

impl Gen<'_> {
    /// Pushes whether objects A and B are both one-character ASCII strs
    /// (`is_ascii_char`).
    pub(super) fn both_ascii_chars(&mut self, a: u32, b: u32) {
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
    pub(super) fn is_compact_ascii(&mut self, w: u32) {
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
    pub(super) fn bool_object(&mut self, truth: u32, w: u32) {
        self.konst(self.env.data.true_obj as i32);
        self.konst(self.env.data.false_obj as i32);
        self.ins(I::LocalGet(truth));
        self.ins(I::Select);
        self.ins(I::LocalSet(w));
        self.incref(w);
    }

    /// Pushes the truth of comparison OP of the characters of A and B
    /// (both_ascii_chars), which is the strs' own.
    pub(super) fn ascii_char_compare(&mut self, a: u32, b: u32, op: CmpOp) {
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
}
