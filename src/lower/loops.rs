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

    /// `yield VALUE`: suspends, and on resumption gives what was sent in
    /// (an owned temp). Whatever encloses it keeps its values in hidden
    /// locals meanwhile (`keep`).
    pub(super) fn yield_value(&mut self, value: Option<&ast::Expr>, e: &ast::Expr) -> R<Temp> {
        if self.gen.is_none() {
            return unsupported("yield outside a generator");
        }
        let v = match value {
            Some(v) => self.expr(v)?,
            None => self.constant(&Const::None),
        };
        let mut v = self.owned(v);
        self.set_pos(e);
        if self.scope().is_coroutine {
            // An async generator's value, told apart from what an await
            // inside it yields.
            let w = self.obj(Op::AsyncGenWrap(v));
            self.release(v);
            v = w;
        }
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

    /// `yield from ITERABLE` (and `await`): CPython's SEND loop, the
    /// delegate and the value to send on in hidden locals. Gives the
    /// delegate's return value (an owned temp).
    pub(super) fn yield_from(&mut self, iterable: &ast::Expr, e: &ast::Expr) -> R<Temp> {
        if self.gen.is_none() {
            return unsupported("yield from outside a generator");
        }
        let it = self.expr(iterable)?;
        self.set_pos(e);
        // `await x` is the same loop over x's awaitable iterator.
        if matches!(e, ast::Expr::Await(_)) {
            return self.await_temp(it, self.pos, 0);
        }
        let sub = self.obj(Op::YieldFromIter(it));
        self.release(it);
        Ok(self.delegate(sub, self.pos))
    }

    /// `await` of V (a temp it releases) at POS; OPARG as GET_AWAITABLE's
    /// (2: what __aexit__ returned).
    pub(super) fn await_temp(&mut self, v: Temp, pos: Pos, oparg: u8) -> R<Temp> {
        if self.gen.is_none() {
            return unsupported("await outside a coroutine");
        }
        self.pos = pos;
        let sub = self.obj(Op::Awaitable(v, oparg));
        self.release(v);
        Ok(self.delegate(sub, pos))
    }

    /// `async for TARGET in ITER` (S: the statement), as CPython's
    /// compiler_async_for: GET_AITER once, then each step awaits the
    /// iterator's __anext__(), a StopAsyncIteration ending the loop.
    pub(super) fn async_for(&mut self, s: &ast::Stmt, f: &ast::StmtAsyncFor) -> R<()> {
        if self.gen.is_none() {
            return unsupported("async for outside a coroutine");
        }
        self.set_pos(s);
        let at = self.pos;
        let it_local = self.async_iterator_of(&f.iter, at)?;
        let els = self.new_block();
        let head = self.async_loop_head(it_local, &f.target, els, at)?;
        self.for_body(it_local, head, els, &f.body, &f.orelse)
    }

    /// The rest of a `for` or `async for` whose head (HEAD) is made: the
    /// body, back to the head, then (the iterator exhausted, at ELS) the
    /// else part; the iterator in IT_LOCAL is dropped after the loop.
    pub(super) fn for_body(
        &mut self,
        it_local: LocalId,
        head: BlockId,
        els: BlockId,
        body: &[ast::Stmt],
        orelse: &[ast::Stmt],
    ) -> R<()> {
        let after = self.new_block();
        self.loops.push(Loop { continue_to: head, break_to: after, unwind_depth: self.unwinds.len() });
        self.stmts(body)?;
        self.loops.pop();
        self.jump(head);
        self.loop_end();
        self.switch_to(els);
        self.stmts(orelse)?;
        self.jump(after);
        self.switch_to(after);
        self.clear_hidden(it_local);
        Ok(())
    }

    /// The asynchronous iterator (GET_AITER) of ITERABLE, in a hidden
    /// local; AT: GET_AITER's position (as `iterator_of`).
    pub(super) fn async_iterator_of(&mut self, iterable: &ast::Expr, at: Pos) -> R<LocalId> {
        let v = self.expr(iterable)?;
        self.pos = at;
        let it = self.obj(Op::GetAIter(v));
        self.release(v);
        let local = self.hidden();
        self.effect(Op::StoreLocal(local, it));
        Ok(local)
    }

    /// The head of an `async for` loop over the asynchronous iterator in
    /// IT_LOCAL: awaits the next item (at AT) into TARGET, the
    /// body continuing in the current block; StopAsyncIteration from that
    /// step goes to EXHAUSTED (END_ASYNC_FOR), any other exception on.
    /// Returns the `continue` target.
    pub(super) fn async_loop_head(
        &mut self,
        it_local: LocalId,
        target: &ast::Expr,
        exhausted: BlockId,
        at: Pos,
    ) -> R<BlockId> {
        let back = self.loop_start();
        let outer = self.handler;
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        let it = self.emit(Some(Ty::Borrowed), Op::LoadLocal(it_local));
        self.pos = at;
        let next = self.obj(Op::GetANext(it));
        let item = self.delegate(next, self.pos);
        self.enter_handler(outer);
        self.assign(target, item)?;
        self.release(item);
        // The step failed: StopAsyncIteration ends the loop; anything else
        // goes on without a second traceback entry.
        let (here, dead) = (self.cur, self.dead);
        self.switch_to(landing);
        self.pos = Pos::NO_ENTRY;
        self.effect(Op::EndAsyncFor);
        self.jump(exhausted);
        self.cur = here;
        self.dead = dead;
        Ok(back)
    }

    /// The SEND loop of `yield from` and `await` over SUB (the iterator
    /// delegated to, an owned temp it consumes), at E's position; gives the
    /// delegate's return value (an owned temp).
    pub(super) fn delegate(&mut self, sub: Temp, pos: Pos) -> Temp {
        let (sub_l, send_l, result_l) = (self.hidden(), self.hidden(), self.hidden());
        self.effect(Op::StoreLocal(sub_l, sub));
        let none = self.constant(&Const::None);
        self.effect(Op::StoreLocal(send_l, none));
        let (yielding, finished, resumed_on, resumed_done, after) =
            (self.new_block(), self.new_block(), self.new_block(), self.new_block(), self.new_block());
        let back = self.loop_start();
        self.pos = pos;
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
        self.obj(Op::TakeLocal(result_l))
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
    /// AT: GET_ITER's position (CPython gives it the whole `for` statement
    /// or comprehension).
    pub(super) fn iterator_of(&mut self, iterable: &ast::Expr, at: Pos) -> R<(LocalId, bool)> {
        let local = self.hidden();
        // A generator keeps its locals in memory between resumptions, not
        // the wasm locals that inline counting uses.
        if let (Some((func, args)), None) = (range_call(iterable), &self.gen) {
            let mut operands = vec![self.expr(func)?];
            for a in args {
                operands.push(self.expr(a)?);
            }
            self.pos = at;
            self.effect(Op::RangeIter(local, operands.clone()));
            self.release_all(&operands);
            return Ok((local, true));
        }
        let v = self.expr(iterable)?;
        self.pos = at;
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

    /// Whether evaluating E can suspend the generator (a yield, yield from
    /// or await in it): a value computed before it must then wait in a
    /// hidden local, since a suspension keeps no temps.
    pub(super) fn can_suspend(&self, e: &ast::Expr) -> bool {
        let (start, end) = (e.range().start().to_usize(), e.range().end().to_usize());
        let i = self.suspends.partition_point(|&o| o < start);
        self.suspends.get(i).is_some_and(|&o| o < end)
    }

    /// Whether any of ES can suspend the generator.
    pub(super) fn any_can_suspend<'e>(&self, es: impl IntoIterator<Item = &'e ast::Expr>) -> bool {
        es.into_iter().any(|e| self.can_suspend(e))
    }

    /// Keeps V (an Obj or Borrowed temp, which the caller releases as
    /// usual after `restore`) while later operands are evaluated: in a
    /// hidden local (owning a reference) when one of them can suspend.
    pub(super) fn keep(&mut self, v: Temp, spill: bool) -> Kept {
        if !spill {
            return Kept::Temp(v);
        }
        let local = self.hidden();
        // StoreLocal consumes an Obj temp and increfs a Borrowed one.
        self.effect(Op::StoreLocal(local, v));
        Kept::Local(local)
    }

    /// The value `keep` kept, as a temp again (Obj when it waited in a
    /// local).
    pub(super) fn restore(&mut self, k: Kept) -> Temp {
        match k {
            Kept::Temp(v) => v,
            Kept::Local(local) => self.obj(Op::TakeLocal(local)),
        }
    }

    pub(super) fn restore_all(&mut self, ks: Vec<Kept>) -> Vec<Temp> {
        ks.into_iter().map(|k| self.restore(k)).collect()
    }

    /// The invariant that makes suspension safe: no temp is live where a
    /// generator resumes (its wasm locals are gone by then). Values that
    /// must survive a suspension go through hidden locals (`keep`); a
    /// construct that holds one otherwise runs as bytecode instead.
    pub(super) fn check_nothing_held_across_suspensions(&self) -> R<()> {
        let n = self.f.blocks.len();
        let mut succs: Vec<Vec<BlockId>> = Vec::with_capacity(n);
        let mut uses: Vec<Vec<Temp>> = Vec::with_capacity(n);
        let mut defs: Vec<std::collections::HashSet<Temp>> = Vec::with_capacity(n);
        for b in &self.f.blocks {
            let mut s = b.term.successors();
            s.extend(b.handler);
            succs.push(s);
            let mut d = std::collections::HashSet::new();
            let mut u = Vec::new();
            for inst in &b.insts {
                for t in inst.op.operands() {
                    if !d.contains(&t) {
                        u.push(t);
                    }
                }
                d.extend(inst.dst);
            }
            if let Some(t) = b.term.operands().filter(|t| !d.contains(t)) {
                u.push(t);
            }
            uses.push(u);
            defs.push(d);
        }
        let mut live: Vec<std::collections::HashSet<Temp>> = vec![Default::default(); n];
        let mut changed = true;
        while changed {
            changed = false;
            for b in (0..n).rev() {
                let mut l: std::collections::HashSet<Temp> = uses[b].iter().copied().collect();
                for &s in &succs[b] {
                    l.extend(live[s].iter().filter(|t| !defs[b].contains(t)));
                }
                if l.len() != live[b].len() {
                    live[b] = l;
                    changed = true;
                }
            }
        }
        if live[0].is_empty() {
            Ok(())
        } else {
            unsupported("a value held across a suspension")
        }
    }
}

/// A value `keep` kept: still its temp, or waiting in a hidden local.
pub(super) enum Kept {
    Temp(Temp),
    Local(LocalId),
}
