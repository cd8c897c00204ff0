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
//! call sites pass, a direct call gives what its callee returns, and a
//! module's global what the module stores in it. The rounds repeat until
//! nothing grows. Cells, attributes, items, other calls and every
//! variable of a generator or class body (whose control flow resumes
//! where the graph has no edge) are unknown (`Kinds::ANY`).

use std::collections::{HashMap, HashSet};

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
        let calls = [
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
        let builtin_calls = calls.iter().filter_map(|(name, k)| Some((find(name)?, *k))).collect();
        Program { consts, builtin_calls }
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
}

/// Fills every unit's `kinds`, with hints from the whole program.
pub fn infer_program(program: &Program, units: &mut [Unit]) {
    let mut params: HashMap<u32, Vec<Kinds>> = HashMap::new();
    let mut returns: HashMap<u32, Kinds> = HashMap::new();
    let mut globals: HashMap<usize, HashMap<ConstId, Kinds>> = HashMap::new();
    let codes: HashMap<u32, usize> = units.iter().enumerate().filter_map(|(i, u)| Some((u.code?, i))).collect();
    // Enough rounds for what a program's hints need in practice; the
    // kinds only grow, and the last round's are used whatever they are.
    for _ in 0..6 {
        let mut args: HashMap<u32, Vec<Kinds>> = HashMap::new();
        let mut new_returns: HashMap<u32, Kinds> = HashMap::new();
        let mut stores: HashMap<usize, HashMap<ConstId, Kinds>> = HashMap::new();
        let mut escaped: HashSet<(usize, ConstId)> = HashSet::new();
        let mut called: Vec<(usize, ConstId, u32)> = Vec::new();
        let empty = HashMap::new();
        for u in units.iter_mut() {
            let hints = Hints {
                program,
                params: u.code.and_then(|c| params.get(&c)).map(Vec::as_slice),
                returns: &returns,
                globals: globals.get(&u.module).unwrap_or(&empty),
            };
            let seen = infer(u.f, &hints);
            for (c, a) in seen.args {
                let e = args.entry(c).or_insert_with(|| vec![Kinds::EMPTY; a.len()]);
                for (x, y) in e.iter_mut().zip(a) {
                    *x = x.union(y);
                }
            }
            if let Some(c) = u.code {
                new_returns.insert(c, seen.returns);
            }
            let m = stores.entry(u.module).or_default();
            for (g, k) in seen.stores {
                let e = m.entry(g).or_insert(Kinds::EMPTY);
                *e = e.union(k);
            }
            escaped.extend(seen.escaped.into_iter().map(|g| (u.module, g)));
            called.extend(seen.called.into_iter().map(|(g, c)| (u.module, g, c)));
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
        let stable = new_params == params && new_returns == returns && stores == globals;
        params = new_params;
        returns = new_returns;
        globals = stores;
        if stable {
            break;
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
    let one = |k: Kinds| k.only(Kinds::INT) || k.only(Kinds::FLOAT);
    let mut total = 0;
    let mut typed = 0;
    for inst in f.blocks.iter().flat_map(|b| &b.insts).filter(|i| crate::codegen::is_inline(&i.op)) {
        total += 1;
        if inst.op.operands().iter().all(|&t| one(f.kind(t))) {
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
    if f.generator || f.class_body {
        f.kinds = vec![Kinds::ANY; ntemps];
        seen.returns = Kinds::ANY;
        observe(f, &mut seen);
        return seen;
    }
    let nlocals = f.locals.len();
    let mut globals_loaded = vec![None; ntemps];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let (Op::LoadGlobal(g), Some(d)) = (&inst.op, inst.dst) {
            globals_loaded[d as usize] = Some(*g);
        }
    }
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
    observe(f, &mut seen);
    seen
}

/// What F's instructions show of the program: direct calls' arguments,
/// globals stored, globals loaded.
fn observe(f: &Function, seen: &mut Seen) {
    let mut global_of: HashMap<Temp, ConstId> = HashMap::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        match (&inst.op, inst.dst) {
            (Op::LoadGlobal(g), Some(d)) => {
                global_of.insert(d, *g);
            }
            (Op::StoreGlobal(g, t), _) => {
                let e = seen.stores.entry(*g).or_insert(Kinds::EMPTY);
                *e = e.union(f.kind(*t));
            }
            (Op::DeleteGlobal(g), _) => {
                seen.stores.insert(*g, Kinds::ANY);
            }
            _ => {}
        }
    }
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        match &inst.op {
            Op::Call { func, args, kwnames: None, nkw: 0, callee: Some(Callee::Compiled(c)) } => {
                if let Some(&g) = global_of.get(func) {
                    seen.called.insert(g, *c);
                }
                let e = seen.args.entry(*c).or_insert_with(|| vec![Kinds::EMPTY; args.len()]);
                if e.len() == args.len() {
                    for (x, a) in e.iter_mut().zip(args) {
                        *x = x.union(f.kind(*a));
                    }
                } else {
                    *e = vec![Kinds::ANY; e.len().max(args.len())];
                }
                for a in args {
                    if let Some(&g) = global_of.get(a) {
                        seen.escaped.insert(g);
                    }
                }
            }
            Op::Release(_) => {}
            op => {
                for t in op.operands() {
                    if let Some(&g) = global_of.get(&t) {
                        seen.escaped.insert(g);
                    }
                }
            }
        }
    }
    for b in &f.blocks {
        if let Some(t) = b.term.operands() {
            if let Some(&g) = global_of.get(&t) {
                seen.escaped.insert(g);
            }
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
