//! Phase 4: lowering. Turns the body of a def or lambda into the IR (ir.rs).
//! A construct not handled yet is an `Err` with the reason: the function
//! then falls back to CPython's bytecode, which the report lists.

use rustpython_parser::ast::{self, Ranged};

use crate::codegen::consts::{Const, ConstPool};
use crate::ir::*;
use crate::scope::{Binding, ModuleScopes, ScopeId, ScopeKind};

/// What lowering needs from the rest of the program.
pub struct Context<'a> {
    pub consts: &'a mut ConstPool,
    pub scopes: &'a ModuleScopes,
    /// The code table index of each scope of this module (None: not listed
    /// or ambiguous, so it cannot be instantiated from native code).
    pub code_ids: &'a [Option<u32>],
    /// Byte offsets of line starts.
    pub lines: &'a [usize],
    /// The module has `from __future__ import annotations` (annotations are strings).
    pub future_annotations: bool,
}

pub type Fallback = String;
type R<T> = Result<T, Fallback>;

fn unsupported<T>(what: &str) -> R<T> {
    Err(what.to_string())
}

/// The body of a function scope: a def's statements or a lambda's expression.
pub enum Body<'a> {
    Def(&'a [ast::Stmt]),
    Lambda(&'a ast::Expr),
    /// A list, set or dict comprehension: its element(s) (key and value
    /// for a dict) and generators.
    Comprehension(Collect, &'a [ast::Expr], &'a [ast::Comprehension]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collect {
    List,
    Set,
    Dict,
}

pub fn lower_function(cx: &mut Context, scope_id: ScopeId, body: Body) -> R<Function> {
    let scope = &cx.scopes.scopes[scope_id];
    if scope.is_generator || scope.is_coroutine {
        return unsupported("generators and coroutines are not compiled natively yet");
    }
    let mut l = Lowerer {
        cx,
        scope_id,
        f: Function {
            qualname: scope.qualname.clone(),
            nparams: scope.params.len() as u32,
            locals: Vec::new(),
            temps: Vec::new(),
            blocks: Vec::new(),
            max_args: 0,
        },
        cur: 0,
        loops: Vec::new(),
        handler: None,
        local_ids: Default::default(),
        pos: Pos::default(),
        dead: false,
        exc_saves: Vec::new(),
    };
    // Locals: parameters first (slot order), then the other names.
    let scope = &l.cx.scopes.scopes[scope_id];
    let mut names: Vec<(String, LocalKind)> = Vec::new();
    for p in &scope.params {
        let kind = if scope.binding(p) == Binding::Cell { LocalKind::Cell } else { LocalKind::Fast };
        names.push((p.clone(), kind));
    }
    for (name, b) in &scope.bindings {
        if scope.params.contains(name) {
            continue;
        }
        match b {
            Binding::Local => names.push((name.clone(), LocalKind::Fast)),
            Binding::Cell => names.push((name.clone(), LocalKind::Cell)),
            Binding::Free => {
                let i = scope.freevars.iter().position(|f| f == name).unwrap_or(0) as u32;
                names.push((name.clone(), LocalKind::Free(i)));
            }
            _ => {}
        }
    }
    for (name, kind) in names {
        l.add_local(&name, kind);
    }
    let entry = l.new_block();
    l.cur = entry;
    match body {
        Body::Def(stmts) => {
            l.stmts(stmts)?;
            if !l.terminated() {
                let none = l.constant(&Const::None);
                l.terminate(Term::Return(none));
            }
        }
        Body::Lambda(e) => {
            let v = l.expr(e)?;
            l.terminate(Term::Return(v));
        }
        Body::Comprehension(kind, elts, generators) => {
            // The result collects in a hidden local; the first iterator is
            // the parameter `.0` (made by the caller), later ones are made here.
            let result = l.hidden();
            let empty = match kind {
                Collect::List => l.obj(Op::BuildList(vec![])),
                Collect::Set => l.obj(Op::BuildSet(vec![])),
                Collect::Dict => l.obj(Op::BuildDict(vec![])),
            };
            l.effect(Op::StoreLocal(result, empty));
            l.comprehension_loops(kind, result, elts, generators, 0)?;
            let r = l.obj(Op::TakeLocal(result));
            l.terminate(Term::Return(r));
        }
    }
    Ok(l.f)
}

struct Loop {
    continue_to: BlockId,
    break_to: BlockId,
    /// Except handlers active at the loop statement: break and continue
    /// may not leave one (its exception state restore is not lowered yet).
    exc_depth: usize,
}

struct Lowerer<'a, 'b> {
    cx: &'a mut Context<'b>,
    scope_id: ScopeId,
    f: Function,
    cur: BlockId,
    loops: Vec<Loop>,
    handler: Option<BlockId>,
    local_ids: std::collections::HashMap<String, LocalId>,
    pos: Pos,
    /// The current block is unreachable (after return, raise, break).
    dead: bool,
    /// The hidden locals holding the exception state saved by each active
    /// except handler, innermost last.
    exc_saves: Vec<LocalId>,
}

impl Lowerer<'_, '_> {
    fn add_local(&mut self, name: &str, kind: LocalKind) -> LocalId {
        let id = self.f.locals.len() as LocalId;
        let name_const = self.cx.consts.name(name);
        self.f.locals.push(Local { name: name.to_string(), kind, name_const });
        self.local_ids.insert(name.to_string(), id);
        id
    }

    fn hidden(&mut self) -> LocalId {
        let name = format!(".hidden{}", self.f.locals.len());
        self.add_local(&name, LocalKind::Hidden)
    }

    fn new_block(&mut self) -> BlockId {
        self.f.blocks.push(Block { insts: Vec::new(), term: Term::Unreachable, handler: self.handler });
        self.f.blocks.len() - 1
    }

    /// Whether the current block already ended (after return, raise, ...).
    fn terminated(&self) -> bool {
        self.dead || !matches!(self.f.blocks[self.cur].term, Term::Unreachable)
    }

    /// Ends the current block; what follows is unreachable until the next
    /// `switch_to`.
    fn terminate(&mut self, t: Term) {
        if !self.dead {
            self.f.blocks[self.cur].term = t;
        }
        let b = self.new_block();
        self.cur = b;
        self.dead = true;
    }

    fn switch_to(&mut self, b: BlockId) {
        self.cur = b;
        self.dead = false;
    }

    fn temp(&mut self, ty: Ty) -> Temp {
        self.f.temps.push(ty);
        (self.f.temps.len() - 1) as Temp
    }

    fn emit(&mut self, ty: Option<Ty>, op: Op) -> Temp {
        let dst = ty.map(|t| self.temp(t));
        if let Op::Call { args, .. } | Op::CallMethod { args, .. } = &op {
            self.f.max_args = self.f.max_args.max(args.len() as u32 + 1);
        }
        if let Op::BuildTuple(v) | Op::BuildList(v) | Op::BuildSet(v) | Op::BuildDict(v) | Op::BuildString(v) = &op {
            self.f.max_args = self.f.max_args.max(v.len() as u32);
        }
        let pos = self.pos;
        self.f.blocks[self.cur].insts.push(Inst { dst, op, pos });
        dst.unwrap_or(u32::MAX)
    }

    fn obj(&mut self, op: Op) -> Temp {
        self.emit(Some(Ty::Obj), op)
    }
    fn boolean(&mut self, op: Op) -> Temp {
        self.emit(Some(Ty::Bool), op)
    }
    fn effect(&mut self, op: Op) {
        self.emit(None, op);
    }

    /// Drops a temp if it owns a reference.
    fn release(&mut self, t: Temp) {
        if self.f.temps[t as usize] == Ty::Obj {
            self.effect(Op::Release(t));
        }
    }

    fn constant(&mut self, c: &Const) -> Temp {
        let id = self.cx.consts.add(c);
        self.emit(Some(Ty::Borrowed), Op::Const(id))
    }

    fn set_pos(&mut self, node: &impl Ranged) {
        let r = node.range();
        let (line, col) = self.line_col(r.start().to_usize());
        let (end_line, end_col) = self.line_col(r.end().to_usize());
        self.pos = Pos { line, col, end_line, end_col };
    }

    fn line_col(&self, offset: usize) -> (u32, u32) {
        let i = self.cx.lines.partition_point(|&s| s <= offset).saturating_sub(1);
        ((i + 1) as u32, (offset - self.cx.lines[i]) as u32)
    }

    fn scope(&self) -> &crate::scope::Scope {
        &self.cx.scopes.scopes[self.scope_id]
    }

    // ------------------------------------------------------------ statements

    fn stmts(&mut self, body: &[ast::Stmt]) -> R<()> {
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

    fn stmt(&mut self, s: &ast::Stmt) -> R<()> {
        use ast::Stmt::*;
        self.set_pos(s);
        match s {
            Expr(e) => {
                let v = self.expr(&e.value)?;
                self.release(v);
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
                if !a.simple {
                    return unsupported("annotated assignment to a complex target");
                }
                if let Some(v) = &a.value {
                    let v = self.expr(v)?;
                    self.assign(&a.target, v)?;
                    self.release(v);
                }
            }
            Return(r) => {
                let v = match &r.value {
                    Some(v) => self.expr(v)?,
                    None => self.constant(&Const::None),
                };
                // Leaving except handlers restores the exception state.
                for i in (0..self.exc_saves.len()).rev() {
                    let prev = self.obj(Op::TakeLocal(self.exc_saves[i]));
                    self.effect(Op::ExcPop(prev));
                }
                self.terminate(Term::Return(v));
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
                let head = self.new_block();
                let body = self.new_block();
                let els = self.new_block();
                let after = self.new_block();
                self.jump(head);
                self.switch_to(head);
                self.set_pos(&*w.test);
                self.condition(&w.test, body, els)?;
                self.switch_to(body);
                self.loops.push(Loop { continue_to: head, break_to: after, exc_depth: self.exc_saves.len() });
                self.stmts(&w.body)?;
                self.loops.pop();
                self.jump(head);
                self.switch_to(els);
                self.stmts(&w.orelse)?;
                self.jump(after);
                self.switch_to(after);
            }
            For(f) => {
                let it_local = self.iterator_of(&f.iter)?;
                let els = self.new_block();
                let after = self.new_block();
                let head = self.loop_head(it_local, &f.target, els)?;
                self.loops.push(Loop { continue_to: head, break_to: after, exc_depth: self.exc_saves.len() });
                self.stmts(&f.body)?;
                self.loops.pop();
                self.jump(head);
                self.switch_to(els);
                self.stmts(&f.orelse)?;
                self.jump(after);
                self.switch_to(after);
                self.clear_hidden(it_local);
            }
            Break(_) | Continue(_) => {
                let Some(l) = self.loops.last() else { return unsupported("break outside a loop") };
                if l.exc_depth != self.exc_saves.len() {
                    return unsupported("break or continue inside an except clause");
                }
                let target = if matches!(s, Break(_)) { l.break_to } else { l.continue_to };
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
                    let name = self.cx.consts.name(&alias.name);
                    let fromlist = self.constant(&Const::None);
                    let module = self.obj(Op::ImportName { name, fromlist, level: 0 });
                    match &alias.asname {
                        Some(asname) => {
                            // `import a.b as c` binds a.b itself.
                            let mut value = module;
                            for part in alias.name.split('.').skip(1) {
                                let attr = self.cx.consts.name(part);
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
                let name = self.cx.consts.name(&module);
                let fromlist = self.constant(&Const::Tuple(names));
                let level = i.level.map_or(0, |l| l.to_u32() as i32);
                let m = self.obj(Op::ImportName { name, fromlist, level });
                for alias in &i.names {
                    self.set_pos(alias);
                    let attr = self.cx.consts.name(&alias.name);
                    let v = self.obj(Op::ImportFrom(m, attr));
                    self.store_name(alias.asname.as_ref().unwrap_or(&alias.name), v)?;
                    self.release(v);
                }
                self.release(m);
            }
            Try(t) => self.try_except(t)?,
            FunctionDef(d) => {
                let f = self.make_function(
                    d.range.start().to_usize(),
                    ScopeKind::Function,
                    &d.args,
                    Some(&d.decorator_list),
                    Some((&d.args, d.returns.as_deref())),
                )?;
                self.store_name(&d.name, f)?;
                self.release(f);
            }
            AsyncFunctionDef(_) => return unsupported("async def inside a function"),
            ClassDef(_) => return unsupported("class definition inside a function"),
            With(_) | AsyncWith(_) => return unsupported("with statement"),
            AsyncFor(_) => return unsupported("async for"),
            Match(_) => return unsupported("match statement"),
            TryStar(_) => return unsupported("try/except*"),
            TypeAlias(_) => return unsupported("type alias"),
        }
        Ok(())
    }

    /// An iterator over ITERABLE, kept in a hidden local for a loop.
    fn iterator_of(&mut self, iterable: &ast::Expr) -> R<LocalId> {
        let v = self.expr(iterable)?;
        self.set_pos(iterable);
        let it = self.obj(Op::GetIter(v));
        self.release(v);
        let local = self.hidden();
        self.effect(Op::StoreLocal(local, it));
        Ok(local)
    }

    /// The head of a loop over the iterator in IT_LOCAL: the next item goes
    /// to TARGET and the body continues in the current block; an exhausted
    /// iterator goes to EXHAUSTED. Returns the head (the `continue` target).
    fn loop_head(&mut self, it_local: LocalId, target: &ast::Expr, exhausted: BlockId) -> R<BlockId> {
        let head = self.new_block();
        let body = self.new_block();
        self.jump(head);
        self.switch_to(head);
        let it = self.emit(Some(Ty::Borrowed), Op::LoadLocal(it_local));
        let item = self.obj(Op::IterNext(it));
        self.f.blocks[self.cur].term = Term::BranchNull(item, exhausted, body);
        self.switch_to(body);
        self.assign(target, item)?;
        self.release(item);
        Ok(head)
    }

    fn jump(&mut self, target: BlockId) {
        if !self.terminated() {
            self.f.blocks[self.cur].term = Term::Jump(target);
        }
    }

    /// Drops what a hidden local holds (a finished loop's iterator).
    fn clear_hidden(&mut self, local: LocalId) {
        let v = self.obj(Op::TakeLocal(local));
        self.effect(Op::Release(v));
    }

    /// try/except/else (without finally): the handlers run with the
    /// exception as sys.exc_info(), restored after, as CPython does.
    fn try_except(&mut self, t: &ast::StmtTry) -> R<()> {
        if !t.finalbody.is_empty() {
            return unsupported("try/finally");
        }
        let outer = self.handler;
        let landing = self.new_block();
        let body = {
            self.handler = Some(landing);
            let b = self.new_block();
            self.handler = outer;
            b
        };
        let after = self.new_block();
        self.jump(body);
        self.switch_to(body);
        self.handler = Some(landing);
        self.stmts(&t.body)?;
        self.handler = outer;
        // else runs outside the try's protection.
        if !self.terminated() {
            let els = self.new_block();
            self.jump(els);
            self.switch_to(els);
            self.stmts(&t.orelse)?;
            self.jump(after);
        }
        // The landing: take the exception, make it the handled one.
        self.switch_to(landing);
        let exc_local = self.hidden();
        let prev_local = self.hidden();
        let exc = self.obj(Op::ExcFetch);
        let prev = self.emit(Some(Ty::Obj), Op::ExcPush(exc));
        self.effect(Op::StoreLocal(exc_local, exc));
        self.effect(Op::StoreLocal(prev_local, prev));
        // While a handler runs, an exception restores the previous state
        // and propagates (a cleanup block).
        self.handler = outer;
        let cleanup = self.new_block();
        self.handler = Some(cleanup);
        self.exc_saves.push(prev_local);
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_pos(h);
            let next = self.new_block();
            let matched = self.new_block();
            match &h.type_ {
                Some(ty) => {
                    let ty_v = self.expr(ty)?;
                    let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
                    let m = self.boolean(Op::ExcMatches(e, ty_v));
                    self.release(ty_v);
                    self.f.blocks[self.cur].term = Term::Branch(m, matched, next);
                }
                None => self.f.blocks[self.cur].term = Term::Jump(matched),
            }
            self.switch_to(matched);
            if let Some(name) = &h.name {
                let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
                self.store_name(name, e)?;
            }
            self.stmts(&h.body)?;
            if let Some(name) = &h.name {
                if !self.terminated() {
                    // `except E as e` deletes e at the end of the handler.
                    let none = self.constant(&Const::None);
                    self.store_name(name, none)?;
                    self.delete_name(name)?;
                }
            }
            if !self.terminated() {
                let prev = self.obj(Op::TakeLocal(prev_local));
                self.effect(Op::ExcPop(prev));
                self.clear_hidden(exc_local);
                self.jump(after);
            }
            self.switch_to(next);
        }
        self.exc_saves.pop();
        // No handler matched: restore the state and raise it again.
        self.handler = outer;
        let nomatch = self.new_block();
        self.jump(nomatch);
        self.switch_to(nomatch);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        let e = self.obj(Op::TakeLocal(exc_local));
        self.effect(Op::ExcRestore(e));
        self.terminate(Term::Propagate);
        // Cleanup: an exception inside a handler.
        self.switch_to(cleanup);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        self.clear_hidden(exc_local);
        self.terminate(Term::Propagate);
        self.switch_to(after);
        Ok(())
    }
}

// ------------------------------------------------------------ names and targets

impl Lowerer<'_, '_> {
    fn local(&self, name: &str) -> Option<LocalId> {
        self.local_ids.get(name).copied()
    }

    fn load_name(&mut self, name: &str) -> R<Temp> {
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
    fn store_name(&mut self, name: &str, v: Temp) -> R<()> {
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
    fn owned(&mut self, v: Temp) -> Temp {
        if self.f.temps[v as usize] == Ty::Obj {
            v
        } else {
            self.obj(Op::Alias(v))
        }
    }

    /// A new reference to V's value, for an instruction that consumes one.
    fn own(&mut self, v: Temp) -> Temp {
        // StoreLocal/StoreCell incref a Borrowed temp themselves, and an Obj
        // temp is shared with the caller's release: give them a Borrowed
        // view of it, so exactly one reference is added.
        if self.f.temps[v as usize] == Ty::Obj {
            let t = self.temp(Ty::Borrowed);
            // Re-type through a no-op alias: codegen treats Borrowed temps
            // as plain values.
            self.f.blocks[self.cur].insts.push(Inst { dst: Some(t), op: Op::Alias(v), pos: self.pos });
            t
        } else {
            v
        }
    }

    fn delete_name(&mut self, name: &str) -> R<()> {
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
    fn assign(&mut self, target: &ast::Expr, v: Temp) -> R<()> {
        match target {
            ast::Expr::Name(n) => self.store_name(&n.id, v),
            ast::Expr::Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(target);
                let k = self.cx.consts.name(&a.attr);
                self.effect(Op::SetAttr(o, k, v));
                self.release(o);
                Ok(())
            }
            ast::Expr::Subscript(s) => {
                let o = self.expr(&s.value)?;
                let k = self.expr(&s.slice)?;
                self.set_pos(target);
                self.effect(Op::SetItem(o, k, v));
                self.release(k);
                self.release(o);
                Ok(())
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. }) | ast::Expr::List(ast::ExprList { elts, .. }) => {
                if elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
                    return unsupported("starred assignment");
                }
                self.set_pos(target);
                let t = self.obj(Op::Unpack(v, elts.len() as u32));
                for (i, e) in elts.iter().enumerate() {
                    let item = self.emit(Some(Ty::Borrowed), Op::TupleItem(t, i as u32));
                    self.assign(e, item)?;
                }
                self.release(t);
                Ok(())
            }
            _ => unsupported("assignment to this target"),
        }
    }

    fn delete(&mut self, target: &ast::Expr) -> R<()> {
        self.set_pos(target);
        match target {
            ast::Expr::Name(n) => self.delete_name(&n.id),
            ast::Expr::Attribute(a) => {
                let o = self.expr(&a.value)?;
                self.set_pos(target);
                let k = self.cx.consts.name(&a.attr);
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

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> R<()> {
        let op = binop(&a.op);
        match &*a.target {
            ast::Expr::Name(n) => {
                self.set_pos(&*a.target);
                let cur = self.load_name(&n.id)?;
                let v = self.expr(&a.value)?;
                self.set_pos(a);
                let r = self.obj(Op::Binary(op, true, cur, v));
                self.release(v);
                self.release(cur);
                self.store_name(&n.id, r)?;
                self.release(r);
            }
            ast::Expr::Attribute(at) => {
                let o = self.expr(&at.value)?;
                let k = self.cx.consts.name(&at.attr);
                self.set_pos(&*a.target);
                let cur = self.obj(Op::GetAttr(o, k));
                let v = self.expr(&a.value)?;
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
                let key = self.expr(&s.slice)?;
                self.set_pos(&*a.target);
                let cur = self.obj(Op::GetItem(o, key));
                let v = self.expr(&a.value)?;
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

fn binop(op: &ast::Operator) -> BinOp {
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

fn cmpop(op: &ast::CmpOp) -> Option<CmpOp> {
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

// ------------------------------------------------------------ expressions

impl Lowerer<'_, '_> {
    /// Branches on an expression's truth without making a bool object where
    /// the expression is a comparison, `not`, `and` or `or`.
    fn condition(&mut self, e: &ast::Expr, then: BlockId, els: BlockId) -> R<()> {
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
    fn truth(&mut self, e: &ast::Expr) -> R<Temp> {
        if let ast::Expr::Compare(c) = e {
            if c.ops.len() == 1 {
                let a = self.expr(&c.left)?;
                let b = self.expr(&c.comparators[0])?;
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

    fn compare_bool(&mut self, op: &ast::CmpOp, a: Temp, b: Temp) -> Temp {
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

    fn exprs(&mut self, es: &[ast::Expr]) -> R<Vec<Temp>> {
        let mut out = Vec::new();
        for e in es {
            if matches!(e, ast::Expr::Starred(_)) {
                return unsupported("starred expression");
            }
            out.push(self.expr(e)?);
        }
        Ok(out)
    }

    fn release_all(&mut self, ts: &[Temp]) {
        for &t in ts.iter().rev() {
            self.release(t);
        }
    }

    /// Evaluates an expression to a temp (Obj or Borrowed).
    fn expr(&mut self, e: &ast::Expr) -> R<Temp> {
        use ast::Expr::*;
        let r = match e {
            Constant(c) => self.constant(&crate::codegen::consts::Const::from_ast(&c.value)),
            Name(n) => {
                self.set_pos(e);
                self.load_name(&n.id)?
            }
            BinOp(b) => {
                let l = self.expr(&b.left)?;
                let r = self.expr(&b.right)?;
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
                    let r = self.expr(right)?;
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
                let k = self.cx.consts.name(&a.attr);
                let r = self.obj(Op::GetAttr(o, k));
                self.release(o);
                r
            }
            Subscript(s) => {
                let o = self.expr(&s.value)?;
                let k = self.expr(&s.slice)?;
                self.set_pos(e);
                let r = self.obj(Op::GetItem(o, k));
                self.release(k);
                self.release(o);
                r
            }
            Slice(s) => {
                let mut parts = Vec::new();
                for p in [&s.lower, &s.upper, &s.step] {
                    parts.push(match p {
                        Some(p) => self.expr(p)?,
                        None => self.constant(&crate::codegen::consts::Const::None),
                    });
                }
                self.set_pos(e);
                let r = self.obj(Op::BuildSlice(parts[0], parts[1], parts[2]));
                self.release_all(&parts);
                r
            }
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
                let mut items = Vec::new();
                for (k, v) in d.keys.iter().zip(&d.values) {
                    let Some(k) = k else { return unsupported("** in a dict display") };
                    items.push(self.expr(k)?);
                    items.push(self.expr(v)?);
                }
                self.set_pos(e);
                let r = self.obj(Op::BuildDict(items.clone()));
                self.release_all(&items);
                r
            }
            JoinedStr(j) => {
                let mut parts = Vec::new();
                for v in &j.values {
                    parts.push(self.expr(v)?);
                }
                self.set_pos(e);
                let r = self.obj(Op::BuildString(parts.clone()));
                self.release_all(&parts);
                r
            }
            FormattedValue(f) => {
                let v = self.expr(&f.value)?;
                let spec = match &f.format_spec {
                    Some(s) => Some(self.expr(s)?),
                    None => None,
                };
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
            Await(_) | Yield(_) | YieldFrom(_) => return unsupported("await/yield"),
            Starred(_) => return unsupported("starred expression"),
        };
        Ok(r)
    }

    /// A comprehension is a function called with the iterator of its first
    /// iterable (evaluated here, in the enclosing scope), as CPython does.
    fn call_comprehension(&mut self, e: &ast::Expr, generators: &[ast::Comprehension]) -> R<Temp> {
        let Some(first) = generators.first() else { return unsupported("empty comprehension") };
        if generators.iter().any(|g| g.is_async) {
            return unsupported("async comprehension");
        }
        let iterable = self.expr(&first.iter)?;
        self.set_pos(e);
        let f = self.function_object(e.range().start().to_usize(), ScopeKind::Comprehension)?;
        self.set_pos(e);
        let it = self.obj(Op::GetIter(iterable));
        self.release(iterable);
        let r = self.obj(Op::Call { func: f, args: vec![it], kwnames: None, nkw: 0 });
        self.release(it);
        self.release(f);
        Ok(r)
    }

    /// The loops of a comprehension from generator I on, appending to RESULT.
    fn comprehension_loops(
        &mut self,
        kind: Collect,
        result: LocalId,
        elts: &[ast::Expr],
        generators: &[ast::Comprehension],
        i: usize,
    ) -> R<()> {
        let Some(g) = generators.get(i) else {
            let values = self.exprs(elts)?;
            let target = self.emit(Some(Ty::Borrowed), Op::LoadLocal(result));
            let op = match kind {
                Collect::List => Op::ListAppend(target, values[0]),
                Collect::Set => Op::SetAdd(target, values[0]),
                Collect::Dict => Op::DictSetItem(target, values[0], values[1]),
            };
            self.effect(op);
            self.release_all(&values);
            return Ok(());
        };
        let it_local = if i == 0 { self.local(".0").ok_or("internal: no .0")? } else { self.iterator_of(&g.iter)? };
        let after = self.new_block();
        let head = self.loop_head(it_local, &g.target, after)?;
        for cond in &g.ifs {
            let next = self.new_block();
            self.condition(cond, next, head)?;
            self.switch_to(next);
        }
        self.comprehension_loops(kind, result, elts, generators, i + 1)?;
        self.jump(head);
        self.switch_to(after);
        if i > 0 {
            self.clear_hidden(it_local);
        }
        Ok(())
    }

    fn call(&mut self, e: &ast::Expr, c: &ast::ExprCall) -> R<Temp> {
        if c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) || c.keywords.iter().any(|k| k.arg.is_none()) {
            return unsupported("a call with *args or **kwargs");
        }
        // Builtins that read the calling frame's local variables: a native
        // function has no frame, so these keep it on the interpreter.
        if let ast::Expr::Name(n) = &*c.func {
            let frame_reader = match n.id.as_str() {
                "locals" | "breakpoint" => true,
                "vars" | "dir" => c.args.is_empty(),
                "eval" | "exec" => c.args.len() + c.keywords.len() < 2,
                _ => false,
            };
            if frame_reader && matches!(self.scope().binding(&n.id), Binding::GlobalImplicit) {
                return unsupported(&format!("{}() reads the local variables of its caller's frame", n.id));
            }
        }
        // Calls that look at the stack of frames (warnings attribute a
        // warning to a frame's line): the caller needs a frame.
        let called = match &*c.func {
            ast::Expr::Name(n) => Some(n.id.as_str()),
            ast::Expr::Attribute(a) => Some(a.attr.as_str()),
            _ => None,
        };
        if let Some(name @ ("warn" | "warn_explicit" | "_getframe" | "currentframe" | "stack")) = called {
            return unsupported(&format!("{name}() looks at the calling frame, which native code does not have yet"));
        }
        // Zero-argument super() in a method.
        if let ast::Expr::Name(n) = &*c.func {
            if n.id.as_str() == "super" && c.args.is_empty() && c.keywords.is_empty() {
                return self.zero_arg_super(e);
            }
        }
        let kwnames = if c.keywords.is_empty() {
            None
        } else {
            let names =
                c.keywords.iter().map(|k| Const::Str(k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default()));
            Some(self.cx.consts.add(&Const::Tuple(names.collect())))
        };
        // obj.method(...) calls without making a bound method.
        if let ast::Expr::Attribute(a) = &*c.func {
            let o = self.expr(&a.value)?;
            let mut args = vec![o];
            args.extend(self.exprs(&c.args)?);
            for k in &c.keywords {
                args.push(self.expr(&k.value)?);
            }
            self.set_pos(e);
            let name = self.cx.consts.name(&a.attr);
            let r = self.obj(Op::CallMethod { name, args: args.clone(), kwnames, nkw: c.keywords.len() as u32 });
            self.release_all(&args);
            return Ok(r);
        }
        let f = self.expr(&c.func)?;
        let mut args = self.exprs(&c.args)?;
        for k in &c.keywords {
            args.push(self.expr(&k.value)?);
        }
        self.set_pos(e);
        let r = self.obj(Op::Call { func: f, args: args.clone(), kwnames, nkw: c.keywords.len() as u32 });
        self.release_all(&args);
        self.release(f);
        Ok(r)
    }

    fn zero_arg_super(&mut self, e: &ast::Expr) -> R<Temp> {
        let scope = self.scope();
        if scope.kind != ScopeKind::Function || scope.params.is_empty() {
            return unsupported("super() without a first argument");
        }
        let first = scope.params[0].clone();
        if scope.binding(&first) != Binding::Local || scope.binding("__class__") != Binding::Free {
            return unsupported("super() here");
        }
        let sup = self.load_name("super")?;
        let class_cell = self.local("__class__").ok_or("internal: no __class__")?;
        let me = self.load_name(&first)?;
        self.set_pos(e);
        let r = self.obj(Op::Super(sup, class_cell, me));
        self.release(me);
        self.release(sup);
        Ok(r)
    }

    /// The function object of a comprehension (no defaults, annotations or
    /// decorators).
    fn function_object(&mut self, offset: usize, kind: ScopeKind) -> R<Temp> {
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
    fn closure(&mut self, child: ScopeId) -> R<Option<Temp>> {
        let freevars = self.cx.scopes.scopes[child].freevars.clone();
        if freevars.is_empty() {
            return Ok(None);
        }
        let mut cells = Vec::new();
        for name in &freevars {
            let l = self.local(name).ok_or_else(|| format!("internal: no cell for {name}"))?;
            cells.push(self.obj(Op::CellObject(l)));
        }
        let t = self.obj(Op::BuildTuple(cells.clone()));
        self.release_all(&cells);
        Ok(Some(t))
    }

    /// A nested def or lambda: defaults, annotations and decorators are
    /// evaluated here; the function object comes from its code object.
    fn make_function(
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
                kw.push(self.constant(&Const::Str(a.def.arg.to_string())));
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
            let has_any = returns.is_some()
                || a.posonlyargs.iter().chain(&a.args).chain(&a.kwonlyargs).any(|x| x.def.annotation.is_some())
                || a.vararg.iter().chain(&a.kwarg).any(|x| x.annotation.is_some());
            if has_any && self.cx.future_annotations {
                return unsupported("annotations under `from __future__ import annotations`");
            }
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
                    ann.push(self.constant(&Const::Str(p.arg.to_string())));
                    ann.push(self.expr(an)?);
                }
            }
            if let Some(r) = returns {
                ann.push(self.constant(&Const::Str("return".into())));
                ann.push(self.expr(r)?);
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
            let g = self.obj(Op::Call { func: d, args: vec![f], kwnames: None, nkw: 0 });
            self.f.max_args = self.f.max_args.max(2);
            self.release(f);
            self.release(d);
            f = g;
        }
        Ok(f)
    }
}

/// The body of every def and lambda of a module, by node offset.
pub enum OwnedBody {
    Def(Vec<ast::Stmt>),
    Lambda(ast::Expr),
    Comprehension(Collect, Vec<ast::Expr>, Vec<ast::Comprehension>),
}

impl OwnedBody {
    pub fn as_body(&self) -> Body<'_> {
        match self {
            OwnedBody::Def(s) => Body::Def(s),
            OwnedBody::Lambda(e) => Body::Lambda(e),
            OwnedBody::Comprehension(k, e, g) => Body::Comprehension(*k, e, g),
        }
    }
}

pub fn bodies(module: &[ast::Stmt]) -> std::collections::HashMap<usize, OwnedBody> {
    use rustpython_parser::ast::Visitor;
    struct Finder(std::collections::HashMap<usize, OwnedBody>);
    impl Visitor for Finder {
        fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
            self.0.insert(node.range.start().to_usize(), OwnedBody::Def(node.body.clone()));
            self.generic_visit_stmt_function_def(node);
        }
        fn visit_expr_list_comp(&mut self, node: ast::ExprListComp) {
            let body = OwnedBody::Comprehension(Collect::List, vec![(*node.elt).clone()], node.generators.clone());
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_list_comp(node);
        }
        fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
            let body = OwnedBody::Comprehension(Collect::Set, vec![(*node.elt).clone()], node.generators.clone());
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_set_comp(node);
        }
        fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
            let elts = vec![(*node.key).clone(), (*node.value).clone()];
            let body = OwnedBody::Comprehension(Collect::Dict, elts, node.generators.clone());
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_dict_comp(node);
        }
        fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
            self.0.insert(node.range.start().to_usize(), OwnedBody::Lambda((*node.body).clone()));
            self.visit_arguments(*node.args);
            self.visit_expr(*node.body);
        }
        // rustpython's visitor does not descend into these by default.
        fn visit_comprehension(&mut self, node: ast::Comprehension) {
            descend_comprehension(self, node);
        }
        fn visit_arguments(&mut self, node: ast::Arguments) {
            descend_arguments(self, node);
        }
        fn visit_keyword(&mut self, node: ast::Keyword) {
            self.visit_expr(node.value);
        }
        fn visit_withitem(&mut self, node: ast::WithItem) {
            descend_withitem(self, node);
        }
        fn visit_match_case(&mut self, node: ast::MatchCase) {
            descend_match_case(self, node);
        }
    }
    let mut f = Finder(Default::default());
    for s in module.iter().cloned() {
        f.visit_stmt(s);
    }
    f.0
}

// What rustpython's Visitor leaves out (its generic visits of these nodes are
// empty): every walker that must see all nested functions calls these.

pub fn descend_comprehension<V: rustpython_parser::ast::Visitor + ?Sized>(v: &mut V, node: ast::Comprehension) {
    v.visit_expr(node.target);
    v.visit_expr(node.iter);
    for e in node.ifs {
        v.visit_expr(e);
    }
}

pub fn descend_arguments<V: rustpython_parser::ast::Visitor + ?Sized>(v: &mut V, node: ast::Arguments) {
    for a in node.posonlyargs.into_iter().chain(node.args).chain(node.kwonlyargs) {
        if let Some(d) = a.default {
            v.visit_expr(*d);
        }
        if let Some(an) = a.def.annotation {
            v.visit_expr(*an);
        }
    }
    for a in node.vararg.into_iter().chain(node.kwarg) {
        if let Some(an) = a.annotation {
            v.visit_expr(*an);
        }
    }
}

pub fn descend_withitem<V: rustpython_parser::ast::Visitor + ?Sized>(v: &mut V, node: ast::WithItem) {
    v.visit_expr(node.context_expr);
    if let Some(t) = node.optional_vars {
        v.visit_expr(*t);
    }
}

pub fn descend_match_case<V: rustpython_parser::ast::Visitor + ?Sized>(v: &mut V, node: ast::MatchCase) {
    v.visit_pattern(node.pattern);
    if let Some(g) = node.guard {
        v.visit_expr(*g);
    }
    for s in node.body {
        v.visit_stmt(s);
    }
}
