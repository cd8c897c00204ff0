//! Phase 4: lowering. Turns the body of a def or lambda into the IR (ir.rs).
//! A construct not handled yet is an `Err` with the reason: the function
//! then falls back to CPython's bytecode, which the report lists.

use std::collections::HashMap;

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
    /// The module's source text.
    pub source: &'a str,
    /// The module has `from __future__ import annotations` (annotations are strings).
    pub future_annotations: bool,
    /// Module-level functions calls can enter directly, by name.
    pub direct_calls: &'a HashMap<String, DirectTarget>,
    /// The collecting variants of generator expressions (ir::Consumer)
    /// that calls ask for: the genexp's scope and what the variant does.
    pub genexp_variants: &'a mut Vec<(ScopeId, Collect)>,
}

/// A module-level `def` with only positional parameters, not a generator
/// or coroutine, not decorated: calls by its name predict it.
#[derive(Debug, Clone, Copy)]
pub struct DirectTarget {
    /// Code table index.
    pub code: u32,
    pub nargs: usize,
}

/// `a, b = x, y` with as many plain values as targets (no `*`): the
/// targets and the values.
fn parallel_assignment(a: &ast::StmtAssign) -> Option<(&[ast::Expr], &[ast::Expr])> {
    let [target] = a.targets.as_slice() else { return None };
    let targets = match target {
        ast::Expr::Tuple(t) => &t.elts,
        ast::Expr::List(l) => &l.elts,
        _ => return None,
    };
    let ast::Expr::Tuple(values) = &*a.value else { return None };
    let starred = |e: &ast::Expr| matches!(e, ast::Expr::Starred(_));
    (targets.len() == values.elts.len() && !targets.iter().any(starred) && !values.elts.iter().any(starred))
        .then_some((targets.as_slice(), values.elts.as_slice()))
}

/// `range(a[, b[, c]])` with plain positional arguments: the callee
/// (whatever `range` names there: checked at run time) and the arguments.
fn range_call(e: &ast::Expr) -> Option<(&ast::Expr, &[ast::Expr])> {
    let ast::Expr::Call(c) = e else { return None };
    let ast::Expr::Name(n) = &*c.func else { return None };
    let plain = (1..=3).contains(&c.args.len())
        && c.keywords.is_empty()
        && !c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)));
    (n.id.as_str() == "range" && plain).then_some((&*c.func, c.args.as_slice()))
}

/// The direct-call targets of a module body.
pub fn direct_targets(
    body: &[ast::Stmt],
    scopes: &ModuleScopes,
    code_ids: &[Option<u32>],
) -> HashMap<String, DirectTarget> {
    let mut targets = HashMap::new();
    for stmt in body {
        let ast::Stmt::FunctionDef(d) = stmt else { continue };
        let a = &d.args;
        let simple = d.decorator_list.is_empty() && a.vararg.is_none() && a.kwarg.is_none() && a.kwonlyargs.is_empty();
        let scope = scopes.of(d.range.start().to_usize(), ScopeKind::Function);
        let code = scope.and_then(|id| code_ids.get(id).copied().flatten());
        match (scope, code) {
            (Some(id), Some(code)) if simple && !scopes.scopes[id].is_generator && !scopes.scopes[id].is_coroutine => {
                targets.insert(d.name.to_string(), DirectTarget { code, nargs: a.posonlyargs.len() + a.args.len() });
            }
            // A later def of the name that cannot be predicted.
            _ => {
                targets.remove(d.name.as_str());
            }
        }
    }
    targets
}

/// `globals()` with no arguments.
fn is_globals_call(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Call(c) if c.args.is_empty() && c.keywords.is_empty()
        && matches!(&*c.func, ast::Expr::Name(n) if n.id.as_str() == "globals"))
}

pub type Fallback = String;
type R<T> = Result<T, Fallback>;

fn unsupported<T>(what: &str) -> R<T> {
    Err(what.to_string())
}

/// The body of a function scope: a def's statements or a lambda's expression.
pub enum Body<'a> {
    Def(&'a [ast::Stmt]),
    /// A class body: run by __build_class__ with the class namespace.
    Class(&'a [ast::Stmt]),
    Lambda(&'a ast::Expr),
    /// A list, set or dict comprehension: its element(s) (key and value
    /// for a dict) and generators.
    Comprehension(Collect, &'a [ast::Expr], &'a [ast::Comprehension]),
}

pub fn lower_function(cx: &mut Context, scope_id: ScopeId, body: Body) -> R<Function> {
    let scope = &cx.scopes.scopes[scope_id];
    if scope.is_coroutine && scope.is_generator {
        return unsupported("async generators are not compiled natively yet");
    }
    if let Body::Comprehension(_, _, generators) = &body {
        if generators.iter().any(|g| g.is_async) {
            return unsupported("async comprehension");
        }
    }
    let is_class = scope.kind == ScopeKind::Class;
    // A generator expression's collecting variant is a plain function.
    let variant = (scope.is_generator || scope.is_coroutine)
        && matches!(body, Body::Comprehension(kind, ..) if kind != Collect::Generator);
    let generator = (scope.is_generator || scope.is_coroutine) && !variant;
    let mut l = Lowerer {
        cx,
        scope_id,
        f: Function {
            qualname: scope.qualname.clone(),
            numbers: Default::default(),
            // A class body's one argument is its namespace.
            nparams: if is_class { 1 } else { scope.params.len() as u32 },
            locals: Vec::new(),
            temps: Vec::new(),
            blocks: Vec::new(),
            max_args: 0,
            generator,
        },
        cur: 0,
        loops: Vec::new(),
        handler: None,
        local_ids: Default::default(),
        pos: Pos::default(),
        dead: false,
        unwinds: Vec::new(),
        namespace: None,
        gen: generator.then(GenLayout::default),
        variant,
    };
    // Locals: parameters first (slot order), then the other names.
    let scope = &l.cx.scopes.scopes[scope_id];
    let mut names: Vec<(String, LocalKind)> = Vec::new();
    if is_class {
        // The namespace, then the cell of __class__ (zero-argument super()
        // in methods) and the free variables; other names live in the namespace.
        names.push((".namespace".to_string(), LocalKind::Hidden));
        if scope.needs_class_cell {
            names.push(("__class__".to_string(), LocalKind::Cell));
        }
        for (i, name) in scope.freevars.iter().enumerate() {
            names.push((name.clone(), LocalKind::Free(i as u32)));
        }
    }
    for p in &scope.params {
        let kind = if scope.binding(p) == Binding::Cell { LocalKind::Cell } else { LocalKind::Fast };
        names.push((p.clone(), kind));
    }
    for (name, b) in &scope.bindings {
        if scope.params.contains(name) || is_class {
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
    if is_class {
        l.namespace = Some(0);
    }
    let entry = l.new_block();
    l.cur = entry;
    if l.gen.is_some() {
        // A generator's entry block is the dispatch of resumptions (filled
        // in at the end); the body starts after it.
        let start = l.new_block();
        l.switch_to(start);
    }
    match body {
        Body::Class(stmts) => l.class_body(stmts)?,
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
            // A list, set or dict collects in a hidden local (a generator
            // expression yields instead, any() and all() return at the
            // first element that decides); the first iterator is the
            // parameter `.0` (made by the caller), later ones are made here.
            let empty = match kind {
                Collect::List => Some(Op::BuildList(vec![])),
                Collect::Set => Some(Op::BuildSet(vec![])),
                Collect::Dict => Some(Op::BuildDict(vec![])),
                Collect::Generator | Collect::Any | Collect::All | Collect::Sum => None,
            };
            let mut result = empty.map(|op| {
                let local = l.hidden();
                let v = l.obj(op);
                l.effect(Op::StoreLocal(local, v));
                local
            });
            if kind == Collect::Sum {
                // A plain local, so that the total can stay unboxed.
                let total = l.add_local(".total", LocalKind::Fast);
                let zero = l.constant(&Const::Int("0".into()));
                l.effect(Op::StoreLocal(total, zero));
                result = Some(total);
            }
            l.comprehension_loops(kind, result, elts, generators, 0)?;
            let r = match (result, kind) {
                // (The total may be unboxed: loaded, not taken.)
                (Some(local), Collect::Sum) => l.emit(Some(Ty::Borrowed), Op::LoadLocal(local)),
                (Some(local), _) => l.obj(Op::TakeLocal(local)),
                (None, Collect::Any) => l.constant(&Const::False),
                (None, Collect::All) => l.constant(&Const::True),
                (None, _) => l.constant(&Const::None),
            };
            l.terminate(Term::Return(r));
        }
    }
    l.fill_dispatch();
    Ok(l.f)
}

/// A generator's resumption points: each yield's resume block and the
/// loops around it (dispatch blocks at the loop heads route a resumption
/// in, so that every loop is still entered through its head).
#[derive(Default)]
struct GenLayout {
    /// Per loop: its dispatch block and its head.
    loops: Vec<(BlockId, BlockId)>,
    /// The loops open where lowering is, outermost first.
    open: Vec<usize>,
    /// Per yield (numbered from 1): the resume block and the open loops.
    yields: Vec<(BlockId, Vec<usize>)>,
}

struct Loop {
    continue_to: BlockId,
    break_to: BlockId,
    /// How many unwind actions were active at the loop statement: break
    /// and continue perform the ones above.
    unwind_depth: usize,
}

/// An action that leaving a block early performs.
#[derive(Clone)]
enum Unwind {
    /// An except handler (or a finally or with running for an exception):
    /// restore the exception state saved in the first hidden local and drop
    /// the exception held in the second.
    Except(LocalId, LocalId),
    /// A try's finally body, run with the handler outside the try.
    Finally(std::rc::Rc<Vec<ast::Stmt>>, Option<BlockId>),
    /// A with statement's `__exit__(None, None, None)` (held in the local).
    With(LocalId, Option<BlockId>, Pos),
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
    /// What leaving the enclosing blocks early (return, break, continue)
    /// must do, innermost last.
    unwinds: Vec<Unwind>,
    /// In a class body: the local holding the class namespace.
    namespace: Option<LocalId>,
    /// In a generator: its resumption points.
    gen: Option<GenLayout>,
    /// A generator expression's collecting variant (ir::Consumer).
    variant: bool,
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
        if let Op::RangeIter(_, operands) = &op {
            // The arguments of the call that makes a real iterator, after
            // slot 0 (vectorcall's spare).
            self.f.max_args = self.f.max_args.max(operands.len() as u32);
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

    /// A string constant whose U+FFFD may stand for a lone surrogate the
    /// parser could not keep: its value is decoded again from the source.
    fn str_from_source(&mut self, parsed: &str, range: rustpython_parser::text_size::TextRange) -> R<Temp> {
        let text = self.cx.source.get(range.start().to_usize()..range.end().to_usize()).unwrap_or("");
        match crate::frontend::str_literal_wtf8(text, parsed) {
            Some(bytes) if bytes == parsed.as_bytes() => Ok(self.constant(&Const::Str(parsed.to_string()))),
            Some(bytes) => Ok(self.constant(&Const::Wtf8Str(bytes))),
            None => unsupported("a string constant with U+FFFD that cannot be read from its source (lone surrogates?)"),
        }
    }

    fn constant(&mut self, c: &Const) -> Temp {
        let id = self.cx.consts.add(c);
        let t = self.emit(Some(Ty::Borrowed), Op::Const(id));
        let number = match c {
            Const::Int(digits) => digits.parse::<i64>().ok().filter(|v| v.unsigned_abs() < 1 << 62).map(Number::Int),
            Const::Float(v) => Some(Number::Float(*v)),
            _ => None,
        };
        if let Some(n) = number {
            self.f.numbers.insert(t, n);
        }
        t
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

    /// NAME as the code object spells it (private names mangled).
    fn mangle(&self, name: &str) -> String {
        crate::scope::mangle(self.scope().private.as_deref(), name).into_owned()
    }

    /// The constant of a mangled name (attribute, import): CPython's ADDOP_NAME.
    fn name_const(&mut self, name: &str) -> ConstId {
        let m = self.mangle(name);
        self.cx.consts.name(&m)
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
                let v = match &*e.value {
                    ast::Expr::Yield(y) => self.yield_value(y.value.as_deref(), &e.value)?,
                    ast::Expr::YieldFrom(y) => self.yield_from(&y.value, &e.value)?,
                    ast::Expr::Await(w) => self.yield_from(&w.value, &e.value)?,
                    other => self.expr(other)?,
                };
                self.release(v);
            }
            // `a, b = x, y`: the values, then the stores in order, without
            // the tuple (it cannot be seen), as CPython's compiler does.
            // They are owned first: a store may drop what a later one reads.
            Assign(a) if parallel_assignment(a).is_some() => {
                let (targets, values) = parallel_assignment(a).ok_or("internal: parallel assignment")?;
                let mut vs = Vec::with_capacity(values.len());
                for v in values {
                    let t = self.expr(v)?;
                    vs.push(self.owned(t));
                }
                for (t, &v) in targets.iter().zip(&vs) {
                    self.assign(t, v)?;
                }
                for v in vs {
                    self.release(v);
                }
            }
            Assign(a) => {
                let v = match &*a.value {
                    ast::Expr::Yield(y) => self.yield_value(y.value.as_deref(), &a.value)?,
                    ast::Expr::YieldFrom(y) => self.yield_from(&y.value, &a.value)?,
                    ast::Expr::Await(w) => self.yield_from(&w.value, &a.value)?,
                    other => self.expr(other)?,
                };
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
                            if self.cx.future_annotations {
                                return unsupported("class annotations under `from __future__ import annotations`");
                            }
                            let ann = self.expr(&a.annotation)?;
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
                    Some(e @ ast::Expr::Await(w)) => self.yield_from(&w.value, e)?,
                    Some(e @ ast::Expr::YieldFrom(y)) => self.yield_from(&y.value, e)?,
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
                let (it_local, range) = self.iterator_of(&f.iter)?;
                let els = self.new_block();
                let after = self.new_block();
                let head = self.loop_head(it_local, range, &f.target, els)?;
                self.loops.push(Loop { continue_to: head, break_to: after, unwind_depth: self.unwinds.len() });
                self.stmts(&f.body)?;
                self.loops.pop();
                self.jump(head);
                self.loop_end();
                self.switch_to(els);
                self.stmts(&f.orelse)?;
                self.jump(after);
                self.switch_to(after);
                self.clear_hidden(it_local);
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
            Try(t) if t.finalbody.is_empty() => self.try_except(t)?,
            Try(t) => self.try_finally(t)?,
            With(w) => self.with(&w.items, &w.body)?,
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
            AsyncWith(_) => return unsupported("async with"),
            AsyncFor(_) => return unsupported("async for"),
            Match(_) => return unsupported("match statement"),
            TryStar(_) => return unsupported("try/except*"),
            TypeAlias(_) => return unsupported("type alias"),
        }
        Ok(())
    }

    /// A class body, as CPython compiles one: `__module__` and
    /// `__qualname__` first, `__annotations__` when the body annotates, the
    /// docstring as `__doc__`; it returns the `__class__` cell (stored as
    /// `__classcell__` for type.__new__) or None.
    fn class_body(&mut self, stmts: &[ast::Stmt]) -> R<()> {
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
            let l = self.local("__class__").ok_or("internal: no __class__ cell")?;
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
    fn namespace_temp(&mut self) -> R<Temp> {
        let ns = self.namespace.ok_or("internal: no class namespace")?;
        Ok(self.emit(Some(Ty::Borrowed), Op::LoadLocal(ns)))
    }

    /// A class statement: decorators, then __build_class__(body function,
    /// name, *bases, **keywords), then the decorators applied.
    fn class_def(&mut self, c: &ast::StmtClassDef) -> R<()> {
        if c.bases.iter().any(|b| matches!(b, ast::Expr::Starred(_))) || c.keywords.iter().any(|k| k.arg.is_none()) {
            return unsupported("a class statement with *bases or **keywords");
        }
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
        let mut args = vec![body, self.constant(&Const::Str(c.name.to_string()))];
        args.extend(self.exprs(&c.bases)?);
        for k in &c.keywords {
            args.push(self.expr(&k.value)?);
        }
        let kwnames = if c.keywords.is_empty() {
            None
        } else {
            let names =
                c.keywords.iter().map(|k| Const::Str(k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default()));
            Some(self.cx.consts.add(&Const::Tuple(names.collect())))
        };
        self.set_pos(c);
        let mut class =
            self.obj(Op::Call { func: build, args: args.clone(), kwnames, nkw: c.keywords.len() as u32, callee: None });
        self.release_all(&args);
        self.release(build);
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
    fn def_statement(
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

    /// Starts a loop: code continues in its head; returns where back edges
    /// and `continue` go (in a generator, the loop's dispatch block).
    fn loop_start(&mut self) -> BlockId {
        let head = self.new_block();
        let Some(g) = &self.gen else {
            self.jump(head);
            self.switch_to(head);
            return head;
        };
        let id = g.loops.len();
        let dispatch = self.new_block();
        self.jump(dispatch);
        let g = self.gen.as_mut().expect("a generator");
        g.loops.push((dispatch, head));
        g.open.push(id);
        self.switch_to(head);
        dispatch
    }

    /// Ends the loop body started by the innermost `loop_start`.
    fn loop_end(&mut self) {
        if let Some(g) = &mut self.gen {
            g.open.pop();
        }
    }

    /// `yield VALUE` at statement level (no other temps live): suspends,
    /// and on resumption gives what was sent in (an owned temp).
    fn yield_value(&mut self, value: Option<&ast::Expr>, e: &ast::Expr) -> R<Temp> {
        if self.gen.is_none() {
            return unsupported("yield outside a generator");
        }
        let v = match value {
            Some(v) => self.expr(v)?,
            None => self.constant(&Const::None),
        };
        let v = self.owned(v);
        self.set_pos(e);
        self.suspend(v, None);
        Ok(self.obj(Op::GenSent))
    }

    /// Suspends the generator handing out V (owned; DELEGATE: inside
    /// `yield from`) and continues in the block where it resumes.
    fn suspend(&mut self, v: Temp, delegate: Option<LocalId>) {
        let resume = self.new_block();
        let g = self.gen.as_mut().expect("a generator");
        g.yields.push((resume, g.open.clone()));
        let k = g.yields.len() as u32;
        let pos = self.pos;
        self.terminate(Term::Yield(v, k, pos, delegate));
        self.switch_to(resume);
    }

    /// `yield from ITERABLE` at statement level: CPython's SEND loop, the
    /// delegate and the value to send on in hidden locals. Gives the
    /// delegate's return value (an owned temp).
    fn yield_from(&mut self, iterable: &ast::Expr, e: &ast::Expr) -> R<Temp> {
        if self.gen.is_none() {
            return unsupported("yield from outside a generator");
        }
        let it = self.expr(iterable)?;
        self.set_pos(e);
        // `await x` is the same loop over x's awaitable iterator.
        let sub = if matches!(e, ast::Expr::Await(_)) {
            self.obj(Op::Awaitable(it))
        } else {
            self.obj(Op::YieldFromIter(it))
        };
        self.release(it);
        let (sub_l, send_l, result_l) = (self.hidden(), self.hidden(), self.hidden());
        self.effect(Op::StoreLocal(sub_l, sub));
        let none = self.constant(&Const::None);
        self.effect(Op::StoreLocal(send_l, none));
        let (yielding, finished, resumed_on, resumed_done, after) =
            (self.new_block(), self.new_block(), self.new_block(), self.new_block(), self.new_block());
        let back = self.loop_start();
        self.set_pos(e);
        let d = self.emit(Some(Ty::Borrowed), Op::LoadLocal(sub_l));
        let v = self.obj(Op::TakeLocal(send_l));
        let r = self.obj(Op::Send(d, v));
        self.release(v);
        let done = self.boolean(Op::SendDone);
        self.f.blocks[self.cur].term = Term::Branch(done, finished, yielding);
        // The delegate yielded: suspend with its value.
        self.switch_to(yielding);
        self.suspend(r, Some(sub_l));
        let sent = self.obj(Op::GenSentFrom);
        let done = self.boolean(Op::SendDone);
        self.f.blocks[self.cur].term = Term::Branch(done, resumed_done, resumed_on);
        self.switch_to(resumed_on);
        self.effect(Op::StoreLocal(send_l, sent));
        self.jump(back);
        self.loop_end();
        // Finished, by SEND or by throw() inside the delegate.
        self.switch_to(resumed_done);
        self.effect(Op::StoreLocal(result_l, sent));
        self.jump(after);
        self.switch_to(finished);
        self.effect(Op::StoreLocal(result_l, r));
        self.jump(after);
        self.switch_to(after);
        self.clear_hidden(sub_l);
        Ok(self.obj(Op::TakeLocal(result_l)))
    }

    /// A generator's dispatch: the entry block and each loop's dispatch
    /// block route a resumption towards its yield's resume block.
    fn fill_dispatch(&mut self) {
        let Some(g) = self.gen.take() else { return };
        let route = |k: usize, path: &[usize], depth: usize| -> (u32, BlockId, bool) {
            match path.get(depth) {
                Some(&l) => (k as u32 + 1, g.loops[l].0, false),
                None => (k as u32 + 1, g.yields[k].0, true),
            }
        };
        let entry: Vec<_> = g.yields.iter().enumerate().map(|(k, (_, path))| route(k, path, 0)).collect();
        self.f.blocks[0].term = Term::Resume(entry, 1);
        for (l, &(dispatch, head)) in g.loops.iter().enumerate() {
            let mut cases = Vec::new();
            for (k, (_, path)) in g.yields.iter().enumerate() {
                if let Some(i) = path.iter().position(|&p| p == l) {
                    cases.push(route(k, path, i + 1));
                }
            }
            self.f.blocks[dispatch].term = if cases.is_empty() { Term::Jump(head) } else { Term::Resume(cases, head) };
        }
    }

    /// An iterator over ITERABLE, kept in a hidden local for a loop; true
    /// when it is a `range(...)` call's (`Op::RangeIter`, counted inline).
    fn iterator_of(&mut self, iterable: &ast::Expr) -> R<(LocalId, bool)> {
        let local = self.hidden();
        // A generator keeps its locals in memory between resumptions, not
        // the wasm locals that inline counting uses.
        if let (Some((func, args)), None) = (range_call(iterable), &self.gen) {
            let mut operands = vec![self.expr(func)?];
            for a in args {
                operands.push(self.expr(a)?);
            }
            self.set_pos(iterable);
            self.effect(Op::RangeIter(local, operands.clone()));
            self.release_all(&operands);
            return Ok((local, true));
        }
        let v = self.expr(iterable)?;
        self.set_pos(iterable);
        let it = self.obj(Op::GetIter(v));
        self.release(v);
        self.effect(Op::StoreLocal(local, it));
        Ok((local, false))
    }

    /// The head of a loop over the iterator in IT_LOCAL (RANGE: made by
    /// `Op::RangeIter`): the next item goes to TARGET and the body
    /// continues in the current block; an exhausted iterator goes to
    /// EXHAUSTED. Returns the head (the `continue` target).
    fn loop_head(&mut self, it_local: LocalId, range: bool, target: &ast::Expr, exhausted: BlockId) -> R<BlockId> {
        let back = self.loop_start();
        let body = self.new_block();
        let item = if range {
            self.obj(Op::RangeNext(it_local))
        } else {
            let it = self.emit(Some(Ty::Borrowed), Op::LoadLocal(it_local));
            self.obj(Op::IterNext(it))
        };
        self.f.blocks[self.cur].term = Term::BranchNull(item, exhausted, body);
        self.switch_to(body);
        self.assign(target, item)?;
        self.release(item);
        Ok(back)
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

    /// Performs the unwind actions above DEPTH, innermost first, for a
    /// return, break or continue (the current block continues after them,
    /// unless a finally body ended it).
    fn unwind_to(&mut self, depth: usize) -> R<()> {
        let saved = self.unwinds.clone();
        let handler = self.handler;
        for i in (depth..saved.len()).rev() {
            if self.terminated() {
                break;
            }
            // What runs here is outside the block being left.
            self.unwinds.truncate(i);
            match &saved[i] {
                Unwind::Except(prev, exc) => {
                    let p = self.obj(Op::TakeLocal(*prev));
                    self.effect(Op::ExcPop(p));
                    self.clear_hidden(*exc);
                }
                Unwind::Finally(body, outer) => {
                    self.enter_handler(*outer);
                    self.stmts(body)?;
                }
                Unwind::With(exit, outer, pos) => {
                    self.enter_handler(*outer);
                    self.pos = *pos;
                    self.exit_without_exception(*exit);
                }
            }
        }
        self.unwinds = saved;
        self.handler = handler;
        Ok(())
    }

    /// Continues in a new block whose exceptions go to HANDLER.
    fn enter_handler(&mut self, handler: Option<BlockId>) {
        if self.handler != handler && !self.terminated() {
            self.handler = handler;
            let b = self.new_block();
            self.jump(b);
            self.switch_to(b);
        }
        self.handler = handler;
    }

    /// The landing of an exception that a finally body or __exit__ sees:
    /// the exception, taken and made the handled one (sys.exc_info()), in
    /// hidden locals (exception, previous state).
    fn catch_into_hidden(&mut self) -> (LocalId, LocalId) {
        let exc_local = self.hidden();
        let prev_local = self.hidden();
        let exc = self.obj(Op::ExcFetch);
        let prev = self.emit(Some(Ty::Obj), Op::ExcPush(exc));
        self.effect(Op::StoreLocal(exc_local, exc));
        self.effect(Op::StoreLocal(prev_local, prev));
        (exc_local, prev_local)
    }

    /// The exception landing of a finally or with: continues there with the
    /// exception caught (see catch_into_hidden), exceptions meanwhile
    /// restoring the state first (cleanup_block).
    fn enter_landing(&mut self, landing: BlockId, outer: Option<BlockId>) -> (LocalId, LocalId) {
        self.switch_to(landing);
        self.handler = outer;
        let (exc_local, prev_local) = self.catch_into_hidden();
        let cleanup = self.cleanup_block(exc_local, prev_local, outer);
        self.enter_handler(Some(cleanup));
        (exc_local, prev_local)
    }

    /// `__exit__(None, None, None)` of the with whose __exit__ is in EXIT.
    fn exit_without_exception(&mut self, exit: LocalId) {
        let f = self.obj(Op::TakeLocal(exit));
        let none = self.constant(&Const::None);
        let r = self.obj(Op::Call { func: f, args: vec![none, none, none], kwnames: None, nkw: 0, callee: None });
        self.f.max_args = self.f.max_args.max(4);
        self.release(r);
        self.release(f);
    }

    /// Restores the exception state and raises the caught exception again
    /// (no new traceback entry), or (SUPPRESS) drops it.
    fn end_catch(&mut self, exc_local: LocalId, prev_local: LocalId, reraise: bool) {
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        if reraise {
            let e = self.obj(Op::TakeLocal(exc_local));
            self.effect(Op::ExcRestore(e));
            self.terminate(Term::Propagate);
        } else {
            self.clear_hidden(exc_local);
        }
    }

    /// A block whose exceptions first run CLEANUP's actions (the caught
    /// exception's state restored), then propagate to the outer handler.
    fn cleanup_block(&mut self, exc_local: LocalId, prev_local: LocalId, outer: Option<BlockId>) -> BlockId {
        let here = self.cur;
        let dead = self.dead;
        self.handler = outer;
        let cleanup = self.new_block();
        self.switch_to(cleanup);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        self.clear_hidden(exc_local);
        self.terminate(Term::Propagate);
        self.cur = here;
        self.dead = dead;
        cleanup
    }

    /// try/finally (an except part becomes an inner try/except): the
    /// finally body runs on every way out, as CPython's compiler copies it
    /// onto each: falling through, an exception (re-raised after it, the
    /// exception being the handled one meanwhile), return, break, continue.
    fn try_finally(&mut self, t: &ast::StmtTry) -> R<()> {
        let outer = self.handler;
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::Finally(std::rc::Rc::new(t.finalbody.clone()), outer));
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
        } else {
            let inner = ast::StmtTry { finalbody: Vec::new(), ..t.clone() };
            self.try_except(&inner)?;
        }
        self.unwinds.pop();
        // Falling through: the finally body, outside the try.
        self.enter_handler(outer);
        self.stmts(&t.finalbody)?;
        let after = self.new_block();
        self.jump(after);
        // An exception: the finally body with the exception handled, then
        // raised again.
        let (exc_local, prev_local) = self.enter_landing(landing, outer);
        self.unwinds.push(Unwind::Except(prev_local, exc_local));
        self.stmts(&t.finalbody)?;
        self.unwinds.pop();
        if !self.terminated() {
            self.enter_handler(outer);
            self.end_catch(exc_local, prev_local, true);
        }
        self.handler = outer;
        self.switch_to(after);
        Ok(())
    }

    /// `with a as x, b as y: body` (as nested withs): __enter__ and
    /// __exit__ looked up on the type; __exit__(None, None, None) on every
    /// way out but an exception, which goes to __exit__(type, value, tb)
    /// and is suppressed if that returns true.
    fn with(&mut self, items: &[ast::WithItem], body: &[ast::Stmt]) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        let outer = self.handler;
        let mgr = self.expr(&item.context_expr)?;
        self.set_pos(&item.context_expr);
        let pos = self.pos;
        let pair = self.obj(Op::WithEnter(mgr));
        self.release(mgr);
        // (__exit__ bound to the manager, __enter__'s result)
        let exit_t = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 0));
        let exit_local = self.hidden();
        let exit_owned = self.own(exit_t);
        self.effect(Op::StoreLocal(exit_local, exit_owned));
        let value = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 1));
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::With(exit_local, outer, pos));
        if let Some(target) = &item.optional_vars {
            self.assign(target, value)?;
        }
        self.release(pair);
        self.with(rest, body)?;
        self.unwinds.pop();
        self.enter_handler(outer);
        let after = self.new_block();
        if !self.terminated() {
            self.pos = pos;
            self.exit_without_exception(exit_local);
            self.jump(after);
        }
        // An exception: __exit__ with it handled; a true result suppresses it.
        let (exc_local, prev_local) = self.enter_landing(landing, outer);
        self.pos = pos;
        let f = self.obj(Op::TakeLocal(exit_local));
        let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
        let suppress = self.boolean(Op::WithExit(f, e));
        self.release(f);
        let (yes, no) = (self.new_block(), self.new_block());
        self.f.blocks[self.cur].term = Term::Branch(suppress, yes, no);
        self.handler = outer;
        self.switch_to(yes);
        self.end_catch(exc_local, prev_local, false);
        self.jump(after);
        self.switch_to(no);
        self.end_catch(exc_local, prev_local, true);
        self.switch_to(after);
        Ok(())
    }

    /// try/except/else (without finally): the handlers run with the
    /// exception as sys.exc_info(), restored after, as CPython does.
    fn try_except(&mut self, t: &ast::StmtTry) -> R<()> {
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
        self.unwinds.push(Unwind::Except(prev_local, exc_local));
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
        self.unwinds.pop();
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
    fn store_name(&mut self, name: &str, v: Temp) -> R<()> {
        let name = &self.mangle(name);
        if self.namespace.is_some() {
            match self.scope().binding(name) {
                Binding::Local | Binding::GlobalImplicit => {
                    let ns = self.namespace_temp()?;
                    let k = self.cx.consts.name(name);
                    self.effect(Op::StoreName(ns, k, v));
                    return Ok(());
                }
                Binding::Free | Binding::Cell => return unsupported("assignment to a nonlocal name in a class body"),
                Binding::GlobalExplicit => {}
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
        let name = &self.mangle(name);
        if self.namespace.is_some() {
            match self.scope().binding(name) {
                Binding::Local | Binding::GlobalImplicit => {
                    let ns = self.namespace_temp()?;
                    let k = self.cx.consts.name(name);
                    self.effect(Op::DeleteName(ns, k));
                    return Ok(());
                }
                Binding::Free | Binding::Cell => return unsupported("deletion of a nonlocal name in a class body"),
                Binding::GlobalExplicit => {}
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
    fn annotated_target_parts(&mut self, target: &ast::Expr) -> R<()> {
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

    fn assign(&mut self, target: &ast::Expr, v: Temp) -> R<()> {
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

    fn delete(&mut self, target: &ast::Expr) -> R<()> {
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
                let k = self.name_const(&at.attr);
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

/// Whether a class body's statements annotate a name, so that it needs
/// `__annotations__` (CPython's find_ann: nested blocks count, nested
/// functions and classes do not).
fn annotates(s: &ast::Stmt) -> bool {
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

    /// The bounds (and step) of a slice, in order: None where left out.
    fn slice_parts(&mut self, parts: &[&Option<Box<ast::Expr>>]) -> R<Vec<Temp>> {
        let mut temps = Vec::new();
        for p in parts {
            temps.push(match p {
                Some(p) => self.expr(p)?,
                None => self.constant(&crate::codegen::consts::Const::None),
            });
        }
        Ok(temps)
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
                let k = self.name_const(&a.attr);
                let r = self.obj(Op::GetAttr(o, k));
                self.release(o);
                r
            }
            Subscript(s) => {
                let o = self.expr(&s.value)?;
                if let ast::Expr::Slice(ast::ExprSlice { lower, upper, step: None, .. }) = &*s.slice {
                    // o[lo:hi]: evaluated as BUILD_SLICE would, sliced without it.
                    let bounds = self.slice_parts(&[lower, upper])?;
                    self.set_pos(e);
                    let r = self.obj(Op::GetSlice(o, bounds[0], bounds[1]));
                    self.release_all(&bounds);
                    self.release(o);
                    return Ok(r);
                }
                let k = self.expr(&s.slice)?;
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
            Yield(_) => return unsupported("yield inside an expression"),
            YieldFrom(_) => return unsupported("yield from inside an expression"),
            Await(_) => return unsupported("await inside an expression"),
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
        // A list, set or dict comprehension with `await` in it is a
        // coroutine that the enclosing function awaits (a generator
        // expression with one is an async generator, returned as it is).
        let offset = e.range().start().to_usize();
        let awaits =
            self.cx.scopes.of(offset, ScopeKind::Comprehension).is_some_and(|c| self.cx.scopes.scopes[c].is_coroutine);
        if awaits && !matches!(e, ast::Expr::GeneratorExp(_)) {
            return unsupported("async comprehension (await in a comprehension)");
        }
        let iterable = self.expr(&first.iter)?;
        self.set_pos(e);
        let f = self.function_object(e.range().start().to_usize(), ScopeKind::Comprehension)?;
        self.set_pos(e);
        let it = self.obj(Op::GetIter(iterable));
        self.release(iterable);
        let r = self.obj(Op::Call { func: f, args: vec![it], kwnames: None, nkw: 0, callee: None });
        self.release(it);
        self.release(f);
        Ok(r)
    }

    /// The loops of a comprehension from generator I on, adding to RESULT
    /// (a generator expression, with no RESULT, yields each element).
    fn comprehension_loops(
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
        let (it_local, range) =
            if i == 0 { (self.local(".0").ok_or("internal: no .0")?, false) } else { self.iterator_of(&g.iter)? };
        let after = self.new_block();
        let head = self.loop_head(it_local, range, &g.target, after)?;
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

    fn call(&mut self, e: &ast::Expr, c: &ast::ExprCall) -> R<Temp> {
        let unpacks =
            c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) || c.keywords.iter().any(|k| k.arg.is_none());
        // Builtins that read the calling frame's local variables: a native
        // function has no frame, so these keep it on the interpreter.
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
                return unsupported(&format!("{}() reads the local variables of its caller's frame", n.id));
            }
            if builtin && n.id.as_str() == "globals" && c.args.is_empty() && c.keywords.is_empty() {
                self.set_pos(e);
                return Ok(self.obj(Op::Globals));
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
        if unpacks {
            return self.call_unpacking(e, c);
        }
        // obj.method(...) calls without making a bound method.
        if let ast::Expr::Attribute(a) = &*c.func {
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
            args.extend(self.exprs(&c.args)?);
            for k in &c.keywords {
                args.push(self.expr(&k.value)?);
            }
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
                if self.is_global_name(&n.id) {
                    return self.consume_genexp(e, c, g, consumer);
                }
            }
        }
        let f = self.expr(&c.func)?;
        let mut args = self.exprs(&c.args)?;
        for k in &c.keywords {
            args.push(self.expr(&k.value)?);
        }
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
        let r = self.obj(Op::Call { func: f, args: args.clone(), kwnames, nkw: c.keywords.len() as u32, callee });
        self.release_all(&args);
        self.release(f);
        Ok(r)
    }

    /// Whether NAME, read here, is a global (or builtin) name.
    fn is_global_name(&self, name: &str) -> bool {
        matches!(self.scope().binding(&self.mangle(name)), Binding::GlobalImplicit | Binding::GlobalExplicit)
    }

    /// `tuple(x for ...)` and the like (ir::Consumer): the call C of
    /// CONSUMER's global name on generator expression G. The callee, the
    /// first iterator and the genexp's function are made as for any call
    /// of a genexp; the generator itself only if the callee is not the
    /// builtin.
    fn consume_genexp(
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
        if g.generators.iter().any(|g| g.is_async) || self.cx.scopes.scopes[child].is_coroutine {
            return unsupported("async comprehension");
        }
        let func = self.expr(&c.func)?;
        let iterable = self.expr(&first.iter)?;
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
    fn call_unpacking(&mut self, e: &ast::Expr, c: &ast::ExprCall) -> R<Temp> {
        let f = self.expr(&c.func)?;
        let args = match c.args.as_slice() {
            [ast::Expr::Starred(only)] => self.expr(&only.value)?,
            all if !all.iter().any(|a| matches!(a, ast::Expr::Starred(_))) => {
                let items = self.exprs(all)?;
                let t = self.obj(Op::BuildTuple(items.clone()));
                self.release_all(&items);
                t
            }
            all => {
                let mut list = None;
                let mut pending = Vec::new();
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
        let keywords: Vec<&ast::Keyword> = c.keywords.iter().collect();
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
    fn merge_keywords(&mut self, f: Temp, d: Temp, group: &mut Vec<Temp>, e: &ast::Expr) -> R<()> {
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
        let me = self.local(&self.mangle(&first)).ok_or("internal: no local for the first argument")?;
        self.set_pos(e);
        let r = self.obj(Op::Super(sup, class_cell, me));
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
                    ann.push(self.constant(&Const::Str(self.mangle(&p.arg))));
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
            let g = self.obj(Op::Call { func: d, args: vec![f], kwnames: None, nkw: 0, callee: None });
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
    Class(Vec<ast::Stmt>),
    Lambda(ast::Expr),
    Comprehension(Collect, Vec<ast::Expr>, Vec<ast::Comprehension>),
}

impl OwnedBody {
    pub fn as_body(&self) -> Body<'_> {
        match self {
            OwnedBody::Def(s) => Body::Def(s),
            OwnedBody::Class(s) => Body::Class(s),
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
        fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
            self.0.insert(node.range.start().to_usize(), OwnedBody::Def(node.body.clone()));
            self.generic_visit_stmt_async_function_def(node);
        }
        fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
            self.0.insert(node.range.start().to_usize(), OwnedBody::Class(node.body.clone()));
            self.generic_visit_stmt_class_def(node);
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
        fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
            let body = OwnedBody::Comprehension(Collect::Generator, vec![(*node.elt).clone()], node.generators.clone());
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_generator_exp(node);
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
