//! Lowering of calls (predicted callees, `*`/`**` unpacking, super()) and of
//! function objects (defaults, closures, annotations).

use super::*;

impl Lowerer<'_, '_> {
    pub(super) fn call(&mut self, e: &ast::Expr, c: &ast::ExprCall) -> R<Temp> {
        let unpacks =
            c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) || c.keywords.iter().any(|k| k.arg.is_none());
        // Builtins that read the calling frame's local variables: a native
        // function's frame (runtime/frame.c) gets them for the call
        // (SyncLocals); a class body's frame has its namespace already.
        let mut sync_locals = false;
        if let ast::Expr::Name(n) = &*c.func {
            let frame_reader = match n.id.as_str() {
                "locals" | "breakpoint" => true,
                "vars" | "dir" => c.args.is_empty(),
                // Without a dict for the globals (an argument that may be
                // None at run time), the caller's frame's namespaces.
                "eval" | "exec" => !c.args.get(1).is_some_and(|g| {
                    matches!(g, ast::Expr::Dict(_) | ast::Expr::DictComp(_))
                        || (is_globals_call(g) && matches!(self.scope().binding("globals"), Binding::GlobalImplicit))
                }),
                _ => false,
            };
            let builtin = matches!(self.scope().binding(&self.mangle(&n.id)), Binding::GlobalImplicit);
            if frame_reader && builtin {
                if n.id.as_str() == "breakpoint" {
                    return unsupported("breakpoint() hands the caller's frame to pdb, which steps through its bytecode line by line (and may set its variables and f_lineno)");
                }
                if unpacks {
                    return unsupported(&format!("{}() with * or ** arguments reads the caller's variables", n.id));
                }
                sync_locals = self.namespace.is_none();
            }
            if builtin && n.id.as_str() == "globals" && c.args.is_empty() && c.keywords.is_empty() {
                self.set_pos(e);
                return Ok(self.obj(Op::Globals));
            }
        }
        // Zero-argument super() in a method.
        if let ast::Expr::Name(n) = &*c.func {
            if n.id.as_str() == "super" && c.args.is_empty() && c.keywords.is_empty() {
                return self.zero_arg_super(e);
            }
        }
        let kwnames = self.keyword_names(&c.keywords);
        let arg_exprs: Vec<&ast::Expr> = c.args.iter().chain(c.keywords.iter().map(|k| &k.value)).collect();
        let args_suspend = self.any_can_suspend(arg_exprs.iter().copied());
        if unpacks {
            if args_suspend {
                return unsupported("yield or await in a call with * or ** arguments");
            }
            return self.call_unpacking(e, c);
        }
        // obj.method(...) calls without making a bound method (unless an
        // argument can suspend the generator: the method found first then
        // waits as a bound method in a hidden local).
        if let (ast::Expr::Attribute(a), false) = (&*c.func, args_suspend) {
            let o = self.expr(&a.value)?;
            let name = self.name_const(&a.attr);
            // CPython looks the method up before evaluating the arguments:
            // when one may have effects (or fail), the lookup goes first.
            let simple = |v: &ast::Expr| matches!(v, ast::Expr::Constant(_) | ast::Expr::Name(_));
            let in_class = self.namespace.is_some();
            let probe = if c.args.iter().chain(c.keywords.iter().map(|k| &k.value)).all(|v| simple(v) && !in_class) {
                None
            } else {
                self.set_pos(e);
                let nargs = (1 + c.args.len()) as u32;
                Some(self.obj(Op::ProbeMethod { obj: o, name, nargs, kwnames }))
            };
            let mut args = vec![o];
            let values = self.operands(&arg_exprs)?;
            args.extend(self.stack_owned_if_counted(&a.attr, values));
            self.set_pos(e);
            let nkw = c.keywords.len() as u32;
            let r = self.obj(Op::CallMethod { name, args: args.clone(), kwnames, nkw, probe });
            self.release_all(&args);
            if let Some(p) = probe {
                self.release(p);
            }
            return Ok(r);
        }
        if let (ast::Expr::Name(n), [ast::Expr::GeneratorExp(g)], true) =
            (&*c.func, c.args.as_slice(), c.keywords.is_empty())
        {
            if let Some(consumer) = Consumer::named(n.id.as_str()) {
                // (An async generator expression is passed as it is.)
                if self.is_global_name(&n.id) && !self.comprehension_is_async(&c.args[0]) {
                    return self.consume_genexp(e, c, g, consumer);
                }
            }
        }
        let f = self.expr(&c.func)?;
        let f = self.keep(f, args_suspend);
        let args = self.operands(&arg_exprs)?;
        let args = match &*c.func {
            ast::Expr::Name(n) => self.stack_owned_if_counted(&n.id, args),
            ast::Expr::Attribute(a) => self.stack_owned_if_counted(&a.attr, args),
            _ => args,
        };
        let f = self.restore(f);
        self.set_pos(e);
        // A module-level function called by its global name with exactly
        // its positional parameters: predicted, so the call can skip
        // binding; else a builtin with a fast path, if the name is one.
        let callee = match &*c.func {
            ast::Expr::Name(n) if c.keywords.is_empty() => {
                let global = self.is_global_name(&n.id);
                let compiled = self.cx.direct_calls.get(n.id.as_str()).filter(|t| t.nargs == args.len());
                match compiled {
                    _ if !global => None,
                    Some(t) => Some(Callee::Compiled(t.code)),
                    None => Builtin::for_call(n.id.as_str(), args.len()).map(Callee::Builtin),
                }
            }
            _ => None,
        };
        if sync_locals {
            let visible = self.f.locals.iter().enumerate().filter(|(_, l)| l.in_code());
            let locals = visible.map(|(i, _)| i as LocalId).collect();
            self.effect(Op::SyncLocals(locals));
        }
        let r = self.obj(Op::Call { func: f, args: args.clone(), kwnames, nkw: c.keywords.len() as u32, callee });
        if sync_locals {
            self.effect(Op::ClearLocals);
        }
        self.release_all(&args);
        self.release(f);
        Ok(r)
    }

    /// The arguments of a call of NAME, each owning a reference when NAME is
    /// `getrefcount`: CPython's value stack holds one for every argument,
    /// which sys.getrefcount counts, where generated code passes a
    /// variable's value borrowed.
    fn stack_owned_if_counted(&mut self, name: &str, args: Vec<Temp>) -> Vec<Temp> {
        if name != "getrefcount" {
            return args;
        }
        args.into_iter().map(|t| self.owned(t)).collect()
    }

    /// The names of a call's keyword arguments, as the constant tuple a
    /// vectorcall's kwnames is (None without any).
    pub(super) fn keyword_names(&mut self, keywords: &[ast::Keyword]) -> Option<ConstId> {
        if keywords.is_empty() {
            return None;
        }
        let names = keywords.iter().map(|k| Const::Str(k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default()));
        Some(self.cx.consts.add(&Const::Tuple(names.collect())))
    }

    /// Whether NAME, read here, is a global (or builtin) name.
    pub(super) fn is_global_name(&self, name: &str) -> bool {
        matches!(self.scope().binding(&self.mangle(name)), Binding::GlobalImplicit | Binding::GlobalExplicit)
    }

    /// `tuple(x for ...)` and the like (ir::Consumer): the call C of
    /// CONSUMER's global name on generator expression G. The callee, the
    /// first iterator and the genexp's function are made as for any call
    /// of a genexp; the generator itself only if the callee is not the
    /// builtin. G is not asynchronous (the caller passes those on as they are).
    pub(super) fn consume_genexp(
        &mut self,
        e: &ast::Expr,
        c: &ast::ExprCall,
        g: &ast::ExprGeneratorExp,
        consumer: Consumer,
    ) -> R<Temp> {
        let offset = g.range.start().to_usize();
        let child = self.cx.scopes.of(offset, ScopeKind::Comprehension).ok_or("internal: nested scope not found")?;
        let code = self.cx.code_ids[child].ok_or("internal: no code table entry")?;
        let Some(first) = g.generators.first() else { return unsupported("empty comprehension") };
        let func = self.expr(&c.func)?;
        let func = self.keep(func, self.can_suspend(&first.iter));
        let iterable = self.expr(&first.iter)?;
        let func = self.restore(func);
        let genexp = &c.args[0];
        self.set_pos(genexp);
        let genfunc = self.function_object(offset, ScopeKind::Comprehension)?;
        self.set_pos(genexp);
        let iter = self.obj(Op::GetIter(iterable));
        self.release(iterable);
        self.set_pos(e);
        let r = self.obj(Op::ConsumeGenexp { func, genfunc, iter, code, consumer });
        self.release(iter);
        self.release(genfunc);
        self.release(func);
        let variant = (child, consumer.collect());
        if !self.cx.genexp_variants.contains(&variant) {
            self.cx.genexp_variants.push(variant);
        }
        Ok(r)
    }

    /// A call with `*` or `**` arguments (CALL_FUNCTION_EX): the positional
    /// arguments as a tuple, or a list built up as CPython does (a lone
    /// `*x` is passed as it is), the keyword ones merged into a new dict.
    pub(super) fn call_unpacking(&mut self, e: &ast::Expr, c: &ast::ExprCall) -> R<Temp> {
        let f = self.expr(&c.func)?;
        self.call_ex(e, f, Vec::new(), &c.args, &c.keywords)
    }

    /// CALL_FUNCTION_EX of F (consumed) at E: the positional arguments are
    /// LEADING (owned temps, consumed) then ARGS, the keyword ones KEYWORDS.
    pub(super) fn call_ex(
        &mut self,
        e: &impl Ranged,
        f: Temp,
        leading: Vec<Temp>,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
    ) -> R<Temp> {
        let args = match args {
            [ast::Expr::Starred(only)] if leading.is_empty() => self.expr(&only.value)?,
            all if !all.iter().any(|a| matches!(a, ast::Expr::Starred(_))) => {
                let mut items = leading;
                items.extend(self.exprs(all)?);
                let t = self.obj(Op::BuildTuple(items.clone()));
                self.release_all(&items);
                t
            }
            all => {
                let mut list = None;
                let mut pending = leading;
                for a in all {
                    match a {
                        ast::Expr::Starred(st) => {
                            let l = match list {
                                Some(l) => l,
                                None => {
                                    let l = self.obj(Op::BuildList(pending.clone()));
                                    self.release_all(&pending);
                                    pending.clear();
                                    list = Some(l);
                                    l
                                }
                            };
                            let it = self.expr(&st.value)?;
                            self.set_pos(e);
                            self.effect(Op::ListExtend(l, it));
                            self.release(it);
                        }
                        _ => {
                            let v = self.expr(a)?;
                            match list {
                                Some(l) => {
                                    self.effect(Op::ListAppend(l, v));
                                    self.release(v);
                                }
                                None => pending.push(v),
                            }
                        }
                    }
                }
                list.ok_or("internal: no starred argument")?
            }
        };
        let mut kwargs: Option<Temp> = None;
        let mut group: Vec<Temp> = Vec::new();
        let keywords: Vec<&ast::Keyword> = keywords.iter().collect();
        for (i, k) in keywords.iter().enumerate() {
            match &k.arg {
                Some(name) => {
                    group.push(self.constant(&Const::Str(name.to_string())));
                    group.push(self.expr(&k.value)?);
                }
                None => {
                    let d = match kwargs {
                        Some(d) => d,
                        None => self.obj(Op::BuildDict(vec![])),
                    };
                    kwargs = Some(d);
                    self.merge_keywords(f, d, &mut group, e)?;
                    let m = self.expr(&k.value)?;
                    self.set_pos(e);
                    self.effect(Op::DictMerge(f, d, m));
                    self.release(m);
                }
            }
            if i + 1 == keywords.len() && !group.is_empty() {
                match kwargs {
                    Some(d) => self.merge_keywords(f, d, &mut group, e)?,
                    None => {
                        let d = self.obj(Op::BuildDict(group.clone()));
                        self.release_all(&group);
                        group.clear();
                        kwargs = Some(d);
                    }
                }
            }
        }
        self.set_pos(e);
        let r = self.obj(Op::CallEx(f, args, kwargs));
        self.release(args);
        if let Some(d) = kwargs {
            self.release(d);
        }
        self.release(f);
        Ok(r)
    }

    /// Merges the keyword arguments gathered in GROUP (name, value, ...)
    /// into the call's dict D, as one DICT_MERGE.
    pub(super) fn merge_keywords(&mut self, f: Temp, d: Temp, group: &mut Vec<Temp>, e: &impl Ranged) -> R<()> {
        if group.is_empty() {
            return Ok(());
        }
        let g = self.obj(Op::BuildDict(group.clone()));
        self.release_all(group);
        group.clear();
        self.set_pos(e);
        self.effect(Op::DictMerge(f, d, g));
        self.release(g);
        Ok(())
    }

    /// An annotation's value: under `from __future__ import annotations` the
    /// string CPython's compiler makes of it (_PyAST_ExprAsUnicode, which
    /// rustpython's unparser follows), else the value; `*args: *Ts` gives
    /// the one item the value unpacks to (UNPACK_SEQUENCE 1).
    pub(super) fn annotation(&mut self, an: &ast::Expr) -> R<Temp> {
        if self.cx.future_annotations {
            return Ok(self.constant(&Const::Str(an.to_string())));
        }
        let ast::Expr::Starred(s) = an else { return self.expr(an) };
        let v = self.expr(&s.value)?;
        self.set_pos(an);
        let one = self.obj(Op::Unpack(v, 1));
        self.release(v);
        let item = self.emit(Some(Ty::Borrowed), Op::TupleItem(one, 0));
        let item = self.obj(Op::Alias(item));
        self.release(one);
        Ok(item)
    }

    /// `super()` in a function: super(__class__, first argument), with
    /// the errors CPython's super_init_without_args gives where there is no
    /// positional parameter or no `__class__` cell (the builtin says which
    /// is missing only when called; a rebound `super` is just called).
    pub(super) fn zero_arg_super(&mut self, e: &ast::Expr) -> R<Temp> {
        let scope = self.scope();
        if scope.kind != ScopeKind::Function {
            return unsupported("super() outside a def");
        }
        let first = (scope.argcount > 0).then(|| scope.params[0].clone());
        if first.as_ref().is_some_and(|f| !matches!(scope.binding(f), Binding::Local | Binding::Cell)) {
            return unsupported("super() whose first argument is not a local");
        }
        let class_cell = match scope.binding("__class__") {
            Binding::Free => Some(self.local("__class__").ok_or("internal: no __class__")?),
            _ => None,
        };
        let me = match first {
            Some(f) => Some(self.local(&self.mangle(&f)).ok_or("internal: no local for the first argument")?),
            None => None,
        };
        let sup = self.load_name("super")?;
        self.set_pos(e);
        let r = self.obj(Op::Super(sup, class_cell, me));
        self.release(sup);
        Ok(r)
    }

    /// The function object of a comprehension (no defaults, annotations or
    /// decorators).
    pub(super) fn function_object(&mut self, offset: usize, kind: ScopeKind) -> R<Temp> {
        let child = self.cx.scopes.of(offset, kind).ok_or("internal: nested scope not found")?;
        let code = self.cx.code_ids[child].ok_or("internal: no code table entry")?;
        let closure = self.closure(child)?;
        let f = self.obj(Op::MakeFunction { code, defaults: None, kwdefaults: None, annotations: None, closure });
        if let Some(c) = closure {
            self.release(c);
        }
        Ok(f)
    }

    /// The closure tuple of nested scope CHILD: this function's cells of its free variables.
    pub(super) fn closure(&mut self, child: ScopeId) -> R<Option<Temp>> {
        let freevars = self.cx.scopes.scopes[child].freevars.clone();
        if freevars.is_empty() {
            return Ok(None);
        }
        let mut cells = Vec::new();
        let own_class_cell = self.scope().kind == ScopeKind::Class && self.scope().needs_class_cell;
        for name in &freevars {
            let l = if own_class_cell && name == "__class__" {
                // A method's __class__ is the class's own cell, not the one
                // the body may see of an enclosing function.
                self.class_cell()?
            } else {
                self.local(name).ok_or_else(|| format!("internal: no cell for {name}"))?
            };
            cells.push(self.obj(Op::CellObject(l)));
        }
        let t = self.obj(Op::BuildTuple(cells.clone()));
        self.release_all(&cells);
        Ok(Some(t))
    }

    /// A nested def or lambda: defaults, annotations and decorators are
    /// evaluated here; the function object comes from its code object.
    pub(super) fn make_function(
        &mut self,
        offset: usize,
        kind: ScopeKind,
        args: &ast::Arguments,
        decorators: Option<&[ast::Expr]>,
        annotated: Option<(&ast::Arguments, Option<&ast::Expr>)>,
    ) -> R<Temp> {
        let child = self.cx.scopes.of(offset, kind).ok_or("internal: nested scope not found")?;
        let code = self.cx.code_ids[child].ok_or("internal: no code table entry")?;
        let mut decos = Vec::new();
        for d in decorators.unwrap_or(&[]) {
            decos.push(self.expr(d)?);
        }
        let positional: Vec<&ast::ArgWithDefault> = args.posonlyargs.iter().chain(&args.args).collect();
        let mut defaults = Vec::new();
        for a in &positional {
            if let Some(d) = &a.default {
                defaults.push(self.expr(d)?);
            }
        }
        let defaults_t = if defaults.is_empty() {
            None
        } else {
            let t = self.obj(Op::BuildTuple(defaults.clone()));
            self.release_all(&defaults);
            Some(t)
        };
        let mut kw = Vec::new();
        for a in &args.kwonlyargs {
            if let Some(d) = &a.default {
                kw.push(self.constant(&Const::Str(self.mangle(&a.def.arg))));
                kw.push(self.expr(d)?);
            }
        }
        let kwdefaults_t = if kw.is_empty() {
            None
        } else {
            let t = self.obj(Op::BuildDict(kw.clone()));
            self.release_all(&kw);
            Some(t)
        };
        let mut ann = Vec::new();
        if let Some((a, returns)) = annotated {
            let all = a
                .posonlyargs
                .iter()
                .chain(&a.args)
                .map(|x| &x.def)
                .chain(a.vararg.as_deref())
                .chain(a.kwonlyargs.iter().map(|x| &x.def))
                .chain(a.kwarg.as_deref());
            for p in all {
                if let Some(an) = &p.annotation {
                    ann.push(self.constant(&Const::Str(self.mangle(&p.arg))));
                    ann.push(self.annotation(an)?);
                }
            }
            if let Some(r) = returns {
                ann.push(self.constant(&Const::Str("return".into())));
                ann.push(self.annotation(r)?);
            }
        }
        let ann_t = if ann.is_empty() {
            None
        } else {
            let t = self.obj(Op::BuildDict(ann.clone()));
            self.release_all(&ann);
            Some(t)
        };
        let closure_t = self.closure(child)?;
        let mut f = self.obj(Op::MakeFunction {
            code,
            defaults: defaults_t,
            kwdefaults: kwdefaults_t,
            annotations: ann_t,
            closure: closure_t,
        });
        for t in [defaults_t, kwdefaults_t, ann_t, closure_t].into_iter().flatten() {
            self.release(t);
        }
        for d in decos.into_iter().rev() {
            let g = self.obj(Op::Call { func: d, args: vec![f], kwnames: None, nkw: 0, callee: None });
            self.f.max_args = self.f.max_args.max(2);
            self.release(f);
            self.release(d);
            f = g;
        }
        Ok(f)
    }
}
