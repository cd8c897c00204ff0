//! Definite assignment: which reads of a local variable cannot find it
//! unbound, so codegen leaves out their UnboundLocalError check.
//!
//! A forward dataflow over the CFG: a local is bound at a point when every
//! path from the entry assigns it (a parameter, `StoreLocal`, or an
//! earlier checked read) with no `del` (`DeleteLocal`) or `TakeLocal`
//! after. An exception edge leaves from anywhere in its block, so a
//! handler gets the block's entry state less what the block unbinds.
//! Generators are left alone (they re-enter at their yields).

use crate::ir::{self, Op, Term};

/// A set of locals, one bit each.
type Set = Vec<u64>;

fn has(s: &Set, l: u32) -> bool {
    s[(l / 64) as usize] & (1 << (l % 64)) != 0
}

fn put(s: &mut Set, l: u32, on: bool) {
    let (word, bit) = ((l / 64) as usize, 1u64 << (l % 64));
    if on {
        s[word] |= bit;
    } else {
        s[word] &= !bit;
    }
}

/// Meets IN into OUT (intersection); returns whether OUT changed.
fn meet(out: &mut Set, incoming: &Set) -> bool {
    let mut changed = false;
    for (o, i) in out.iter_mut().zip(incoming) {
        let v = *o & i;
        changed |= v != *o;
        *o = v;
    }
    changed
}

/// The local OP unbinds (`del`, `TakeLocal`).
fn unbinds(op: &Op) -> Option<u32> {
    match op {
        Op::DeleteLocal(l) | Op::TakeLocal(l) => Some(*l),
        _ => None,
    }
}

/// The local OP binds: a store, or a read (which raised if it was unbound).
fn binds(op: &Op) -> Option<u32> {
    match op {
        Op::StoreLocal(l, _) | Op::LoadLocal(l) => Some(*l),
        _ => None,
    }
}

/// Per block, per instruction: whether it reads a local that is bound
/// there for certain (a `LoadLocal` whose check can go).
pub fn known_bound_reads(f: &ir::Function) -> Vec<Vec<bool>> {
    let none: Vec<Vec<bool>> = f.blocks.iter().map(|b| vec![false; b.insts.len()]).collect();
    if f.generator || f.blocks.is_empty() {
        return none;
    }
    let words = f.locals.len().div_ceil(64).max(1);
    let all: Set = vec![u64::MAX; words];
    // The entry state of each block; unreached blocks keep "all".
    let mut entry: Vec<Set> = vec![all.clone(); f.blocks.len()];
    let mut start: Set = vec![0; words];
    for p in 0..f.nparams {
        put(&mut start, p, true);
    }
    entry[0] = start;
    let mut reached = vec![false; f.blocks.len()];
    reached[0] = true;
    let mut work = vec![0usize];
    while let Some(b) = work.pop() {
        let block = &f.blocks[b];
        let mut s = entry[b].clone();
        let mut unbound_here = entry[b].clone();
        for inst in &block.insts {
            if let Some(l) = binds(&inst.op) {
                put(&mut s, l, true);
            }
            if let Some(l) = unbinds(&inst.op) {
                put(&mut s, l, false);
                put(&mut unbound_here, l, false);
            }
        }
        let mut edges: Vec<(usize, &Set)> = Vec::new();
        if let Some(h) = block.handler {
            edges.push((h, &unbound_here));
        }
        if !matches!(block.term, Term::Return(_)) {
            for t in block.term.successors() {
                edges.push((t, &s));
            }
        }
        for (t, state) in edges {
            if t >= f.blocks.len() {
                continue;
            }
            let changed = if reached[t] { meet(&mut entry[t], state) } else { true };
            if !reached[t] {
                reached[t] = true;
                entry[t] = state.clone();
            }
            if changed && !work.contains(&t) {
                work.push(t);
            }
        }
    }
    let mut out = none;
    for (b, block) in f.blocks.iter().enumerate() {
        let mut s = entry[b].clone();
        for (i, inst) in block.insts.iter().enumerate() {
            if let Op::LoadLocal(l) = &inst.op {
                out[b][i] = reached[b] && has(&s, *l);
            }
            if let Some(l) = binds(&inst.op) {
                put(&mut s, l, true);
            }
            if let Some(l) = unbinds(&inst.op) {
                put(&mut s, l, false);
            }
        }
    }
    out
}
