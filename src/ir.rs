//! The intermediate representation between the AST and wasm: per function,
//! a control-flow graph of basic blocks over Python values.
//!
//! - Values are temporaries (`Temp`), each defined once. An `Obj` temp holds
//!   a new (owned) reference, a `Borrowed` one a reference owned elsewhere
//!   (a local variable or constant that outlives it), a `Bool` one a raw
//!   truth value. Instructions borrow their operands; the few that consume
//!   one say so (`StoreLocal`, `StoreCell`, `Return`, `Release`, ...), and
//!   lowering releases every other owned temp after its last use, so
//!   reference ownership is explicit in the IR and checked by codegen.
//! - Exception edges are explicit: an instruction that can fail transfers
//!   control to its block's `handler` (or out of the function), after
//!   releasing the temps it owns at that point and, for a new exception,
//!   adding the traceback entry at its source position (`Pos`).
//! - Types are the place where a later inference pass refines values
//!   (unboxed ints and floats, known classes): temps carry a `Ty`.

use std::collections::BTreeMap;

pub type BlockId = usize;
pub type Temp = u32;
pub type LocalId = u32;
/// Index into the program's constant table (codegen::consts).
pub type ConstId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Obj,
    Borrowed,
    Bool,
}

/// What a value is expected to be (analysis::types): a set of exact
/// types, as bits. A hint, not a proof: codegen uses it to choose which
/// inline paths to emit, and every inline path still tests the type it
/// handles, so a wrong hint costs speed, never a wrong result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(pub u16);

impl Kinds {
    /// No value (an unbound local, an unreached definition).
    pub const EMPTY: Kinds = Kinds(0);
    pub const INT: Kinds = Kinds(1);
    pub const FLOAT: Kinds = Kinds(2);
    pub const BOOL: Kinds = Kinds(4);
    pub const STR: Kinds = Kinds(8);
    pub const LIST: Kinds = Kinds(16);
    pub const TUPLE: Kinds = Kinds(32);
    pub const DICT: Kinds = Kinds(64);
    pub const SET: Kinds = Kinds(128);
    pub const NONE: Kinds = Kinds(256);
    /// Anything else (instances, functions, ...).
    pub const OTHER: Kinds = Kinds(512);
    pub const ANY: Kinds = Kinds(1023);
    pub const NUMBER: Kinds = Kinds(3);

    pub fn union(self, o: Kinds) -> Kinds {
        Kinds(self.0 | o.0)
    }

    /// Whether it may be one of O's types.
    pub fn may(self, o: Kinds) -> bool {
        self.0 & o.0 != 0
    }

    /// Whether it is expected to be exactly O (one type).
    pub fn only(self, o: Kinds) -> bool {
        self == o
    }

    /// The one number type it is expected to be (INT or FLOAT), if it is
    /// expected to be exactly one: what inline arithmetic specialises on.
    pub fn number(self) -> Option<Kinds> {
        [Kinds::INT, Kinds::FLOAT].into_iter().find(|&k| self.only(k))
    }

    /// Its types, one at a time.
    pub fn each(self) -> impl Iterator<Item = Kinds> {
        (0..10).map(|b| Kinds(1 << b)).filter(move |k| self.may(*k))
    }
}

/// A source range as CPython's code positions: 1-based lines, 0-based
/// UTF-8 byte columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Pos {
    /// The position of a step that is not the function's own in CPython
    /// (what a builtin does with a collecting variant's elements): its
    /// failure adds no traceback entry.
    pub const NO_ENTRY: Pos = Pos { line: u32::MAX, col: 0, end_line: u32::MAX, end_col: 0 };
    /// As a site: before the function's first instruction, where CPython's
    /// frame is while MAKE_CELL runs ("incomplete": tracemalloc and
    /// `f_back` skip it). As a site, NO_ENTRY is the first traceable
    /// instruction (runtime/frame.c, py2wasm_resolve_sites).
    pub const BEFORE_START: Pos = Pos { line: u32::MAX - 1, col: 0, end_line: u32::MAX - 1, end_col: 0 };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    /// A parameter or local variable.
    Fast,
    /// A local that lives in a cell (captured by a nested scope).
    Cell,
    /// A cell of the closure, at this index of `co_freevars`.
    Free(u32),
    /// Compiler-made (loop iterators, saved exceptions): always bound when read.
    Hidden,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub kind: LocalKind,
    /// The name as a constant, for error messages.
    pub name_const: ConstId,
}

impl Local {
    /// Whether CPython's code object has a slot for it (co_nlocalsplus
    /// counts these): not for the compiler's own locals, hidden ones and the
    /// plain ones it names with a dot (a collecting variant's `.total`),
    /// which no Python name can be; `.0`, a comprehension's argument, is
    /// CPython's.
    pub fn in_code(&self) -> bool {
        self.kind != LocalKind::Hidden && (!self.name.starts_with('.') || self.name == ".0")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add = 0,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    And,
    Or,
    Xor,
    MatMul,
}

/// Or-ed into a BinOp for augmented assignment (runtime/native.h).
pub const INPLACE: i32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg = 0,
    Pos,
    Invert,
}

/// CPython's rich comparison numbers (Py_LT ... Py_GE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt = 0,
    Le,
    Eq,
    Ne,
    Gt,
    Ge,
}

/// A call's predicted callee (ir::Op::Call); a wrong prediction costs one
/// comparison, then the call is made as any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A module-level def taking exactly these positional arguments: its
    /// code table index. Entered directly, without binding, when `func` is
    /// a function with that code.
    Compiled(u32),
    /// A builtin named by a global name: when `func` is that very builtin
    /// object, the runtime's fast path for it answers (runtime/operators.c,
    /// py2wasm_builtin_*), and calls the builtin itself for whatever the
    /// fast path does not cover.
    Builtin(Builtin),
}

/// The builtins with fast paths, and their arities there. The order is the
/// order of runtime/operators.c's `builtin_names`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Len,
    Ord,
    Chr,
    Abs,
    Isinstance,
    Min,
    Max,
}

impl Builtin {
    /// The fast path for a call of builtin NAME with NARGS positional
    /// arguments (and no keywords), if there is one.
    pub fn for_call(name: &str, nargs: usize) -> Option<Builtin> {
        let b = match name {
            "len" => Builtin::Len,
            "ord" => Builtin::Ord,
            "chr" => Builtin::Chr,
            "abs" => Builtin::Abs,
            "isinstance" => Builtin::Isinstance,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            _ => return None,
        };
        (b.arity() == nargs).then_some(b)
    }

    pub fn arity(self) -> usize {
        match self {
            Builtin::Len | Builtin::Ord | Builtin::Chr | Builtin::Abs => 1,
            Builtin::Isinstance | Builtin::Min | Builtin::Max => 2,
        }
    }

    /// Its index in the runtime's `py2wasm_builtin_objects`.
    pub fn index(self) -> u32 {
        self as u32
    }

    pub const COUNT: u32 = Builtin::Max as u32 + 1;
}

/// What a comprehension's function does with each element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collect {
    List,
    Set,
    Dict,
    /// A generator expression: each element is yielded.
    Generator,
    /// A generator expression's body run for `any()` or `all()` (see
    /// `Consumer`): returns True (any) or False (all) at the first element
    /// that decides, else the other.
    Any,
    All,
    /// For `sum()`: adds each element to a total that starts at 0.
    Sum,
}

/// A builtin that consumes a generator expression passed as its only
/// argument in a way no code can observe before it returns: `tuple` and
/// `set` take every element in order (as a list or set comprehension
/// collects them; `list`, `sorted` and `frozenset` are left out, as the
/// spare capacity of their list, or the order of their table, would
/// differ from what they make of a generator), `any` and `all`
/// test each element's truth in order and stop at the first that decides,
/// `sum` adds each element to its total as it comes (`PyNumber_Add`; its
/// fast paths for ints and floats give the same results).
/// For a call of one of these by its global name (`Op::ConsumeGenexp`),
/// the generator expression's body also gets a plain function doing just
/// that (its *collecting variant*), which runs without a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    Tuple,
    Set,
    Any,
    All,
    Sum,
}

impl Consumer {
    pub fn named(name: &str) -> Option<Consumer> {
        Some(match name {
            "tuple" => Consumer::Tuple,
            "set" => Consumer::Set,
            "any" => Consumer::Any,
            "all" => Consumer::All,
            "sum" => Consumer::Sum,
            _ => return None,
        })
    }

    /// What its collecting variant does.
    pub fn collect(self) -> Collect {
        match self {
            Consumer::Tuple => Collect::List,
            Consumer::Set => Collect::Set,
            Consumer::Any => Collect::Any,
            Consumer::All => Collect::All,
            Consumer::Sum => Collect::Sum,
        }
    }

    /// Its index in the runtime's `py2wasm_builtin_objects`, after the
    /// fast-path builtins (runtime/operators.c's `builtin_names`).
    pub fn index(self) -> u32 {
        Builtin::COUNT + self as u32
    }
}

#[derive(Debug, Clone)]
pub enum Op {
    /// dst (Borrowed) = a constant.
    Const(ConstId),
    /// dst (Borrowed or Obj) = a local; fails when unbound.
    LoadLocal(LocalId),
    /// Consumes src (an Obj; a Borrowed one is increfed first).
    StoreLocal(LocalId, Temp),
    DeleteLocal(LocalId),
    /// The content of a cell local.
    LoadCell(LocalId),
    StoreCell(LocalId, Temp),
    DeleteCell(LocalId),
    /// dst = the cell object itself (for closures).
    CellObject(LocalId),
    LoadGlobal(ConstId),
    StoreGlobal(ConstId, Temp),
    DeleteGlobal(ConstId),
    /// The last `nkw` args are keyword arguments named by `kwnames`.
    Call {
        func: Temp,
        args: Vec<Temp>,
        kwnames: Option<ConstId>,
        nkw: u32,
        /// What the callee is predicted to be, checked at run time.
        callee: Option<Callee>,
    },
    /// obj.name(args...) without a bound method (args[0] is obj). With a
    /// probe (ProbeMethod's result, whose inline cache it shares) the name
    /// was looked up before the arguments were evaluated.
    CallMethod {
        name: ConstId,
        args: Vec<Temp>,
        kwnames: Option<ConstId>,
        nkw: u32,
        probe: Option<Temp>,
    },
    /// LOAD_METHOD before arguments that may have effects: dst (Obj) is
    /// the runtime's marker when the site's cache holds how to call
    /// obj.name (the call finds it there), else what to call with the
    /// arguments after obj. `nargs` and `kwnames` are the call's.
    ProbeMethod {
        obj: Temp,
        name: ConstId,
        nargs: u32,
        kwnames: Option<ConstId>,
    },
    Binary(BinOp, bool, Temp, Temp),
    Unary(UnaryOp, Temp),
    /// dst (Obj) = rich comparison.
    Compare(CmpOp, Temp, Temp),
    /// dst (Bool) = truth of a comparison.
    CompareBool(CmpOp, Temp, Temp),
    /// dst (Bool): `a is b`; never fails.
    Is(Temp, Temp),
    /// dst (Bool): `a in b`.
    Contains(Temp, Temp),
    /// dst (Bool): truth value.
    Truth(Temp),
    /// dst (Bool) = !b; never fails.
    Not(Temp),
    /// dst (Obj) = True or False from a Bool.
    BoolObj(Temp),
    GetAttr(Temp, ConstId),
    SetAttr(Temp, ConstId, Temp),
    DelAttr(Temp, ConstId),
    GetItem(Temp, Temp),
    SetItem(Temp, Temp, Temp),
    DelItem(Temp, Temp),
    BuildTuple(Vec<Temp>),
    BuildList(Vec<Temp>),
    BuildSet(Vec<Temp>),
    /// key, value, key, value, ...
    BuildDict(Vec<Temp>),
    BuildSlice(Temp, Temp, Temp),
    /// dst = o[lo:hi] (lo and hi None when left out): no slice object for
    /// an exact list, tuple or str.
    GetSlice(Temp, Temp, Temp),
    /// o[lo:hi] = v (lo and hi None when left out): no slice object for an
    /// exact list.
    SetSlice(Temp, Temp, Temp, Temp),
    BuildString(Vec<Temp>),
    /// f-string field: value, conversion (0, 's', 'r', 'a'), spec.
    Format(Temp, i32, Option<Temp>),
    GetIter(Temp),
    /// dst (Obj) = next item, or NULL when exhausted: the block must end in
    /// `BranchNull` on it.
    IterNext(Temp),
    /// `for x in range(...)`: stores in the hidden local an iterator over
    /// the call of the first operand (the loop's `range`) on the rest (1 to
    /// 3 ints). When the callee is the builtin range and the arguments are
    /// small ints, codegen counts in wasm locals instead (no range object,
    /// no iterator: the local holds a marker); anything else is a call and
    /// `iter()`.
    RangeIter(LocalId, Vec<Temp>),
    /// dst (Obj) = next item of the hidden local's RangeIter iterator, or
    /// NULL when exhausted (as IterNext).
    RangeNext(LocalId),
    /// Comprehension results: list.append, set.add, dict[k] = v.
    ListAppend(Temp, Temp),
    SetAdd(Temp, Temp),
    DictSetItem(Temp, Temp, Temp),
    /// Displays with `*` and `**` items (`[*a, b]`, `{*a}`, `{**m}`):
    /// SET_UPDATE and DICT_UPDATE (LIST_EXTEND is ListExtend), and
    /// dst (Obj) = tuple(list) for a tuple display (LIST_TO_TUPLE).
    SetUpdate(Temp, Temp),
    DictUpdate(Temp, Temp),
    ListToTuple(Temp),
    /// `match` (lower/patterns.rs), CPython's instructions of the same
    /// names: dst (Bool) = the subject's type is a sequence / a mapping
    /// (never fails); dst (Obj) = len(subject) (GET_LEN); dst (Obj) = a
    /// tuple of the values of the keys (a tuple) or None (MATCH_KEYS);
    /// dst (Obj) = a dict of the other items (a `**rest` capture); dst
    /// (Obj) = a tuple of the attributes (positional count, then keyword
    /// names) or None (MATCH_CLASS).
    MatchSequence(Temp),
    MatchMapping(Temp),
    MatchLen(Temp),
    MatchKeys(Temp, Temp),
    MatchRest(Temp, Temp),
    MatchClass(Temp, Temp, u32, ConstId),
    /// dst (Obj) = `func(genexp)` where `func` is predicted to be the
    /// builtin `consumer` and the generator expression (code table index
    /// `code`, function object `genfunc`, first iterator `iter`) is made
    /// only when it is not: else its collecting variant runs.
    ConsumeGenexp {
        func: Temp,
        genfunc: Temp,
        iter: Temp,
        code: u32,
        consumer: Consumer,
    },
    /// dst (Obj) = an exact tuple, or an exact list, of exactly n items:
    /// the operand's own when it is one, else a tuple of what it yields.
    Unpack(Temp, u32),
    /// Starred unpacking (`a, *b, c = v`): dst (Obj) = a tuple of the
    /// `before` items, a list of the rest, and the `after` items (UNPACK_EX).
    UnpackEx(Temp, u32, u32),
    /// dst (Borrowed) = item i of a tuple, or of the list Unpack gave.
    TupleItem(Temp, u32),
    /// A nested def/lambda/comprehension: code table index, then defaults
    /// tuple, kw-defaults dict, annotations, closure tuple (all optional).
    MakeFunction {
        code: u32,
        defaults: Option<Temp>,
        kwdefaults: Option<Temp>,
        annotations: Option<Temp>,
        closure: Option<Temp>,
    },
    ImportName {
        name: ConstId,
        fromlist: Temp,
        level: i32,
    },
    ImportFrom(Temp, ConstId),
    /// Zero-argument super(): the loaded `super`, the __class__ cell local
    /// (None: the function has none), the first positional parameter's
    /// local (None: there is none; a cell's content is read), read
    /// unchecked (CPython's "arg[0] deleted" when it is unbound).
    Super(Temp, Option<LocalId>, Option<LocalId>),
    /// Class bodies: a name in the namespace (operand), then the globals,
    /// then the builtins (LOAD_NAME).
    LoadName(Temp, ConstId),
    StoreName(Temp, ConstId, Temp),
    DeleteName(Temp, ConstId),
    /// A free variable read in a class body: the namespace first, then the cell.
    LoadClassDeref(Temp, LocalId),
    /// `__annotations__ = {}` in the namespace unless it is there.
    SetupAnnotations(Temp),
    /// builtins.__build_class__.
    LoadBuildClass,
    /// `globals()`: the dict of the function's module (func_globals); the
    /// builtin would read the calling frame's.
    Globals,
    /// Before a call of `locals()`, `vars()`, `dir()`, `eval()` or `exec()`
    /// that reads the caller's variables: the frame gets references to
    /// these locals' values (a cell's or free variable's cell), where
    /// CPython's readers find them (runtime/frame.c). Never fails.
    SyncLocals(Vec<LocalId>),
    /// After that call: the frame's variables are dropped again.
    ClearLocals,
    /// A call with `*` or `**` arguments: the callable, a list of the
    /// positional arguments, a dict of the keyword ones (optional).
    CallEx(Temp, Temp, Option<Temp>),
    /// list.extend(iterable) for `*` arguments.
    ListExtend(Temp, Temp),
    /// dict update for `**` arguments, refusing repeated keys (callable, dict, mapping).
    DictMerge(Temp, Temp, Temp),
    /// BEFORE_WITH: dst = (bound __exit__, result of __enter__()).
    WithEnter(Temp),
    /// dst (Bool) = __exit__(type, exc, tb) is true (operands: __exit__, exc).
    WithExit(Temp, Temp),
    /// Always fails: raise exc [from cause].
    Raise(Option<Temp>, Option<Temp>),
    /// Always fails: AssertionError with an optional message.
    AssertFail(Option<Temp>),
    /// dst (Obj) = the exception being raised, taken from the thread state.
    ExcFetch,
    /// Raises the exception again without a new traceback entry (consumes);
    /// true: a call site, leaving the frame at the position's line; false:
    /// the frame goes back to the instruction that raised (RERAISE with
    /// oparg 1: a `with`'s exit, a handler's cleanup).
    ExcRestore(Temp, bool),
    /// dst (Obj, may be NULL) = the previously handled exception; the
    /// operand becomes the handled one (sys.exc_info()).
    ExcPush(Temp),
    /// Consumes the saved previous exception (may be NULL).
    ExcPop(Temp),
    /// dst (Bool) = exception matches type.
    ExcMatches(Temp, Temp),
    /// dst (Obj, may be NULL) = a hidden local's value, moved out (the
    /// local is left empty).
    TakeLocal(LocalId),
    /// dst = the same reference as the operand, re-typed (an Obj view of a
    /// Borrowed temp takes a new reference; a Borrowed view of an Obj
    /// temp takes none).
    Alias(Temp),
    /// Drops an owned reference.
    Release(Temp),
    /// Generators, first in a resume block: the value send() passed in, or
    /// a failure when throw() or close() resumed the generator.
    GenSent,
    /// The same inside `yield from`; `SendDone` then tells whether throw()
    /// already finished the delegation (the value is then its result).
    GenSentFrom,
    /// GET_YIELD_FROM_ITER.
    YieldFromIter(Temp),
    /// GET_AWAITABLE with its oparg (which error message a non-awaitable
    /// gets).
    Awaitable(Temp, u8),
    /// BEFORE_ASYNC_WITH and GET_AWAITABLE 1: a pair (__aexit__ bound to
    /// the manager, the awaitable iterator of __aenter__()'s result).
    AsyncWithEnter(Temp),
    /// WITH_EXCEPT_START and GET_AWAITABLE 2: the awaitable iterator of
    /// __aexit__(type, exception, traceback) (the exception is operand 2).
    AsyncWithExit(Temp, Temp),
    /// GET_AITER.
    GetAIter(Temp),
    /// GET_ANEXT: the awaitable iterator of the next step.
    GetANext(Temp),
    /// END_ASYNC_FOR, first in the handler around an `async for` step:
    /// clears a StopAsyncIteration, fails (raising the exception on) for
    /// anything else.
    EndAsyncFor,
    /// ASYNC_GEN_WRAP: an async generator's yielded value, wrapped.
    AsyncGenWrap(Temp),
    /// CHECK_EG_MATCH: the pair (match, rest) of what is left of an
    /// exception group (operand 1) and an `except*` clause's type; match
    /// is None when nothing matched (rest is then the operand), and becomes
    /// the handled exception when something did.
    ExceptStarMatch(Temp, Temp),
    /// PREP_RERAISE_STAR: what a try/except* raises on (None: nothing),
    /// from the exception caught and the list of those its clauses raised
    /// and left.
    PrepReraiseStar(Temp, Temp),
    /// SEND: the delegate's next yielded value, or (`SendDone`) its result.
    Send(Temp, Temp),
    /// dst (Bool): the last `Send` or `GenSentFrom` finished the delegation.
    SendDone,
}

#[derive(Debug, Clone)]
pub struct Inst {
    pub dst: Option<Temp>,
    pub op: Op,
    pub pos: Pos,
    /// Where codegen moves the frame to this instruction's line (set by
    /// analysis::lines; call sites are sites regardless).
    pub line_site: LineSite,
}

/// Where generated code points the frame at an instruction's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineSite {
    /// Nowhere (the frame shows the line already, or nothing can look).
    #[default]
    No,
    /// Before the instruction.
    Before,
    /// Only on the instruction's paths that can allocate or run other code
    /// (`codegen::line_on_slow_paths`): its inline fast path stays free.
    SlowPaths,
}

impl Inst {
    /// Whether generated code stores the frame's instruction for this one
    /// (a word of the image, filled in by the runtime).
    pub fn is_site(&self) -> bool {
        self.op.is_call_site() || self.line_site != LineSite::No
    }
}

#[derive(Debug, Clone)]
pub enum Term {
    Jump(BlockId),
    /// On a Bool temp.
    Branch(Temp, BlockId, BlockId),
    /// On a maybe-NULL Obj temp (IterNext): null target first.
    BranchNull(Temp, BlockId, BlockId),
    /// Consumes the value (an Obj, or a Borrowed one increfed).
    Return(Temp),
    /// A bare `raise`: re-raises the handled exception (no new traceback
    /// entry), or fails with RuntimeError when there is none.
    Reraise,
    /// An exception is set (ExcRestore): on to the handler, without a new
    /// traceback entry.
    Propagate,
    /// After an instruction that always fails.
    Unreachable,
    /// A generator suspends at yield number `.1` (from 1), handing out the
    /// value (consumed); the yield's position places the frame. Inside
    /// `yield from`, the local holding the delegate (CPython's close and
    /// throw find it on the frame's stack).
    Yield(Temp, u32, Pos, Option<LocalId>),
    /// Generators: where a resumption continues. Each case is a yield
    /// number, the block on the way to it (a loop's dispatch or the resume
    /// block itself) and whether this is the last step (the resumption is
    /// then done); anything else goes to the default.
    Resume(Vec<(u32, BlockId, bool)>, BlockId),
}

#[derive(Debug, Clone)]
pub struct Block {
    pub insts: Vec<Inst>,
    pub term: Term,
    /// Where an exception raised in this block goes; None: out of the function.
    pub handler: Option<BlockId>,
}

/// A number constant's value (`Function::numbers`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

#[derive(Debug, Clone)]
pub struct Function {
    pub qualname: String,
    /// The temps made by `Op::Const` of an int below 2**62 or a float, with
    /// their values: inline arithmetic reads them without the object.
    pub numbers: BTreeMap<Temp, Number>,
    /// Parameters, as the first locals, in slot order.
    pub nparams: u32,
    pub locals: Vec<Local>,
    pub temps: Vec<Ty>,
    pub blocks: Vec<Block>,
    /// The most argument slots any one instruction writes to memory.
    pub max_args: u32,
    /// A generator: the entry gets the generator's frame, not argument
    /// slots, and the body suspends at `Term::Yield`.
    pub generator: bool,
    /// A class body: its one slot is the namespace (its frame's f_locals).
    pub class_body: bool,
    /// A generator: a tuple with each local's name (None for those its
    /// code object does not have), by which the runtime finds their slots
    /// in the frame's `localsplus`, where a suspended generator keeps them.
    pub local_names: Option<ConstId>,
    /// Per temp, what its value is expected to be (analysis::types; empty
    /// until the analysis ran: nothing expected).
    pub kinds: Vec<Kinds>,
}

impl Function {
    /// What temp T is expected to be (`Kinds::ANY` before the analysis).
    pub fn kind(&self, t: Temp) -> Kinds {
        self.kinds.get(t as usize).copied().unwrap_or(Kinds::ANY)
    }
}

impl Op {
    /// Temps this instruction reads.
    pub fn operands(&self) -> Vec<Temp> {
        use Op::*;
        let opt = |t: &Option<Temp>| t.iter().copied().collect::<Vec<_>>();
        match self {
            Const(_) | LoadLocal(_) | DeleteLocal(_) | LoadCell(_) | DeleteCell(_) | CellObject(_) | LoadGlobal(_)
            | DeleteGlobal(_) | ExcFetch | TakeLocal(_) | LoadBuildClass | Globals | GenSent | GenSentFrom
            | SyncLocals(_) | ClearLocals | SendDone | RangeNext(_) | EndAsyncFor => vec![],
            RangeIter(_, args) => args.clone(),
            YieldFromIter(a)
            | Awaitable(a, _)
            | AsyncWithEnter(a)
            | GetAIter(a)
            | GetANext(a)
            | AsyncGenWrap(a)
            | ListToTuple(a)
            | MatchSequence(a)
            | MatchMapping(a)
            | MatchLen(a) => {
                vec![*a]
            }
            MatchKeys(a, b) | MatchRest(a, b) | MatchClass(a, b, ..) => vec![*a, *b],
            Send(a, b) => vec![*a, *b],
            LoadName(ns, _) | DeleteName(ns, _) | LoadClassDeref(ns, _) | SetupAnnotations(ns) | WithEnter(ns) => {
                vec![*ns]
            }
            WithExit(a, b) | AsyncWithExit(a, b) | ExceptStarMatch(a, b) | PrepReraiseStar(a, b) => vec![*a, *b],
            StoreName(ns, _, v) => vec![*ns, *v],
            CallEx(f, a, k) => [*f, *a].into_iter().chain(*k).collect(),
            DictMerge(a, b, c) => vec![*a, *b, *c],
            StoreLocal(_, t) | StoreCell(_, t) | StoreGlobal(_, t) => vec![*t],
            Call { func, args, .. } => std::iter::once(*func).chain(args.iter().copied()).collect(),
            ConsumeGenexp { func, genfunc, iter, .. } => vec![*func, *genfunc, *iter],
            CallMethod { args, probe, .. } => args.iter().copied().chain(*probe).collect(),
            ProbeMethod { obj, .. } => vec![*obj],
            Binary(_, _, a, b) | Compare(_, a, b) | CompareBool(_, a, b) | Is(a, b) | Contains(a, b) => vec![*a, *b],
            Unary(_, a)
            | Truth(a)
            | Not(a)
            | BoolObj(a)
            | GetAttr(a, _)
            | DelAttr(a, _)
            | GetIter(a)
            | IterNext(a)
            | Unpack(a, _)
            | UnpackEx(a, _, _)
            | TupleItem(a, _)
            | ImportFrom(a, _)
            | ExcRestore(a, _)
            | ExcPush(a)
            | ExcPop(a)
            | Release(a)
            | Alias(a) => vec![*a],
            SetAttr(a, _, b)
            | GetItem(a, b)
            | DelItem(a, b)
            | ExcMatches(a, b)
            | ListAppend(a, b)
            | SetAdd(a, b)
            | SetUpdate(a, b)
            | DictUpdate(a, b)
            | ListExtend(a, b) => {
                vec![*a, *b]
            }
            SetItem(a, b, c) | BuildSlice(a, b, c) | GetSlice(a, b, c) | DictSetItem(a, b, c) => vec![*a, *b, *c],
            SetSlice(a, b, c, d) => vec![*a, *b, *c, *d],
            BuildTuple(v) | BuildList(v) | BuildSet(v) | BuildDict(v) | BuildString(v) => v.clone(),
            Format(v, _, s) => std::iter::once(*v).chain(*s).collect(),
            MakeFunction { defaults, kwdefaults, annotations, closure, .. } => {
                [defaults, kwdefaults, annotations, closure].into_iter().flat_map(opt).collect()
            }
            ImportName { fromlist, .. } => vec![*fromlist],
            Super(a, _, _) => vec![*a],
            Raise(a, b) => opt(a).into_iter().chain(opt(b)).collect(),
            AssertFail(a) => opt(a),
        }
    }

    /// Temps whose reference this instruction takes over.
    pub fn consumes(&self) -> Vec<Temp> {
        use Op::*;
        match self {
            StoreLocal(_, t) | StoreCell(_, t) | ExcRestore(t, _) | ExcPop(t) | Release(t) => vec![*t],
            _ => vec![],
        }
    }

    /// Whether the instruction keeps an inline cache (runtime/inline_cache.c):
    /// codegen gives each such instruction its own (a probed CallMethod
    /// uses its ProbeMethod's).
    pub fn has_cache(&self) -> bool {
        matches!(
            self,
            Op::LoadGlobal(_)
                | Op::GetAttr(..)
                | Op::SetAttr(..)
                | Op::CallMethod { probe: None, .. }
                | Op::ProbeMethod { .. }
        )
    }

    /// Whether the instruction is a call site: before it, generated code
    /// points its frame's current instruction at the call's (runtime/frame.c),
    /// so what the callee sees of the stack has the caller's line. An
    /// exception raised on where CPython's RERAISE has a line (the end of a
    /// finally, an except that matched nothing) leaves the frame at that
    /// line too, as PEP 626 has it (f_lineno).
    pub fn is_call_site(&self) -> bool {
        matches!(
            self,
            Op::Call { .. }
                | Op::CallMethod { .. }
                | Op::CallEx(..)
                | Op::ConsumeGenexp { .. }
                | Op::ExcRestore(_, true)
        )
    }

    /// Whether the instruction can fail (and so has an exception edge).
    pub fn can_fail(&self) -> bool {
        use Op::*;
        !matches!(
            self,
            Const(_)
                | StoreLocal(..)
                | CellObject(_)
                | Is(..)
                | Not(_)
                | BoolObj(_)
                | TupleItem(..)
                | ExcFetch
                | ExcRestore(..)
                | ExcPush(_)
                | ExcPop(_)
                | TakeLocal(_)
                | Alias(_)
                | StoreCell(..)
                | Release(_)
                | SendDone
                | SyncLocals(_)
                | ClearLocals
                | MatchSequence(_)
                | MatchMapping(_)
        )
    }
}

impl Function {
    /// How many inline caches the function's code needs (a yield keeps
    /// where its instruction is in one).
    pub fn cache_count(&self) -> u32 {
        let ops = self.blocks.iter().flat_map(|b| &b.insts).filter(|i| i.op.has_cache()).count();
        let yields = self.blocks.iter().filter(|b| matches!(b.term, Term::Yield(..))).count();
        // (A generator's entry keeps where its variables go in one.)
        (ops + yields + usize::from(self.generator)) as u32
    }

    /// Whether the prologue makes cells in a frame of its own (not a
    /// generator's, which is never incomplete): the frame is then before
    /// its first instruction until they are made, as CPython's is.
    pub fn makes_cells(&self) -> bool {
        !self.generator && self.locals.iter().any(|l| l.kind == LocalKind::Cell)
    }

    /// How many sites (`Inst::is_site`, and the two of `makes_cells`) the
    /// function's code has.
    pub fn site_count(&self) -> u32 {
        let prologue = if self.makes_cells() { 2 } else { 0 };
        prologue + self.blocks.iter().flat_map(|b| &b.insts).filter(|i| i.is_site()).count() as u32
    }

    /// The bytes of the image the function's code owns: its inline caches,
    /// then one word per call site (the offset of the call's instruction
    /// in its code object, filled in by the runtime), 8-byte aligned.
    pub fn cache_bytes(&self) -> u32 {
        (self.cache_count() * crate::link::image::CACHE_SIZE + 4 * self.site_count()).next_multiple_of(8)
    }
}

impl Term {
    /// The temp the terminator reads, if any.
    pub fn operands(&self) -> Option<Temp> {
        match self {
            Term::Branch(t, ..) | Term::BranchNull(t, ..) | Term::Return(t) | Term::Yield(t, ..) => Some(*t),
            _ => None,
        }
    }

    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Term::Jump(b) => vec![*b],
            Term::Branch(_, a, b) | Term::BranchNull(_, a, b) => vec![*a, *b],
            Term::Resume(cases, default) => cases.iter().map(|c| c.1).chain([*default]).collect(),
            Term::Return(_) | Term::Reraise | Term::Propagate | Term::Unreachable | Term::Yield(..) => vec![],
        }
    }
}
