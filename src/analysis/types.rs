//! What each temp is expected to be (`ir::Kinds`): a forward data-flow
//! pass over a function's blocks, flow-sensitive for its variables.
//!
//! The facts are hints. Their sources are what a value almost always is
//! (a literal, a display, `len()` by its global name, a `range` loop's
//! variable, `[x] * n`), and nothing here checks that a name is still
//! the builtin it was, so codegen must never drop a test because of one:
//! it uses them only to leave out inline paths that would not be taken
//! (`codegen::numeric`, `codegen::lists`) and to keep values that are not
//! numbers out of the unboxed representation. A wrong hint sends a value
//! to CPython's path, which handles everything.
//!
//! Across the program (`infer_program`), the hints flow through what the
//! compiler sees of it: a module-level function called directly (and
//! never used otherwise by its name) expects as each parameter what its
//! call sites pass, a direct call gives what its callee returns, a
//! module's global what the module stores in it, and an attribute what
//! the program's compiled code stores in attributes of that name, on any
//! object (one it never stores: a method, a module's, a library's, is
//! unknown). The rounds repeat until nothing grows. Cells, items, other
//! calls and every variable of a generator or class body (whose control
//! flow resumes where the graph has no edge) are unknown (`Kinds::ANY`).

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast;

use crate::ir::{BinOp, Builtin, Callee, ConstId, Function, Kinds, Number, Op, Temp, Term, UnaryOp};

/// What the whole program tells each function's analysis.
pub struct Program {
    /// Per constant: its type.
    pub consts: Vec<Kinds>,
    /// Builtins by the constant of their name, with what calling one
    /// gives (`int(...)` an int): a global of that name the module never
    /// stores is expected to be the builtin.
    pub builtin_calls: HashMap<ConstId, Kinds>,
}

impl Program {
    /// The hints of a program whose constants are CONSTS (per constant,
    /// its type) and whose names FIND gives the constant of.
    pub fn new(consts: Vec<Kinds>, find: impl Fn(&str) -> Option<ConstId>) -> Program {
        let builtin_calls = BUILTIN_CALLS.iter().filter_map(|(name, k)| Some((find(name)?, *k))).collect();
        Program { consts, builtin_calls }
    }
}

/// What a module's top level (which runs as bytecode: it is not lowered)
/// shows of the program, read off its AST, by the constant of each name.
#[derive(Default)]
pub struct TopLevel {
    /// What it stores in each global (`module_level_stores`).
    pub stores: HashMap<ConstId, Kinds>,
    /// Its calls of a module-level function by name, with the arguments.
    pub calls: Vec<(ConstId, Vec<Arg>)>,
    /// Names it uses otherwise (a function passed somewhere).
    pub escaped: HashSet<ConstId>,
    /// The module's functions a call by name can enter directly (code
    /// table index, by name).
    pub targets: HashMap<ConstId, u32>,
}

/// An argument of a top-level call: what its form says, or a global.
#[derive(Clone, Copy)]
pub enum Arg {
    Kind(Kinds),
    Global(ConstId),
}

impl TopLevel {
    /// Reads BODY; FIND gives the constant of a name (None: no compiled
    /// code uses it), TARGETS the direct targets by name.
    pub fn new(body: &[ast::Stmt], find: impl Fn(&str) -> Option<ConstId>, targets: &HashMap<String, u32>) -> TopLevel {
        let stores = module_level_stores(body).into_iter().filter_map(|(n, k)| Some((find(&n)?, k))).collect();
        let mut v = TopLevelCalls { depth: 0, calls: Vec::new(), escaped: HashSet::new() };
        for stmt in body.iter().cloned() {
            ast::Visitor::visit_stmt(&mut v, stmt);
        }
        let arg = |a: &ast::Expr| match a {
            ast::Expr::Name(n) => find(n.id.as_str()).map_or(Arg::Kind(Kinds::ANY), Arg::Global),
            e => Arg::Kind(expr_kind(e)),
        };
        let calls = v.calls.iter().filter_map(|(f, args)| Some((find(f)?, args.iter().map(arg).collect()))).collect();
        let escaped = v.escaped.iter().filter_map(|n| find(n)).collect();
        let targets = targets.iter().filter_map(|(n, c)| Some((find(n)?, *c))).collect();
        TopLevel { stores, calls, escaped, targets }
    }
}

/// Calls by name in a module's own top-level code (not in functions,
/// classes, lambdas or comprehensions, which are compiled and seen there),
/// and the other uses of names.
struct TopLevelCalls {
    /// Inside a comprehension (its own scope): names are only escapes.
    depth: u32,
    calls: Vec<(String, Vec<ast::Expr>)>,
    escaped: HashSet<String>,
}

impl ast::Visitor for TopLevelCalls {
    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        self.visit_arguments(*node.args);
        for d in node.decorator_list {
            self.visit_expr(d);
        }
    }
    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        self.visit_arguments(*node.args);
        for d in node.decorator_list {
            self.visit_expr(d);
        }
    }
    fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
        for e in node.bases.into_iter().chain(node.decorator_list) {
            self.visit_expr(e);
        }
        for k in node.keywords {
            self.visit_keyword(k);
        }
    }
    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        self.visit_arguments(*node.args);
    }
    fn visit_expr_list_comp(&mut self, node: ast::ExprListComp) {
        self.depth += 1;
        self.generic_visit_expr_list_comp(node);
        self.depth -= 1;
    }
    fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
        self.depth += 1;
        self.generic_visit_expr_set_comp(node);
        self.depth -= 1;
    }
    fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
        self.depth += 1;
        self.generic_visit_expr_dict_comp(node);
        self.depth -= 1;
    }
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        self.depth += 1;
        self.generic_visit_expr_generator_exp(node);
        self.depth -= 1;
    }
    fn visit_expr_call(&mut self, node: ast::ExprCall) {
        let plain = node.keywords.is_empty() && !node.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)));
        match (&*node.func, plain && self.depth == 0) {
            (ast::Expr::Name(f), true) => {
                self.calls.push((f.id.to_string(), node.args.clone()));
                for a in node.args {
                    self.visit_expr(a);
                }
            }
            _ => self.generic_visit_expr_call(node),
        }
    }
    fn visit_expr_name(&mut self, node: ast::ExprName) {
        if node.ctx == ast::ExprContext::Load {
            self.escaped.insert(node.id.to_string());
        }
    }
}

/// What a module's top level, which runs as bytecode (it is not lowered),
/// stores in its globals, by name: what a literal, a display, a constant
/// expression, a builtin's call or `a, b = range(2)` gives; anything else
/// it binds (defs, classes, imports, loop variables, other values) is
/// unknown. Statements nested in `if`, `for`, `while`, `with` and `try`
/// count, function and class bodies do not.
pub fn module_level_stores(body: &[ast::Stmt]) -> HashMap<String, Kinds> {
    let mut stores: HashMap<String, Kinds> = HashMap::new();
    let mut store = |name: &str, k: Kinds| add(&mut stores, name.to_string(), k);
    module_stores(body, &mut store);
    stores
}

fn module_stores(body: &[ast::Stmt], store: &mut dyn FnMut(&str, Kinds)) {
    use ast::Stmt;
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    target_stores(t, Some(&a.value), store);
                }
            }
            Stmt::AnnAssign(a) => target_stores(&a.target, a.value.as_deref(), store),
            Stmt::AugAssign(a) => target_stores(&a.target, None, store),
            Stmt::For(f) => {
                target_stores(&f.target, None, store);
                module_stores(&f.body, store);
                module_stores(&f.orelse, store);
            }
            Stmt::AsyncFor(f) => {
                target_stores(&f.target, None, store);
                module_stores(&f.body, store);
                module_stores(&f.orelse, store);
            }
            Stmt::While(w) => {
                module_stores(&w.body, store);
                module_stores(&w.orelse, store);
            }
            Stmt::If(i) => {
                module_stores(&i.body, store);
                module_stores(&i.orelse, store);
            }
            Stmt::With(w) => with_stores(&w.items, &w.body, store),
            Stmt::AsyncWith(w) => with_stores(&w.items, &w.body, store),
            Stmt::Try(t) => try_stores([&t.body, &t.orelse, &t.finalbody], &t.handlers, store),
            Stmt::TryStar(t) => try_stores([&t.body, &t.orelse, &t.finalbody], &t.handlers, store),
            Stmt::FunctionDef(d) => store(d.name.as_str(), Kinds::ANY),
            Stmt::AsyncFunctionDef(d) => store(d.name.as_str(), Kinds::ANY),
            Stmt::ClassDef(c) => store(c.name.as_str(), Kinds::ANY),
            Stmt::Import(i) => {
                for a in &i.names {
                    let bound = a.asname.as_ref().unwrap_or(&a.name);
                    store(bound.split('.').next().unwrap_or(bound.as_str()), Kinds::ANY);
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    store(a.asname.as_ref().unwrap_or(&a.name).as_str(), Kinds::ANY);
                }
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    target_stores(t, None, store);
                }
            }
            // (a match statement's captures are not counted: their hints
            // may be wrong, which costs speed only)
            _ => {}
        }
    }
}

/// A `try` statement's stores: its blocks', and its handlers' names.
fn try_stores(blocks: [&[ast::Stmt]; 3], handlers: &[ast::ExceptHandler], store: &mut dyn FnMut(&str, Kinds)) {
    module_stores(blocks[0], store);
    for h in handlers {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        if let Some(n) = &h.name {
            store(n.as_str(), Kinds::ANY);
        }
        module_stores(&h.body, store);
    }
    module_stores(blocks[1], store);
    module_stores(blocks[2], store);
}

/// A `with` statement's stores: its `as` targets', its body's.
fn with_stores(items: &[ast::WithItem], body: &[ast::Stmt], store: &mut dyn FnMut(&str, Kinds)) {
    for item in items {
        if let Some(v) = &item.optional_vars {
            target_stores(v, None, store);
        }
    }
    module_stores(body, store);
}

/// The names target T binds, given VALUE (None: unknown).
fn target_stores(t: &ast::Expr, value: Option<&ast::Expr>, store: &mut dyn FnMut(&str, Kinds)) {
    match t {
        ast::Expr::Name(n) => store(n.id.as_str(), value.map_or(Kinds::ANY, expr_kind)),
        ast::Expr::Tuple(ast::ExprTuple { elts, .. }) | ast::Expr::List(ast::ExprList { elts, .. }) => {
            let items: Option<Vec<Kinds>> = match value {
                Some(
                    ast::Expr::Tuple(ast::ExprTuple { elts: v, .. }) | ast::Expr::List(ast::ExprList { elts: v, .. }),
                ) if v.len() == elts.len() && !v.iter().any(|e| matches!(e, ast::Expr::Starred(_))) => {
                    Some(v.iter().map(expr_kind).collect())
                }
                // `A, B, C = range(3)`: ints.
                Some(ast::Expr::Call(c)) if matches!(&*c.func, ast::Expr::Name(f) if f.id.as_str() == "range") => {
                    Some(vec![Kinds::INT; elts.len()])
                }
                _ => None,
            };
            for (i, e) in elts.iter().enumerate() {
                match (e, &items) {
                    (ast::Expr::Name(n), Some(k)) => store(n.id.as_str(), k[i]),
                    _ => target_stores(e, None, store),
                }
            }
        }
        ast::Expr::Starred(s) => target_stores(&s.value, None, store),
        _ => {}
    }
}

/// What expression E gives, as far as its form says.
fn expr_kind(e: &ast::Expr) -> Kinds {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::None => Kinds::NONE,
            ast::Constant::Bool(_) => Kinds::BOOL,
            ast::Constant::Int(_) => Kinds::INT,
            ast::Constant::Float(_) => Kinds::FLOAT,
            ast::Constant::Str(_) => Kinds::STR,
            ast::Constant::Tuple(_) => Kinds::TUPLE,
            _ => Kinds::OTHER,
        },
        ast::Expr::List(_) | ast::Expr::ListComp(_) => Kinds::LIST,
        ast::Expr::Tuple(_) => Kinds::TUPLE,
        ast::Expr::Dict(_) | ast::Expr::DictComp(_) => Kinds::DICT,
        ast::Expr::Set(_) | ast::Expr::SetComp(_) => Kinds::SET,
        ast::Expr::JoinedStr(_) => Kinds::STR,
        ast::Expr::IfExp(i) => expr_kind(&i.body).union(expr_kind(&i.orelse)),
        ast::Expr::UnaryOp(u) => match u.op {
            ast::UnaryOp::USub => unary(UnaryOp::Neg, expr_kind(&u.operand)),
            ast::UnaryOp::UAdd => unary(UnaryOp::Pos, expr_kind(&u.operand)),
            ast::UnaryOp::Not => Kinds::BOOL,
            ast::UnaryOp::Invert => unary(UnaryOp::Invert, expr_kind(&u.operand)),
        },
        ast::Expr::BinOp(b) => {
            let op = match b.op {
                ast::Operator::Add => BinOp::Add,
                ast::Operator::Sub => BinOp::Sub,
                ast::Operator::Mult => BinOp::Mul,
                ast::Operator::Div => BinOp::TrueDiv,
                ast::Operator::FloorDiv => BinOp::FloorDiv,
                ast::Operator::Mod => BinOp::Mod,
                ast::Operator::Pow => BinOp::Pow,
                ast::Operator::LShift => BinOp::LShift,
                ast::Operator::RShift => BinOp::RShift,
                ast::Operator::BitAnd => BinOp::And,
                ast::Operator::BitOr => BinOp::Or,
                ast::Operator::BitXor => BinOp::Xor,
                ast::Operator::MatMult => BinOp::MatMul,
            };
            binary(op, expr_kind(&b.left), expr_kind(&b.right))
        }
        ast::Expr::Call(c) if c.keywords.is_empty() => match &*c.func {
            ast::Expr::Name(f) => {
                BUILTIN_CALLS.iter().find(|(n, _)| *n == f.id.as_str()).map_or(Kinds::ANY, |(_, k)| *k)
            }
            _ => Kinds::ANY,
        },
        _ => Kinds::ANY,
    }
}

/// Builtins whose call by name gives one type (`Program::new`,
/// `expr_kind`).
const BUILTIN_CALLS: &[(&str, Kinds)] = &[
    ("int", Kinds::INT),
    ("len", Kinds::INT),
    ("hash", Kinds::INT),
    ("ord", Kinds::INT),
    ("float", Kinds::FLOAT),
    ("str", Kinds::STR),
    ("repr", Kinds::STR),
    ("chr", Kinds::STR),
    ("bool", Kinds::BOOL),
    ("isinstance", Kinds::BOOL),
    ("list", Kinds::LIST),
    ("sorted", Kinds::LIST),
    ("tuple", Kinds::TUPLE),
    ("divmod", Kinds::TUPLE),
    ("dict", Kinds::DICT),
    ("set", Kinds::SET),
];

/// Adds K to what MAP has for KEY (nothing, if it has no entry yet).
fn add<T: std::hash::Hash + Eq>(map: &mut HashMap<T, Kinds>, key: T, k: Kinds) {
    let e = map.entry(key).or_insert(Kinds::EMPTY);
    *e = e.union(k);
}

/// Adds one call's argument kinds to what ARGS has for callee C, position
/// by position; calls with other numbers of arguments make every position
/// unknown.
fn add_args(args: &mut HashMap<u32, Vec<Kinds>>, c: u32, call: Vec<Kinds>) {
    let e = args.entry(c).or_insert_with(|| vec![Kinds::EMPTY; call.len()]);
    if e.len() == call.len() {
        for (x, y) in e.iter_mut().zip(call) {
            *x = x.union(y);
        }
    } else {
        *e = vec![Kinds::ANY; e.len().max(call.len())];
    }
}

/// A function of the program for `infer_program`: its module (any key the
/// caller chooses), its code table index when a direct call can name it,
/// and the function.
pub struct Unit<'a> {
    pub module: usize,
    pub code: Option<u32>,
    pub f: &'a mut Function,
}

/// What one round learned from one function.
#[derive(Default)]
struct Seen {
    /// Per direct callee, the union of what each argument position got.
    args: HashMap<u32, Vec<Kinds>>,
    returns: Kinds,
    /// Per global name, the union of what was stored in it.
    stores: HashMap<ConstId, Kinds>,
    /// Per attribute name, the union of what was stored in it (on any
    /// object).
    attrs: HashMap<ConstId, Kinds>,
    /// Global names loaded for anything but a direct call.
    escaped: HashSet<ConstId>,
    /// Global names loaded as a direct call's callee, with its code.
    called: HashMap<ConstId, u32>,
}

/// The hints one function's analysis starts from.
struct Hints<'a> {
    program: &'a Program,
    params: Option<&'a [Kinds]>,
    returns: &'a HashMap<u32, Kinds>,
    /// The module's globals: what it stores in each (absent: never stored).
    globals: &'a HashMap<ConstId, Kinds>,
    /// Attributes by name: what the program stores in them (absent: never
    /// stored by the program's compiled code).
    attrs: &'a HashMap<ConstId, Kinds>,
}

/// Fills every unit's `kinds`, with hints from the whole program; TOP_LEVEL
/// is what each module's top level shows (`TopLevel`), by module.
pub fn infer_program(program: &Program, top_level: &HashMap<usize, TopLevel>, units: &mut [Unit]) {
    let mut params: HashMap<u32, Vec<Kinds>> = HashMap::new();
    let mut returns: HashMap<u32, Kinds> = HashMap::new();
    let mut globals: HashMap<usize, HashMap<ConstId, Kinds>> = HashMap::new();
    let mut attrs: HashMap<ConstId, Kinds> = HashMap::new();
    let codes: HashMap<u32, usize> = units.iter().enumerate().filter_map(|(i, u)| Some((u.code?, i))).collect();
    // What the program stores is not known yet, but that it stores it is:
    // such a global or attribute starts as nothing (and grows), any other
    // is unknown.
    for (m, t) in top_level {
        globals.entry(*m).or_default().extend(t.stores.iter().map(|(g, k)| (*g, *k)));
    }
    // So does a function called directly: its parameters start as nothing
    // (the first round finds which are used otherwise).
    let mut direct: HashSet<u32> = top_level.values().flat_map(|t| t.targets.values().copied()).collect();
    for u in units.iter() {
        for inst in u.f.blocks.iter().flat_map(|b| &b.insts) {
            match &inst.op {
                Op::Call { callee: Some(Callee::Compiled(c)), .. } => {
                    direct.insert(*c);
                }
                Op::StoreGlobal(g, _) => {
                    globals.entry(u.module).or_default().insert(*g, Kinds::EMPTY);
                }
                Op::SetAttr(_, a, _) => {
                    attrs.insert(*a, Kinds::EMPTY);
                }
                _ => {}
            }
        }
    }
    for c in direct {
        if let Some(&i) = codes.get(&c) {
            params.insert(c, vec![Kinds::EMPTY; units[i].f.nparams as usize]);
        }
    }
    // Enough rounds for what a program's hints need in practice; the
    // kinds only grow, and the last round's are used whatever they are.
    for _ in 0..6 {
        let mut args: HashMap<u32, Vec<Kinds>> = HashMap::new();
        let mut new_returns: HashMap<u32, Kinds> = HashMap::new();
        let mut stores: HashMap<usize, HashMap<ConstId, Kinds>> =
            top_level.iter().map(|(m, t)| (*m, t.stores.clone())).collect();
        let mut new_attrs: HashMap<ConstId, Kinds> = HashMap::new();
        let mut escaped: HashSet<(usize, ConstId)> = HashSet::new();
        let mut called: Vec<(usize, ConstId, u32)> = Vec::new();
        let empty = HashMap::new();
        for u in units.iter_mut() {
            let hints = Hints {
                program,
                params: u.code.and_then(|c| params.get(&c)).map(Vec::as_slice),
                returns: &returns,
                globals: globals.get(&u.module).unwrap_or(&empty),
                attrs: &attrs,
            };
            let seen = infer(u.f, &hints);
            for (c, a) in seen.args {
                add_args(&mut args, c, a);
            }
            if let Some(c) = u.code {
                new_returns.insert(c, seen.returns);
            }
            let m = stores.entry(u.module).or_default();
            for (g, k) in seen.stores {
                add(m, g, k);
            }
            for (a, k) in seen.attrs {
                add(&mut new_attrs, a, k);
            }
            escaped.extend(seen.escaped.into_iter().map(|g| (u.module, g)));
            called.extend(seen.called.into_iter().map(|(g, c)| (u.module, g, c)));
        }
        // The module bodies' calls, with this round's globals.
        for (m, t) in top_level {
            escaped.extend(t.escaped.iter().map(|g| (*m, *g)));
            for (f, call_args) in &t.calls {
                let Some(&c) = t.targets.get(f) else { continue };
                called.push((*m, *f, c));
                let kinds: Vec<Kinds> = call_args
                    .iter()
                    .map(|a| match a {
                        Arg::Kind(k) => *k,
                        Arg::Global(g) => globals.get(m).and_then(|gs| gs.get(g)).copied().unwrap_or(Kinds::ANY),
                    })
                    .collect();
                add_args(&mut args, c, kinds);
            }
        }
        // A function whose name is used otherwise may be called from
        // anywhere: its parameters are unknown.
        let mut new_params = HashMap::new();
        for (m, g, c) in called {
            let Some(&i) = codes.get(&c) else { continue };
            let n = units[i].f.nparams as usize;
            let a = args.get(&c).cloned().unwrap_or_default();
            let p = if escaped.contains(&(m, g)) || a.len() != n { vec![Kinds::ANY; n] } else { a };
            new_params.insert(c, p);
        }
        let stable = new_params == params && new_returns == returns && stores == globals && new_attrs == attrs;
        params = new_params;
        returns = new_returns;
        globals = stores;
        attrs = new_attrs;
        if stable {
            break;
        }
    }
    if std::env::var_os("PY2WASM_DEBUG_TYPES").is_some() {
        eprintln!("params {params:?}\nreturns {returns:?}\nglobals {globals:?}\nattrs {attrs:?}");
        for (m, t) in top_level {
            eprintln!(
                "top {m}: stores {:?} calls {} escaped {:?} targets {:?}",
                t.stores,
                t.calls.len(),
                t.escaped,
                t.targets
            );
        }
    }
    for u in units.iter_mut() {
        for k in &mut u.f.kinds {
            if *k == Kinds::EMPTY {
                *k = Kinds::ANY;
            }
        }
    }
}

/// F's inline int and float operations (`codegen::is_inline`), and how
/// many of them have an expected number type (one) for every operand.
pub fn typed_ops(f: &Function) -> (u32, u32) {
    let mut total = 0;
    let mut typed = 0;
    for inst in f.blocks.iter().flat_map(|b| &b.insts).filter(|i| crate::codegen::is_inline(&i.op)) {
        total += 1;
        if inst.op.operands().iter().all(|&t| f.kind(t).number().is_some()) {
            typed += 1;
        }
    }
    (total, typed)
}

/// Fills `f.kinds` from HINTS (EMPTY where nothing reaches: the caller
/// makes those ANY at the end); returns what the function showed of the
/// program.
fn infer(f: &mut Function, hints: &Hints) -> Seen {
    let ntemps = f.temps.len();
    let mut kinds = vec![Kinds::EMPTY; ntemps];
    let mut seen = Seen::default();
    // Per temp, the global name it was loaded from.
    let mut globals_loaded = vec![None; ntemps];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let (Op::LoadGlobal(g), Some(d)) = (&inst.op, inst.dst) {
            globals_loaded[d as usize] = Some(*g);
        }
    }
    if f.generator || f.class_body {
        f.kinds = vec![Kinds::ANY; ntemps];
        seen.returns = Kinds::ANY;
        observe(f, &globals_loaded, &mut seen);
        return seen;
    }
    let nlocals = f.locals.len();
    // Per block, the variables' kinds where it starts (EMPTY: unbound or
    // not reached yet).
    let mut entry: Vec<Option<Vec<Kinds>>> = vec![None; f.blocks.len()];
    if !f.blocks.is_empty() {
        let start = (0..nlocals)
            .map(|l| match (l < f.nparams as usize, hints.params) {
                (true, Some(p)) => p.get(l).copied().unwrap_or(Kinds::ANY),
                (true, None) => Kinds::ANY,
                (false, _) => Kinds::EMPTY,
            })
            .collect();
        entry[0] = Some(start);
    }
    // Until nothing changes: the kinds only grow, and there are finitely
    // many of them.
    let mut changed = true;
    let mut rounds = 0;
    while changed {
        changed = false;
        rounds += 1;
        for b in 0..f.blocks.len() {
            let Some(mut state) = entry[b].clone() else { continue };
            let block = &f.blocks[b];
            // What the handler may see: the state at any instruction.
            let mut seen = state.clone();
            for inst in &block.insts {
                let k = step(f, hints, &globals_loaded, inst.dst, &inst.op, &kinds, &mut state);
                if let Some(d) = inst.dst {
                    kinds[d as usize] = kinds[d as usize].union(k);
                }
                for (s, v) in seen.iter_mut().zip(&state) {
                    *s = s.union(*v);
                }
            }
            let mut succs = block.term.successors();
            if matches!(block.term, Term::Yield(..)) {
                // (not in a plain function)
                succs.clear();
            }
            for s in succs {
                changed |= merge(&mut entry[s], &state);
            }
            if let Some(h) = block.handler {
                changed |= merge(&mut entry[h], &seen);
            }
        }
        if rounds > 10 * (f.blocks.len() + 10) {
            // Cannot happen (the lattice is finite); stay safe regardless.
            kinds = vec![Kinds::ANY; ntemps];
            break;
        }
    }
    f.kinds = kinds;
    for b in &f.blocks {
        if let Term::Return(t) = b.term {
            seen.returns = seen.returns.union(f.kind(t));
        }
    }
    observe(f, &globals_loaded, &mut seen);
    seen
}

/// What F's instructions show of the program: direct calls' arguments,
/// globals and attributes stored, globals loaded (GLOBALS_LOADED: per
/// temp, the global name it was loaded from).
fn observe(f: &Function, globals_loaded: &[Option<ConstId>], seen: &mut Seen) {
    let global_of = |t: Temp| globals_loaded.get(t as usize).copied().flatten();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        match &inst.op {
            Op::StoreGlobal(g, t) => add(&mut seen.stores, *g, f.kind(*t)),
            Op::DeleteGlobal(g) => add(&mut seen.stores, *g, Kinds::ANY),
            Op::SetAttr(_, a, t) => add(&mut seen.attrs, *a, f.kind(*t)),
            Op::DelAttr(_, a) => add(&mut seen.attrs, *a, Kinds::ANY),
            Op::Call { func, args, kwnames: None, nkw: 0, callee: Some(Callee::Compiled(c)) } => {
                if let Some(g) = global_of(*func) {
                    seen.called.insert(g, *c);
                }
                add_args(&mut seen.args, *c, args.iter().map(|a| f.kind(*a)).collect());
                for a in args {
                    if let Some(g) = global_of(*a) {
                        seen.escaped.insert(g);
                    }
                }
                continue;
            }
            Op::Release(_) => continue,
            _ => {}
        }
        for t in inst.op.operands() {
            if let Some(g) = global_of(t) {
                seen.escaped.insert(g);
            }
        }
    }
    for b in &f.blocks {
        if let Some(g) = b.term.operands().and_then(global_of) {
            seen.escaped.insert(g);
        }
    }
}

fn merge(into: &mut Option<Vec<Kinds>>, from: &[Kinds]) -> bool {
    match into {
        None => {
            *into = Some(from.to_vec());
            true
        }
        Some(v) => {
            let mut changed = false;
            for (a, b) in v.iter_mut().zip(from) {
                let u = a.union(*b);
                changed |= u != *a;
                *a = u;
            }
            changed
        }
    }
}

/// What OP's result is expected to be, given its operands' kinds; updates
/// the variables' kinds it stores.
/// (GLOBALS_LOADED: per temp, the global name it was loaded from.)
fn step(
    f: &Function,
    hints: &Hints,
    globals_loaded: &[Option<ConstId>],
    dst: Option<u32>,
    op: &Op,
    kinds: &[Kinds],
    state: &mut [Kinds],
) -> Kinds {
    let k = |t: &u32| kinds.get(*t as usize).copied().unwrap_or(Kinds::ANY);
    match op {
        Op::Const(c) => match dst.and_then(|d| f.numbers.get(&d)) {
            Some(Number::Int(_)) => Kinds::INT,
            Some(Number::Float(_)) => Kinds::FLOAT,
            None => hints.program.consts.get(*c as usize).copied().unwrap_or(Kinds::ANY),
        },
        // (EMPTY: unbound, or nothing reached it yet)
        Op::LoadLocal(l) => state.get(*l as usize).copied().unwrap_or(Kinds::ANY),
        Op::LoadGlobal(g) => match hints.globals.get(g) {
            Some(&v) => v,
            None if hints.program.builtin_calls.contains_key(g) => Kinds::OTHER,
            None => Kinds::ANY,
        },
        Op::Call { callee: Some(Callee::Compiled(c)), .. } => hints.returns.get(c).copied().unwrap_or(Kinds::EMPTY),
        Op::StoreLocal(l, t) => {
            if let Some(s) = state.get_mut(*l as usize) {
                *s = k(t);
            }
            Kinds::EMPTY
        }
        Op::DeleteLocal(l) | Op::TakeLocal(l) => {
            if let Some(s) = state.get_mut(*l as usize) {
                *s = Kinds::ANY;
            }
            Kinds::ANY
        }
        Op::Binary(b, _, x, y) => binary(*b, k(x), k(y)),
        Op::Unary(u, x) => unary(*u, k(x)),
        Op::Compare(_, x, y) if !k(x).may(Kinds::OTHER) && !k(y).may(Kinds::OTHER) => Kinds::BOOL,
        Op::Alias(t) => k(t),
        // What the program stores in attributes of that name (on any
        // object; none stored: a method, a module's, a builtin's...).
        Op::GetAttr(_, a) => hints.attrs.get(a).copied().unwrap_or(Kinds::ANY),
        Op::BoolObj(_) => Kinds::BOOL,
        Op::BuildTuple(_) | Op::ListToTuple(_) => Kinds::TUPLE,
        Op::BuildList(_) => Kinds::LIST,
        Op::BuildSet(_) => Kinds::SET,
        Op::BuildDict(_) => Kinds::DICT,
        Op::BuildString(_) | Op::Format(..) => Kinds::STR,
        Op::GetSlice(o, _, _) => {
            let o = k(o);
            if o.only(Kinds::LIST) || o.only(Kinds::TUPLE) || o.only(Kinds::STR) {
                o
            } else {
                Kinds::ANY
            }
        }
        Op::GetItem(o, i) if k(o).only(Kinds::STR) && k(i).only(Kinds::INT) => Kinds::STR,
        Op::RangeNext(_) => Kinds::INT,
        Op::Call { args, callee: Some(Callee::Builtin(b)), .. } => match b {
            Builtin::Len | Builtin::Ord => Kinds::INT,
            Builtin::Chr => Kinds::STR,
            Builtin::Isinstance => Kinds::BOOL,
            Builtin::Abs => args.first().map(|a| unary(UnaryOp::Neg, k(a))).unwrap_or(Kinds::ANY),
            Builtin::Min | Builtin::Max => args.iter().fold(Kinds::EMPTY, |u, a| u.union(k(a))),
        },
        // A builtin called by its global name, which the module never
        // stores.
        Op::Call { func, kwnames: None, nkw: 0, .. } => match globals_loaded.get(*func as usize).copied().flatten() {
            Some(g) if !hints.globals.contains_key(&g) => {
                hints.program.builtin_calls.get(&g).copied().unwrap_or(Kinds::ANY)
            }
            _ => Kinds::ANY,
        },
        _ => Kinds::ANY,
    }
}

/// `-x` (and `abs(x)`): a number of the same type (a bool's is an int).
fn unary(u: UnaryOp, x: Kinds) -> Kinds {
    x.each().fold(Kinds::EMPTY, |r, a| {
        r.union(match (u, a) {
            (_, Kinds::INT) | (_, Kinds::BOOL) => Kinds::INT,
            (UnaryOp::Neg | UnaryOp::Pos, Kinds::FLOAT) => Kinds::FLOAT,
            _ => Kinds::ANY,
        })
    })
}

/// `x op y`: the union over each pair of types the operands may have.
fn binary(op: BinOp, x: Kinds, y: Kinds) -> Kinds {
    if x == Kinds::EMPTY || y == Kinds::EMPTY {
        // (nothing reached an operand yet)
        return Kinds::EMPTY;
    }
    let mut r = Kinds::EMPTY;
    for a in x.each() {
        for b in y.each() {
            r = r.union(pair(op, a, b));
        }
    }
    if r == Kinds::EMPTY {
        Kinds::ANY
    } else {
        r
    }
}

fn pair(op: BinOp, a: Kinds, b: Kinds) -> Kinds {
    use BinOp::*;
    let int = |k: Kinds| k == Kinds::INT || k == Kinds::BOOL;
    let num = |k: Kinds| int(k) || k == Kinds::FLOAT;
    let seq = |k: Kinds| k == Kinds::LIST || k == Kinds::TUPLE || k == Kinds::STR;
    let set = |k: Kinds| k == Kinds::SET;
    match op {
        And | Or | Xor if a == Kinds::BOOL && b == Kinds::BOOL => Kinds::BOOL,
        Add | Sub | Mul | FloorDiv | Mod | LShift | RShift | And | Or | Xor if int(a) && int(b) => Kinds::INT,
        TrueDiv if int(a) && int(b) => Kinds::FLOAT,
        Pow if int(a) && int(b) => Kinds::INT.union(Kinds::FLOAT),
        Add | Sub | Mul | TrueDiv | FloorDiv | Mod | Pow if num(a) && num(b) => Kinds::FLOAT,
        // A sequence repeated or joined is one of its type (times an
        // object of a class, up to that class's __rmul__: a hint).
        Mul if seq(a) && (int(b) || b == Kinds::OTHER) => a,
        Mul if seq(b) && int(a) => b,
        Add if seq(a) && a == b => a,
        Mod if a == Kinds::STR => Kinds::STR,
        Sub | And | Or | Xor if set(a) && set(b) => Kinds::SET,
        Or if a == Kinds::DICT && b == Kinds::DICT => Kinds::DICT,
        _ if a == Kinds::OTHER || b == Kinds::OTHER => Kinds::ANY,
        // Two builtin types without a rule: mostly a TypeError, which
        // makes no value; anything else is unknown.
        Add | Sub | Mul | TrueDiv | FloorDiv | LShift | RShift | Pow => Kinds::EMPTY,
        _ => Kinds::ANY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_type_and_mix_to_float() {
        assert_eq!(binary(BinOp::Add, Kinds::INT, Kinds::INT), Kinds::INT);
        assert_eq!(binary(BinOp::TrueDiv, Kinds::INT, Kinds::INT), Kinds::FLOAT);
        assert_eq!(binary(BinOp::Mul, Kinds::INT, Kinds::FLOAT), Kinds::FLOAT);
        assert_eq!(binary(BinOp::Add, Kinds::BOOL, Kinds::BOOL), Kinds::INT);
        assert_eq!(binary(BinOp::And, Kinds::BOOL, Kinds::BOOL), Kinds::BOOL);
        assert_eq!(binary(BinOp::Pow, Kinds::INT, Kinds::INT), Kinds(3));
        assert!(binary(BinOp::Add, Kinds::INT, Kinds::ANY).may(Kinds::OTHER));
        assert_eq!(binary(BinOp::Add, Kinds::INT, Kinds::INT.union(Kinds::FLOAT)), Kinds(3));
    }

    #[test]
    fn sequences_repeat_as_themselves() {
        assert_eq!(binary(BinOp::Mul, Kinds::LIST, Kinds::INT), Kinds::LIST);
        assert_eq!(binary(BinOp::Mul, Kinds::LIST, Kinds::OTHER), Kinds::LIST);
        assert_eq!(binary(BinOp::Mul, Kinds::INT, Kinds::STR), Kinds::STR);
        assert_eq!(binary(BinOp::Add, Kinds::LIST, Kinds::LIST), Kinds::LIST);
        assert_eq!(binary(BinOp::Mul, Kinds::LIST, Kinds::ANY), Kinds::LIST);
        assert_eq!(binary(BinOp::Add, Kinds::LIST, Kinds::TUPLE), Kinds::ANY);
        assert_eq!(unary(UnaryOp::Neg, Kinds::FLOAT), Kinds::FLOAT);
        assert_eq!(unary(UnaryOp::Invert, Kinds::FLOAT), Kinds::ANY);
    }
}
