//! Lowering of expressions: conditions, operators, displays, comprehensions.

use super::*;

impl Lowerer<'_, '_> {
    /// Branches on an expression's truth without making a bool object where
    /// the expression is a comparison, `not`, `and` or `or`.
    pub(super) fn condition(&mut self, e: &ast::Expr, then: BlockId, els: BlockId) -> R<()> {
        match e {
            ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => self.condition(&u.operand, els, then),
            ast::Expr::BoolOp(b) => {
                let is_and = matches!(b.op, ast::BoolOp::And);
                let n = b.values.len();
                for (i, v) in b.values.iter().enumerate() {
                    if i + 1 == n {
                        self.condition(v, then, els)?;
                    } else {
                        let next = self.new_block();
                        if is_and {
                            self.condition(v, next, els)?;
                        } else {
                            self.condition(v, then, next)?;
                        }
                        self.switch_to(next);
                    }
                }
                Ok(())
            }
            _ => {
                let b = self.truth(e)?;
                self.f.blocks[self.cur].term = Term::Branch(b, then, els);
                Ok(())
            }
        }
    }

    /// An expression as a Bool temp.
    pub(super) fn truth(&mut self, e: &ast::Expr) -> R<Temp> {
        if let ast::Expr::Compare(c) = e {
            if c.ops.len() == 1 {
                let a = self.expr(&c.left)?;
                let a = self.keep(a, self.can_suspend(&c.comparators[0]));
                let b = self.expr(&c.comparators[0])?;
                let a = self.restore(a);
                self.set_pos(e);
                let r = self.compare_bool(&c.ops[0], a, b);
                self.release(b);
                self.release(a);
                return Ok(r);
            }
        }
        let v = self.expr(e)?;
        self.set_pos(e);
        let r = self.boolean(Op::Truth(v));
        self.release(v);
        Ok(r)
    }

    pub(super) fn compare_bool(&mut self, op: &ast::CmpOp, a: Temp, b: Temp) -> Temp {
        match op {
            ast::CmpOp::Is => self.boolean(Op::Is(a, b)),
            ast::CmpOp::IsNot => {
                let r = self.boolean(Op::Is(a, b));
                self.boolean(Op::Not(r))
            }
            ast::CmpOp::In => self.boolean(Op::Contains(a, b)),
            ast::CmpOp::NotIn => {
                let r = self.boolean(Op::Contains(a, b));
                self.boolean(Op::Not(r))
            }
            other => self.boolean(Op::CompareBool(cmpop(other).unwrap_or(CmpOp::Eq), a, b)),
        }
    }

    /// A list, tuple or set display with starred items, built as CPython
    /// builds it, left to right: the items before the first star make the
    /// list (or set), then each starred iterable extends it and each other
    /// item is added; a tuple is the list made a tuple.
    fn starred_display(&mut self, e: &ast::Expr, elts: &[ast::Expr], kind: Display) -> R<Temp> {
        let first_star = elts.iter().position(|x| matches!(x, ast::Expr::Starred(_))).unwrap_or(elts.len());
        let head = self.exprs(&elts[..first_star])?;
        self.set_pos(e);
        let mut acc =
            self.obj(if kind == Display::Set { Op::BuildSet(head.clone()) } else { Op::BuildList(head.clone()) });
        self.release_all(&head);
        for x in &elts[first_star..] {
            let kept = self.keep(acc, self.can_suspend(x));
            let (v, starred) = match x {
                ast::Expr::Starred(s) => (self.expr(&s.value)?, true),
                _ => (self.expr(x)?, false),
            };
            acc = self.restore(kept);
            self.set_pos(e);
            self.effect(match (kind == Display::Set, starred) {
                (false, true) => Op::ListExtend(acc, v),
                (false, false) => Op::ListAppend(acc, v),
                (true, true) => Op::SetUpdate(acc, v),
                (true, false) => Op::SetAdd(acc, v),
            });
            self.release(v);
        }
        if kind != Display::Tuple {
            return Ok(acc);
        }
        self.set_pos(e);
        let t = self.obj(Op::ListToTuple(acc));
        self.release(acc);
        Ok(t)
    }

    /// A dict display with `**` items: the pairs before the first make the
    /// dict, then each mapping updates it and each pair is set, in order.
    fn dict_display_with_unpacking(&mut self, e: &ast::Expr, d: &ast::ExprDict) -> R<Temp> {
        let first = d.keys.iter().position(|k| k.is_none()).unwrap_or(d.keys.len());
        let mut pairs = Vec::new();
        for (k, v) in d.keys[..first].iter().zip(&d.values) {
            if let Some(k) = k {
                pairs.push(k);
                pairs.push(v);
            }
        }
        let head = self.operands(&pairs)?;
        self.set_pos(e);
        let mut acc = self.obj(Op::BuildDict(head.clone()));
        self.release_all(&head);
        for (k, v) in d.keys[first..].iter().zip(&d.values[first..]) {
            let kept = self.keep(acc, self.can_suspend(v) || k.as_ref().is_some_and(|k| self.can_suspend(k)));
            match k {
                None => {
                    let m = self.expr(v)?;
                    acc = self.restore(kept);
                    self.set_pos(e);
                    self.effect(Op::DictUpdate(acc, m));
                    self.release(m);
                }
                Some(k) => {
                    let kt = self.expr(k)?;
                    let kt = self.keep(kt, self.can_suspend(v));
                    let vt = self.expr(v)?;
                    let kt = self.restore(kt);
                    acc = self.restore(kept);
                    self.set_pos(e);
                    self.effect(Op::DictSetItem(acc, kt, vt));
                    self.release(vt);
                    self.release(kt);
                }
            }
        }
        Ok(acc)
    }

    pub(super) fn exprs(&mut self, es: &[ast::Expr]) -> R<Vec<Temp>> {
        self.operands(&es.iter().collect::<Vec<_>>())
    }

    /// Evaluates ES left to right; a value waits in a hidden local while a
    /// later one that can suspend the generator is evaluated.
    pub(super) fn operands(&mut self, es: &[&ast::Expr]) -> R<Vec<Temp>> {
        let mut kept = Vec::new();
        for (i, e) in es.iter().enumerate() {
            if matches!(e, ast::Expr::Starred(_)) {
                return unsupported("starred expression");
            }
            let v = self.expr(e)?;
            let spill = self.any_can_suspend(es[i + 1..].iter().copied());
            kept.push(self.keep(v, spill));
        }
        Ok(self.restore_all(kept))
    }

    /// The bounds (and step) of a slice, in order: None where left out.
    pub(super) fn slice_parts(&mut self, parts: &[&Option<Box<ast::Expr>>]) -> R<Vec<Temp>> {
        let mut kept = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            let v = match p {
                Some(p) => self.expr(p)?,
                None => self.constant(&crate::codegen::consts::Const::None),
            };
            let spill = self.any_can_suspend(parts[i + 1..].iter().filter_map(|p| p.as_deref()));
            kept.push(self.keep(v, spill));
        }
        Ok(self.restore_all(kept))
    }

    pub(super) fn release_all(&mut self, ts: &[Temp]) {
        for &t in ts.iter().rev() {
            self.release(t);
        }
    }

    /// Evaluates an expression to a temp (Obj or Borrowed).
    pub(super) fn expr(&mut self, e: &ast::Expr) -> R<Temp> {
        use ast::Expr::*;
        let r = match e {
            Constant(c) => match &c.value {
                ast::Constant::Str(s) if s.contains(char::REPLACEMENT_CHARACTER) => self.str_from_source(s, c.range)?,
                v => self.constant(&Const::from_ast(v)),
            },
            Name(n) => {
                self.set_pos(e);
                self.load_name(&n.id)?
            }
            BinOp(b) => {
                let l = self.expr(&b.left)?;
                let l = self.keep(l, self.can_suspend(&b.right));
                let r = self.expr(&b.right)?;
                let l = self.restore(l);
                self.set_pos(e);
                let v = self.obj(Op::Binary(binop(&b.op), false, l, r));
                self.release(r);
                self.release(l);
                v
            }
            UnaryOp(u) => {
                let v = self.expr(&u.operand)?;
                self.set_pos(e);
                let r = match u.op {
                    ast::UnaryOp::Not => {
                        let t = self.boolean(Op::Truth(v));
                        let n = self.boolean(Op::Not(t));
                        self.obj(Op::BoolObj(n))
                    }
                    ast::UnaryOp::USub => self.obj(Op::Unary(self::UnaryOp::Neg, v)),
                    ast::UnaryOp::UAdd => self.obj(Op::Unary(self::UnaryOp::Pos, v)),
                    ast::UnaryOp::Invert => self.obj(Op::Unary(self::UnaryOp::Invert, v)),
                };
                self.release(v);
                r
            }
            Compare(c) => {
                // a < b < c: each operand evaluated once, stop at the first false.
                let result = self.hidden();
                let after = self.new_block();
                let mut left = self.expr(&c.left)?;
                let n = c.ops.len();
                for (i, (op, right)) in c.ops.iter().zip(&c.comparators).enumerate() {
                    let kept = self.keep(left, self.can_suspend(right));
                    let r = self.expr(right)?;
                    left = self.restore(kept);
                    self.set_pos(e);
                    let v = match op {
                        ast::CmpOp::Is | ast::CmpOp::IsNot | ast::CmpOp::In | ast::CmpOp::NotIn => {
                            let b = self.compare_bool(op, left, r);
                            self.obj(Op::BoolObj(b))
                        }
                        other => self.obj(Op::Compare(cmpop(other).unwrap_or(CmpOp::Eq), left, r)),
                    };
                    self.release(left);
                    if i + 1 == n {
                        self.release(r);
                        self.effect(Op::StoreLocal(result, v));
                        self.jump(after);
                    } else {
                        let t = self.boolean(Op::Truth(v));
                        let next = self.new_block();
                        let stop = self.new_block();
                        self.f.blocks[self.cur].term = Term::Branch(t, next, stop);
                        self.switch_to(stop);
                        self.effect(Op::StoreLocal(result, v));
                        self.release(r);
                        self.jump(after);
                        self.switch_to(next);
                        self.release(v);
                        left = r;
                    }
                }
                self.switch_to(after);
                self.obj(Op::TakeLocal(result))
            }
            BoolOp(b) => {
                // The value of the last operand evaluated.
                let is_and = matches!(b.op, ast::BoolOp::And);
                let result = self.hidden();
                let after = self.new_block();
                let n = b.values.len();
                for (i, v) in b.values.iter().enumerate() {
                    let x = self.expr(v)?;
                    let x = self.owned(x);
                    if i + 1 == n {
                        self.effect(Op::StoreLocal(result, x));
                        self.jump(after);
                    } else {
                        self.set_pos(v);
                        let t = self.boolean(Op::Truth(x));
                        let next = self.new_block();
                        let stop = self.new_block();
                        if is_and {
                            self.f.blocks[self.cur].term = Term::Branch(t, next, stop);
                        } else {
                            self.f.blocks[self.cur].term = Term::Branch(t, stop, next);
                        }
                        self.switch_to(stop);
                        self.effect(Op::StoreLocal(result, x));
                        self.jump(after);
                        self.switch_to(next);
                        self.release(x);
                    }
                }
                self.switch_to(after);
                self.obj(Op::TakeLocal(result))
            }
            IfExp(i) => {
                let result = self.hidden();
                let then = self.new_block();
                let els = self.new_block();
                let after = self.new_block();
                self.condition(&i.test, then, els)?;
                for (block, value) in [(then, &i.body), (els, &i.orelse)] {
                    self.switch_to(block);
                    let v = self.expr(value)?;
                    let owned = self.own(v);
                    self.effect(Op::StoreLocal(result, owned));
                    self.release(v);
                    self.jump(after);
                }
                self.switch_to(after);
                self.obj(Op::TakeLocal(result))
            }
            Call(c) => self.call(e, c)?,
            Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(e);
                let k = self.name_const(&a.attr);
                let r = self.obj(Op::GetAttr(o, k));
                self.release(o);
                r
            }
            Subscript(s) => {
                let o = self.expr(&s.value)?;
                let o = self.keep(o, self.can_suspend(&s.slice));
                if let ast::Expr::Slice(ast::ExprSlice { lower, upper, step: None, .. }) = &*s.slice {
                    // o[lo:hi]: evaluated as BUILD_SLICE would, sliced without it.
                    let bounds = self.slice_parts(&[lower, upper])?;
                    let o = self.restore(o);
                    self.set_pos(e);
                    let r = self.obj(Op::GetSlice(o, bounds[0], bounds[1]));
                    self.release_all(&bounds);
                    self.release(o);
                    return Ok(r);
                }
                // o[*a]: the index is the tuple (*a,).
                let k = match &*s.slice {
                    one @ Starred(_) => self.starred_display(one, std::slice::from_ref(one), Display::Tuple)?,
                    other => self.expr(other)?,
                };
                let o = self.restore(o);
                self.set_pos(e);
                let r = self.obj(Op::GetItem(o, k));
                self.release(k);
                self.release(o);
                r
            }
            Slice(s) => {
                let parts = self.slice_parts(&[&s.lower, &s.upper, &s.step])?;
                self.set_pos(e);
                let r = self.obj(Op::BuildSlice(parts[0], parts[1], parts[2]));
                self.release_all(&parts);
                r
            }
            Tuple(t) if t.elts.iter().any(|x| matches!(x, Starred(_))) => {
                self.starred_display(e, &t.elts, Display::Tuple)?
            }
            List(t) if t.elts.iter().any(|x| matches!(x, Starred(_))) => {
                self.starred_display(e, &t.elts, Display::List)?
            }
            Set(t) if t.elts.iter().any(|x| matches!(x, Starred(_))) => {
                self.starred_display(e, &t.elts, Display::Set)?
            }
            Dict(d) if d.keys.iter().any(|k| k.is_none()) => self.dict_display_with_unpacking(e, d)?,
            Tuple(t) => {
                let items = self.exprs(&t.elts)?;
                self.set_pos(e);
                let r = self.obj(Op::BuildTuple(items.clone()));
                self.release_all(&items);
                r
            }
            List(t) => {
                let items = self.exprs(&t.elts)?;
                self.set_pos(e);
                let r = self.obj(Op::BuildList(items.clone()));
                self.release_all(&items);
                r
            }
            Set(t) => {
                let items = self.exprs(&t.elts)?;
                self.set_pos(e);
                let r = self.obj(Op::BuildSet(items.clone()));
                self.release_all(&items);
                r
            }
            Dict(d) => {
                let mut pairs = Vec::new();
                for (k, v) in d.keys.iter().zip(&d.values) {
                    let Some(k) = k else { return unsupported("** in a dict display") };
                    pairs.push(k);
                    pairs.push(v);
                }
                let items = self.operands(&pairs)?;
                self.set_pos(e);
                let r = self.obj(Op::BuildDict(items.clone()));
                self.release_all(&items);
                r
            }
            JoinedStr(j) => {
                let parts = self.exprs(&j.values)?;
                self.set_pos(e);
                let r = self.obj(Op::BuildString(parts.clone()));
                self.release_all(&parts);
                r
            }
            FormattedValue(f) => {
                let v = self.expr(&f.value)?;
                let v = self.keep(v, f.format_spec.as_deref().is_some_and(|s| self.can_suspend(s)));
                let spec = match &f.format_spec {
                    Some(s) => Some(self.expr(s)?),
                    None => None,
                };
                let v = self.restore(v);
                let conv = match f.conversion {
                    ast::ConversionFlag::None => 0,
                    ast::ConversionFlag::Str => b's' as i32,
                    ast::ConversionFlag::Repr => b'r' as i32,
                    ast::ConversionFlag::Ascii => b'a' as i32,
                };
                self.set_pos(e);
                let r = self.obj(Op::Format(v, conv, spec));
                if let Some(s) = spec {
                    self.release(s);
                }
                self.release(v);
                r
            }
            NamedExpr(n) => {
                let v = self.expr(&n.value)?;
                let ast::Expr::Name(name) = &*n.target else { return unsupported("walrus target") };
                // The result must own its value: the store may drop the
                // reference a borrowed temp relies on.
                let copy = self.owned(v);
                self.store_name(&name.id, copy)?;
                copy
            }
            Lambda(l) => self.make_function(l.range.start().to_usize(), ScopeKind::Lambda, &l.args, None, None)?,
            ListComp(c) => self.call_comprehension(e, &c.generators)?,
            SetComp(c) => self.call_comprehension(e, &c.generators)?,
            DictComp(c) => self.call_comprehension(e, &c.generators)?,
            GeneratorExp(c) => self.call_comprehension(e, &c.generators)?,
            Yield(y) => self.yield_value(y.value.as_deref(), e)?,
            YieldFrom(y) => self.yield_from(&y.value, e)?,
            Await(w) => self.yield_from(&w.value, e)?,
            Starred(_) => return unsupported("starred expression"),
        };
        Ok(r)
    }

    /// A comprehension is a function called with the iterator of its first
    /// iterable (evaluated here, in the enclosing scope), as CPython does.
    pub(super) fn call_comprehension(&mut self, e: &ast::Expr, generators: &[ast::Comprehension]) -> R<Temp> {
        let Some(first) = generators.first() else { return unsupported("empty comprehension") };
        // A list, set or dict comprehension with `async for` or `await` in
        // it is a coroutine that the enclosing function awaits (a
        // generator expression with one is an async generator, returned as
        // it is).
        let awaited = self.comprehension_is_async(e) && !matches!(e, ast::Expr::GeneratorExp(_));
        let iterable = self.expr(&first.iter)?;
        self.set_pos(e);
        let f = self.function_object(e.range().start().to_usize(), ScopeKind::Comprehension)?;
        self.set_pos(e);
        let it = self.obj(if first.is_async { Op::GetAIter(iterable) } else { Op::GetIter(iterable) });
        self.release(iterable);
        let r = self.obj(Op::Call { func: f, args: vec![it], kwnames: None, nkw: 0, callee: None });
        self.release(it);
        self.release(f);
        if awaited {
            return self.await_temp(r, self.pos, 0);
        }
        Ok(r)
    }

    /// Whether comprehension E's scope is asynchronous (`async for` or
    /// `await` in it).
    pub(super) fn comprehension_is_async(&self, e: &ast::Expr) -> bool {
        let offset = e.range().start().to_usize();
        self.cx.scopes.of(offset, ScopeKind::Comprehension).is_some_and(|c| self.cx.scopes.scopes[c].is_coroutine)
    }

    /// The loops of a comprehension from generator I on, adding to RESULT
    /// (a generator expression, with no RESULT, yields each element).
    pub(super) fn comprehension_loops(
        &mut self,
        kind: Collect,
        result: Option<LocalId>,
        elts: &[ast::Expr],
        generators: &[ast::Comprehension],
        i: usize,
    ) -> R<()> {
        let Some(g) = generators.get(i) else {
            if let Collect::Any | Collect::All = kind {
                // any(): return True at the first true element; all():
                // False at the first false one. The truth test is the
                // builtin's step, not the body's (no traceback entry).
                let elt = elts.first().ok_or("internal: no element")?;
                let v = self.expr(elt)?;
                self.pos = Pos::NO_ENTRY;
                let b = self.emit(Some(Ty::Bool), Op::Truth(v));
                self.release(v);
                let decided = self.new_block();
                let on = self.new_block();
                let (then, els) = if kind == Collect::Any { (decided, on) } else { (on, decided) };
                self.f.blocks[self.cur].term = Term::Branch(b, then, els);
                self.switch_to(decided);
                let answer = self.constant(if kind == Collect::Any { &Const::True } else { &Const::False });
                self.terminate(Term::Return(answer));
                self.switch_to(on);
                return Ok(());
            }
            let Some(result) = result else {
                let elt = elts.first().ok_or("internal: no element")?;
                let sent = self.yield_value(Some(elt), elt)?;
                self.release(sent);
                return Ok(());
            };
            let values = self.exprs(elts)?;
            // A variant's collecting is the builtin's step (no traceback
            // entry); a comprehension's is its own.
            if self.variant {
                self.pos = Pos::NO_ENTRY;
            }
            let target = self.emit(Some(Ty::Borrowed), Op::LoadLocal(result));
            let op = match kind {
                Collect::List => Op::ListAppend(target, values[0]),
                Collect::Set => Op::SetAdd(target, values[0]),
                Collect::Dict => Op::DictSetItem(target, values[0], values[1]),
                Collect::Sum => {
                    let total = self.obj(Op::Binary(BinOp::Add, false, target, values[0]));
                    self.release_all(&values);
                    self.effect(Op::StoreLocal(result, total));
                    return Ok(());
                }
                Collect::Generator | Collect::Any | Collect::All => {
                    return Err("internal: a generator expression collects nothing".into())
                }
            };
            self.effect(op);
            self.release_all(&values);
            return Ok(());
        };
        let (it_local, range) = match (i, g.is_async) {
            (0, _) => (self.local(".0").ok_or("internal: no .0")?, false),
            (_, true) => (self.async_iterator_of(&g.iter, self.comprehension_pos)?, false),
            (_, false) => self.iterator_of(&g.iter, self.comprehension_pos)?,
        };
        let after = self.new_block();
        let head = if g.is_async {
            if self.gen.is_none() {
                return unsupported("async for outside a coroutine");
            }
            self.async_loop_head(it_local, &g.target, after, self.comprehension_pos)?
        } else {
            self.loop_head(it_local, range, &g.target, after)?
        };
        for cond in &g.ifs {
            let next = self.new_block();
            self.condition(cond, next, head)?;
            self.switch_to(next);
        }
        self.comprehension_loops(kind, result, elts, generators, i + 1)?;
        self.jump(head);
        self.loop_end();
        self.switch_to(after);
        if i > 0 {
            self.clear_hidden(it_local);
        }
        Ok(())
    }
}

/// Which display a starred one builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Display {
    List,
    Tuple,
    Set,
}
