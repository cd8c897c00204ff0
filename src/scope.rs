//! Phase 3: scopes. CPython's symbol table rules for one module: which
//! names of each function are locals, cells, free variables or globals, in
//! the order CPython gives `co_freevars` (sorted), plus each scope's
//! qualified name and first line, by which the runtime finds the code
//! object CPython compiles for it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustpython_parser::ast::{self, Ranged};

use crate::frontend::SourceFile;

pub type ScopeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A fast local of a function.
    Local,
    /// A local captured by a nested scope: lives in a cell.
    Cell,
    /// A variable of an enclosing function: a cell from the closure.
    Free,
    /// Declared `global`.
    GlobalExplicit,
    /// Not bound here or in an enclosing function.
    GlobalImplicit,
}

#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    bound: bool,
    used: bool,
    param: bool,
    global: bool,
    nonlocal: bool,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    pub qualname: String,
    /// co_firstlineno: the first decorator's line for a decorated def.
    pub line: usize,
    /// Byte offset of the AST node (the report's and lowering's key).
    pub offset: usize,
    pub parent: Option<ScopeId>,
    pub children: Vec<ScopeId>,
    /// Parameters in CPython's slot order: positional-only, positional,
    /// keyword-only, *args, **kwargs.
    pub params: Vec<String>,
    /// co_argcount: how many of `params` are positional.
    pub argcount: usize,
    pub bindings: BTreeMap<String, Binding>,
    /// co_freevars (sorted, as CPython).
    pub freevars: Vec<String>,
    /// A class's own names that its methods use from the enclosing function
    /// (CPython's DEF_FREE_CLASS): free variables of the class too, only to
    /// pass on in closures; the class body reads its own binding.
    class_passthrough: BTreeSet<String>,
    pub is_generator: bool,
    pub is_coroutine: bool,
    /// A class whose methods use `super` or `__class__`.
    pub needs_class_cell: bool,
    /// Names assigned by `:=` in this scope's own expressions.
    pub walrus: BTreeSet<String>,
    /// The class whose private names (`__x`) this scope mangles: its own
    /// name for a class, else the enclosing scope's.
    pub private: Option<String>,
    symbols: BTreeMap<String, Flags>,
}

/// CPython's private name mangling (`_Py_Mangle`): in class `C` and the
/// scopes inside it, `__x` means `_C__x` (not dunders, not dotted names).
pub fn mangle<'a>(private: Option<&str>, name: &'a str) -> std::borrow::Cow<'a, str> {
    let Some(class) = private else { return name.into() };
    let class = class.trim_start_matches('_');
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') || class.is_empty() {
        return name.into();
    }
    format!("_{class}{name}").into()
}

impl Scope {
    pub fn binding(&self, name: &str) -> Binding {
        self.bindings.get(name).copied().unwrap_or(Binding::GlobalImplicit)
    }
    pub fn is_function_like(&self) -> bool {
        matches!(self.kind, ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension)
    }
}

/// The scopes of one module, found by the start offset of their AST node.
#[derive(Debug)]
pub struct ModuleScopes {
    pub scopes: Vec<Scope>,
    by_offset: HashMap<(usize, u8), ScopeId>,
}

impl ModuleScopes {
    /// The scope of a def, lambda, class or comprehension node.
    pub fn of(&self, offset: usize, kind: ScopeKind) -> Option<ScopeId> {
        self.by_offset.get(&(offset, kind as u8)).copied()
    }
}

/// Whether the module has `from __future__ import annotations` (its
/// annotations are strings, never evaluated).
pub fn future_annotations(body: &[ast::Stmt]) -> bool {
    body.iter().any(|s| {
        matches!(s, ast::Stmt::ImportFrom(i)
            if i.module.as_deref() == Some("__future__") && i.names.iter().any(|a| a.name.as_str() == "annotations"))
    })
}

/// CPython's `simple` of an annotated assignment: its target is a name not
/// in parentheses. (rustpython-parser sets `simple` for every name target,
/// `(x): int` included; the statement then starts before its target.)
pub fn simple_annotation(a: &ast::StmtAnnAssign) -> bool {
    matches!(&*a.target, ast::Expr::Name(_)) && a.range.start() == a.target.range().start()
}

pub fn analyze(source: &SourceFile, body: &[ast::Stmt]) -> ModuleScopes {
    let mut b = Builder {
        source,
        scopes: Vec::new(),
        by_offset: HashMap::new(),
        stack: Vec::new(),
        future_annotations: future_annotations(body),
    };
    b.push(ScopeKind::Module, "<module>", 1, 0);
    b.stmts(body);
    b.stack.pop();
    let mut scopes = ModuleScopes { scopes: b.scopes, by_offset: b.by_offset };
    resolve(&mut scopes.scopes, 0, &BTreeSet::new());
    for s in &mut scopes.scopes {
        let free = s.bindings.iter().filter(|(_, b)| **b == Binding::Free).map(|(n, _)| n.clone());
        let all: BTreeSet<String> = free.chain(s.class_passthrough.iter().cloned()).collect();
        s.freevars = all.into_iter().collect();
    }
    scopes
}

/// What scope analysis needs of a def or async def.
struct FunctionNode<'a> {
    name: &'a str,
    offset: usize,
    decorators: &'a [ast::Expr],
    args: &'a ast::Arguments,
    returns: Option<&'a ast::Expr>,
    body: &'a [ast::Stmt],
    is_async: bool,
}

struct Builder<'a> {
    source: &'a SourceFile,
    scopes: Vec<Scope>,
    by_offset: HashMap<(usize, u8), ScopeId>,
    stack: Vec<ScopeId>,
    future_annotations: bool,
}

impl Builder<'_> {
    fn cur(&mut self) -> &mut Scope {
        let id = *self.stack.last().expect("a scope is open");
        &mut self.scopes[id]
    }

    fn push(&mut self, kind: ScopeKind, name: &str, line: usize, offset: usize) -> ScopeId {
        let parent = self.stack.last().copied();
        let qualname = match parent.map(|p| &self.scopes[p]) {
            None => String::new(),
            Some(p) if p.kind == ScopeKind::Module => name.to_string(),
            // As CPython: a comprehension's children do not get `<locals>`.
            Some(p) if matches!(p.kind, ScopeKind::Class | ScopeKind::Comprehension) => {
                format!("{}.{name}", p.qualname)
            }
            Some(p) => {
                let global = p.symbols.get(name).is_some_and(|f| f.global) && kind != ScopeKind::Lambda;
                if global {
                    name.to_string()
                } else {
                    format!("{}.<locals>.{name}", p.qualname)
                }
            }
        };
        let private = match kind {
            ScopeKind::Class => Some(name.to_string()),
            _ => parent.and_then(|p| self.scopes[p].private.clone()),
        };
        let id = self.scopes.len();
        self.scopes.push(Scope {
            kind,
            name: name.to_string(),
            qualname,
            line,
            offset,
            parent,
            children: Vec::new(),
            params: Vec::new(),
            argcount: 0,
            bindings: BTreeMap::new(),
            freevars: Vec::new(),
            class_passthrough: BTreeSet::new(),
            is_generator: false,
            is_coroutine: false,
            needs_class_cell: false,
            walrus: BTreeSet::new(),
            private,
            symbols: BTreeMap::new(),
        });
        if let Some(p) = parent {
            self.scopes[p].children.push(id);
            self.by_offset.insert((offset, kind as u8), id);
        }
        self.stack.push(id);
        id
    }

    fn line(&self, offset: usize) -> usize {
        self.source.location(offset).line
    }

    /// The flags of NAME (mangled) in scope ID.
    fn symbol(&mut self, id: ScopeId, name: &str) -> &mut Flags {
        let s = &mut self.scopes[id];
        let name = mangle(s.private.as_deref(), name).into_owned();
        s.symbols.entry(name).or_default()
    }
    fn cur_symbol(&mut self, name: &str) -> &mut Flags {
        let id = *self.stack.last().expect("a scope is open");
        self.symbol(id, name)
    }
    fn bind(&mut self, name: &str) {
        self.cur_symbol(name).bound = true;
    }
    fn use_(&mut self, name: &str) {
        self.cur_symbol(name).used = true;
    }

    /// An annotation: its names are uses of the scope it stands in, as in
    /// CPython's symbol table, also where it is never evaluated (a local
    /// variable's); under `from __future__ import annotations` it is a
    /// block of its own whose names reach no scope.
    fn annotation(&mut self, e: &ast::Expr) {
        if !self.future_annotations {
            self.expr(e);
        }
    }

    fn stmts(&mut self, body: &[ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn arguments(&mut self, args: &ast::Arguments) {
        // Defaults and annotations are evaluated in the enclosing scope.
        for a in args.posonlyargs.iter().chain(&args.args).chain(&args.kwonlyargs) {
            if let Some(d) = &a.default {
                self.expr(d);
            }
            if let Some(ann) = &a.def.annotation {
                self.annotation(ann);
            }
        }
        for a in args.vararg.iter().chain(&args.kwarg) {
            if let Some(ann) = &a.annotation {
                self.annotation(ann);
            }
        }
    }

    fn params(&mut self, args: &ast::Arguments) {
        let mut names: Vec<String> = Vec::new();
        for a in args.posonlyargs.iter().chain(&args.args) {
            names.push(a.def.arg.to_string());
        }
        for a in &args.kwonlyargs {
            names.push(a.def.arg.to_string());
        }
        if let Some(a) = &args.vararg {
            names.push(a.arg.to_string());
        }
        if let Some(a) = &args.kwarg {
            names.push(a.arg.to_string());
        }
        let private = self.cur().private.clone();
        let names: Vec<String> = names.iter().map(|n| mangle(private.as_deref(), n).into_owned()).collect();
        for n in &names {
            let f = self.cur().symbols.entry(n.clone()).or_default();
            f.bound = true;
            f.param = true;
        }
        self.cur().params = names;
        self.cur().argcount = args.posonlyargs.len() + args.args.len();
    }

    fn function(&mut self, f: FunctionNode) {
        for d in f.decorators {
            self.expr(d);
        }
        self.arguments(f.args);
        if let Some(r) = f.returns {
            self.annotation(r);
        }
        self.bind(f.name);
        let line =
            f.decorators.iter().map(|d| self.line(d.range().start().to_usize())).chain([self.line(f.offset)]).min();
        self.push(ScopeKind::Function, f.name, line.unwrap_or(1), f.offset);
        self.params(f.args);
        self.cur().is_coroutine = f.is_async;
        self.stmts(f.body);
        self.stack.pop();
    }

    fn stmt(&mut self, s: &ast::Stmt) {
        use ast::Stmt::*;
        match s {
            FunctionDef(f) => self.function(FunctionNode {
                name: &f.name,
                offset: f.range.start().to_usize(),
                decorators: &f.decorator_list,
                args: &f.args,
                returns: f.returns.as_deref(),
                body: &f.body,
                is_async: false,
            }),
            AsyncFunctionDef(f) => self.function(FunctionNode {
                name: &f.name,
                offset: f.range.start().to_usize(),
                decorators: &f.decorator_list,
                args: &f.args,
                returns: f.returns.as_deref(),
                body: &f.body,
                is_async: true,
            }),
            ClassDef(c) => {
                for e in c.decorator_list.iter().chain(&c.bases) {
                    self.expr(e);
                }
                for k in &c.keywords {
                    self.expr(&k.value);
                }
                self.bind(&c.name);
                let offset = c.range.start().to_usize();
                let line = c
                    .decorator_list
                    .iter()
                    .map(|d| self.line(d.range().start().to_usize()))
                    .chain([self.line(offset)])
                    .min()
                    .unwrap_or(1);
                self.push(ScopeKind::Class, &c.name, line, offset);
                self.stmts(&c.body);
                self.stack.pop();
            }
            Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v);
                }
            }
            Delete(d) => {
                for t in &d.targets {
                    self.target(t);
                }
            }
            Assign(a) => {
                self.expr(&a.value);
                for t in &a.targets {
                    self.target(t);
                }
            }
            AugAssign(a) => {
                self.expr(&a.value);
                self.target(&a.target);
                if let ast::Expr::Name(n) = &*a.target {
                    self.use_(&n.id);
                }
            }
            AnnAssign(a) => {
                // As CPython's symbol table: a name target binds when it
                // is simple (`x: int`), or parenthesised (`(x): int`) only
                // with a value; any other target is an expression whose
                // parts are uses.
                match &*a.target {
                    ast::Expr::Name(n) if simple_annotation(a) || a.value.is_some() => self.bind(&n.id),
                    ast::Expr::Name(_) => {}
                    other => self.expr(other),
                }
                self.annotation(&a.annotation);
                if let Some(v) = &a.value {
                    self.expr(v);
                }
            }
            For(f) => self.for_(&f.target, &f.iter, &f.body, &f.orelse),
            AsyncFor(f) => self.for_(&f.target, &f.iter, &f.body, &f.orelse),
            While(w) => {
                self.expr(&w.test);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            If(i) => {
                self.expr(&i.test);
                self.stmts(&i.body);
                self.stmts(&i.orelse);
            }
            With(w) => self.with_(&w.items, &w.body),
            AsyncWith(w) => self.with_(&w.items, &w.body),
            Match(m) => {
                self.expr(&m.subject);
                for case in &m.cases {
                    self.pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.expr(g);
                    }
                    self.stmts(&case.body);
                }
            }
            Raise(r) => {
                for e in r.exc.iter().chain(&r.cause) {
                    self.expr(e);
                }
            }
            Try(t) => self.try_(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            TryStar(t) => self.try_(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            Assert(a) => {
                self.expr(&a.test);
                if let Some(m) = &a.msg {
                    self.expr(m);
                }
            }
            Import(i) => {
                for a in &i.names {
                    let bound = a
                        .asname
                        .as_ref()
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or_default().to_string());
                    self.bind(&bound);
                }
            }
            ImportFrom(i) => {
                for a in &i.names {
                    if a.name.as_str() != "*" {
                        self.bind(a.asname.as_ref().unwrap_or(&a.name));
                    }
                }
            }
            Global(g) => {
                for n in &g.names {
                    self.cur_symbol(n).global = true;
                }
            }
            Nonlocal(g) => {
                for n in &g.names {
                    self.cur_symbol(n).nonlocal = true;
                }
            }
            Expr(e) => self.expr(&e.value),
            Pass(_) | Break(_) | Continue(_) | TypeAlias(_) => {}
        }
    }

    fn for_(&mut self, target: &ast::Expr, iter: &ast::Expr, body: &[ast::Stmt], orelse: &[ast::Stmt]) {
        self.expr(iter);
        self.target(target);
        self.stmts(body);
        self.stmts(orelse);
    }

    fn with_(&mut self, items: &[ast::WithItem], body: &[ast::Stmt]) {
        for item in items {
            self.expr(&item.context_expr);
            if let Some(v) = &item.optional_vars {
                self.target(v);
            }
        }
        self.stmts(body);
    }

    fn try_(&mut self, body: &[ast::Stmt], handlers: &[ast::ExceptHandler], orelse: &[ast::Stmt], fin: &[ast::Stmt]) {
        self.stmts(body);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if let Some(t) = &h.type_ {
                self.expr(t);
            }
            if let Some(n) = &h.name {
                self.bind(n);
            }
            self.stmts(&h.body);
        }
        self.stmts(orelse);
        self.stmts(fin);
    }

    fn pattern(&mut self, p: &ast::Pattern) {
        use ast::Pattern::*;
        match p {
            MatchValue(v) => self.expr(&v.value),
            MatchSingleton(_) => {}
            MatchSequence(s) => s.patterns.iter().for_each(|p| self.pattern(p)),
            MatchMapping(m) => {
                m.keys.iter().for_each(|k| self.expr(k));
                m.patterns.iter().for_each(|p| self.pattern(p));
                if let Some(r) = &m.rest {
                    self.bind(r);
                }
            }
            MatchClass(c) => {
                self.expr(&c.cls);
                c.patterns.iter().chain(&c.kwd_patterns).for_each(|p| self.pattern(p));
            }
            MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.bind(n);
                }
            }
            MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p);
                }
                if let Some(n) = &a.name {
                    self.bind(n);
                }
            }
            MatchOr(o) => o.patterns.iter().for_each(|p| self.pattern(p)),
        }
    }

    /// An assignment target: binds names, evaluates the rest.
    fn target(&mut self, t: &ast::Expr) {
        match t {
            ast::Expr::Name(n) => self.bind(&n.id),
            ast::Expr::Tuple(x) => x.elts.iter().for_each(|e| self.target(e)),
            ast::Expr::List(x) => x.elts.iter().for_each(|e| self.target(e)),
            ast::Expr::Starred(s) => self.target(&s.value),
            other => self.expr(other),
        }
    }

    fn comprehension(&mut self, name: &str, offset: usize, elts: &[&ast::Expr], gens: &[ast::Comprehension]) {
        if let Some(first) = gens.first() {
            self.expr(&first.iter);
        }
        let line = self.line(offset);
        self.push(ScopeKind::Comprehension, name, line, offset);
        self.cur().params = vec![".0".to_string()];
        self.cur().symbols.insert(".0".to_string(), Flags { bound: true, param: true, ..Flags::default() });
        if name == "<genexpr>" {
            self.cur().is_generator = true;
        }
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter);
            }
            self.target(&g.target);
            for c in &g.ifs {
                self.expr(c);
            }
            if g.is_async {
                self.cur().is_coroutine = true;
            }
        }
        for e in elts {
            self.expr(e);
        }
        // A list, set or dict comprehension that awaits is itself awaited
        // where it is called: inside another comprehension that makes the
        // enclosing one a coroutine too (CPython 3.11's symtable).
        let awaits = self.cur().is_coroutine && name != "<genexpr>";
        self.stack.pop();
        if awaits && self.stack.last().is_some_and(|&p| self.scopes[p].kind == ScopeKind::Comprehension) {
            self.cur().is_coroutine = true;
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        use ast::Expr::*;
        match e {
            BoolOp(b) => b.values.iter().for_each(|v| self.expr(v)),
            NamedExpr(n) => {
                self.expr(&n.value);
                // The target binds in the nearest enclosing non-comprehension scope.
                if let ast::Expr::Name(name) = &*n.target {
                    let private = self.cur().private.clone();
                    let mangled = mangle(private.as_deref(), &name.id).into_owned();
                    self.cur().walrus.insert(mangled);
                    let mut i = self.stack.len() - 1;
                    while i > 0 && self.scopes[self.stack[i]].kind == ScopeKind::Comprehension {
                        let id = self.stack[i];
                        self.symbol(id, &name.id).used = true;
                        i -= 1;
                    }
                    let id = self.stack[i];
                    self.symbol(id, &name.id).bound = true;
                }
            }
            BinOp(b) => {
                self.expr(&b.left);
                self.expr(&b.right);
            }
            UnaryOp(u) => self.expr(&u.operand),
            Lambda(l) => {
                self.arguments(&l.args);
                let offset = l.range.start().to_usize();
                let line = self.line(offset);
                self.push(ScopeKind::Lambda, "<lambda>", line, offset);
                self.params(&l.args);
                self.expr(&l.body);
                self.stack.pop();
            }
            IfExp(i) => {
                self.expr(&i.test);
                self.expr(&i.body);
                self.expr(&i.orelse);
            }
            Dict(d) => {
                // Key, value, key, value: CPython's order of compiling them.
                for (k, v) in d.keys.iter().zip(&d.values) {
                    if let Some(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            Set(s) => s.elts.iter().for_each(|v| self.expr(v)),
            ListComp(c) => self.comprehension("<listcomp>", c.range.start().to_usize(), &[&c.elt], &c.generators),
            SetComp(c) => self.comprehension("<setcomp>", c.range.start().to_usize(), &[&c.elt], &c.generators),
            DictComp(c) => {
                self.comprehension("<dictcomp>", c.range.start().to_usize(), &[&c.key, &c.value], &c.generators)
            }
            GeneratorExp(c) => self.comprehension("<genexpr>", c.range.start().to_usize(), &[&c.elt], &c.generators),
            Await(a) => {
                self.cur().is_coroutine = true;
                self.expr(&a.value)
            }
            Yield(y) => {
                self.cur().is_generator = true;
                if let Some(v) = &y.value {
                    self.expr(v);
                }
            }
            YieldFrom(y) => {
                self.cur().is_generator = true;
                self.expr(&y.value)
            }
            Compare(c) => {
                self.expr(&c.left);
                c.comparators.iter().for_each(|v| self.expr(v));
            }
            Call(c) => {
                self.expr(&c.func);
                c.args.iter().for_each(|v| self.expr(v));
                c.keywords.iter().for_each(|k| self.expr(&k.value));
            }
            FormattedValue(f) => {
                self.expr(&f.value);
                if let Some(s) = &f.format_spec {
                    self.expr(s);
                }
            }
            JoinedStr(j) => j.values.iter().for_each(|v| self.expr(v)),
            Constant(_) => {}
            Attribute(a) => self.expr(&a.value),
            Subscript(s) => {
                self.expr(&s.value);
                self.expr(&s.slice);
            }
            Starred(s) => self.expr(&s.value),
            Name(n) => {
                if n.ctx == ast::ExprContext::Load {
                    self.use_(&n.id);
                    // As CPython: `super` in a function implies a use of __class__.
                    let cur = *self.stack.last().unwrap_or(&0);
                    if n.id.as_str() == "super" && self.scopes[cur].is_function_like() {
                        self.use_("__class__");
                    }
                } else {
                    self.bind(&n.id);
                }
            }
            List(l) => l.elts.iter().for_each(|v| self.expr(v)),
            Tuple(t) => t.elts.iter().for_each(|v| self.expr(v)),
            Slice(s) => {
                for v in s.lower.iter().chain(&s.upper).chain(&s.step) {
                    self.expr(v);
                }
            }
        }
    }
}

/// Resolves every scope's names given the names BOUND by enclosing
/// functions; returns the free names of SCOPE (for its parent to turn into
/// cells), as CPython's analyze_block does.
fn resolve(scopes: &mut [Scope], id: ScopeId, enclosing: &BTreeSet<String>) -> BTreeSet<String> {
    let kind = scopes[id].kind;
    let function_like = scopes[id].is_function_like();
    let mut bindings = BTreeMap::new();
    let mut free = BTreeSet::new();
    for (name, f) in &scopes[id].symbols {
        let b = if f.global {
            Binding::GlobalExplicit
        } else if f.nonlocal {
            free.insert(name.clone());
            Binding::Free
        } else if f.bound {
            if kind == ScopeKind::Module {
                Binding::GlobalImplicit
            } else {
                Binding::Local
            }
        } else if enclosing.contains(name) && kind != ScopeKind::Module {
            free.insert(name.clone());
            Binding::Free
        } else {
            Binding::GlobalImplicit
        };
        bindings.insert(name.clone(), b);
    }
    // What children see: class scopes pass on their enclosing functions'
    // names but not their own.
    let mut inner = enclosing.clone();
    if function_like {
        for (name, b) in &bindings {
            if matches!(b, Binding::Local | Binding::Free) {
                inner.insert(name.clone());
            }
        }
    }
    if kind == ScopeKind::Class {
        inner.insert("__class__".to_string());
    }
    let children = scopes[id].children.clone();
    for child in children {
        for name in resolve(scopes, child, &inner) {
            if kind == ScopeKind::Class && name == "__class__" {
                scopes[id].needs_class_cell = true;
                continue;
            }
            match bindings.get(&name).copied() {
                Some(Binding::Local) if function_like => {
                    bindings.insert(name, Binding::Cell);
                }
                Some(Binding::Cell) | Some(Binding::Free) => {}
                _ => {
                    // Passes through this scope (a class, or a function that
                    // does not bind it): free here as well.
                    if kind != ScopeKind::Module {
                        if kind == ScopeKind::Class && bindings.contains_key(&name) {
                            // DEF_FREE_CLASS: bound in the class and free for
                            // its methods; the class keeps its own binding.
                            scopes[id].class_passthrough.insert(name.clone());
                        } else {
                            bindings.insert(name.clone(), Binding::Free);
                        }
                        free.insert(name);
                    }
                }
            }
        }
    }
    scopes[id].bindings = bindings;
    free
}
