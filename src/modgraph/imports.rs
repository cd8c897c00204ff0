//! The imports a module's source shows: every import statement at any
//! depth, relative imports made absolute, and `__import__('m')` /
//! `importlib.import_module('m')` with a constant name. Branches that never
//! run in the program's CPython (`if TYPE_CHECKING:`, tests of
//! `sys.version_info`, `sys.platform` and `os.name` that a wasm32-wasi
//! CPython 3.11 decides) are left out, as their imports never happen.

use rustpython_parser::ast::{self, Ranged, Visitor};

/// An import statement's target, as written.
pub struct Import {
    pub module: String,
    /// `from m import x`: x may be a submodule or just an attribute.
    pub maybe_attribute: bool,
    pub offset: usize,
    /// Runs when the module is imported, with nothing to catch its
    /// ImportError: at module level (or in a class body), not in a function,
    /// and not in the body or handlers of a `try` with a handler for
    /// ImportError.
    pub eager: bool,
}

/// What a module's source says it imports.
pub struct References {
    pub imports: Vec<Import>,
    /// String constants that read as dotted module paths (`"app.models"`,
    /// `"pkg.mod.Class"`): settings name modules this way (Django's
    /// INSTALLED_APPS, ROOT_URLCONF, backends). Each once, in source order.
    pub names: Vec<String>,
}

/// Every import in a module, at any depth (functions, classes, try blocks),
/// with relative imports made absolute.
pub fn imports_of(body: &ast::Suite, module: &str, is_package: bool) -> References {
    let package = if is_package {
        module.to_string()
    } else {
        module.rsplit_once('.').map_or(String::new(), |p| p.0.to_string())
    };
    let mut collector = ImportCollector { package, imports: Vec::new(), names: Vec::new(), functions: 0, guards: 0 };
    for stmt in body.iter().cloned() {
        collector.visit_stmt(stmt);
    }
    References { imports: collector.imports, names: collector.names }
}

/// `a.b.C`: identifiers joined by dots.
fn is_dotted_name(s: &str) -> bool {
    let ident = |p: &str| {
        let mut chars = p.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
    };
    s.len() <= 200 && s.split('.').all(ident)
}

struct ImportCollector {
    package: String,
    imports: Vec<Import>,
    names: Vec<String>,
    /// How many functions (def, lambda) the visit is inside.
    functions: usize,
    /// How many `try` bodies with an ImportError handler it is inside.
    guards: usize,
}

impl ImportCollector {
    fn add(&mut self, module: &str, maybe_attribute: bool, offset: usize) {
        // importing a.b.c imports a and a.b first
        let mut prefix = String::new();
        for part in module.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            let last = prefix.len() == module.len();
            let eager = self.functions == 0 && self.guards == 0;
            self.imports.push(Import {
                module: prefix.clone(),
                maybe_attribute: maybe_attribute && last,
                offset,
                eager,
            });
        }
    }
}

impl Visitor for ImportCollector {
    fn visit_stmt_import(&mut self, node: ast::StmtImport) {
        let offset = node.range().start().to_usize();
        for alias in &node.names {
            self.add(alias.name.as_str(), false, offset);
        }
    }

    fn visit_stmt_import_from(&mut self, node: ast::StmtImportFrom) {
        let offset = node.range().start().to_usize();
        let level = node.level.map_or(0, |l| l.to_u32()) as usize;
        let base = if level == 0 {
            node.module.as_ref().map(|m| m.to_string()).unwrap_or_default()
        } else {
            let mut parts: Vec<&str> = if self.package.is_empty() { vec![] } else { self.package.split('.').collect() };
            if level - 1 > parts.len() {
                return; // beyond the top-level package: ImportError at run time
            }
            parts.truncate(parts.len() - (level - 1));
            if parts.is_empty() {
                return; // relative import in a top-level module: ImportError at run time
            }
            let mut base = parts.join(".");
            if let Some(m) = &node.module {
                base.push('.');
                base.push_str(m.as_str());
            }
            base
        };
        if base.is_empty() {
            return;
        }
        self.add(&base, false, offset);
        for alias in &node.names {
            if alias.name.as_str() != "*" {
                self.add(&format!("{base}.{}", alias.name), true, offset);
            }
        }
    }

    fn visit_expr_call(&mut self, node: ast::ExprCall) {
        // __import__('m') and importlib.import_module('m') with a constant name
        let is_import = match node.func.as_ref() {
            ast::Expr::Name(n) => n.id.as_str() == "__import__",
            ast::Expr::Attribute(a) => a.attr.as_str() == "import_module",
            _ => false,
        };
        if is_import {
            if let Some(ast::Expr::Constant(c)) = node.args.first() {
                if let ast::Constant::Str(name) = &c.value {
                    if !name.starts_with('.') {
                        self.add(name, true, node.range().start().to_usize());
                    }
                }
            }
        }
        self.generic_visit_expr_call(node);
    }

    fn visit_expr_constant(&mut self, node: ast::ExprConstant) {
        if let ast::Constant::Str(s) = &node.value {
            if is_dotted_name(s) && !self.names.iter().any(|n| n == s) {
                self.names.push(s.clone());
            }
        }
    }

    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        self.functions += 1;
        self.generic_visit_stmt_function_def(node);
        self.functions -= 1;
    }

    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        self.functions += 1;
        self.generic_visit_stmt_async_function_def(node);
        self.functions -= 1;
    }

    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        self.functions += 1;
        self.generic_visit_expr_lambda(node);
        self.functions -= 1;
    }

    fn visit_stmt_if(&mut self, node: ast::StmtIf) {
        self.visit_expr(*node.test.clone());
        match static_truth(&node.test) {
            Some(true) => self.visit_stmts(node.body),
            Some(false) => self.visit_stmts(node.orelse),
            None => {
                self.visit_stmts(node.body);
                self.visit_stmts(node.orelse);
            }
        }
    }

    fn visit_stmt_try(&mut self, node: ast::StmtTry) {
        self.visit_try(node.body, node.handlers, node.orelse, node.finalbody);
    }

    fn visit_stmt_try_star(&mut self, node: ast::StmtTryStar) {
        self.visit_try(node.body, node.handlers, node.orelse, node.finalbody);
    }
}

impl ImportCollector {
    fn visit_stmts(&mut self, stmts: Vec<ast::Stmt>) {
        for stmt in stmts {
            self.visit_stmt(stmt);
        }
    }

    fn visit_try(
        &mut self,
        body: Vec<ast::Stmt>,
        handlers: Vec<ast::ExceptHandler>,
        orelse: Vec<ast::Stmt>,
        finalbody: Vec<ast::Stmt>,
    ) {
        let guarded =
            handlers.iter().any(|ast::ExceptHandler::ExceptHandler(h)| catches_import_error(h.type_.as_deref()));
        self.guards += usize::from(guarded);
        self.visit_stmts(body);
        self.guards -= usize::from(guarded);
        // (an import in the handler is the fallback's fallback: a package
        // choosing among alternatives, not one the program needs)
        self.guards += usize::from(guarded);
        for handler in handlers {
            self.visit_excepthandler(handler);
        }
        self.guards -= usize::from(guarded);
        self.visit_stmts(orelse);
        self.visit_stmts(finalbody);
    }
}

/// Whether an `except` clause for TYPE (None: a bare `except:`) catches
/// ImportError, by the names it uses.
fn catches_import_error(type_: Option<&ast::Expr>) -> bool {
    let Some(t) = type_ else {
        return true;
    };
    match t {
        ast::Expr::Tuple(tuple) => tuple.elts.iter().any(|e| catches_import_error(Some(e))),
        ast::Expr::Name(n) => is_import_error_base(n.id.as_str()),
        ast::Expr::Attribute(a) => is_import_error_base(a.attr.as_str()),
        _ => false,
    }
}

fn is_import_error_base(name: &str) -> bool {
    matches!(name, "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException")
}

/// What an `if` test is in the program's CPython (3.11 on wasm32-wasi:
/// sys.platform 'wasi', os.name 'posix'), when the source decides it:
/// `TYPE_CHECKING` (false at run time), comparisons of `sys.version_info`
/// (or a slice or index of it) with a tuple or int of constants, of
/// `sys.platform` or `os.name` with a string, `sys.platform.startswith(s)`,
/// and `not`, `and`, `or` of those. None when it depends on anything else.
fn static_truth(test: &ast::Expr) -> Option<bool> {
    use std::cmp::Ordering;
    match test {
        ast::Expr::Name(n) if n.id.as_str() == "TYPE_CHECKING" => Some(false),
        ast::Expr::Attribute(a) if a.attr.as_str() == "TYPE_CHECKING" => Some(false),
        ast::Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => static_truth(&u.operand).map(|b| !b),
        ast::Expr::BoolOp(b) => {
            let values: Vec<Option<bool>> = b.values.iter().map(static_truth).collect();
            match b.op {
                ast::BoolOp::And if values.contains(&Some(false)) => Some(false),
                ast::BoolOp::And if values.iter().all(|v| *v == Some(true)) => Some(true),
                ast::BoolOp::Or if values.contains(&Some(true)) => Some(true),
                ast::BoolOp::Or if values.iter().all(|v| *v == Some(false)) => Some(false),
                _ => None,
            }
        }
        ast::Expr::Call(call) => {
            // sys.platform.startswith('win')
            let ast::Expr::Attribute(method) = call.func.as_ref() else {
                return None;
            };
            if method.attr.as_str() != "startswith" || call.args.len() != 1 || !call.keywords.is_empty() {
                return None;
            }
            let (Some(value), Some(prefix)) = (known_str(&method.value), const_str(&call.args[0])) else {
                return None;
            };
            Some(value.starts_with(prefix))
        }
        ast::Expr::Compare(c) if c.ops.len() == 1 && c.comparators.len() == 1 => {
            let (left, right, op) = (c.left.as_ref(), &c.comparators[0], &c.ops[0]);
            if let (Some(a), Some(b)) = (known_str(left), const_str(right)) {
                return match op {
                    ast::CmpOp::Eq => Some(a == b),
                    ast::CmpOp::NotEq => Some(a != b),
                    _ => None,
                };
            }
            let version = version_of(left)?;
            let other = const_ints(right)?;
            let ord = version.cmp(&other);
            match op {
                ast::CmpOp::Lt => Some(ord == Ordering::Less),
                ast::CmpOp::LtE => Some(ord != Ordering::Greater),
                ast::CmpOp::Gt => Some(ord == Ordering::Greater),
                ast::CmpOp::GtE => Some(ord != Ordering::Less),
                ast::CmpOp::Eq => Some(ord == Ordering::Equal),
                ast::CmpOp::NotEq => Some(ord != Ordering::Equal),
                _ => None,
            }
        }
        _ => None,
    }
}

/// X in `MODULE.X` (a name bound otherwise is not trusted).
fn sys_attribute<'a>(e: &'a ast::Expr, module: &str) -> Option<&'a str> {
    let ast::Expr::Attribute(a) = e else {
        return None;
    };
    match a.value.as_ref() {
        ast::Expr::Name(n) if n.id.as_str() == module => Some(a.attr.as_str()),
        _ => None,
    }
}

/// `sys.platform` and `os.name` as the program's CPython has them.
fn known_str(e: &ast::Expr) -> Option<&'static str> {
    if sys_attribute(e, "sys") == Some("platform") {
        Some("wasi")
    } else if sys_attribute(e, "os") == Some("name") {
        Some("posix")
    } else {
        None
    }
}

fn const_str(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// CPython 3.11's `sys.version_info`, compared as a tuple: for
/// `sys.version_info`, `sys.version_info[:n]` and `sys.version_info[i]`
/// (then a one-element tuple, compared with an int).
fn version_of(e: &ast::Expr) -> Option<Vec<i64>> {
    // 3.11.x final: the micro number only matters against a tuple that
    // names one, which no test for features does; 3.11.2's is used.
    const VERSION: [i64; 3] = [3, 11, 2];
    if sys_attribute(e, "sys") == Some("version_info") {
        return Some(VERSION.to_vec());
    }
    let ast::Expr::Subscript(s) = e else {
        return None;
    };
    if sys_attribute(&s.value, "sys") != Some("version_info") {
        return None;
    }
    match s.slice.as_ref() {
        ast::Expr::Slice(sl) if sl.lower.is_none() && sl.step.is_none() => {
            let upper = const_ints(sl.upper.as_deref()?)?;
            let n = usize::try_from(*upper.first()?).ok()?.min(VERSION.len());
            Some(VERSION[..n].to_vec())
        }
        index => {
            let i = usize::try_from(*const_ints(index)?.first()?).ok()?;
            Some(vec![*VERSION.get(i)?])
        }
    }
}

/// An int constant (as a one-element list) or a tuple of int constants.
fn const_ints(e: &ast::Expr) -> Option<Vec<i64>> {
    let int = |e: &ast::Expr| match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Int(i) => i64::try_from(i.clone()).ok(),
            _ => None,
        },
        _ => None,
    };
    match e {
        ast::Expr::Tuple(t) => t.elts.iter().map(int).collect(),
        _ => int(e).map(|i| vec![i]),
    }
}
