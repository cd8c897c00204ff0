//! Lowering of loops and of generators' suspension points: loop heads (with a
//! generator's dispatch blocks), `yield`, `yield from`, iteration.

use super::*;

impl Lowerer<'_, '_> {
    /// Starts a loop: code continues in its head; returns where back edges
    /// and `continue` go (in a generator, the loop's dispatch block).
    pub(super) fn loop_start(&mut self) -> BlockId {
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
    pub(super) fn loop_end(&mut self) {
        if let Some(g) = &mut self.gen {
            g.open.pop();
        }
    }

    /// `yield VALUE` at statement level (no other temps live): suspends,
    /// and on resumption gives what was sent in (an owned temp).
    pub(super) fn yield_value(&mut self, value: Option<&ast::Expr>, e: &ast::Expr) -> R<Temp> {
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
    pub(super) fn suspend(&mut self, v: Temp, delegate: Option<LocalId>) {
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
    pub(super) fn yield_from(&mut self, iterable: &ast::Expr, e: &ast::Expr) -> R<Temp> {
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
    pub(super) fn fill_dispatch(&mut self) {
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
    pub(super) fn iterator_of(&mut self, iterable: &ast::Expr) -> R<(LocalId, bool)> {
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
    pub(super) fn loop_head(
        &mut self,
        it_local: LocalId,
        range: bool,
        target: &ast::Expr,
        exhausted: BlockId,
    ) -> R<BlockId> {
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
}
