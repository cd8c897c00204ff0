//! Inline cache hits in generated code: a global or builtin, an inline
//! instance value or a `__slots__` member whose cache
//! (runtime/inline_cache.c) is filled is read (or written) without calling
//! the runtime, with the same guards the runtime's function checks;
//! anything else calls it (a miss fills the cache).

use wasm_encoder::{BlockType, Instruction as I};

use super::runtime::Rt;
use super::{mem, Ctx, Gen};
use crate::ir::{self, Temp};

/// runtime/inline_cache.c: struct py2wasm_cache fields and kinds.
const CACHE_VERSION: u64 = 0;
const CACHE_VERSION2: u64 = 4;
const CACHE_KIND: u64 = 8;
const CACHE_DESCR: u64 = 16;
const CACHE_VALUE: u64 = 20;
const KIND_GLOBAL: i32 = 2;
const KIND_BUILTIN: i32 = 3;
const KIND_INSTANCE: i32 = 4;
const KIND_SLOT: i32 = 5;
const KIND_METHOD_NO_DICT: i32 = 7;
const KIND_METHOD_VALUES: i32 = 8;
const KIND_DICT_HINT: i32 = 11;
const KIND_METHOD_WITH_DICT: i32 = 12;
const CACHE_INDEX: u64 = 12;
const TYPE_VERSION_TAG: u64 = 192;
/// _PyObject_ValuesPointer: four pointers before the object.
const VALUES_BEFORE: i32 = 16;
/// CPython's layouts (asserted in inline_cache.c).
const FUNC_GLOBALS: u64 = 8;
const FUNC_BUILTINS: u64 = 12;
const DICT_KEYS: u64 = 24;
const KEYS_VERSION: u64 = 8;
const FUNC_CODE: u64 = 24;
/// PyHeapTypeObject's ht_cached_keys: the shared keys of its instances.
const CACHED_KEYS: u64 = 436;
/// _PyObject_ManagedDictPointer: three pointers before the object.
const DICT_BEFORE: i32 = 12;
/// A values array's count of keys in insertion order: two bytes before it.
const VALUES_ORDER_SIZE_BEFORE: i32 = 2;
/// PyDictObject's ma_values; PyDictKeysObject's dk_log2_index_bytes,
/// dk_kind, dk_nentries and dk_indices; PyDictUnicodeEntry's size.
const DICT_VALUES: u64 = 28;
const KEYS_LOG2_INDEX_BYTES: u64 = 5;
const KEYS_KIND: u64 = 6;
const KEYS_NENTRIES: u64 = 16;
const KEYS_INDICES: i32 = 20;
const UNICODE_ENTRY_SIZE: i32 = 8;

/// A byte access at OFFSET (dict keys fields, a values array's order).
fn byte(offset: u64) -> wasm_encoder::MemArg {
    wasm_encoder::MemArg { offset, align: 0, memory_index: 0 }
}

impl Gen<'_> {
    /// Branches out of the inline path (to the runtime call) when the
    /// condition on the stack holds.
    fn miss_if(&mut self) {
        let depth = self.slow_depth();
        self.ins(I::BrIf(depth));
    }

    /// Misses unless the i32 on the stack equals the cache's FIELD.
    fn miss_unless_cached(&mut self, cache: i32, field: u64) {
        self.konst(cache);
        self.ins(I::I32Load(mem(field)));
        self.ins(I::I32Ne);
        self.miss_if();
    }

    /// Misses unless the dict keys object on the stack has the cache's
    /// second version (the keys' version then).
    fn miss_unless_keys_cached(&mut self, cache: i32) {
        self.ins(I::I32Load(mem(KEYS_VERSION)));
        self.miss_unless_cached(cache, CACHE_VERSION2);
    }

    /// Pushes object W's managed `__dict__` pointer (NULL: none made).
    fn managed_dict(&mut self, w: u32) {
        self.get(w);
        self.konst(DICT_BEFORE);
        self.ins(I::I32Sub);
        self.ins(I::I32Load(mem(0)));
    }

    /// Pushes the cache's index times SCALE (a byte offset into values or
    /// dict entries).
    fn cache_index_times(&mut self, cache: i32, scale: i32) {
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_INDEX)));
        if scale != 1 {
            self.konst(scale);
            self.ins(I::I32Mul);
        }
    }

    /// Pushes the cache's kind (also left in the scratch local).
    fn cache_kind(&mut self, cache: i32) {
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_KIND)));
        self.ins(I::LocalTee(self.scratch_l));
    }

    /// dst = global K (LOAD_GLOBAL), the hit inline.
    pub(super) fn load_global(
        &mut self,
        x: usize,
        k: ir::ConstId,
        dst: Temp,
        owned: &[Temp],
        pos: ir::Pos,
    ) -> Result<(), String> {
        let w = self.temp(dst);
        let cache = self.next_cache_addr() as i32;
        self.fast_path_begin();
        // The globals' keys still have the version the cache saw.
        self.get(self.func_l);
        self.ins(I::I32Load(mem(FUNC_GLOBALS)));
        self.ins(I::I32Load(mem(DICT_KEYS)));
        self.ins(I::I32Load(mem(KEYS_VERSION)));
        self.miss_unless_cached(cache, CACHE_VERSION);
        self.cache_kind(cache);
        self.konst(KIND_GLOBAL);
        self.ins(I::I32Ne);
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        // A builtin: not in the globals (their version says so), and the
        // function's builtins are the dict the cache saw, at its version.
        self.get(self.scratch_l);
        self.konst(KIND_BUILTIN);
        self.ins(I::I32Ne);
        self.miss_if();
        self.get(self.func_l);
        self.ins(I::I32Load(mem(FUNC_BUILTINS)));
        self.ins(I::LocalTee(self.scratch_l));
        self.miss_unless_cached(cache, CACHE_DESCR);
        self.get(self.scratch_l);
        self.ins(I::I32Load(mem(4))); // ob_type
        self.konst(self.env.data.dict_type as i32);
        self.ins(I::I32Ne);
        self.miss_if();
        self.get(self.scratch_l);
        self.ins(I::I32Load(mem(DICT_KEYS)));
        self.ins(I::I32Load(mem(KEYS_VERSION)));
        self.miss_unless_cached(cache, CACHE_VERSION2);
        self.ctx.pop();
        self.ins(I::End);
        // The entry's value (deleted: NULL, the runtime raises NameError).
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_VALUE)));
        self.ins(I::I32Load(mem(0)));
        self.ins(I::LocalTee(w));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.incref(w);
        self.fast_path_done();
        self.get(self.func_l);
        self.const_slot(k);
        self.konst(cache);
        self.call(Rt::LoadGlobalCached);
        self.ins(I::LocalTee(w));
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(pos))?;
        self.fast_path_end();
        Ok(())
    }

    /// Leaves on the stack where attribute value of object W lives, when
    /// the cache at CACHE is an inline-values or slot hit (its type's
    /// version), or with HINT (the name) an entry of the instance's
    /// materialised `__dict__`; branches to the runtime call otherwise.
    fn attr_slot(&mut self, w: u32, cache: i32, hint: Option<ir::ConstId>) {
        self.get(w);
        self.ins(I::I32Load(mem(4))); // ob_type
        self.ins(I::I32Load(mem(TYPE_VERSION_TAG)));
        self.miss_unless_cached(cache, CACHE_VERSION);
        self.cache_kind(cache);
        self.konst(KIND_SLOT);
        self.ins(I::I32Eq);
        self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I32)));
        self.ctx.push(Ctx::If);
        self.get(w);
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_INDEX))); // the member's byte offset
        self.ins(I::I32Add);
        self.ins(I::Else);
        if let Some(name) = hint {
            self.get(self.scratch_l);
            self.konst(KIND_DICT_HINT);
            self.ins(I::I32Eq);
            self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I32)));
            self.ctx.push(Ctx::If);
            self.dict_hint_slot(w, cache, name);
            self.ins(I::Else);
        }
        self.get(self.scratch_l);
        self.konst(KIND_INSTANCE);
        self.ins(I::I32Ne);
        self.miss_if();
        // The values array (NULL once a __dict__ is made: the runtime's path).
        self.get(w);
        self.konst(VALUES_BEFORE);
        self.ins(I::I32Sub);
        self.ins(I::I32Load(mem(0)));
        self.ins(I::LocalTee(self.scratch_l));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.get(self.scratch_l);
        self.cache_index_times(cache, 4);
        self.ins(I::I32Add);
        if hint.is_some() {
            self.ctx.pop();
            self.ins(I::End);
        }
        self.ctx.pop();
        self.ins(I::End);
    }

    /// A new instance value (its slot's address in the scratch local, the
    /// old value NULL) joins the instance's key order: the order array
    /// before the values ends at their count, one byte before them.
    /// (old_l is the scratch here; it is NULL again after.)
    fn add_to_insertion_order(&mut self, cache: i32) {
        let size_at = self.old_l;
        self.get(self.scratch_l);
        self.cache_index_times(cache, 4);
        self.ins(I::I32Sub);
        self.konst(VALUES_ORDER_SIZE_BEFORE);
        self.ins(I::I32Sub);
        self.ins(I::LocalSet(size_at));
        // order[-(size + 1)] = index, then size + 1
        self.get(size_at);
        self.get(size_at);
        self.ins(I::I32Load8U(byte(0)));
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Sub);
        self.cache_index_times(cache, 1);
        self.ins(I::I32Store8(byte(0)));
        self.get(size_at);
        self.get(size_at);
        self.ins(I::I32Load8U(byte(0)));
        self.konst(1);
        self.ins(I::I32Add);
        self.ins(I::I32Store8(byte(0)));
        self.konst(0);
        self.ins(I::LocalSet(size_at));
    }

    /// The address of NAME's value in the materialised `__dict__` of
    /// object W, at the entry index the cache holds (as the runtime's
    /// dict_hint_slot and CPython's LOAD_ATTR_WITH_HINT find it); misses
    /// when the instance has no dict, or that entry is not NAME's.
    fn dict_hint_slot(&mut self, w: u32, cache: i32, name: ir::ConstId) {
        let (dict, keys) = (self.scratch_l, self.old_l);
        self.managed_dict(w);
        self.ins(I::LocalTee(dict));
        self.ins(I::I32Eqz);
        self.miss_if();
        // Keys of str only (DICT_KEYS_GENERAL is 0), with the entry.
        self.get(dict);
        self.ins(I::I32Load(mem(DICT_KEYS)));
        self.ins(I::LocalTee(keys));
        self.ins(I::I32Load8U(byte(KEYS_KIND)));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.cache_index_times(cache, 1);
        self.get(keys);
        self.ins(I::I32Load(mem(KEYS_NENTRIES)));
        self.ins(I::I32GeU);
        self.miss_if();
        // The entry: after the index table (1 << dk_log2_index_bytes bytes).
        self.get(keys);
        self.konst(KEYS_INDICES);
        self.ins(I::I32Add);
        self.konst(1);
        self.get(keys);
        self.ins(I::I32Load8U(byte(KEYS_LOG2_INDEX_BYTES)));
        self.ins(I::I32Shl);
        self.ins(I::I32Add);
        self.cache_index_times(cache, UNICODE_ENTRY_SIZE);
        self.ins(I::I32Add);
        self.ins(I::LocalTee(keys));
        self.ins(I::I32Load(mem(0))); // me_key
        self.const_slot(name);
        self.ins(I::I32Ne);
        self.miss_if();
        // A split table keeps its values apart, by the same index.
        self.get(dict);
        self.ins(I::I32Load(mem(DICT_VALUES)));
        self.ins(I::LocalTee(dict));
        self.ins(I::If(BlockType::Result(wasm_encoder::ValType::I32)));
        self.ctx.push(Ctx::If);
        self.get(dict);
        self.cache_index_times(cache, 4);
        self.ins(I::I32Add);
        self.ins(I::Else);
        self.get(keys);
        self.konst(4); // me_value
        self.ins(I::I32Add);
        self.ctx.pop();
        self.ins(I::End);
    }

    /// dst = o.NAME, the hit inline.
    pub(super) fn get_attr(
        &mut self,
        x: usize,
        o: Temp,
        k: ir::ConstId,
        dst: Temp,
        owned: &[Temp],
        pos: ir::Pos,
    ) -> Result<(), String> {
        let w = self.temp(dst);
        let ow = self.temp(o);
        let cache = self.next_cache_addr() as i32;
        self.fast_path_begin();
        self.attr_slot(ow, cache, Some(k));
        self.ins(I::I32Load(mem(0)));
        self.ins(I::LocalTee(w));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.incref(w);
        self.fast_path_done();
        self.get(ow);
        self.const_slot(k);
        self.konst(cache);
        self.call(Rt::GetAttrCached);
        self.ins(I::LocalTee(w));
        self.ins(I::I32Eqz);
        self.fail_if(x, owned, Some(pos))?;
        self.fast_path_end();
        Ok(())
    }

    /// o.NAME = v, the hit inline for a `__slots__` member and an instance
    /// value (a new one also joins the instance's key order, as
    /// _PyDictValues_AddToInsertionOrder does in STORE_ATTR_INSTANCE_VALUE).
    pub(super) fn set_attr(
        &mut self,
        x: usize,
        o: Temp,
        k: ir::ConstId,
        v: Temp,
        owned: &[Temp],
        pos: ir::Pos,
    ) -> Result<(), String> {
        let ow = self.temp(o);
        let vw = self.temp(v);
        let cache = self.next_cache_addr() as i32;
        self.fast_path_begin();
        self.attr_slot(ow, cache, None);
        self.ins(I::LocalTee(self.scratch_l));
        self.ins(I::I32Load(mem(0)));
        self.ins(I::LocalTee(self.old_l));
        self.ins(I::I32Eqz);
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_KIND)));
        self.konst(KIND_INSTANCE);
        self.ins(I::I32Eq);
        self.ins(I::I32And);
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        self.add_to_insertion_order(cache);
        self.ctx.pop();
        self.ins(I::End);
        self.incref(vw);
        self.get(self.scratch_l);
        self.get(vw);
        self.ins(I::I32Store(mem(0)));
        // Last: the old value's destructor may run any code.
        self.xdecref(self.old_l);
        self.fast_path_done();
        self.get(ow);
        self.const_slot(k);
        self.get(vw);
        self.konst(cache);
        self.call(Rt::SetAttrCached);
        self.konst(0);
        self.ins(I::I32LtS);
        self.fail_if(x, owned, Some(pos))?;
        self.fast_path_end();
        Ok(())
    }

    /// Branches to the runtime call unless the first entry of the method
    /// cache at CACHE applies to object SW: the type's version, and a
    /// method the instance cannot shadow (no `__dict__` of its own, or one
    /// whose keys still lack the name).
    fn method_guards(&mut self, sw: u32, cache: i32) {
        self.get(sw);
        self.ins(I::I32Load(mem(4))); // ob_type
        self.ins(I::LocalTee(self.old_l));
        self.ins(I::I32Load(mem(TYPE_VERSION_TAG)));
        self.miss_unless_cached(cache, CACHE_VERSION);
        self.cache_kind(cache);
        self.konst(KIND_METHOD_VALUES);
        self.ins(I::I32Eq);
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        // No __dict__ of its own, and the shared keys still lack the name.
        self.managed_dict(sw);
        self.miss_if();
        self.get(self.old_l);
        self.ins(I::I32Load(mem(CACHED_KEYS)));
        self.miss_unless_keys_cached(cache);
        self.ins(I::Else);
        self.get(self.scratch_l);
        self.konst(KIND_METHOD_WITH_DICT);
        self.ins(I::I32Eq);
        self.ins(I::If(BlockType::Empty));
        self.ctx.push(Ctx::If);
        // A materialised __dict__ whose keys still lack the name (the
        // same keys version).
        self.managed_dict(sw);
        self.ins(I::LocalTee(self.old_l));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.get(self.old_l);
        self.ins(I::I32Load(mem(DICT_KEYS)));
        self.miss_unless_keys_cached(cache);
        self.ins(I::Else);
        self.get(self.scratch_l);
        self.konst(KIND_METHOD_NO_DICT);
        self.ins(I::I32Ne);
        self.miss_if();
        self.ctx.pop();
        self.ins(I::End);
        self.ctx.pop();
        self.ins(I::End);
    }

    /// ProbeMethod: D = the marker when the cache at CACHE holds obj.NAME
    /// as a method for OBJ (the guards of `call_method`, inline), else
    /// what the runtime's probe returns (its lookup, done now). Leaves the
    /// result (NULL: failed) on the stack.
    pub(super) fn probe_method(
        &mut self,
        obj: Temp,
        name: ir::ConstId,
        nargs: u32,
        kwnames: Option<ir::ConstId>,
        cache: i32,
        d: u32,
    ) {
        let sw = self.temp(obj);
        self.fast_path_begin();
        self.method_guards(sw, cache);
        self.konst(self.env.data.method_marker as i32);
        self.ins(I::LocalSet(d));
        self.incref(d);
        self.fast_path_done();
        self.get(sw);
        self.const_slot(name);
        self.konst(nargs as i32 | i32::MIN);
        match kwnames {
            Some(k) => self.const_slot(k),
            None => self.konst(0),
        }
        self.konst(cache);
        self.call(Rt::ProbeMethod);
        self.ins(I::LocalSet(d));
        self.fast_path_end();
        self.get(d);
    }

    /// obj.NAME(args) with ARGS[0] the object, its arguments already in the
    /// frame's slots from 1 (no keywords): when the cache holds a compiled
    /// method with an entry for this call, and the instance cannot shadow
    /// it, the entry is called through the table (the method held for the
    /// call, inside the recursion limit); anything else calls the runtime.
    /// PROBE: the call's probe (looked up before the arguments) and the
    /// cache it shares; the fast path needs the probe to be the marker.
    /// Leaves the result (NULL: failed) on the stack, and in local D.
    pub(super) fn call_method(&mut self, name: ir::ConstId, args: &[Temp], d: u32, probe: Option<(Temp, u32)>) {
        let cache = match probe {
            Some((_, c)) => c as i32,
            None => self.next_cache_addr() as i32,
        };
        let sw = self.temp(args[0]);
        self.fast_path_begin();
        if let Some((p, _)) = probe {
            self.get(self.temp(p));
            self.konst(self.env.data.method_marker as i32);
            self.ins(I::I32Ne);
            self.miss_if();
        }
        self.method_guards(sw, cache);
        // An entry for this call, and the method still has that code.
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_INDEX)));
        self.ins(I::I32Eqz);
        self.miss_if();
        self.konst(cache);
        self.ins(I::I32Load(mem(CACHE_DESCR)));
        self.ins(I::LocalTee(self.old_l));
        self.ins(I::I32Load(mem(FUNC_CODE)));
        self.miss_unless_cached(cache, CACHE_VALUE);
        self.incref(self.old_l);
        let entry_type = self.env.entry_type;
        self.call_compiled(self.old_l, |g| {
            g.konst(cache);
            g.ins(I::I32Load(mem(CACHE_INDEX)));
            g.ins(I::CallIndirect { type_index: entry_type, table_index: 0 });
        });
        self.ins(I::LocalSet(d));
        self.decref(self.old_l);
        self.fast_path_done();
        if let Some((p, _)) = probe {
            self.get(self.temp(p));
        }
        self.const_slot(name);
        self.frame_addr(1);
        self.konst(args.len() as i32 | i32::MIN);
        self.konst(0);
        self.konst(cache);
        self.call(if probe.is_some() { Rt::CallMethodProbed } else { Rt::CallMethodCached });
        self.ins(I::LocalSet(d));
        self.fast_path_end();
        self.get(d);
    }
}
