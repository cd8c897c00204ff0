//! Where a native function must move its frame's line.
//!
//! CPython's frame always knows its instruction (`prev_instr`), so anything
//! that looks at the running frame from C sees the line being executed:
//! tracemalloc records each allocation's line, a finalizer or a gc callback
//! may read `sys._getframe(1).f_lineno`, a warning issued by C code (a
//! ResourceWarning when `f = None` drops a file) is attributed to it.
//! Native code has no instruction pointer in memory; it stores the frame's
//! `prev_instr` before each call (`Op::is_call_site`) and, marked here,
//! before each other operation that can allocate or run arbitrary code
//! when the frame does not show that operation's line already.
//!
//! The frame's line at a block's entry is known when every predecessor
//! leaves the same one (a forward dataflow); a handler's entry and the
//! blocks of a generator (it re-enters at its yields) start unknown.

use crate::codegen;
use crate::ir::{self, LineSite, Op};

/// Whether OP can allocate or run code that may look at the frame: all
/// but reads of variables and constants, identity tests, and what moves
/// references between temps and the exception state without releasing
/// any.
fn observes_frame(op: &Op) -> bool {
    !matches!(
        op,
        Op::Const(_)
            | Op::LoadLocal(_)
            | Op::LoadCell(_)
            | Op::LoadGlobal(_)
            | Op::Globals
            | Op::CellObject(_)
            | Op::TakeLocal(_)
            | Op::Alias(_)
            | Op::Is(..)
            | Op::Not(_)
            | Op::BoolObj(_)
            | Op::TupleItem(..)
            | Op::ExcFetch
            | Op::ExcPush(_)
            | Op::ExcPop(_)
            | Op::ExcRestore(_, false)
            | Op::MatchSequence(_)
            | Op::MatchMapping(_)
            | Op::GenSent
            | Op::GenSentFrom
            | Op::SendDone
            | Op::SyncLocals(_)
    )
}

/// A line a site can point at (synthetic steps have none).
fn line_of(inst: &ir::Inst) -> Option<u32> {
    let line = inst.pos.line;
    (line != 0 && line != ir::Pos::NO_ENTRY.line).then_some(line)
}

/// The site INST gets when the frame shows line BEFORE (None: unknown),
/// and the line the frame shows after it.
fn step(inst: &ir::Inst, before: Option<u32>) -> (LineSite, Option<u32>) {
    let Some(line) = line_of(inst) else {
        return (LineSite::No, before);
    };
    if inst.op.is_call_site() {
        // Always a site (the call's own instruction).
        (LineSite::No, Some(line))
    } else if !observes_frame(&inst.op) || before == Some(line) {
        (LineSite::No, before)
    } else if codegen::line_on_slow_paths(inst) {
        // Moved only where the instruction leaves its fast path: after
        // it the frame shows either line.
        (LineSite::SlowPaths, None)
    } else {
        (LineSite::Before, Some(line))
    }
}

/// Sets `Inst::line_site` on every instruction before which (or on whose
/// slow paths) the frame must be moved to its line.
pub fn mark_line_sites(f: &mut ir::Function) {
    let n = f.blocks.len();
    if n == 0 {
        return;
    }
    // The frame's line at each block's entry: None unknown; a block not
    // reached yet takes its first predecessor's.
    let mut entry: Vec<Option<u32>> = vec![None; n];
    let mut reached = vec![false; n];
    let mut fixed_unknown = vec![f.generator; n];
    fixed_unknown[0] = true;
    for b in &f.blocks {
        if let Some(u) = b.handler.and_then(|h| fixed_unknown.get_mut(h)) {
            *u = true;
        }
    }
    reached[0] = true;
    let mut work = vec![0usize];
    while let Some(b) = work.pop() {
        let block = &f.blocks[b];
        let out = block.insts.iter().fold(entry[b], |line, inst| step(inst, line).1);
        for s in block.term.successors().into_iter().chain(block.handler) {
            let new = if fixed_unknown[s] || (reached[s] && entry[s] != out) { None } else { out };
            if !reached[s] || new != entry[s] {
                reached[s] = true;
                entry[s] = new;
                work.push(s);
            }
        }
    }
    for (b, block) in f.blocks.iter_mut().enumerate() {
        let mut line = entry[b];
        for inst in &mut block.insts {
            let (site, after) = step(inst, line);
            inst.line_site = site;
            line = after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{BinOp, Block, Function, Inst, Pos, Term, Ty};
    use std::collections::BTreeMap;

    fn at(line: u32, dst: Option<u32>, op: Op) -> Inst {
        Inst { dst, op, pos: Pos { line, col: 0, end_line: line, end_col: 1 }, line_site: LineSite::No }
    }

    fn function(blocks: Vec<Block>, generator: bool) -> Function {
        Function {
            qualname: "f".into(),
            numbers: BTreeMap::new(),
            nparams: 0,
            locals: Vec::new(),
            temps: vec![Ty::Obj; 8],
            blocks,
            max_args: 0,
            generator,
            class_body: false,
            local_names: None,
            kinds: Vec::new(),
        }
    }

    fn sites(f: &Function) -> Vec<Vec<LineSite>> {
        f.blocks.iter().map(|b| b.insts.iter().map(|i| i.line_site).collect()).collect()
    }

    #[test]
    fn one_site_per_line_and_none_on_fast_paths() {
        use LineSite::*;
        // line 2: x = a.b; y = a.c (two attribute reads: one site)
        // line 3: z = x + y (inline arithmetic: on its slow paths only)
        // line 3 again after it: an attribute read needs its own site
        let b0 = Block {
            insts: vec![
                at(2, Some(0), Op::Const(0)),
                at(2, Some(1), Op::GetAttr(0, 1)),
                at(2, Some(2), Op::GetAttr(0, 2)),
                at(3, Some(3), Op::Binary(BinOp::Add, false, 1, 2)),
                at(3, Some(4), Op::GetAttr(3, 1)),
            ],
            term: Term::Jump(1),
            handler: None,
        };
        // Entered from block 0 only: the frame shows line 3 there.
        let b1 = Block { insts: vec![at(3, Some(5), Op::GetAttr(4, 1))], term: Term::Return(5), handler: None };
        let mut f = function(vec![b0, b1], false);
        mark_line_sites(&mut f);
        assert_eq!(sites(&f), vec![vec![No, Before, No, SlowPaths, Before], vec![No]]);
        assert_eq!(f.site_count(), 3);
    }

    #[test]
    fn merges_and_handlers_start_unknown() {
        use LineSite::*;
        let get = |line, dst| at(line, Some(dst), Op::GetAttr(0, 1));
        // Blocks 1 and 2 leave different lines: block 3 does not know.
        let blocks = vec![
            Block { insts: vec![at(1, Some(6), Op::Const(0))], term: Term::Branch(6, 1, 2), handler: None },
            Block { insts: vec![get(4, 1)], term: Term::Jump(3), handler: Some(4) },
            Block { insts: vec![get(5, 2)], term: Term::Jump(3), handler: None },
            Block { insts: vec![get(5, 3)], term: Term::Return(3), handler: None },
            // The handler of block 1, whose line was 4 throughout.
            Block { insts: vec![get(4, 4)], term: Term::Return(4), handler: None },
        ];
        let mut f = function(blocks, false);
        mark_line_sites(&mut f);
        assert_eq!(sites(&f), vec![vec![No], vec![Before], vec![Before], vec![Before], vec![Before]]);
    }

    #[test]
    fn generator_blocks_start_unknown() {
        use LineSite::*;
        // As in a function, block 1 would follow block 0 at line 3; a
        // generator re-enters at its yields, so it cannot rely on that.
        let blocks = vec![
            Block { insts: vec![at(3, Some(1), Op::GetAttr(0, 1))], term: Term::Jump(1), handler: None },
            Block { insts: vec![at(3, Some(2), Op::GetAttr(1, 1))], term: Term::Return(2), handler: None },
        ];
        let mut f = function(blocks.clone(), false);
        mark_line_sites(&mut f);
        assert_eq!(sites(&f), vec![vec![Before], vec![No]]);
        let mut g = function(blocks, true);
        mark_line_sites(&mut g);
        assert_eq!(sites(&g), vec![vec![Before], vec![Before]]);
    }
}
