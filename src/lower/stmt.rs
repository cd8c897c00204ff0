//! Lowering of statements: assignments, control flow, def and class statements,
//! class bodies.

use super::*;

impl Lowerer<'_, '_> {
    // ------------------------------------------------------------ statements

    pub(super) fn stmts(&mut self, body: &[ast::Stmt]) -> R<()> {
        for s in body {
            if self.terminated() {
                // Code after return/raise/break: CPython compiles it but it
                // never runs.
                break;
            }
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &ast::Stmt) -> R<()> {
        use ast::Stmt::*;
        self.set_pos(s);
        match s {
            Expr(e) => {
                let v = self.expr(&e.value)?;
                self.release(v);
            }
            // `a, b = x, y`: the values, then the stores in order, without
            // the tuple (it cannot be seen), as CPython's compiler does.
            // They are owned first: a store may drop what a later one reads.
            Assign(a) if parallel_assignment(a).is_some() => {
                let (targets, values) = parallel_assignment(a).ok_or("internal: parallel assignment")?;
                if self.any_can_suspend(targets.iter()) {
                    return unsupported("yield or await in an assignment target");
                }
                let values: Vec<&ast::Expr> = values.iter().collect();
                let vs = self.operands(&values)?;
                let vs: Vec<Temp> = vs.into_iter().map(|t| self.owned(t)).collect();
                for (t, &v) in targets.iter().zip(&vs) {
                    self.assign(t, v)?;
                }
                for v in vs {
                    self.release(v);
                }
            }
            Assign(a) if self.any_can_suspend(a.targets.iter()) => {
                // The value waits in a hidden local while the targets are
                // evaluated (and stored to, in order).
                let v = self.expr(&a.value)?;
                let keep = self.hidden();
                self.effect(Op::StoreLocal(keep, v));
                for t in &a.targets {
                    if self.can_suspend(t) {
                        self.assign_from_hidden(t, keep)?;
                    } else {
                        let v = self.emit(Some(Ty::Borrowed), Op::LoadLocal(keep));
                        self.assign(t, v)?;
                    }
                }
                self.clear_hidden(keep);
            }
            Assign(a) => {
                let v = self.expr(&a.value)?;
                for t in &a.targets {
                    self.assign(t, v)?;
                }
                self.release(v);
            }
            AugAssign(a) => self.aug_assign(a)?,
            AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let v = self.expr(v)?;
                    self.assign(&a.target, v)?;
                    self.release(v);
                } else if !crate::scope::simple_annotation(a) {
                    // CPython evaluates what an attribute or subscript
                    // target is made of (compiler_annassign's
                    // check_ann_expr and check_ann_subscr), storing nothing.
                    self.annotated_target_parts(&a.target)?;
                }
                // A class body records a simple name's annotation and
                // evaluates a complex target's; a function ignores both.
                if self.namespace.is_some() {
                    match &*a.target {
                        ast::Expr::Name(n) if crate::scope::simple_annotation(a) => {
                            let ann = self.annotation(&a.annotation)?;
                            let anns = self.load_name("__annotations__")?;
                            let key = self.constant(&Const::Str(self.mangle(&n.id)));
                            self.set_pos(s);
                            self.effect(Op::SetItem(anns, key, ann));
                            self.release(anns);
                            self.release(ann);
                        }
                        _ if self.cx.future_annotations => {}
                        _ => {
                            let ann = self.expr(&a.annotation)?;
                            self.release(ann);
                        }
                    }
                }
            }
            Return(r) => {
                let v = match r.value.as_deref() {
                    Some(v) => self.expr(v)?,
                    None => self.constant(&Const::None),
                };
                if self.unwinds.is_empty() {
                    self.terminate(Term::Return(v));
                } else {
                    // The value waits in a hidden local while finally
                    // bodies and __exit__ calls run.
                    let keep = self.hidden();
                    let o = self.own(v);
                    self.effect(Op::StoreLocal(keep, o));
                    self.release(v);
                    self.unwind_to(0)?;
                    if !self.terminated() {
                        let v = self.obj(Op::TakeLocal(keep));
                        self.terminate(Term::Return(v));
                    }
                }
            }
            Pass(_) => {}
            If(i) => {
                let then = self.new_block();
                let els = self.new_block();
                let after = self.new_block();
                self.condition(&i.test, then, els)?;
                self.switch_to(then);
                self.stmts(&i.body)?;
                self.jump(after);
                self.switch_to(els);
                self.stmts(&i.orelse)?;
                self.jump(after);
                self.switch_to(after);
            }
            While(w) => {
                let body = self.new_block();
                let els = self.new_block();
                let after = self.new_block();
                let head = self.loop_start();
                self.set_pos(&*w.test);
                self.condition(&w.test, body, els)?;
                self.switch_to(body);
                self.loops.push(Loop { continue_to: head, break_to: after, unwind_depth: self.unwinds.len() });
                self.stmts(&w.body)?;
                self.loops.pop();
                self.jump(head);
                self.loop_end();
                self.switch_to(els);
                self.stmts(&w.orelse)?;
                self.jump(after);
                self.switch_to(after);
            }
            For(f) => {
                let at = self.pos;
                let (it_local, range) = self.iterator_of(&f.iter, at)?;
                let els = self.new_block();
                let head = self.loop_head(it_local, range, &f.target, els)?;
                self.for_body(it_local, head, els, &f.body, &f.orelse)?;
            }
            Break(_) | Continue(_) => {
                let Some(l) = self.loops.last() else { return unsupported("break outside a loop") };
                let target = if matches!(s, Break(_)) { l.break_to } else { l.continue_to };
                self.unwind_to(l.unwind_depth)?;
                self.terminate(Term::Jump(target));
            }
            Raise(r) => match &r.exc {
                None => {
                    self.terminate(Term::Reraise);
                }
                Some(e) => {
                    let exc = self.expr(e)?;
                    let cause = match &r.cause {
                        Some(c) => Some(self.expr(c)?),
                        None => None,
                    };
                    self.set_pos(s);
                    self.effect(Op::Raise(Some(exc), cause));
                    self.terminate(Term::Unreachable);
                }
            },
            Assert(a) => {
                let fail = self.new_block();
                let ok = self.new_block();
                // Under -O (PYTHONOPTIMIZE) CPython compiles asserts out,
                // so the native code tests first what the interpreter
                // decided: the builtin __debug__, false when optimising
                // (no program can bind the name).
                let check = self.new_block();
                self.set_pos(s);
                let k = self.cx.consts.name("__debug__");
                let debug = self.obj(Op::LoadGlobal(k));
                let on = self.boolean(Op::Truth(debug));
                self.release(debug);
                self.f.blocks[self.cur].term = Term::Branch(on, check, ok);
                self.switch_to(check);
                self.condition(&a.test, ok, fail)?;
                self.switch_to(fail);
                let msg = match &a.msg {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                };
                self.set_pos(s);
                self.effect(Op::AssertFail(msg));
                self.terminate(Term::Unreachable);
                self.switch_to(ok);
            }
            Delete(d) => {
                for t in &d.targets {
                    self.delete(t)?;
                }
            }
            Global(_) | Nonlocal(_) => {}
            Import(i) => {
                for alias in &i.names {
                    self.set_pos(alias);
                    let name = self.name_const(&alias.name);
                    let fromlist = self.constant(&Const::None);
                    let module = self.obj(Op::ImportName { name, fromlist, level: 0 });
                    match &alias.asname {
                        Some(asname) => {
                            // `import a.b as c` binds a.b itself.
                            let mut value = module;
                            for part in alias.name.split('.').skip(1) {
                                let attr = self.name_const(part);
                                let next = self.obj(Op::ImportFrom(value, attr));
                                self.release(value);
                                value = next;
                            }
                            self.store_name(asname, value)?;
                            self.release(value);
                        }
                        None => {
                            let first = alias.name.split('.').next().unwrap_or_default().to_string();
                            self.store_name(&first, module)?;
                            self.release(module);
                        }
                    }
                }
            }
            ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                let names: Vec<Const> = i.names.iter().map(|a| Const::Str(a.name.to_string())).collect();
                if i.names.iter().any(|a| a.name.as_str() == "*") {
                    return unsupported("import * in a function");
                }
                let name = self.name_const(&module);
                let fromlist = self.constant(&Const::Tuple(names));
                let level = i.level.map_or(0, |l| l.to_u32() as i32);
                let m = self.obj(Op::ImportName { name, fromlist, level });
                for alias in &i.names {
                    self.set_pos(alias);
                    let attr = self.name_const(&alias.name);
                    let v = self.obj(Op::ImportFrom(m, attr));
                    self.store_name(alias.asname.as_ref().unwrap_or(&alias.name), v)?;
                    self.release(v);
                }
                self.release(m);
            }
            Try(t) if t.finalbody.is_empty() => self.try_except(t, false)?,
            Try(t) => self.try_finally(t, false)?,
            With(w) => self.with(&w.items, &w.body, false)?,
            FunctionDef(d) => self.def_statement(
                d.range.start().to_usize(),
                &d.name,
                &d.args,
                &d.decorator_list,
                d.returns.as_deref(),
            )?,
            AsyncFunctionDef(d) => self.def_statement(
                d.range.start().to_usize(),
                &d.name,
                &d.args,
                &d.decorator_list,
                d.returns.as_deref(),
            )?,
            ClassDef(c) => self.class_def(c)?,
            AsyncWith(w) => self.with(&w.items, &w.body, true)?,
            AsyncFor(f) => self.async_for(s, f)?,
            Match(m) => self.match_stmt(m)?,
            TryStar(t) => {
                // The same fields as a try; `star` says the clauses are except*.
                let t = ast::StmtTry {
                    range: t.range,
                    body: t.body.clone(),
                    handlers: t.handlers.clone(),
                    orelse: t.orelse.clone(),
                    finalbody: t.finalbody.clone(),
                };
                if t.finalbody.is_empty() {
                    self.try_except(&t, true)?
                } else {
                    self.try_finally(&t, true)?
                }
            }
            TypeAlias(_) => return unsupported("type alias"),
        }
        Ok(())
    }

    /// A class body, as CPython compiles one: `__module__` and
    /// `__qualname__` first, `__annotations__` when the body annotates, the
    /// docstring as `__doc__`; it returns the `__class__` cell (stored as
    /// `__classcell__` for type.__new__) or None.
    pub(super) fn class_body(&mut self, stmts: &[ast::Stmt]) -> R<()> {
        let module = self.load_name("__name__")?;
        self.store_name("__module__", module)?;
        self.release(module);
        let qualname = self.constant(&Const::Str(self.scope().qualname.clone()));
        self.store_name("__qualname__", qualname)?;
        if stmts.iter().any(annotates) {
            let ns = self.namespace_temp()?;
            self.effect(Op::SetupAnnotations(ns));
        }
        let mut rest = stmts;
        if let Some((ast::Stmt::Expr(e), tail)) = stmts.split_first() {
            if let ast::Expr::Constant(ast::ExprConstant { value: ast::Constant::Str(doc), .. }) = &*e.value {
                self.set_pos(&stmts[0]);
                let d = self.constant(&Const::Str(doc.clone()));
                self.store_name("__doc__", d)?;
                rest = tail;
            }
        }
        self.stmts(rest)?;
        if self.terminated() {
            return Ok(());
        }
        let r = if self.scope().needs_class_cell {
            let l = self.class_cell()?;
            let cell = self.obj(Op::CellObject(l));
            let ns = self.namespace_temp()?;
            let k = self.cx.consts.name("__classcell__");
            self.effect(Op::StoreName(ns, k, cell));
            cell
        } else {
            self.constant(&Const::None)
        };
        self.terminate(Term::Return(r));
        Ok(())
    }

    /// The class namespace of a class body, as a borrowed temp.
    pub(super) fn namespace_temp(&mut self) -> R<Temp> {
        let ns = self.namespace.ok_or("internal: no class namespace")?;
        Ok(self.emit(Some(Ty::Borrowed), Op::LoadLocal(ns)))
    }

    /// A class statement: decorators, then __build_class__(body function,
    /// name, *bases, **keywords), then the decorators applied.
    pub(super) fn class_def(&mut self, c: &ast::StmtClassDef) -> R<()> {
        let unpacks =
            c.bases.iter().any(|b| matches!(b, ast::Expr::Starred(_))) || c.keywords.iter().any(|k| k.arg.is_none());
        let decos = self.exprs(&c.decorator_list)?;
        self.set_pos(c);
        let build = self.obj(Op::LoadBuildClass);
        let offset = c.range.start().to_usize();
        let child = self.cx.scopes.of(offset, ScopeKind::Class).ok_or("internal: class scope not found")?;
        let code = self.cx.code_ids[child].ok_or("internal: no code table entry")?;
        let closure = self.closure(child)?;
        let body = self.obj(Op::MakeFunction { code, defaults: None, kwdefaults: None, annotations: None, closure });
        if let Some(t) = closure {
            self.release(t);
        }
        let name = self.constant(&Const::Str(c.name.to_string()));
        let mut class = if unpacks {
            // __build_class__(body, name, *bases, **keywords) as one
            // CALL_FUNCTION_EX.
            let name = self.obj(Op::Alias(name));
            self.call_ex(c, build, vec![body, name], &c.bases, &c.keywords)?
        } else {
            let mut args = vec![body, name];
            args.extend(self.exprs(&c.bases)?);
            for k in &c.keywords {
                args.push(self.expr(&k.value)?);
            }
            let kwnames = self.keyword_names(&c.keywords);
            self.set_pos(c);
            let nkw = c.keywords.len() as u32;
            let class = self.obj(Op::Call { func: build, args: args.clone(), kwnames, nkw, callee: None });
            self.release_all(&args);
            self.release(build);
            class
        };
        for d in decos.into_iter().rev() {
            let g = self.obj(Op::Call { func: d, args: vec![class], kwnames: None, nkw: 0, callee: None });
            self.release(class);
            self.release(d);
            class = g;
        }
        self.store_name(&c.name, class)?;
        self.release(class);
        Ok(())
    }

    /// A def or async def statement: the function object, bound to its name.
    pub(super) fn def_statement(
        &mut self,
        offset: usize,
        name: &str,
        args: &ast::Arguments,
        decorators: &[ast::Expr],
        returns: Option<&ast::Expr>,
    ) -> R<()> {
        let f = self.make_function(offset, ScopeKind::Function, args, Some(decorators), Some((args, returns)))?;
        self.store_name(name, f)?;
        self.release(f);
        Ok(())
    }
}
