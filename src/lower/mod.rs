//! Phase 4: lowering. Turns the body of a def or lambda into the IR (ir.rs).
//! A construct not handled yet is an `Err` with the reason: the function
//! then falls back to CPython's bytecode, which the report lists.

use std::collections::HashMap;

use rustpython_parser::ast::{self, Ranged};

use crate::codegen::consts::{Const, ConstPool};
use crate::ir::*;
use crate::scope::{Binding, ModuleScopes, ScopeId, ScopeKind};

mod bodies;
mod call;
mod exceptions;
mod expr;
mod loops;
mod patterns;
mod stmt;
mod targets;

pub use bodies::*;
use targets::{annotates, binop, cmpop};

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
    /// for a dict), generators and where it is in the source.
    Comprehension(Collect, &'a [ast::Expr], &'a [ast::Comprehension], rustpython_parser::text_size::TextRange),
}

pub fn lower_function(cx: &mut Context, scope_id: ScopeId, body: Body) -> R<Function> {
    let scope = &cx.scopes.scopes[scope_id];
    let is_class = scope.kind == ScopeKind::Class;
    // A generator expression's collecting variant is a plain function (a
    // list, set or dict comprehension that awaits is a coroutine).
    let variant = scope.is_generator && matches!(body, Body::Comprehension(kind, ..) if kind != Collect::Generator);
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
            class_body: is_class,
            local_names: None,
            kinds: Vec::new(),
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
        suspends: if generator { bodies::suspend_points(&body) } else { Vec::new() },
        comprehension_pos: Pos::default(),
    };
    // Locals: parameters first (slot order), then the other names.
    let scope = &l.cx.scopes.scopes[scope_id];
    let mut names: Vec<(String, LocalKind)> = Vec::new();
    if is_class {
        // The namespace, then the cell of __class__ (zero-argument super()
        // in methods) and the free variables; other names live in the namespace.
        names.push((".namespace".to_string(), LocalKind::Hidden));
        if scope.needs_class_cell {
            names.push((class_cell_name(scope).to_string(), LocalKind::Cell));
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
        Body::Comprehension(kind, elts, generators, range) => {
            l.set_range(range);
            l.comprehension_pos = l.pos;
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
    if generator {
        l.check_nothing_held_across_suspensions()?;
        let names = l.f.locals.iter().map(|local| match local.kind {
            LocalKind::Fast | LocalKind::Cell => Const::Name(local.name.clone()),
            LocalKind::Free(_) | LocalKind::Hidden => Const::None,
        });
        l.f.local_names = Some(l.cx.consts.add(&Const::Tuple(names.collect())));
    }
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
    /// A with statement's `__exit__(None, None, None)` (held in the local;
    /// awaited for `async with`).
    With(LocalId, Option<BlockId>, Pos, bool),
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
    /// In a generator: where its body can suspend (bodies::suspend_points).
    suspends: Vec<usize>,
    /// In a comprehension: its position (that of the steps CPython's
    /// compiler gives the whole comprehension, such as GET_ITER).
    comprehension_pos: Pos,
}

/// The local of a class body's own `__class__` cell (its methods' zero-argument
/// super() and `__class__`). When the body also reads or binds an enclosing
/// function's `__class__` (a free variable of the body, `nonlocal __class__`
/// included), the two are different variables, as CPython's class code
/// objects have `__class__` both in co_cellvars and co_freevars: the body's
/// own uses of the name are the free variable, its methods' closures the cell.
fn class_cell_name(scope: &crate::scope::Scope) -> &'static str {
    if scope.freevars.iter().any(|f| f == "__class__") {
        ".class_cell"
    } else {
        "__class__"
    }
}

impl Lowerer<'_, '_> {
    /// This class body's own `__class__` cell (see class_cell_name).
    fn class_cell(&self) -> R<LocalId> {
        self.local(class_cell_name(self.scope())).ok_or_else(|| "internal: no __class__ cell".to_string())
    }

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
        self.f.blocks[self.cur].insts.push(Inst { dst, op, pos, line_site: LineSite::No });
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
        self.set_range(node.range());
    }

    fn set_range(&mut self, r: rustpython_parser::text_size::TextRange) {
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
}
