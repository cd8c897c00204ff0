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
                Unwind::With(exit, outer, pos, is_async) => {
                    self.enter_handler(*outer);
                    self.pos = *pos;
                    self.exit_without_exception(*exit, *is_async, *pos)?;
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

    /// `__exit__(None, None, None)` of the with whose __exit__ is in EXIT
    /// (IS_ASYNC: `await __aexit__(None, None, None)`, at POS).
    pub(super) fn exit_without_exception(&mut self, exit: LocalId, is_async: bool, pos: Pos) -> R<()> {
        let f = self.obj(Op::TakeLocal(exit));
        let none = self.constant(&Const::None);
        let r = self.obj(Op::Call { func: f, args: vec![none, none, none], kwnames: None, nkw: 0, callee: None });
        self.f.max_args = self.f.max_args.max(4);
        self.release(f);
        if is_async {
            let r = self.await_temp(r, pos, 2)?;
            self.release(r);
        } else {
            self.release(r);
        }
        Ok(())
    }

    /// Restores the exception state and raises the caught exception again
    /// (no new traceback entry; AT_LINE: the frame's line becomes the
    /// current position's, as where CPython's RERAISE has one), or (when
    /// not RERAISE) drops it.
    pub(super) fn end_catch(&mut self, exc_local: LocalId, prev_local: LocalId, reraise: bool, at_line: bool) {
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        if reraise {
            let e = self.obj(Op::TakeLocal(exc_local));
            self.effect(Op::ExcRestore(e, at_line));
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
    pub(super) fn try_finally(&mut self, t: &ast::StmtTry, star: bool) -> R<()> {
        let outer = self.handler;
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::Finally(std::rc::Rc::new(t.finalbody.clone()), outer));
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
        } else {
            let inner = ast::StmtTry { finalbody: Vec::new(), ..t.clone() };
            self.try_except(&inner, star)?;
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
            self.end_catch(exc_local, prev_local, true, true);
        }
        self.handler = outer;
        self.switch_to(after);
        Ok(())
    }

    /// `with a as x, b as y: body` (as nested withs): __enter__ and
    /// __exit__ looked up on the type; __exit__(None, None, None) on every
    /// way out but an exception, which goes to __exit__(type, value, tb)
    /// and is suppressed if that returns true.
    pub(super) fn with(&mut self, items: &[ast::WithItem], body: &[ast::Stmt], is_async: bool) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        if is_async && self.gen.is_none() {
            return unsupported("async with outside a coroutine");
        }
        let outer = self.handler;
        let mgr = self.expr(&item.context_expr)?;
        self.set_pos(&item.context_expr);
        let pos = self.pos;
        let pair = self.obj(if is_async { Op::AsyncWithEnter(mgr) } else { Op::WithEnter(mgr) });
        self.release(mgr);
        // (__exit__ bound to the manager, __enter__'s result), or for async
        // with (__aexit__, the awaitable of __aenter__()'s result)
        let exit_t = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 0));
        let exit_local = self.hidden();
        let exit_owned = self.own(exit_t);
        self.effect(Op::StoreLocal(exit_local, exit_owned));
        let value = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 1));
        let value = if is_async {
            // Awaited before the body's protection starts, as CPython does.
            let sub = self.obj(Op::Alias(value));
            self.release(pair);
            self.delegate(sub, pos)
        } else {
            value
        };
        let landing = self.new_block();
        self.enter_handler(Some(landing));
        self.unwinds.push(Unwind::With(exit_local, outer, pos, is_async));
        if let Some(target) = &item.optional_vars {
            self.assign(target, value)?;
        }
        self.release(if is_async { value } else { pair });
        self.with(rest, body, is_async)?;
        self.unwinds.pop();
        self.enter_handler(outer);
        let after = self.new_block();
        if !self.terminated() {
            self.pos = pos;
            self.exit_without_exception(exit_local, is_async, pos)?;
            self.jump(after);
        }
        // An exception: __exit__ with it handled; a true result suppresses it.
        let (exc_local, prev_local) = self.enter_landing(landing, outer);
        self.pos = pos;
        let f = self.obj(Op::TakeLocal(exit_local));
        let e = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
        let suppress = if is_async {
            let sub = self.obj(Op::AsyncWithExit(f, e));
            self.release(f);
            let r = self.delegate(sub, pos);
            self.pos = pos;
            let t = self.boolean(Op::Truth(r));
            self.release(r);
            t
        } else {
            let t = self.boolean(Op::WithExit(f, e));
            self.release(f);
            t
        };
        let (yes, no) = (self.new_block(), self.new_block());
        self.f.blocks[self.cur].term = Term::Branch(suppress, yes, no);
        self.handler = outer;
        self.switch_to(yes);
        self.end_catch(exc_local, prev_local, false, false);
        self.jump(after);
        self.switch_to(no);
        self.end_catch(exc_local, prev_local, true, false);
        self.switch_to(after);
        Ok(())
    }

    /// try/except/else (without finally): the handlers run with the
    /// exception as sys.exc_info(), restored after, as CPython does (STAR:
    /// except* clauses, `star_handlers`).
    pub(super) fn try_except(&mut self, t: &ast::StmtTry, star: bool) -> R<()> {
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
        if star {
            self.star_handlers(&t.handlers, exc_local, prev_local, cleanup, after)?;
        } else {
            self.plain_handlers(&t.handlers, exc_local, prev_local, cleanup, after)?;
        }
        // Cleanup: an exception inside a handler.
        self.switch_to(cleanup);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        self.clear_hidden(exc_local);
        self.terminate(Term::Propagate);
        self.switch_to(after);
        Ok(())
    }

    /// The `except` clauses of a try, entered with the exception caught
    /// (in EXC_LOCAL, the handled one; the state before in PREV_LOCAL):
    /// the first that matches runs; then on to AFTER, or (none matched)
    /// the exception goes on. CLEANUP: where exceptions meanwhile go.
    fn plain_handlers(
        &mut self,
        handlers: &[ast::ExceptHandler],
        exc_local: LocalId,
        prev_local: LocalId,
        cleanup: BlockId,
        after: BlockId,
    ) -> R<()> {
        let outer = self.handler;
        self.handler = Some(cleanup);
        self.unwinds.push(Unwind::Except(prev_local, exc_local));
        for h in handlers {
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
        // No handler matched: restore the state and raise it again (at
        // the last clause, as CPython's RERAISE).
        if let Some(ast::ExceptHandler::ExceptHandler(last)) = handlers.last() {
            self.set_pos(last);
        }
        self.handler = outer;
        let nomatch = self.new_block();
        self.jump(nomatch);
        self.switch_to(nomatch);
        let prev = self.obj(Op::TakeLocal(prev_local));
        self.effect(Op::ExcPop(prev));
        let e = self.obj(Op::TakeLocal(exc_local));
        self.effect(Op::ExcRestore(e, true));
        self.terminate(Term::Propagate);
        Ok(())
    }

    /// The `except*` clauses of a try, as CPython's compiler_try_star_except
    /// (arguments as `plain_handlers`'): each clause in turn takes the part
    /// of the exception group that matches its type (a lone exception is
    /// wrapped in a group) from what earlier ones left; what the clauses
    /// raise and what is left are raised together after the last.
    fn star_handlers(
        &mut self,
        handlers: &[ast::ExceptHandler],
        exc_local: LocalId,
        prev_local: LocalId,
        cleanup: BlockId,
        after: BlockId,
    ) -> R<()> {
        let outer = self.handler;
        self.handler = Some(cleanup);
        let enter = self.new_block();
        self.jump(enter);
        self.switch_to(enter);
        // The exceptions the clauses raise, then what is left.
        let raised = self.hidden();
        let list = self.obj(Op::BuildList(vec![]));
        self.effect(Op::StoreLocal(raised, list));
        let rest_local = self.hidden();
        let exc = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
        self.effect(Op::StoreLocal(rest_local, exc));
        let match_local = self.hidden();
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_pos(h);
            let Some(ty) = &h.type_ else { return unsupported("except* without a type") };
            let (next, matched) = (self.new_block(), self.new_block());
            let ty_v = self.expr(ty)?;
            self.set_pos(h);
            let rest = self.emit(Some(Ty::Borrowed), Op::LoadLocal(rest_local));
            let pair = self.obj(Op::ExceptStarMatch(rest, ty_v));
            self.release(ty_v);
            let m = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 0));
            let r = self.emit(Some(Ty::Borrowed), Op::TupleItem(pair, 1));
            self.effect(Op::StoreLocal(rest_local, r));
            self.effect(Op::StoreLocal(match_local, m));
            let none = self.constant(&Const::None);
            let no_match = self.boolean(Op::Is(m, none));
            self.release(pair);
            self.f.blocks[self.cur].term = Term::Branch(no_match, next, matched);
            self.switch_to(matched);
            let m = self.obj(Op::TakeLocal(match_local));
            if let Some(name) = &h.name {
                self.store_name(name, m)?;
            }
            self.release(m);
            // An exception from the clause's body joins the raised ones.
            let failed = self.new_block();
            self.enter_handler(Some(failed));
            self.stmts(&h.body)?;
            self.enter_handler(Some(cleanup));
            if !self.terminated() {
                self.pos = Pos::NO_ENTRY;
                self.unbind_handler_name(h)?;
                self.jump(next);
            }
            self.switch_to(failed);
            let e = self.obj(Op::ExcFetch);
            self.pos = Pos::NO_ENTRY;
            self.unbind_handler_name(h)?;
            let list = self.emit(Some(Ty::Borrowed), Op::LoadLocal(raised));
            self.effect(Op::ListAppend(list, e));
            self.release(e);
            self.jump(next);
            self.switch_to(next);
        }
        if let Some(ast::ExceptHandler::ExceptHandler(last)) = handlers.last() {
            self.set_pos(last);
        }
        let list = self.emit(Some(Ty::Borrowed), Op::LoadLocal(raised));
        let rest = self.obj(Op::TakeLocal(rest_local));
        self.effect(Op::ListAppend(list, rest));
        self.release(rest);
        let orig = self.emit(Some(Ty::Borrowed), Op::LoadLocal(exc_local));
        let list = self.obj(Op::TakeLocal(raised));
        let r = self.obj(Op::PrepReraiseStar(orig, list));
        self.release(list);
        let none = self.constant(&Const::None);
        let nothing = self.boolean(Op::Is(r, none));
        // Either way the state before the try comes back; then exceptions
        // go where they went outside the try (the re-raise too).
        self.handler = outer;
        let (done, reraise) = (self.new_block(), self.new_block());
        self.f.blocks[self.cur].term = Term::Branch(nothing, done, reraise);
        for (block, again) in [(done, false), (reraise, true)] {
            self.switch_to(block);
            let prev = self.obj(Op::TakeLocal(prev_local));
            self.effect(Op::ExcPop(prev));
            self.clear_hidden(exc_local);
            if again {
                // (CPython's is artificial: the frame keeps its line.)
                self.effect(Op::ExcRestore(r, false));
                self.terminate(Term::Propagate);
            } else {
                self.release(r);
                self.jump(after);
            }
        }
        Ok(())
    }

    /// `except E as name` unbinds the name as its clause ends (`name =
    /// None; del name`, which also drops a value the body rebound it to).
    fn unbind_handler_name(&mut self, h: &ast::ExceptHandlerExceptHandler) -> R<()> {
        if let Some(name) = &h.name {
            let none = self.constant(&Const::None);
            self.store_name(name, none)?;
            self.delete_name(name)?;
        }
        Ok(())
    }
}
