//! What a compilation produced, for `--report` and `--report-json`: the
//! modules embedded and every function of the user's code (each `def`,
//! `lambda`, comprehension and class body) with how it was compiled.

use std::collections::HashMap;
use std::fmt::Write as _;

use rustpython_parser::ast::{self, Ranged, Visitor};
use serde::Serialize;

use crate::driver::{Entries, Outcomes};
use crate::frontend::SourceFile;
use crate::modgraph::ModuleGraph;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKind {
    Def,
    Lambda,
    Comprehension,
    Class,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FunctionReport {
    pub module: String,
    pub qualname: String,
    pub kind: FunctionKind,
    pub file: String,
    pub line: usize,
    /// "native", or "bytecode" with the reason in `fallback_reason`.
    pub compiled: &'static str,
    pub fallback_reason: Option<String>,
    /// Native code called directly by the program's other functions gets
    /// an unboxed entry when numbers can come in or go out as wasm values:
    /// the parameters that take them (possibly none: the result only).
    pub unboxed_entry: Option<Vec<String>>,
    /// Native code: its inline int and float operations, and how many of
    /// them have an expected type for every operand (analysis::types), so
    /// only that type's path is inline.
    pub inline_ops: Option<InlineOps>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct InlineOps {
    pub total: u32,
    pub typed: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModuleReport {
    pub name: String,
    /// Where it was found: "script" (the script's directory), "--path",
    /// "PYTHONPATH", "site-packages" or "stdlib" (embedded); "extension"
    /// for a compiled extension module left out.
    pub origin: &'static str,
    /// The file the program sees (`__file__`); a namespace package's directory.
    pub file: Option<String>,
    /// Where the compiler read it (not for the standard library).
    pub host_path: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub modules: Vec<ModuleReport>,
    /// The data files of the program's packages, as the program sees them,
    /// and their bytes (before compression).
    pub data_files: Vec<String>,
    pub data_bytes: u64,
    pub functions: Vec<FunctionReport>,
    pub functions_total: usize,
    pub functions_native: usize,
    pub output_bytes: usize,
}

impl Report {
    pub fn new(
        graph: &ModuleGraph,
        output_bytes: usize,
        outcomes: &Outcomes,
        entries: &Entries,
        ops: &HashMap<(String, usize), InlineOps>,
    ) -> Report {
        let mut modules = Vec::new();
        let mut functions = Vec::new();
        for m in std::iter::once(&graph.main).chain(graph.user.values()) {
            modules.push(ModuleReport {
                name: m.name.clone(),
                origin: m.place.describe(),
                file: Some(m.source.name.clone()),
                host_path: Some(m.source.host_path.display().to_string()),
            });
            functions.extend(functions_of(&m.name, &m.source, &m.body, outcomes, entries, ops));
        }
        for (name, ns) in &graph.namespaces {
            let host = ns.portions.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
            modules.push(ModuleReport {
                name: name.clone(),
                origin: ns.place.describe(),
                file: Some(ns.path.clone()),
                host_path: Some(host),
            });
        }
        for (name, ext) in &graph.extensions {
            modules.push(ModuleReport {
                name: name.clone(),
                origin: "extension",
                file: None,
                host_path: Some(ext.file.display().to_string()),
            });
        }
        modules.extend(graph.stdlib.iter().map(|n| ModuleReport {
            name: n.clone(),
            origin: "stdlib",
            file: None,
            host_path: None,
        }));
        let functions_native = functions.iter().filter(|f| f.compiled == "native").count();
        let data_files = graph.data_files.iter().map(|f| f.path.clone()).collect();
        let data_bytes =
            graph.data_files.iter().filter_map(|f| std::fs::metadata(&f.host_path).ok()).map(|m| m.len()).sum();
        Report {
            modules,
            data_files,
            data_bytes,
            functions_total: functions.len(),
            functions_native,
            functions,
            output_bytes,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let user: Vec<_> = self.modules.iter().filter(|m| !matches!(m.origin, "stdlib" | "extension")).collect();
        let stdlib: Vec<_> = self.modules.iter().filter(|m| m.origin == "stdlib").map(|m| m.name.as_str()).collect();
        let _ = writeln!(out, "modules: {} of the program, {} from the standard library", user.len(), stdlib.len());
        for m in &user {
            // (the host path only where it is not the program's own name for it)
            let file = m.file.as_deref().unwrap_or("");
            let host = m.host_path.as_deref().filter(|h| !h.ends_with(file) || file.is_empty());
            let from = host.map(|h| format!(" <- {h}")).unwrap_or_default();
            let _ = writeln!(out, "  {:<30} {:<14} {file}{from}", m.name, m.origin);
        }
        for m in self.modules.iter().filter(|m| m.origin == "extension") {
            let _ = writeln!(
                out,
                "  {:<30} left out: a compiled extension ({})",
                m.name,
                m.host_path.as_deref().unwrap_or("")
            );
        }
        let _ = writeln!(out, "  stdlib: {}", stdlib.join(" "));
        if !self.data_files.is_empty() {
            let _ = writeln!(
                out,
                "data files: {} (packages' data, the program's, --include-data), {} bytes (compressed in the output)",
                self.data_files.len(),
                self.data_bytes
            );
        }
        let _ = writeln!(
            out,
            "functions: {} total, {} native, {} bytecode",
            self.functions_total,
            self.functions_native,
            self.functions_total - self.functions_native
        );
        for f in &self.functions {
            let how = match (&f.fallback_reason, &f.unboxed_entry) {
                (Some(reason), _) => format!("{} ({reason})", f.compiled),
                (None, Some(params)) if params.is_empty() => format!("{}, unboxed entry (numbers out)", f.compiled),
                (None, Some(params)) => format!("{}, unboxed entry (numbers in: {})", f.compiled, params.join(", ")),
                (None, None) => f.compiled.to_string(),
            };
            let ops = match f.inline_ops {
                Some(o) => format!(", {} of {} inline number operations typed", o.typed, o.total),
                None => String::new(),
            };
            let _ = writeln!(out, "  {}:{} {}.{} [{:?}]: {how}{ops}", f.file, f.line, f.module, f.qualname, f.kind);
        }
        let _ = writeln!(out, "output: {} bytes", self.output_bytes);
        out
    }
}

fn functions_of(
    module: &str,
    source: &SourceFile,
    body: &ast::Suite,
    outcomes: &Outcomes,
    entries: &Entries,
    ops: &HashMap<(String, usize), InlineOps>,
) -> Vec<FunctionReport> {
    let future_annotations = crate::scope::future_annotations(body);
    let mut finder = FunctionFinder {
        module,
        source,
        outcomes,
        entries,
        ops,
        scope: Vec::new(),
        found: Vec::new(),
        future_annotations,
    };
    for stmt in body.iter().cloned() {
        finder.visit_stmt(stmt);
    }
    finder.found
}

struct FunctionFinder<'a> {
    module: &'a str,
    source: &'a SourceFile,
    outcomes: &'a Outcomes,
    entries: &'a Entries,
    ops: &'a HashMap<(String, usize), InlineOps>,
    /// Enclosing qualname parts; functions add `<locals>` as CPython does.
    scope: Vec<String>,
    found: Vec<FunctionReport>,
    /// `from __future__ import annotations`: annotations are strings, so a
    /// lambda or comprehension in one is never made.
    future_annotations: bool,
}

impl FunctionFinder<'_> {
    fn enter(&mut self, name: &str, kind: FunctionKind, offset: usize) {
        let qualname = self.scope.iter().map(String::as_str).chain(std::iter::once(name)).collect::<Vec<_>>().join(".");
        let line = self.source.location(offset).line;
        // CPython adds `<locals>` under functions and lambdas, not under
        // classes or comprehensions.
        let is_function = matches!(kind, FunctionKind::Def | FunctionKind::Lambda);
        let reason = match self.outcomes.get(&(self.module.to_string(), offset)) {
            Some(outcome) => outcome.clone(),
            None => Some("not analysed".to_string()),
        };
        self.found.push(FunctionReport {
            module: self.module.to_string(),
            qualname,
            kind,
            file: self.source.name.clone(),
            line,
            compiled: if reason.is_none() { "native" } else { "bytecode" },
            unboxed_entry: reason
                .is_none()
                .then(|| self.entries.get(&(self.module.to_string(), offset)).cloned())
                .flatten(),
            inline_ops: self.ops.get(&(self.module.to_string(), offset)).copied().filter(|o| o.total > 0),
            fallback_reason: reason,
        });
        self.scope.push(name.to_string());
        if is_function {
            self.scope.push("<locals>".to_string());
        }
    }

    fn leave(&mut self, kind: FunctionKind) {
        if matches!(kind, FunctionKind::Def | FunctionKind::Lambda) {
            self.scope.pop();
        }
        self.scope.pop();
    }
}

impl Visitor for FunctionFinder<'_> {
    // rustpython's visitor does not descend into these by default.
    fn visit_arguments(&mut self, node: ast::Arguments) {
        if !self.future_annotations {
            return crate::lower::descend_arguments(self, node);
        }
        for a in node.posonlyargs.into_iter().chain(node.args).chain(node.kwonlyargs) {
            if let Some(d) = a.default {
                self.visit_expr(*d);
            }
        }
    }
    fn visit_stmt_ann_assign(&mut self, node: ast::StmtAnnAssign) {
        self.visit_expr(*node.target);
        if !self.future_annotations {
            self.visit_expr(*node.annotation);
        }
        if let Some(v) = node.value {
            self.visit_expr(*v);
        }
    }
    crate::lower::descend_left_out!();
    fn visit_comprehension(&mut self, node: ast::Comprehension) {
        crate::lower::descend_comprehension(self, node);
    }

    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        let offset = node.range().start().to_usize();
        self.function(node.name.as_str(), offset, node.decorator_list, *node.args, node.returns, node.body);
    }

    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        let offset = node.range().start().to_usize();
        self.function(node.name.as_str(), offset, node.decorator_list, *node.args, node.returns, node.body);
    }

    fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
        for e in node.decorator_list.iter().cloned().chain(node.bases.iter().cloned()) {
            self.visit_expr(e);
        }
        self.enter(node.name.as_str(), FunctionKind::Class, node.range().start().to_usize());
        for s in node.body {
            self.visit_stmt(s);
        }
        self.leave(FunctionKind::Class);
    }

    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        self.visit_arguments(*node.args.clone());
        self.enter("<lambda>", FunctionKind::Lambda, node.range().start().to_usize());
        self.visit_expr(*node.body);
        self.leave(FunctionKind::Lambda);
    }

    fn visit_expr_list_comp(&mut self, node: ast::ExprListComp) {
        self.comprehension("<listcomp>", node.range().start().to_usize(), vec![*node.elt], node.generators);
    }
    fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
        self.comprehension("<setcomp>", node.range().start().to_usize(), vec![*node.elt], node.generators);
    }
    fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
        self.comprehension(
            "<dictcomp>",
            node.range().start().to_usize(),
            vec![*node.key, *node.value],
            node.generators,
        );
    }
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        self.comprehension("<genexpr>", node.range().start().to_usize(), vec![*node.elt], node.generators);
    }
}

impl FunctionFinder<'_> {
    /// A def or async def: decorators and defaults run in the enclosing scope.
    fn function(
        &mut self,
        name: &str,
        offset: usize,
        decorators: Vec<ast::Expr>,
        args: ast::Arguments,
        returns: Option<Box<ast::Expr>>,
        body: ast::Suite,
    ) {
        for e in decorators {
            self.visit_expr(e);
        }
        self.visit_arguments(args);
        if let (Some(r), false) = (returns, self.future_annotations) {
            self.visit_expr(*r);
        }
        self.enter(name, FunctionKind::Def, offset);
        for s in body {
            self.visit_stmt(s);
        }
        self.leave(FunctionKind::Def);
    }

    /// The first iterable is evaluated outside the comprehension's scope.
    fn comprehension(&mut self, name: &str, offset: usize, elts: Vec<ast::Expr>, generators: Vec<ast::Comprehension>) {
        let mut generators = generators.into_iter();
        let first = generators.next();
        if let Some(first) = &first {
            self.visit_expr(first.iter.clone());
        }
        self.enter(name, FunctionKind::Comprehension, offset);
        if let Some(first) = first {
            self.visit_expr(first.target);
            for cond in first.ifs {
                self.visit_expr(cond);
            }
        }
        for g in generators {
            self.visit_comprehension(g);
        }
        for e in elts {
            self.visit_expr(e);
        }
        self.leave(FunctionKind::Comprehension);
    }
}
