//! The bodies of a module's functions, by node offset, and the AST visitor
//! helpers the phases share.

use super::*;

/// Inside an `impl Visitor`: visits keyword arguments, with items and match
/// cases, which rustpython's Visitor leaves out (comprehensions and
/// arguments each walker visits its own way, with the helpers below).
macro_rules! descend_left_out {
    () => {
        fn visit_keyword(&mut self, node: rustpython_parser::ast::Keyword) {
            self.visit_expr(node.value);
        }
        fn visit_withitem(&mut self, node: rustpython_parser::ast::WithItem) {
            $crate::lower::descend_withitem(self, node);
        }
        fn visit_match_case(&mut self, node: rustpython_parser::ast::MatchCase) {
            $crate::lower::descend_match_case(self, node);
        }
    };
}
pub(crate) use descend_left_out;

/// The body of every def and lambda of a module, by node offset.
pub enum OwnedBody {
    Def(Vec<ast::Stmt>),
    Class(Vec<ast::Stmt>),
    Lambda(ast::Expr),
    Comprehension(Collect, Vec<ast::Expr>, Vec<ast::Comprehension>, rustpython_parser::text_size::TextRange),
}

impl OwnedBody {
    pub fn as_body(&self) -> Body<'_> {
        match self {
            OwnedBody::Def(s) => Body::Def(s),
            OwnedBody::Class(s) => Body::Class(s),
            OwnedBody::Lambda(e) => Body::Lambda(e),
            OwnedBody::Comprehension(k, e, g, r) => Body::Comprehension(*k, e, g, *r),
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
            let body =
                OwnedBody::Comprehension(Collect::List, vec![(*node.elt).clone()], node.generators.clone(), node.range);
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_list_comp(node);
        }
        fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
            let body =
                OwnedBody::Comprehension(Collect::Set, vec![(*node.elt).clone()], node.generators.clone(), node.range);
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_set_comp(node);
        }
        fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
            let body = OwnedBody::Comprehension(
                Collect::Generator,
                vec![(*node.elt).clone()],
                node.generators.clone(),
                node.range,
            );
            self.0.insert(node.range.start().to_usize(), body);
            self.generic_visit_expr_generator_exp(node);
        }
        fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
            let elts = vec![(*node.key).clone(), (*node.value).clone()];
            let body = OwnedBody::Comprehension(Collect::Dict, elts, node.generators.clone(), node.range);
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
        descend_left_out!();
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

/// Where a generator's body can suspend: the start offsets of its `yield`,
/// `yield from` and `await` expressions, sorted (those of nested scopes
/// too: a conservative answer, it only makes lowering keep more values in
/// hidden locals).
pub fn suspend_points(body: &Body) -> Vec<usize> {
    use rustpython_parser::ast::Visitor;
    struct Finder(Vec<usize>);
    impl Visitor for Finder {
        fn visit_expr_yield(&mut self, node: ast::ExprYield) {
            self.0.push(node.range.start().to_usize());
            self.generic_visit_expr_yield(node);
        }
        fn visit_expr_yield_from(&mut self, node: ast::ExprYieldFrom) {
            self.0.push(node.range.start().to_usize());
            self.generic_visit_expr_yield_from(node);
        }
        fn visit_expr_await(&mut self, node: ast::ExprAwait) {
            self.0.push(node.range.start().to_usize());
            self.generic_visit_expr_await(node);
        }
        fn visit_comprehension(&mut self, node: ast::Comprehension) {
            // An async comprehension awaits at each step.
            if node.is_async {
                self.0.push(rustpython_parser::ast::Ranged::start(&node.iter).to_usize());
            }
            descend_comprehension(self, node);
        }
        fn visit_arguments(&mut self, node: ast::Arguments) {
            descend_arguments(self, node);
        }
        descend_left_out!();
    }
    let mut f = Finder(Vec::new());
    match body {
        Body::Def(stmts) | Body::Class(stmts) => stmts.iter().cloned().for_each(|s| f.visit_stmt(s)),
        Body::Lambda(e) => f.visit_expr((*e).clone()),
        Body::Comprehension(_, elts, generators, _) => {
            elts.iter().cloned().for_each(|e| f.visit_expr(e));
            generators.iter().cloned().for_each(|g| f.visit_comprehension(g));
        }
    }
    f.0.sort_unstable();
    f.0
}
