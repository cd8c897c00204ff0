//! Lowering of exits and handlers: jumps that leave `try`/`with` bodies (the
//! unwind stack), `try`/`except`/`finally` and `with`.

use super::*;

impl Lowerer<'_, '_> {
    pub(super) fn jump(&mut self, target: BlockId) {
        if !self.terminated() {
            self.f.blocks[self.cur].term = Term::Jump(target);
        }
    }

    /// Drops what a hidden local holds (a finished loop's iterator).
    pub(super) fn clear_hidden(&mut self, local: LocalId) {
        let v = self.obj(Op::TakeLocal(local));
        self.effect(Op::Release(v));
    }

    /// Performs the unwind actions above DEPTH, innermost first, for a
    /// return, break or continue (the current block continues after them,
    /// unless a finally body ended it).
    pub(super) fn unwind_to(&mut self, depth: usize) -> R<()> {
        let saved = self.unwinds.clone();
        let handler = self.handler;
        for i in (depth..saved.len()).rev() {
            if self.terminated() {
                break;
            }
            // What runs here is outside the block being left.
            self.unwinds.truncate(i);
            match &saved[i] {
                Unwind::Except(prev, exc) => {
                    let p = self.obj(Op::TakeLocal(*prev));
                    self.effect(Op::ExcPop(p));
                    self.clear_hidden(*exc);
                }
                Unwind::Finally(body, outer) => {
                    self.enter_handler(*outer);
                    self.stmts(body)?;
                }
                Unwind::With(exit, outer, pos) => {
                    self.enter_handler(*outer);
                    self.pos = *pos;
                    self.exit_without_exception(*exit);
                }
            }
        }
        self.unwinds = saved;
        self.handler = handler;
        Ok(())
    }

    /// Continues in a new block whose exceptions go to HANDLER.
    pub(super) fn enter_handler(&mut self, handler: Option<BlockId>) {
        if self.handler != handler && !self.terminated() {
            self.handler = handler;
            let b = self.new_block();
            self.jump(b);
            self.switch_to(b);
        }
        self.handler = handler;
    }

    /// The landing of an exception that a finally body or __exit__ sees:
    /// the exception, taken and made the handled one (sys.exc_info()), in
    /// hidden locals (exception, previous state).
    pub(super) fn catch_into_hidden(&mut self) -> (LocalId, LocalId) {
        let exc_local = self.hidden();
        let prev_local = self.hidden();
        let exc = self.obj(Op::ExcFetch);
        let prev = self.emit(Some(Ty::Obj), Op::ExcPush(exc));
        self.effect(Op::StoreLocal(exc_local, exc));
        self.effect(Op::StoreLocal(prev_local, prev));
        (exc_local, prev_local)
    }

    /// The exception landing of a finally or with: continues there with the
    /// exception caught (see catch_into_hidden), exceptions meanwhile
    /// restoring the state first (cleanup_block).
    pub(super) fn enter_landing(&mut self, landing: BlockId, outer: Option<BlockId>) -> (LocalId, LocalId) {
        self.switch_to(landing);
        self.handler = outer;
        let (exc_local, prev_local) = self.catch_into_hidden();
        let cleanup = self.cleanup_block(exc_local, prev_local, outer);
        self.enter_handler(Some(cleanup));
        (exc_local, prev_local)
    }

    /// `__exit__(None, None, None)` of the with whose __exit__ is in EXIT.
    pub(super) fn exit_without_exception(&mut self, exit: LocalId) {
        let f = self.obj(Op::TakeLocal(exit));
        let none = self.constant(&Const::None);
        let r = self.obj(Op::Call { func: f, args: vec![none, none, none], kwnames: None, nkw: 0, callee: None });
        self.f.max_args = self.f.max_args.max(4);
        self.release(r);
        self.release(f);
    }

    /// Restores the exception state and raises the caught exception again
    /// (no new traceback entry), or (SUPPRESS) drops it.
    pub(super) fn end_catch(&mut self, exc_local: LocalId, prev_local: LocalId, reraise: bool) {
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        if reraise {
            let e = self.obj(Op::TakeLocal(exc_local));
            self.effect(Op::ExcRestore(e));
            self.terminate(Term::Propagate);
        } else {
            self.clear_hidden(exc_local);
        }
    }

    /// A block whose exceptions first run CLEANUP's actions (the caught
    /// exception's state restored), then propagate to the outer handler.
    pub(super) fn cleanup_block(&mut self, exc_local: LocalId, prev_local: LocalId, outer: Option<BlockId>) -> BlockId {
        let here = self.cur;
        let dead = self.dead;
        self.handler = outer;
        let cleanup = self.new_block();
        self.switch_to(cleanup);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        self.clear_hidden(exc_local);
        self.terminate(Term::Propagate);
        self.cur = here;
        self.dead = dead;
        cleanup
    }

    /// try/finally (an except part becomes an inner try/except): the
    /// finally body runs on every way out, as CPython's compiler copies it
    /// onto each: falling through, an exception (re-raised after it, the
    /// exception being the handled one meanwhile), return, break, continue.
    pub(super) fn try_finally(&mut self, t: &ast::StmtTry) -> R<()> {
        let outer = self.handler;
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::Finally(std::rc::Rc::new(t.finalbody.clone()), outer));
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
        } else {
            let inner = ast::StmtTry { finalbody: Vec::new(), ..t.clone() };
            self.try_except(&inner)?;
        }
        self.unwinds.pop();
        // Falling through: the finally body, outside the try.
        self.enter_handler(outer);
        self.stmts(&t.finalbody)?;
        let after = self.new_block();
        self.jump(after);
        // An exception: the finally body with the exception handled, then
        // raised again.
        let (exc_local, prev_local) = self.enter_landing(landing, outer);
        self.unwinds.push(Unwind::Except(prev_local, exc_local));
        self.stmts(&t.finalbody)?;
        self.unwinds.pop();
        if !self.terminated() {
            self.enter_handler(outer);
            self.end_catch(exc_local, prev_local, true);
        }
        self.handler = outer;
        self.switch_to(after);
        Ok(())
    }

    /// `with a as x, b as y: body` (as nested withs): __enter__ and
    /// __exit__ looked up on the type; __exit__(None, None, None) on every
    /// way out but an exception, which goes to __exit__(type, value, tb)
    /// and is suppressed if that returns true.
    pub(super) fn with(&mut self, items: &[ast::WithItem], body: &[ast::Stmt]) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        let outer = self.handler;
        let mgr = self.expr(&item.context_expr)?;
        self.set_pos(&item.context_expr);
        let pos = self.pos;
        let pair = self.obj(Op::WithEnter(mgr));
        self.release(mgr);
        // (__exit__ bound to the manager, __enter__'s result)
        let exit_t = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 0));
        let exit_local = self.hidden();
        let exit_owned = self.own(exit_t);
        self.effect(Op::StoreLocal(exit_local, exit_owned));
        let value = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 1));
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::With(exit_local, outer, pos));
        if let Some(target) = &item.optional_vars {
            self.assign(target, value)?;
        }
        self.release(pair);
        self.with(rest, body)?;
        self.unwinds.pop();
        self.enter_handler(outer);
        let after = self.new_block();
        if !self.terminated() {
            self.pos = pos;
            self.exit_without_exception(exit_local);
            self.jump(after);
        }
        // An exception: __exit__ with it handled; a true result suppresses it.
        let (exc_local, prev_local) = self.enter_landing(landing, outer);
        self.pos = pos;
        let f = self.obj(Op::TakeLocal(exit_local));
        let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
        let suppress = self.boolean(Op::WithExit(f, e));
        self.release(f);
        let (yes, no) = (self.new_block(), self.new_block());
        self.f.blocks[self.cur].term = Term::Branch(suppress, yes, no);
        self.handler = outer;
        self.switch_to(yes);
        self.end_catch(exc_local, prev_local, false);
        self.jump(after);
        self.switch_to(no);
        self.end_catch(exc_local, prev_local, true);
        self.switch_to(after);
        Ok(())
    }

    /// try/except/else (without finally): the handlers run with the
    /// exception as sys.exc_info(), restored after, as CPython does.
    pub(super) fn try_except(&mut self, t: &ast::StmtTry) -> R<()> {
        let outer = self.handler;
        let landing = self.new_block();
        let body = {
            self.handler = Some(landing);
            let b = self.new_block();
            self.handler = outer;
            b
        };
        let after = self.new_block();
        self.jump(body);
        self.switch_to(body);
        self.handler = Some(landing);
        self.stmts(&t.body)?;
        self.handler = outer;
        // else runs outside the try's protection.
        if !self.terminated() {
            let els = self.new_block();
            self.jump(els);
            self.switch_to(els);
            self.stmts(&t.orelse)?;
            self.jump(after);
        }
        // The landing: take the exception, make it the handled one.
        self.switch_to(landing);
        let exc_local = self.hidden();
        let prev_local = self.hidden();
        let exc = self.obj(Op::ExcFetch);
        let prev = self.emit(Some(Ty::Obj), Op::ExcPush(exc));
        self.effect(Op::StoreLocal(exc_local, exc));
        self.effect(Op::StoreLocal(prev_local, prev));
        // While a handler runs, an exception restores the previous state
        // and propagates (a cleanup block).
        self.handler = outer;
        let cleanup = self.new_block();
        self.handler = Some(cleanup);
        self.unwinds.push(Unwind::Except(prev_local, exc_local));
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_pos(h);
            let next = self.new_block();
            let matched = self.new_block();
            match &h.type_ {
                Some(ty) => {
                    let ty_v = self.expr(ty)?;
                    let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
                    let m = self.boolean(Op::ExcMatches(e, ty_v));
                    self.release(ty_v);
                    self.f.blocks[self.cur].term = Term::Branch(m, matched, next);
                }
                None => self.f.blocks[self.cur].term = Term::Jump(matched),
            }
            self.switch_to(matched);
            if let Some(name) = &h.name {
                let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
                self.store_name(name, e)?;
            }
            self.stmts(&h.body)?;
            if let Some(name) = &h.name {
                if !self.terminated() {
                    // `except E as e` deletes e at the end of the handler.
                    let none = self.constant(&Const::None);
                    self.store_name(name, none)?;
                    self.delete_name(name)?;
                }
            }
            if !self.terminated() {
                let prev = self.obj(Op::TakeLocal(prev_local));
                self.effect(Op::ExcPop(prev));
                self.clear_hidden(exc_local);
                self.jump(after);
            }
            self.switch_to(next);
        }
        self.unwinds.pop();
        // No handler matched: restore the state and raise it again.
        self.handler = outer;
        let nomatch = self.new_block();
        self.jump(nomatch);
        self.switch_to(nomatch);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        let e = self.obj(Op::TakeLocal(exc_local));
        self.effect(Op::ExcRestore(e));
        self.terminate(Term::Propagate);
        // Cleanup: an exception inside a handler.
        self.switch_to(cleanup);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        self.clear_hidden(exc_local);
        self.terminate(Term::Propagate);
        self.switch_to(after);
        Ok(())
    }
}
