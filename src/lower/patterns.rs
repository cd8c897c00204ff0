//! Lowering of `match` statements (PEP 634), with the checks and in the
//! order CPython 3.11's compiler emits them: MATCH_SEQUENCE / MATCH_MAPPING
//! flags, GET_LEN comparisons, UNPACK_SEQUENCE / UNPACK_EX (or subscripts
//! when the star is `*_`), MATCH_KEYS, MATCH_CLASS. Values a pattern looks
//! into live in hidden locals while it runs; a failing check drops those
//! and goes to the next case (or alternative). Captured names are bound
//! only when the whole pattern matched, before the guard, as CPython does.

use super::*;

/// One case's pattern on the path being lowered: the hidden locals holding
/// a value (intermediate values and captures, in the order set), and the
/// hidden local of each captured name.
#[derive(Default)]
struct Cx {
    live: Vec<LocalId>,
    captures: Vec<(String, LocalId)>,
}

/// Where a failed check goes: a block, after dropping what `Cx::live`
/// holds from this depth on.
type Fail = (BlockId, usize);

fn is_wildcard(p: &ast::Pattern) -> bool {
    matches!(p, ast::Pattern::MatchAs(a) if a.pattern.is_none() && a.name.is_none())
}

fn is_star_wildcard(p: &ast::Pattern) -> bool {
    matches!(p, ast::Pattern::MatchStar(s) if s.name.is_none())
}

impl Lowerer<'_, '_> {
    pub(super) fn match_stmt(&mut self, m: &ast::StmtMatch) -> R<()> {
        let subject = self.expr(&m.subject)?;
        let subj = self.hidden();
        self.effect(Op::StoreLocal(subj, subject));
        let end = self.new_block();
        for case in &m.cases {
            let next = self.new_block();
            let mut cx = Cx::default();
            self.pattern(&case.pattern, subj, (next, 0), &mut cx)?;
            // Matched: what is live now is the captures only.
            for (name, l) in &cx.captures {
                let v = self.obj(Op::TakeLocal(*l));
                self.store_name(name, v)?;
                self.release(v);
            }
            if let Some(g) = &case.guard {
                let body = self.new_block();
                self.condition(g, body, next)?;
                self.switch_to(body);
            }
            self.clear_hidden(subj);
            self.stmts(&case.body)?;
            self.jump(end);
            self.switch_to(next);
        }
        self.clear_hidden(subj);
        self.jump(end);
        self.switch_to(end);
        Ok(())
    }

    /// A borrowed view of what hidden local L holds.
    fn peek(&mut self, l: LocalId) -> Temp {
        self.emit(Some(Ty::Borrowed), Op::LoadLocal(l))
    }

    /// Goes on when B (a Bool) is true; else drops what the pattern holds
    /// above FAIL's depth and goes to FAIL's block.
    fn check(&mut self, b: Temp, fail: Fail, cx: &Cx) {
        let yes = self.new_block();
        let no = self.new_block();
        self.terminate(Term::Branch(b, yes, no));
        self.switch_to(no);
        for &l in cx.live[fail.1..].iter().rev() {
            self.clear_hidden(l);
        }
        self.jump(fail.0);
        self.switch_to(yes);
    }

    /// Binds NAME (when the pattern matches) to what hidden local SRC holds.
    fn capture(&mut self, name: &str, src: LocalId, cx: &mut Cx) {
        let l = match cx.captures.iter().find(|(n, _)| n == name) {
            Some((_, l)) => *l,
            None => {
                let l = self.hidden();
                cx.captures.push((name.to_string(), l));
                l
            }
        };
        let v = self.peek(src);
        self.effect(Op::StoreLocal(l, v));
        cx.live.push(l);
    }

    /// A new hidden local holding V (borrowed), live for the pattern.
    fn hold(&mut self, v: Temp, cx: &mut Cx) -> LocalId {
        let h = self.hidden();
        self.effect(Op::StoreLocal(h, v));
        cx.live.push(h);
        h
    }

    /// Drops the values a finished sub-pattern looked into.
    fn drop_held(&mut self, held: &[LocalId], cx: &mut Cx) {
        for &h in held.iter().rev() {
            self.clear_hidden(h);
        }
        cx.live.retain(|l| !held.contains(l));
    }

    /// `len(subject) OP want`, as GET_LEN and COMPARE_OP.
    fn check_len(&mut self, p: &ast::Pattern, subj: LocalId, op: CmpOp, want: usize, fail: Fail, cx: &Cx) {
        self.set_pos(p);
        let s = self.peek(subj);
        let n = self.obj(Op::MatchLen(s));
        let k = self.constant(&Const::Int(want.to_string()));
        let b = self.boolean(Op::CompareBool(op, n, k));
        self.release(k);
        self.release(n);
        self.check(b, fail, cx);
    }

    /// Goes on when what hidden local T holds is not None.
    fn check_not_none(&mut self, t: LocalId, fail: Fail, cx: &Cx) {
        let v = self.peek(t);
        let none = self.constant(&Const::None);
        let is_none = self.boolean(Op::Is(v, none));
        self.release(none);
        let b = self.boolean(Op::Not(is_none));
        self.check(b, fail, cx);
    }

    /// Matches pattern P against what hidden local SUBJ holds; continues
    /// in the current block when it matched.
    fn pattern(&mut self, p: &ast::Pattern, subj: LocalId, fail: Fail, cx: &mut Cx) -> R<()> {
        use ast::Pattern::*;
        match p {
            MatchAs(a) => {
                if let Some(inner) = &a.pattern {
                    self.pattern(inner, subj, fail, cx)?;
                }
                if let Some(n) = &a.name {
                    self.capture(n.as_str(), subj, cx);
                }
            }
            MatchValue(v) => {
                let value = self.expr(&v.value)?;
                self.set_pos(p);
                let s = self.peek(subj);
                let r = self.obj(Op::Compare(CmpOp::Eq, s, value));
                self.release(value);
                let b = self.boolean(Op::Truth(r));
                self.release(r);
                self.check(b, fail, cx);
            }
            MatchSingleton(s) => {
                let k = self.constant(&match s.value {
                    ast::Constant::Bool(true) => Const::True,
                    ast::Constant::Bool(false) => Const::False,
                    _ => Const::None,
                });
                let v = self.peek(subj);
                let b = self.boolean(Op::Is(v, k));
                self.release(k);
                self.check(b, fail, cx);
            }
            MatchSequence(sq) => self.sequence_pattern(p, &sq.patterns, subj, fail, cx)?,
            MatchMapping(m) => self.mapping_pattern(p, m, subj, fail, cx)?,
            MatchClass(c) => {
                let cls = self.expr(&c.cls)?;
                let names = c.kwd_attrs.iter().map(|a| Const::Str(a.to_string())).collect();
                let kwnames = self.cx.consts.add(&Const::Tuple(names));
                self.set_pos(p);
                let s = self.peek(subj);
                let nargs = c.patterns.len() as u32;
                let attrs = self.obj(Op::MatchClass(s, cls, nargs, kwnames));
                self.release(cls);
                let held = self.hold(attrs, cx);
                self.check_not_none(held, fail, cx);
                self.subpatterns(c.patterns.iter().chain(&c.kwd_patterns), held, fail, cx)?;
                self.drop_held(&[held], cx);
            }
            MatchOr(o) => {
                let joined = self.new_block();
                let depth = cx.live.len();
                let mut bound = Vec::new();
                for (i, alt) in o.patterns.iter().enumerate() {
                    let last = i + 1 == o.patterns.len();
                    let next: Fail = if last { fail } else { (self.new_block(), depth) };
                    self.pattern(alt, subj, next, cx)?;
                    // (only captures are live here: sub-patterns drop what they held)
                    bound = cx.live.split_off(depth);
                    self.jump(joined);
                    if !last {
                        self.switch_to(next.0);
                    }
                }
                self.switch_to(joined);
                // Every alternative binds the same names (a SyntaxError
                // otherwise), into the same hidden locals.
                cx.live.extend(bound);
            }
            MatchStar(_) => return unsupported("a starred pattern outside a sequence pattern"),
        }
        Ok(())
    }

    /// The items of the tuple in hidden local TUPLE, against PATTERNS in
    /// order (wildcards skipped).
    fn subpatterns<'p>(
        &mut self,
        patterns: impl Iterator<Item = &'p ast::Pattern>,
        tuple: LocalId,
        fail: Fail,
        cx: &mut Cx,
    ) -> R<()> {
        let mut held = Vec::new();
        let mut subs = Vec::new();
        for (i, sub) in patterns.enumerate() {
            if is_wildcard(sub) || is_star_wildcard(sub) {
                continue;
            }
            let t = self.peek(tuple);
            let item = self.emit(Some(Ty::Borrowed), Op::TupleItem(t, i as u32));
            held.push(self.hold(item, cx));
            subs.push(sub);
        }
        for (sub, &h) in subs.into_iter().zip(&held) {
            match sub {
                ast::Pattern::MatchStar(s) => {
                    if let Some(n) = &s.name {
                        self.capture(n.as_str(), h, cx);
                    }
                }
                _ => self.pattern(sub, h, fail, cx)?,
            }
        }
        self.drop_held(&held, cx);
        Ok(())
    }

    fn sequence_pattern(
        &mut self,
        p: &ast::Pattern,
        patterns: &[ast::Pattern],
        subj: LocalId,
        fail: Fail,
        cx: &mut Cx,
    ) -> R<()> {
        let size = patterns.len();
        let stars: Vec<usize> = (0..size).filter(|&i| matches!(patterns[i], ast::Pattern::MatchStar(_))).collect();
        let star = match stars.as_slice() {
            [] => None,
            [s] => Some(*s),
            _ => return unsupported("multiple starred names in sequence pattern"),
        };
        self.set_pos(p);
        let s = self.peek(subj);
        let b = self.boolean(Op::MatchSequence(s));
        self.check(b, fail, cx);
        match star {
            None => self.check_len(p, subj, CmpOp::Eq, size, fail, cx),
            Some(_) if size > 1 => self.check_len(p, subj, CmpOp::Ge, size - 1, fail, cx),
            Some(_) => {}
        }
        if patterns.iter().all(|q| is_wildcard(q) || is_star_wildcard(q)) {
            return Ok(());
        }
        match star {
            Some(st) if is_star_wildcard(&patterns[st]) => {
                // Items by index: from the end past the star (a nonnegative
                // index, len(subject) - k: the subject may not take negative ones).
                for (i, sub) in patterns.iter().enumerate() {
                    if i == st || is_wildcard(sub) {
                        continue;
                    }
                    self.set_pos(p);
                    let index = if i < st {
                        self.constant(&Const::Int(i.to_string()))
                    } else {
                        let s = self.peek(subj);
                        let n = self.obj(Op::MatchLen(s));
                        let k = self.constant(&Const::Int((size - i).to_string()));
                        let d = self.obj(Op::Binary(BinOp::Sub, false, n, k));
                        self.release(k);
                        self.release(n);
                        d
                    };
                    let s = self.peek(subj);
                    let item = self.obj(Op::GetItem(s, index));
                    self.release(index);
                    let h = self.hold(item, cx);
                    self.pattern(sub, h, fail, cx)?;
                    self.drop_held(&[h], cx);
                }
            }
            _ => {
                self.set_pos(p);
                let s = self.peek(subj);
                let unpacked = match star {
                    None => self.obj(Op::Unpack(s, size as u32)),
                    Some(st) => self.obj(Op::UnpackEx(s, st as u32, (size - st - 1) as u32)),
                };
                let held = self.hold(unpacked, cx);
                self.subpatterns(patterns.iter(), held, fail, cx)?;
                self.drop_held(&[held], cx);
            }
        }
        Ok(())
    }

    fn mapping_pattern(
        &mut self,
        p: &ast::Pattern,
        m: &ast::PatternMatchMapping,
        subj: LocalId,
        fail: Fail,
        cx: &mut Cx,
    ) -> R<()> {
        self.set_pos(p);
        let s = self.peek(subj);
        let b = self.boolean(Op::MatchMapping(s));
        self.check(b, fail, cx);
        if m.keys.is_empty() && m.rest.is_none() {
            return Ok(());
        }
        if !m.keys.is_empty() {
            self.check_len(p, subj, CmpOp::Ge, m.keys.len(), fail, cx);
        }
        let keys = self.exprs(&m.keys)?;
        self.set_pos(p);
        let tuple = self.obj(Op::BuildTuple(keys.clone()));
        self.release_all(&keys);
        let keys_held = self.hold(tuple, cx);
        let s = self.peek(subj);
        let k = self.peek(keys_held);
        let values = self.obj(Op::MatchKeys(s, k));
        let values_held = self.hold(values, cx);
        self.check_not_none(values_held, fail, cx);
        self.subpatterns(m.patterns.iter(), values_held, fail, cx)?;
        self.drop_held(&[values_held], cx);
        if let Some(rest) = &m.rest {
            self.set_pos(p);
            let s = self.peek(subj);
            let k = self.peek(keys_held);
            let r = self.obj(Op::MatchRest(s, k));
            let h = self.hold(r, cx);
            self.capture(rest.as_str(), h, cx);
            self.drop_held(&[h], cx);
        }
        self.drop_held(&[keys_held], cx);
        Ok(())
    }
}
