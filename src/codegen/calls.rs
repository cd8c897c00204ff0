//! Calls from generated code: arguments in the C stack's slots, calls
//! through `py2wasm_call` (vectorcall), builtins' fast paths, and direct
//! calls of compiled functions, by their entry or their unboxed entry
//! (`unboxed_call`), with the boxed entry that other callers use.

use wasm_encoder::{BlockType, Function, Instruction as I, ValType};

use super::{mem, numeric, Env, Gen, FUNC_CODE};
use crate::codegen::runtime::Rt;
use crate::ir::{self, Builtin, Inst, Temp};

/// The entry of a function with an unboxed entry ENTRY (signature SIG)
/// that C and other callers call, (func, slots) -> result: every argument
/// an object, the result boxed when it comes as a number.
pub fn generate_boxed_entry(sig: &[bool], entry: u32, env: &Env) -> Function {
    let mut out = Function::new([(1, ValType::I32), (1, ValType::I64)]);
    let (result, bits) = (2, 3);
    out.instruction(&I::LocalGet(0));
    out.instruction(&I::LocalGet(1));
    for _ in sig.iter().filter(|&&d| d) {
        out.instruction(&I::I32Const(0));
        out.instruction(&I::I64Const(0));
    }
    out.instruction(&I::Call(entry));
    out.instruction(&I::LocalSet(bits));
    out.instruction(&I::LocalTee(result));
    // 1 or 2: a number's tag, boxed here (PyLong_FromLongLong gives a
    // small int its cached object); anything else an object, or NULL.
    out.instruction(&I::I32Const(numeric::INT));
    out.instruction(&I::I32Eq);
    out.instruction(&I::If(BlockType::Result(ValType::I32)));
    out.instruction(&I::LocalGet(bits));
    out.instruction(&I::Call(env.funcs[&Rt::BoxInt]));
    out.instruction(&I::Else);
    out.instruction(&I::LocalGet(result));
    out.instruction(&I::I32Const(numeric::FLOAT));
    out.instruction(&I::I32Eq);
    out.instruction(&I::If(BlockType::Result(ValType::I32)));
    out.instruction(&I::LocalGet(bits));
    out.instruction(&I::F64ReinterpretI64);
    out.instruction(&I::Call(env.funcs[&Rt::BoxFloat]));
    out.instruction(&I::Else);
    out.instruction(&I::LocalGet(result));
    out.instruction(&I::End);
    out.instruction(&I::End);
    out.instruction(&I::End);
    out
}

impl Gen<'_> {
    /// Writes temps to the argument frame; returns nothing.
    pub(super) fn store_args(&mut self, args: &[Temp], start: u32) {
        for (i, &a) in args.iter().enumerate() {
            self.get(self.frame_l);
            self.get(self.temp(a));
            self.ins(I::I32Store(mem(u64::from(start + i as u32) * 4)));
        }
    }

    pub(super) fn frame_addr(&mut self, slot: u32) {
        self.get(self.frame_l);
        if slot > 0 {
            self.konst((slot * 4) as i32);
            self.ins(I::I32Add);
        }
    }

    /// Calls a runtime function on temps (its arguments, in order).
    pub(super) fn call_on(&mut self, args: &[Temp], rt: Rt) {
        for &t in args {
            self.get(self.temp(t));
        }
        self.call(rt);
    }

    /// A call predicted to enter compiled code CODE (ir::Op::Call): when
    /// FUNC is a function with that code, its wasm function is called with
    /// the arguments as its slots (the callee takes over references, so
    /// they are increfed), inside the recursion limit; otherwise, or when
    /// the limit is hit, as any call. Leaves the result (NULL: failed).
    pub(super) fn direct_call(&mut self, func: Temp, args: &[Temp], code: u32) {
        let fw = self.temp(func);
        self.is_function_with_code(fw, code);
        self.ins(I::If(BlockType::Result(ValType::I32)));
        let entry = self.env.direct[&code];
        self.call_compiled(fw, |g| g.ins(I::Call(entry)));
        self.ins(I::Else);
        self.vectorcall(func, args.len(), 0, None);
        self.ins(I::End);
    }

    /// Whether FUNC (an object local) is a function with code CODE: the
    /// guard of a direct call.
    pub(super) fn is_function_with_code(&mut self, fw: u32, code: u32) {
        self.get(fw);
        self.ins(I::I32Load(mem(4))); // ob_type
        self.konst(self.env.data.function_type as i32);
        self.ins(I::I32Eq);
        self.get(fw);
        self.ins(I::I32Load(mem(FUNC_CODE)));
        self.konst((self.env.code_base + 4 * code) as i32);
        self.ins(I::I32Load(mem(0)));
        self.ins(I::I32Eq);
        self.ins(I::I32And);
    }

    /// A direct call (as `direct_call`) of a function with an unboxed entry
    /// (`unboxed_type`): the arguments its number parameters take go as
    /// they are, a dual's number beside its object (if it has one), and
    /// its result comes as a number where the destination is dual. Any
    /// other callee gets objects: a number without its box is boxed into
    /// its slot for the call.
    pub(super) fn unboxed_call(
        &mut self,
        x: usize,
        inst: &Inst,
        func: Temp,
        args: &[Temp],
        code: u32,
        owned: &mut Vec<Temp>,
    ) -> Result<(), String> {
        let (Some(d), Some(sig), Some(&entry)) =
            (inst.dst, self.env.unboxed_sigs.get(&code), self.env.unboxed_funcs.get(&code))
        else {
            return Err("internal: a direct call without a result or signature".into());
        };
        if sig.len() != args.len() {
            return Err("internal: a direct call's arguments differ from its callee's".into());
        }
        let sig = sig.clone();
        let dw = self.temp(d);
        let (rtag, rbits) = match self.dual_locals(d) {
            Some((tag, bits, _)) => (tag, bits),
            None => {
                let (tag, bits, _) = self.scratch(2);
                (tag, bits)
            }
        };
        self.store_args(args, 1);
        let fw = self.temp(func);
        self.is_function_with_code(fw, code);
        self.ins(I::If(BlockType::Empty));
        self.get(fw);
        self.frame_addr(1);
        for (&a, &takes) in args.iter().zip(&sig) {
            match (takes, self.dual_locals(a)) {
                (false, _) => {}
                (true, Some((tag, bits, _))) => {
                    self.ins(I::LocalGet(tag));
                    self.ins(I::LocalGet(bits));
                }
                (true, None) => {
                    self.konst(0);
                    self.ins(I::I64Const(0));
                }
            }
        }
        self.ins(I::Call(entry));
        self.ins(I::LocalSet(rbits));
        // A number's tag (1 or 2), else an object (or NULL).
        self.ins(I::LocalTee(dw));
        self.konst(numeric::FLOAT + 1);
        self.ins(I::I32LtU);
        self.ins(I::If(BlockType::Empty));
        self.get(dw);
        self.ins(I::LocalSet(rtag));
        self.konst(0);
        self.ins(I::LocalSet(dw));
        self.ins(I::Else);
        self.konst(0);
        self.ins(I::LocalSet(rtag));
        self.ins(I::End);
        self.ins(I::Else);
        // Boxes for the numbers that have none, made for this call (the
        // slot then differs from the temp's object), dropped after it.
        let duals: Vec<(u32, (u32, u32, u32))> =
            args.iter().enumerate().filter_map(|(i, &a)| self.dual_locals(a).map(|l| (i as u32, l))).collect();
        let (ok, boxed) = (self.ret_l, self.old_l);
        self.konst(1);
        self.ins(I::LocalSet(ok));
        for &(i, (tag, bits, _)) in &duals {
            let w = self.temp(args[i as usize]);
            self.number_without_box(tag, w);
            self.ins(I::If(BlockType::Empty));
            self.box_into_slot(tag, bits, self.frame_l, 4 * u64::from(1 + i), ok, boxed);
            self.ins(I::End);
        }
        self.get(ok);
        self.ins(I::If(BlockType::Result(ValType::I32)));
        self.vectorcall(func, args.len(), 0, None);
        self.ins(I::Else);
        self.konst(0);
        self.ins(I::End);
        self.ins(I::LocalSet(dw));
        for &(i, _) in &duals {
            let w = self.temp(args[i as usize]);
            self.frame_addr(1 + i);
            self.ins(I::I32Load(mem(0)));
            self.ins(I::LocalTee(boxed));
            self.get(w);
            self.ins(I::I32Ne);
            self.ins(I::If(BlockType::Empty));
            self.xdecref(boxed);
            self.ins(I::End);
        }
        self.konst(0);
        self.ins(I::LocalSet(rtag));
        self.ins(I::End);
        if self.dual_locals(d).is_none() {
            // An object wanted: a number is boxed now.
            self.number_without_box(rtag, dw);
            self.ins(I::If(BlockType::Empty));
            self.box_into(rtag, rbits, rbits, dw);
            self.ins(I::End);
            self.get(dw);
        } else {
            self.get(dw);
            self.ins(I::LocalGet(rtag));
            self.ins(I::I32Or);
        }
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(inst.pos))?;
        owned.push(d);
        Ok(())
    }

    /// Boxes the number (TAG, BITS) into the argument slot at the address
    /// in local BASE plus OFFSET, for a callee that takes objects; flag
    /// local OK is cleared when boxing fails (the slot is then NULL).
    /// BOXED is scratch.
    pub(super) fn box_into_slot(&mut self, tag: u32, bits: u32, base: u32, offset: u64, ok: u32, boxed: u32) {
        self.box_into(tag, bits, bits, boxed);
        self.get(base);
        self.get(boxed);
        self.ins(I::I32Store(mem(offset)));
        self.get(ok);
        self.get(boxed);
        self.konst(0);
        self.ins(I::I32Ne);
        self.ins(I::I32And);
        self.ins(I::LocalSet(ok));
    }

    /// A call predicted to be of builtin B: when FUNC is that builtin
    /// object, the runtime's fast path for it (which makes the call itself
    /// for what it does not cover); otherwise as any call. Leaves the
    /// result (NULL: failed).
    pub(super) fn builtin_call(&mut self, func: Temp, args: &[Temp], b: Builtin) {
        self.get(self.temp(func));
        self.konst((self.env.data.builtin_objects + 4 * b.index()) as i32);
        self.ins(I::I32Load(mem(0)));
        self.ins(I::I32Eq);
        self.ins(I::If(BlockType::Result(ValType::I32)));
        if !self.inline_builtin(b, args) {
            self.call_on(args, Rt::builtin(b));
        }
        self.ins(I::Else);
        self.vectorcall(func, args.len(), 0, None);
        self.ins(I::End);
    }

    /// Calls FUNC with NARGS arguments, already in the frame's slots from
    /// 1, the last NKW of them keyword arguments named by KWNAMES. Leaves
    /// the result (NULL: failed).
    pub(super) fn vectorcall(&mut self, func: Temp, nargs: usize, nkw: u32, kwnames: Option<ir::ConstId>) {
        self.get(self.temp(func));
        self.frame_addr(1);
        // PY_VECTORCALL_ARGUMENTS_OFFSET: the callee may use slot -1.
        self.konst((nargs as i32 - nkw as i32) | i32::MIN);
        match kwnames {
            Some(k) => self.const_slot(k),
            None => self.konst(0),
        }
        self.call(Rt::Call);
    }

    /// Calls compiled code with FUNC (object local) and ARGS, already in
    /// the frame's slots from 1: CALL emits the call itself, after the
    /// function and the slots' address. The arguments stay the caller's
    /// (`borrowed_params`): its temps hold them until after the call. The
    /// entry counts the call against CPython's recursion limit
    /// (frame.rs). Leaves the result (NULL: failed).
    pub(super) fn call_compiled(&mut self, func: u32, call: impl FnOnce(&mut Self)) {
        self.get(func);
        self.frame_addr(1);
        call(self);
    }
}
