//! Lowering of names and assignment targets: loads, stores and deletes by
//! binding kind, unpacking, augmented assignment.

use super::*;

impl Lowerer<'_, '_> {
    pub(super) fn local(&self, name: &str) -> Option<LocalId> {
        self.local_ids.get(name).copied()
    }

    pub(super) fn load_name(&mut self, name: &str) -> R<Temp> {
        let name = &self.mangle(name);
        if self.namespace.is_some() {
            // A class body: its own names and implicit globals go through
            // the namespace; free variables look there first too.
            match self.scope().binding(name) {
                Binding::Local | Binding::GlobalImplicit => {
                    let ns = self.namespace_temp()?;
                    let k = self.cx.consts.name(name);
                    return Ok(self.obj(Op::LoadName(ns, k)));
                }
                Binding::Free => {
                    let ns = self.namespace_temp()?;
                    let l = self.local(name).ok_or("internal: unknown free variable")?;
                    return Ok(self.obj(Op::LoadClassDeref(ns, l)));
                }
                _ => {}
            }
        }
        match self.scope().binding(name) {
            Binding::Local => {
                let l = self.local(name).ok_or("internal: unknown local")?;
                // A borrowed read is safe unless `:=` can rebind the local
                // while the value is still in use.
                let ty = if self.scope().walrus.contains(name) { Ty::Obj } else { Ty::Borrowed };
                Ok(self.emit(Some(ty), Op::LoadLocal(l)))
            }
            Binding::Cell | Binding::Free => {
                let l = self.local(name).ok_or("internal: unknown cell")?;
                Ok(self.obj(Op::LoadCell(l)))
            }
            Binding::GlobalExplicit | Binding::GlobalImplicit => {
                let k = self.cx.consts.name(name);
                Ok(self.obj(Op::LoadGlobal(k)))
            }
        }
    }

    /// Stores V (borrowed from the caller, who still releases it).
    pub(super) fn store_name(&mut self, name: &str, v: Temp) -> R<()> {
        let name = &self.mangle(name);
        if self.namespace.is_some() {
            match self.scope().binding(name) {
                Binding::Local | Binding::GlobalImplicit => {
                    let ns = self.namespace_temp()?;
                    let k = self.cx.consts.name(name);
                    self.effect(Op::StoreName(ns, k, v));
                    return Ok(());
                }
                // `nonlocal x` in a class body: x's cell, as in a function.
                Binding::Free | Binding::GlobalExplicit => {}
                Binding::Cell => return unsupported("assignment to a class body's own cell"),
            }
        }
        match self.scope().binding(name) {
            Binding::Local => {
                let l = self.local(name).ok_or("internal: unknown local")?;
                let owned = self.own(v);
                self.effect(Op::StoreLocal(l, owned));
            }
            Binding::Cell | Binding::Free => {
                let l = self.local(name).ok_or("internal: unknown cell")?;
                let owned = self.own(v);
                self.effect(Op::StoreCell(l, owned));
            }
            Binding::GlobalExplicit | Binding::GlobalImplicit => {
                let k = self.cx.consts.name(name);
                self.effect(Op::StoreGlobal(k, v));
            }
        }
        Ok(())
    }

    /// V as an owned temp: itself if it owns its reference, else a new one.
    pub(super) fn owned(&mut self, v: Temp) -> Temp {
        if self.f.temps[v as usize] == Ty::Obj {
            v
        } else {
            self.obj(Op::Alias(v))
        }
    }

    /// A new reference to V's value, for an instruction that consumes one.
    pub(super) fn own(&mut self, v: Temp) -> Temp {
        // StoreLocal/StoreCell incref a Borrowed temp themselves, and an Obj
        // temp is shared with the caller's release: give them a Borrowed
        // view of it, so exactly one reference is added.
        if self.f.temps[v as usize] == Ty::Obj {
            let t = self.temp(Ty::Borrowed);
            // Re-type through a no-op alias: codegen treats Borrowed temps
            // as plain values.
            self.f.blocks[self.cur].insts.push(Inst {
                dst: Some(t),
                op: Op::Alias(v),
                pos: self.pos,
                line_site: LineSite::No,
            });
            t
        } else {
            v
        }
    }

    pub(super) fn delete_name(&mut self, name: &str) -> R<()> {
        let name = &self.mangle(name);
        if self.namespace.is_some() {
            match self.scope().binding(name) {
                Binding::Local | Binding::GlobalImplicit => {
                    let ns = self.namespace_temp()?;
                    let k = self.cx.consts.name(name);
                    self.effect(Op::DeleteName(ns, k));
                    return Ok(());
                }
                Binding::Free | Binding::GlobalExplicit => {}
                Binding::Cell => return unsupported("deletion of a class body's own cell"),
            }
        }
        match self.scope().binding(name) {
            Binding::Local => {
                let l = self.local(name).ok_or("internal: unknown local")?;
                self.effect(Op::DeleteLocal(l));
            }
            Binding::Cell | Binding::Free => {
                let l = self.local(name).ok_or("internal: unknown cell")?;
                self.effect(Op::DeleteCell(l));
            }
            _ => {
                let k = self.cx.consts.name(name);
                self.effect(Op::DeleteGlobal(k));
            }
        }
        Ok(())
    }

    /// Assigns V (borrowed) to a target.
    /// `o.attr: T` and `o[k]: T` without a value evaluate `o` (and `k`, a
    /// slice's bounds one by one, a tuple's items) and store nothing.
    pub(super) fn annotated_target_parts(&mut self, target: &ast::Expr) -> R<()> {
        let mut parts: Vec<&ast::Expr> = Vec::new();
        match target {
            ast::Expr::Attribute(t) => parts.push(&t.value),
            ast::Expr::Subscript(t) => {
                parts.push(&t.value);
                let items = match &*t.slice {
                    ast::Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    other => vec![other],
                };
                for item in items {
                    match item {
                        ast::Expr::Slice(sl) => {
                            parts.extend([&sl.lower, &sl.upper, &sl.step].into_iter().flatten().map(|b| &**b))
                        }
                        other => parts.push(other),
                    }
                }
            }
            _ => {}
        }
        for e in parts {
            let v = self.expr(e)?;
            self.release(v);
        }
        Ok(())
    }

    /// Stores the value held in the hidden local KEEP to TARGET, an
    /// attribute or subscript whose evaluation can suspend the generator.
    pub(super) fn assign_from_hidden(&mut self, target: &ast::Expr, keep: LocalId) -> R<()> {
        match target {
            ast::Expr::Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(target);
                let k = self.name_const(&a.attr);
                let v = self.emit(Some(Ty::Borrowed), Op::LoadLocal(keep));
                self.effect(Op::SetAttr(o, k, v));
                self.release(o);
                Ok(())
            }
            ast::Expr::Subscript(s) if !matches!(&*s.slice, ast::Expr::Slice(_)) => {
                let o = self.expr(&s.value)?;
                let o = self.keep(o, self.can_suspend(&s.slice));
                let k = self.expr(&s.slice)?;
                let o = self.restore(o);
                self.set_pos(target);
                let v = self.emit(Some(Ty::Borrowed), Op::LoadLocal(keep));
                self.effect(Op::SetItem(o, k, v));
                self.release(k);
                self.release(o);
                Ok(())
            }
            _ => unsupported("yield or await in this assignment target"),
        }
    }

    pub(super) fn assign(&mut self, target: &ast::Expr, v: Temp) -> R<()> {
        match target {
            ast::Expr::Name(n) => self.store_name(&n.id, v),
            ast::Expr::Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(target);
                let k = self.name_const(&a.attr);
                self.effect(Op::SetAttr(o, k, v));
                self.release(o);
                Ok(())
            }
            ast::Expr::Subscript(s) => {
                let o = self.expr(&s.value)?;
                if let ast::Expr::Slice(ast::ExprSlice { lower, upper, step: None, .. }) = &*s.slice {
                    // o[lo:hi] = v: evaluated as BUILD_SLICE would, stored without it.
                    let bounds = self.slice_parts(&[lower, upper])?;
                    self.set_pos(target);
                    self.effect(Op::SetSlice(o, bounds[0], bounds[1], v));
                    self.release_all(&bounds);
                    self.release(o);
                    return Ok(());
                }
                let k = self.expr(&s.slice)?;
                self.set_pos(target);
                self.effect(Op::SetItem(o, k, v));
                self.release(k);
                self.release(o);
                Ok(())
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. }) | ast::Expr::List(ast::ExprList { elts, .. }) => {
                let stars: Vec<usize> = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e, ast::Expr::Starred(_)))
                    .map(|(i, _)| i)
                    .collect();
                self.set_pos(target);
                let t = match stars.as_slice() {
                    [] => self.obj(Op::Unpack(v, elts.len() as u32)),
                    &[star] => {
                        let after = elts.len() - star - 1;
                        self.obj(Op::UnpackEx(v, star as u32, after as u32))
                    }
                    _ => return unsupported("more than one starred assignment target"),
                };
                // Every item is taken before any is stored, as CPython's
                // UNPACK_SEQUENCE: a store can run code (a setter, a
                // __del__) that changes a list being unpacked.
                let items: Vec<Temp> = (0..elts.len() as u32)
                    .map(|i| {
                        let item = self.emit(Some(Ty::Borrowed), Op::TupleItem(t, i));
                        self.owned(item)
                    })
                    .collect();
                self.release(t);
                for (e, item) in elts.iter().zip(items) {
                    let e = match e {
                        ast::Expr::Starred(s) => &*s.value,
                        e => e,
                    };
                    self.assign(e, item)?;
                    self.release(item);
                }
                Ok(())
            }
            _ => unsupported("assignment to this target"),
        }
    }

    pub(super) fn delete(&mut self, target: &ast::Expr) -> R<()> {
        self.set_pos(target);
        match target {
            ast::Expr::Name(n) => self.delete_name(&n.id),
            ast::Expr::Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(target);
                let k = self.name_const(&a.attr);
                self.effect(Op::DelAttr(o, k));
                self.release(o);
                Ok(())
            }
            ast::Expr::Subscript(s) => {
                let o = self.expr(&s.value)?;
                let k = self.expr(&s.slice)?;
                self.set_pos(target);
                self.effect(Op::DelItem(o, k));
                self.release(k);
                self.release(o);
                Ok(())
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. }) | ast::Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts {
                    self.delete(e)?;
                }
                Ok(())
            }
            _ => unsupported("del of this target"),
        }
    }

    pub(super) fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> R<()> {
        let op = binop(&a.op);
        // The target's parts and current value wait in hidden locals while
        // a value that can suspend the generator is evaluated.
        let spill = self.can_suspend(&a.value);
        match &*a.target {
            ast::Expr::Name(n) => {
                self.set_pos(&*a.target);
                let cur = self.load_name(&n.id)?;
                let cur = self.keep(cur, spill);
                let v = self.expr(&a.value)?;
                let cur = self.restore(cur);
                self.set_pos(a);
                let r = self.obj(Op::Binary(op, true, cur, v));
                self.release(v);
                self.release(cur);
                self.store_name(&n.id, r)?;
                self.release(r);
            }
            ast::Expr::Attribute(at) => {
                let o = self.expr(&at.value)?;
                let k = self.name_const(&at.attr);
                self.set_pos(&*a.target);
                let cur = self.obj(Op::GetAttr(o, k));
                let (o, cur) = (self.keep(o, spill), self.keep(cur, spill));
                let v = self.expr(&a.value)?;
                let (o, cur) = (self.restore(o), self.restore(cur));
                self.set_pos(a);
                let r = self.obj(Op::Binary(op, true, cur, v));
                self.release(v);
                self.release(cur);
                self.set_pos(&*a.target);
                self.effect(Op::SetAttr(o, k, r));
                self.release(r);
                self.release(o);
            }
            ast::Expr::Subscript(s) => {
                let o = self.expr(&s.value)?;
                let o = self.keep(o, self.can_suspend(&s.slice));
                let key = self.expr(&s.slice)?;
                let o = self.restore(o);
                self.set_pos(&*a.target);
                let cur = self.obj(Op::GetItem(o, key));
                let (o, key, cur) = (self.keep(o, spill), self.keep(key, spill), self.keep(cur, spill));
                let v = self.expr(&a.value)?;
                let (o, key, cur) = (self.restore(o), self.restore(key), self.restore(cur));
                self.set_pos(a);
                let r = self.obj(Op::Binary(op, true, cur, v));
                self.release(v);
                self.release(cur);
                self.set_pos(&*a.target);
                self.effect(Op::SetItem(o, key, r));
                self.release(r);
                self.release(key);
                self.release(o);
            }
            _ => return unsupported("augmented assignment to this target"),
        }
        Ok(())
    }
}

/// Whether a class body's statements annotate a name, so that it needs
/// `__annotations__` (CPython's find_ann: nested blocks count, nested
/// functions and classes do not).
pub(super) fn annotates(s: &ast::Stmt) -> bool {
    use ast::Stmt::*;
    let any = |b: &[ast::Stmt]| b.iter().any(annotates);
    match s {
        AnnAssign(_) => true,
        For(f) => any(&f.body) || any(&f.orelse),
        AsyncFor(f) => any(&f.body) || any(&f.orelse),
        While(w) => any(&w.body) || any(&w.orelse),
        If(i) => any(&i.body) || any(&i.orelse),
        With(w) => any(&w.body),
        AsyncWith(w) => any(&w.body),
        Try(t) => {
            t.handlers.iter().any(|ast::ExceptHandler::ExceptHandler(h)| any(&h.body))
                || any(&t.body)
                || any(&t.finalbody)
                || any(&t.orelse)
        }
        TryStar(t) => {
            t.handlers.iter().any(|ast::ExceptHandler::ExceptHandler(h)| any(&h.body))
                || any(&t.body)
                || any(&t.finalbody)
                || any(&t.orelse)
        }
        Match(m) => m.cases.iter().any(|c| any(&c.body)),
        _ => false,
    }
}

pub(super) fn binop(op: &ast::Operator) -> BinOp {
    use ast::Operator::*;
    match op {
        Add => BinOp::Add,
        Sub => BinOp::Sub,
        Mult => BinOp::Mul,
        MatMult => BinOp::MatMul,
        Div => BinOp::TrueDiv,
        Mod => BinOp::Mod,
        Pow => BinOp::Pow,
        LShift => BinOp::LShift,
        RShift => BinOp::RShift,
        BitOr => BinOp::Or,
        BitXor => BinOp::Xor,
        BitAnd => BinOp::And,
        FloorDiv => BinOp::FloorDiv,
    }
}

pub(super) fn cmpop(op: &ast::CmpOp) -> Option<CmpOp> {
    use ast::CmpOp::*;
    Some(match op {
        Eq => CmpOp::Eq,
        NotEq => CmpOp::Ne,
        Lt => CmpOp::Lt,
        LtE => CmpOp::Le,
        Gt => CmpOp::Gt,
        GtE => CmpOp::Ge,
        _ => return None,
    })
}
