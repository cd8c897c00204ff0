/* Inline caches for generated code: the same guards CPython 3.11's
 * specialising interpreter uses (Python/specialize.c), kept per call site
 * in the program image instead of in the bytecode.
 *
 * Every site that loads a global, gets or sets an attribute or calls a
 * method owns one `struct py2wasm_cache` (zeroed by the compiler). On a
 * miss the site runs CPython's generic operation and records what it saw:
 *   - globals and builtins: the version of the dict's keys and the entry's
 *     index (a keys object keeps its version until a key is added or
 *     removed, so the entry still holds the name; its value is read fresh);
 *   - attributes: the type's version tag (reset whenever the type or one of
 *     its bases changes) and where the value lives: the instance's inline
 *     values (managed dict), a __slots__ member, a module's dict, or the
 *     type itself (a class attribute no instance shadows);
 *   - methods: the type's version tag and the function found on the type,
 *     valid while the instance has no attribute of that name.
 * A hit does exactly what the generic operation would; anything unusual
 * (a __getattribute__, a data descriptor, a materialised __dict__) misses.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <structmember.h>
#include "internal/pycore_dict.h"
#include "internal/pycore_gc.h"
#include "internal/pycore_moduleobject.h"
#include "internal/pycore_object.h"

#include "native.h"

/* Generated code passes the address of its site's cache: SITE_ENTRIES of
 * these entries (src/link/image.rs CACHE_SIZE). Generated code checks the
 * first itself; the runtime checks them all, swaps a hit with the first, and
 * on a miss of all moves them back one (the last is dropped) and fills the
 * first for the object at hand: a site that sees a few types (a method of
 * a base class called on its subclasses) hits for each (CPython 3.11 keeps
 * one per site, and re-specialises with a backoff). */
#define SITE_ENTRIES 4
struct py2wasm_cache {
    uint32_t version;  /* type version tag, or keys version (globals, module) */
    uint32_t version2; /* builtins keys version; instance keys version (methods) */
    uint32_t kind;
    uint32_t index;    /* dict entry index, or the slot's byte offset; methods: the
                          compiled method's entry for this call (0: none) */
    PyObject *descr;   /* the method (borrowed: the type holds it while its version lasts);
                          builtins: the builtins dict */
    PyObject **value;  /* globals and builtins: where the entry keeps its value;
                          methods: the code object the entry (index) is for */
};
_Static_assert(sizeof(struct py2wasm_cache) * SITE_ENTRIES == 96, "src/link/image.rs CACHE_SIZE");
/* Generated code reads a global's cache inline (src/codegen/cached.rs):
 * these offsets, and the kind numbers below, are spelled out there. */
_Static_assert(offsetof(struct py2wasm_cache, kind) == 8 && offsetof(struct py2wasm_cache, descr) == 16 &&
                   offsetof(struct py2wasm_cache, value) == 20,
               "codegen: cache fields");
_Static_assert(offsetof(PyFunctionObject, func_globals) == 8 && offsetof(PyFunctionObject, func_builtins) == 12,
               "codegen: function globals");
_Static_assert(offsetof(PyDictObject, ma_keys) == 24 && offsetof(PyDictKeysObject, dk_version) == 8,
               "codegen: dict keys version");

enum {
    CACHE_EMPTY,         /* not filled yet, or worth filling again */
    CACHE_GENERIC,       /* this type takes the generic path */
    CACHE_GLOBAL,        /* globals entry */
    CACHE_BUILTIN,       /* builtins entry, absent from globals */
    CACHE_INSTANCE,      /* inline instance value */
    CACHE_SLOT,          /* __slots__ member */
    CACHE_MODULE,        /* module attribute (version is the module dict's keys version) */
    CACHE_METHOD_NO_DICT,
    CACHE_METHOD_VALUES, /* method; the instance's values lack the name */
    CACHE_CLASS_ATTR,    /* found on the type (not a data descriptor); version2: instance keys */
    CACHE_CLASS_ATTR_NO_DICT, /* the same, for instances without a __dict__ */
    CACHE_DICT_HINT,     /* in the instance's materialised __dict__, at this entry index */
    CACHE_METHOD_WITH_DICT, /* method; the instance's materialised __dict__ lacks the name
                               (version2: the dict's keys version) */
    CACHE_TYPE_ATTR,     /* an attribute of the class itself (`Color.RED`): index is the
                            class, version its version tag, descr the value */
    CACHE_TYPE_METHOD,   /* a classmethod called on its class: descr its function, which
                            the call gives the class first */
};
_Static_assert(CACHE_GLOBAL == 2 && CACHE_BUILTIN == 3 && CACHE_INSTANCE == 4 && CACHE_SLOT == 5 &&
                   CACHE_METHOD_NO_DICT == 7 && CACHE_METHOD_VALUES == 8 && CACHE_DICT_HINT == 11 &&
                   CACHE_METHOD_WITH_DICT == 12,
               "codegen: cache kinds");
/* Method hits inline: the managed dict pointer before the object, the
 * shared keys of the type's instances. */
_Static_assert(offsetof(PyHeapTypeObject, ht_cached_keys) == 436, "codegen: ht_cached_keys");
/* Attribute hits inline: the type's version tag, the inline values before
 * the object (3.11's managed dict pre-header). */
_Static_assert(offsetof(PyTypeObject, tp_version_tag) == 192, "codegen: tp_version_tag");
_Static_assert(sizeof(PyObject *) == 4, "codegen: wasm32");

/* ------------------------------------------------------------ globals */

PyObject *py2wasm_load_global(PyObject *f, PyObject *name);

/* The entry of NAME in dict D, caching its keys version: index or -1. */
static Py_ssize_t unicode_entry(PyDictObject *d, PyObject *name, uint32_t *version) {
    if (!PyDict_CheckExact(d) || !DK_IS_UNICODE(d->ma_keys))
        return -1;
    *version = _PyDictKeys_GetVersionForCurrentState(d->ma_keys);
    return *version == 0 ? -1 : _PyDictKeys_StringLookup(d->ma_keys, name);
}

static PyObject *entry_value(PyDictObject *d, uint32_t index) {
    return DK_UNICODE_ENTRIES(d->ma_keys)[index].me_value;
}

PyObject *py2wasm_load_global_cached(PyObject *f, PyObject *name, struct py2wasm_cache *c) {
    PyFunctionObject *func = (PyFunctionObject *)f;
    PyDictObject *g = (PyDictObject *)func->func_globals; /* always a dict */
    PyDictObject *b = (PyDictObject *)func->func_builtins;
    PyObject *v = NULL;
    if (c->kind == CACHE_GLOBAL && g->ma_keys->dk_version == c->version)
        v = entry_value(g, c->index);
    else if (c->kind == CACHE_BUILTIN && g->ma_keys->dk_version == c->version && PyDict_CheckExact(b) &&
             b->ma_keys->dk_version == c->version2)
        v = entry_value(b, c->index);
    if (v != NULL)
        return Py_NewRef(v);
    uint32_t gv = 0, bv = 0;
    Py_ssize_t i = unicode_entry(g, name, &gv);
    c->kind = CACHE_EMPTY;
    if (i >= 0) {
        *c = (struct py2wasm_cache){.version = gv,
                                    .kind = CACHE_GLOBAL,
                                    .index = (uint32_t)i,
                                    .value = &DK_UNICODE_ENTRIES(g->ma_keys)[i].me_value};
    } else if (gv != 0 && (i = unicode_entry(b, name, &bv)) >= 0) {
        *c = (struct py2wasm_cache){.version = gv,
                                    .version2 = bv,
                                    .kind = CACHE_BUILTIN,
                                    .index = (uint32_t)i,
                                    .descr = (PyObject *)b,
                                    .value = &DK_UNICODE_ENTRIES(b->ma_keys)[i].me_value};
    }
    return py2wasm_load_global(f, name);
}

/* ------------------------------------------------------------ attributes */

/* Generated code reads a CACHE_DICT_HINT hit inline as dict_hint_slot
 * does (src/codegen/cached.rs, attr_slot): these layouts are spelled out
 * there. */
_Static_assert(offsetof(PyDictObject, ma_values) == 28 && offsetof(PyDictKeysObject, dk_log2_index_bytes) == 5 &&
                   offsetof(PyDictKeysObject, dk_kind) == 6 && offsetof(PyDictKeysObject, dk_nentries) == 16 &&
                   offsetof(PyDictKeysObject, dk_indices) == 20 && sizeof(PyDictUnicodeEntry) == 8 &&
                   offsetof(PyDictUnicodeEntry, me_value) == 4 && DICT_KEYS_GENERAL == 0,
               "codegen: dict hint layout");

/* A new instance value stored by generated code joins the key order as
 * _PyDictValues_AddToInsertionOrder (pycore_dict.h) appends it: the count
 * is the byte two before the values, the order array before that. */

/* Where entry INDEX of O's materialised __dict__ keeps its value, if that
 * entry's key is NAME (the names are interned, so identity decides). */
static PyObject **dict_hint_slot(PyObject *o, PyObject *name, uint32_t index) {
    PyDictObject *dict = (PyDictObject *)*_PyObject_ManagedDictPointer(o);
    if (dict == NULL)
        return NULL;
    PyDictKeysObject *keys = dict->ma_keys;
    if (!DK_IS_UNICODE(keys) || (Py_ssize_t)index >= keys->dk_nentries)
        return NULL;
    PyDictUnicodeEntry *ep = DK_UNICODE_ENTRIES(keys) + index;
    if (ep->me_key != name)
        return NULL;
    /* A split table keeps its values apart, by the same index. */
    return dict->ma_values != NULL ? &dict->ma_values->values[index] : &ep->me_value;
}

/* The object a staticmethod or classmethod wraps, borrowed (the wrapper
 * holds it; it cannot be replaced), or NULL. */
static PyObject *wrapped_callable(PyObject *wrapper) {
    PyObject *f = PyObject_GetAttrString(wrapper, "__func__");
    if (f == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(f);
    return f;
}

/* Fills C for attribute NAME of class O, whose metaclass is `type` itself,
 * if type_getattro would answer with a value it finds on O (or a base)
 * that does not depend on the lookup: no data descriptor of that name on
 * `type` (`__name__`, `__doc__`, ...) comes first, and the value is no
 * descriptor, a plain function (its __get__ without an instance gives the
 * function itself) or a staticmethod (its function). FOR_CALL: a
 * classmethod too, called as its function with the class first. */
static void specialize_type_attr(PyObject *o, PyObject *name, struct py2wasm_cache *c, int for_call) {
    PyTypeObject *cls = (PyTypeObject *)o;
    if (!PyUnicode_CheckExact(name))
        return;
    PyObject *meta = _PyType_Lookup(&PyType_Type, name);
    if (meta != NULL && Py_TYPE(meta)->tp_descr_set != NULL)
        return;
    PyObject *value = _PyType_Lookup(cls, name); /* borrowed; assigns the version tag */
    if (value == NULL || !_PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG) || cls->tp_version_tag == 0)
        return;
    int kind = CACHE_TYPE_ATTR;
    if (Py_IS_TYPE(value, &PyStaticMethod_Type)) {
        value = wrapped_callable(value);
    } else if (for_call && Py_IS_TYPE(value, &PyClassMethod_Type)) {
        /* (cm_descr_get binds a function to the class; it would ask any
         * other descriptor it wraps.) */
        value = wrapped_callable(value);
        if (value != NULL && !PyFunction_Check(value))
            return;
        kind = CACHE_TYPE_METHOD;
    } else if (Py_TYPE(value)->tp_descr_get != NULL && !PyFunction_Check(value)) {
        return;
    }
    if (value == NULL)
        return;
    /* (The class holds the value while its version tag lasts; a tag is
     * never reused, by this class or one made later at its address.) */
    *c = (struct py2wasm_cache){
        .version = cls->tp_version_tag, .kind = kind, .index = (uint32_t)(uintptr_t)o, .descr = value};
}

/* Fills C for attribute NAME of O (STORE: for setting it). */
static void specialize_attr(PyObject *o, PyObject *name, struct py2wasm_cache *c, int store) {
    PyTypeObject *tp = Py_TYPE(o);
    *c = (struct py2wasm_cache){.kind = CACHE_GENERIC, .version = tp->tp_version_tag};
    if (!store && Py_IS_TYPE(o, &PyType_Type)) {
        specialize_type_attr(o, name, c, 0);
        return;
    }
    if (!store && PyModule_CheckExact(o)) {
        PyDictObject *d = (PyDictObject *)((PyModuleObject *)o)->md_dict;
        uint32_t v = 0;
        Py_ssize_t i = d == NULL ? -1 : unicode_entry(d, name, &v);
        if (i >= 0)
            *c = (struct py2wasm_cache){.version = v, .kind = CACHE_MODULE, .index = (uint32_t)i};
        else
            c->kind = CACHE_EMPTY;
        return;
    }
    if (store ? tp->tp_setattro != PyObject_GenericSetAttr : tp->tp_getattro != PyObject_GenericGetAttr)
        return;
    if (tp->tp_dict == NULL || !PyUnicode_CheckExact(name))
        return;
    PyObject *descr = _PyType_Lookup(tp, name); /* borrowed; assigns the version tag */
    if (!_PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG) || tp->tp_version_tag == 0)
        return;
    c->version = tp->tp_version_tag;
    /* The instance's own value wins over anything on the type but a data
     * descriptor (generic getattr and setattr agree on that). Whether DESCR
     * is one can change without a new version of TP when DESCR's own class
     * is mutable (`Descriptor.__set__ = ...` updates that class's slots
     * only), so only a descriptor of an immutable type is known to be
     * shadowable; CPython 3.11's specializer refuses the others alike
     * (its MUTABLE kind; test_opcache's descriptor_added_after_optimization). */
    int shadowable = descr == NULL || (_PyType_HasFeature(Py_TYPE(descr), Py_TPFLAGS_IMMUTABLETYPE) &&
                                       Py_TYPE(descr)->tp_descr_set == NULL);
    PyDictObject *dict = _PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)
                             ? (PyDictObject *)*_PyObject_ManagedDictPointer(o)
                             : NULL;
    if (shadowable && dict != NULL) {
        /* The instance has a real __dict__ (CPython makes one once a type's
         * shared keys stop growing): remember where the name is in it. Only
         * in a dict of str keys: with others, looking the name up runs
         * their __eq__, which may change anything (the type included,
         * freeing DESCR); the generic path does that lookup once, holding
         * the descriptor, as CPython does (test_descr's
         * test_vicious_descriptor_nonsense). */
        PyObject *value = NULL;
        Py_ssize_t i = PyDict_CheckExact(dict) && DK_IS_UNICODE(dict->ma_keys)
                           ? _PyDict_GetItemHint(dict, name, -1, &value)
                           : -1;
        c->kind = i >= 0 ? CACHE_DICT_HINT : CACHE_EMPTY;
        c->index = (uint32_t)i;
    } else if (shadowable && _PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)) {
        PyDictKeysObject *keys = ((PyHeapTypeObject *)tp)->ht_cached_keys;
        Py_ssize_t i = _PyDictKeys_StringLookup(keys, name);
        uint32_t kv = 0;
        if (i >= 0) {
            c->kind = CACHE_INSTANCE;
            c->index = (uint32_t)i;
        } else if (!store && descr != NULL && *_PyObject_ManagedDictPointer(o) == NULL &&
                   (kv = _PyDictKeys_GetVersionForCurrentState(keys)) != 0) {
            /* A class attribute read through an instance (a constant, a
             * method as a value): valid while no instance can have the name. */
            c->kind = CACHE_CLASS_ATTR;
            c->version2 = kv;
            c->descr = descr;
        } else {
            /* Not among the shared keys yet (first store): try again later. */
            c->kind = CACHE_EMPTY;
        }
    } else if (!store && descr != NULL && shadowable && tp->tp_dictoffset == 0) {
        c->kind = CACHE_CLASS_ATTR_NO_DICT;
        c->descr = descr;
    } else if (descr != NULL && Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
        /* A slot's offset is only O's when O is an instance of the class
         * that made the slot: a member descriptor another class borrowed
         * (`shadowing = Other.slot`) raises TypeError (descr_check) instead
         * of reading or writing at that offset of an unrelated object. */
        if (m->type == T_OBJECT_EX && !(m->flags & PY_AUDIT_READ) && !(store && (m->flags & READONLY)) &&
            PyObject_TypeCheck(o, ((PyMemberDescrObject *)descr)->d_common.d_type)) {
            c->kind = CACHE_SLOT;
            c->index = (uint32_t)m->offset;
        }
    }
}

/* On a miss of all entries: each moves back one (the last is dropped), for
 * the caller to fill the first. */
static void make_room(struct py2wasm_cache *c) {
    memmove(&c[1], &c[0], (SITE_ENTRIES - 1) * sizeof(*c));
}

/* A hit in entry I (not the first) trades places with the first, which
 * generated code checks: cheaper than moving the others back, and as good
 * for a site
 * whose types take turns (richards' task classes at one call), which hits
 * in the runtime either way. */
static void swap_to_front(struct py2wasm_cache *c, int i) {
    struct py2wasm_cache hit = c[i];
    c[i] = c[0];
    c[0] = hit;
}

/* Whether CACHE_TYPE_ATTR or CACHE_TYPE_METHOD entry C is for class O as
 * it is now. */
static int type_entry_applies(PyObject *o, const struct py2wasm_cache *c) {
    return (uintptr_t)o == c->index && ((PyTypeObject *)o)->tp_version_tag == c->version;
}

/* Reads o.NAME through cache entry C if it applies to O: returns 1 with
 * *OUT the value (a new reference; NULL if a descriptor raised), or 0. */
static int getattr_hit(PyObject *o, PyObject *name, struct py2wasm_cache *c, PyObject **out) {
    PyObject *v = NULL;
    if (c->kind == CACHE_TYPE_ATTR) {
        if (type_entry_applies(o, c))
            v = c->descr;
    } else if (c->kind == CACHE_MODULE) {
        if (PyModule_CheckExact(o)) {
            PyDictObject *d = (PyDictObject *)((PyModuleObject *)o)->md_dict;
            if (d != NULL && d->ma_keys->dk_version == c->version)
                v = entry_value(d, c->index);
        }
    } else if (c->version == Py_TYPE(o)->tp_version_tag) {
        switch (c->kind) {
        case CACHE_GENERIC:
            *out = PyObject_GetAttr(o, name);
            return 1;
        case CACHE_INSTANCE: {
            PyDictValues *values = *_PyObject_ValuesPointer(o);
            v = values == NULL ? NULL : values->values[c->index];
            break;
        }
        case CACHE_SLOT:
            v = *(PyObject **)((char *)o + c->index);
            break;
        case CACHE_DICT_HINT: {
            PyObject **slot = dict_hint_slot(o, name, c->index);
            v = slot == NULL ? NULL : *slot;
            break;
        }
        case CACHE_CLASS_ATTR:
            if (*_PyObject_ManagedDictPointer(o) != NULL ||
                ((PyHeapTypeObject *)Py_TYPE(o))->ht_cached_keys->dk_version != c->version2)
                break;
            /* fall through */
        case CACHE_CLASS_ATTR_NO_DICT: {
            descrgetfunc get = Py_TYPE(c->descr)->tp_descr_get;
            if (get != NULL) {
                PyObject *d = Py_NewRef(c->descr); /* the type may drop it meanwhile */
                *out = get(d, o, (PyObject *)Py_TYPE(o));
                Py_DECREF(d);
                return 1;
            }
            v = c->descr;
            break;
        }
        }
    }
    if (v == NULL)
        return 0;
    *out = Py_NewRef(v);
    return 1;
}

PyObject *py2wasm_getattr_cached(PyObject *o, PyObject *name, struct py2wasm_cache *c) {
    PyObject *v;
    if (getattr_hit(o, name, &c[0], &v))
        return v;
    for (int i = 1; i < SITE_ENTRIES; i++) {
        if (getattr_hit(o, name, &c[i], &v)) {
            swap_to_front(c, i);
            return v;
        }
    }
    make_room(c);
    specialize_attr(o, name, c, 0);
    if (getattr_hit(o, name, c, &v))
        return v;
    return PyObject_GetAttr(o, name);
}

/* Stores o.NAME = V through cache entry C if it applies to O: returns 1
 * with *RESULT what PyObject_SetAttr would return, or 0. */
static int setattr_hit(PyObject *o, PyObject *name, PyObject *v, struct py2wasm_cache *c, int *result) {
    if (c->version != Py_TYPE(o)->tp_version_tag)
        return 0;
    PyObject **addr = NULL;
    switch (c->kind) {
    case CACHE_GENERIC:
        *result = PyObject_SetAttr(o, name, v);
        return 1;
    case CACHE_INSTANCE: {
        PyDictValues *values = *_PyObject_ValuesPointer(o);
        if (values != NULL) {
            PyObject *old = values->values[c->index];
            values->values[c->index] = Py_NewRef(v);
            /* A new attribute also joins the instance's key order. */
            if (old == NULL)
                _PyDictValues_AddToInsertionOrder(values, c->index);
            else
                Py_DECREF(old);
            *result = 0;
            return 1;
        }
        break;
    }
    case CACHE_SLOT:
        addr = (PyObject **)((char *)o + c->index);
        break;
    case CACHE_DICT_HINT: {
        /* Replacing a value in place (a new key takes the generic path). */
        PyObject **slot = dict_hint_slot(o, name, c->index);
        if (slot != NULL && *slot != NULL) {
            PyDictObject *dict = (PyDictObject *)*_PyObject_ManagedDictPointer(o);
            dict->ma_version_tag = DICT_NEXT_VERSION();
            if (!_PyObject_GC_IS_TRACKED(dict) && _PyObject_GC_MAY_BE_TRACKED(v))
                _PyObject_GC_TRACK(dict);
            addr = slot;
        }
        break;
    }
    }
    if (addr == NULL)
        return 0;
    PyObject *old = *addr;
    *addr = Py_NewRef(v);
    Py_XDECREF(old); /* last: its destructor may run any code */
    *result = 0;
    return 1;
}

int py2wasm_setattr_cached(PyObject *o, PyObject *name, PyObject *v, struct py2wasm_cache *c) {
    int result;
    if (setattr_hit(o, name, v, &c[0], &result))
        return result;
    for (int i = 1; i < SITE_ENTRIES; i++) {
        if (setattr_hit(o, name, v, &c[i], &result)) {
            swap_to_front(c, i);
            return result;
        }
    }
    make_room(c);
    specialize_attr(o, name, c, 1);
    if (setattr_hit(o, name, v, c, &result))
        return result;
    return PyObject_SetAttr(o, name, v);
}

/* ------------------------------------------------------------ calls */

PyObject *py2wasm_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames);

/* Calls F, found through a cache: the reference the cache borrows could
 * die during the call (the callee may rebind it), so the call holds one. */
static PyObject *call_held(PyObject *f, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Py_INCREF(f);
    PyObject *r = py2wasm_call(f, args, nargsf, kwnames);
    Py_DECREF(f);
    return r;
}

static void specialize_method(PyObject *self, PyObject *name, size_t nargsf, PyObject *kwnames,
                              struct py2wasm_cache *c) {
    PyTypeObject *tp = Py_TYPE(self);
    *c = (struct py2wasm_cache){.kind = CACHE_GENERIC, .version = tp->tp_version_tag};
    if (PyModule_CheckExact(self)) {
        specialize_attr(self, name, c, 0);
        return;
    }
    if (tp == &PyType_Type) {
        specialize_type_attr(self, name, c, 1);
        return;
    }
    if (tp->tp_getattro != PyObject_GenericGetAttr || tp->tp_dict == NULL || !PyUnicode_CheckExact(name))
        return;
    PyObject *descr = _PyType_Lookup(tp, name);
    if (!_PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG) || tp->tp_version_tag == 0)
        return;
    c->version = tp->tp_version_tag;
    /* Only functions and method descriptors: calling them with self first
     * is what calling the bound method does. */
    if (descr == NULL || !_PyType_HasFeature(Py_TYPE(descr), Py_TPFLAGS_METHOD_DESCRIPTOR))
        return;
    PyDictObject *dict = _PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)
                             ? (PyDictObject *)*_PyObject_ManagedDictPointer(self)
                             : NULL;
    if (dict != NULL) {
        /* A materialised __dict__ (3.11's LOAD_METHOD_WITH_DICT): its keys
         * lack the name, and cannot gain it without a new keys version. */
        PyDictKeysObject *keys = dict->ma_keys;
        uint32_t kv = PyDict_CheckExact(dict) && DK_IS_UNICODE(keys) ? _PyDictKeys_GetVersionForCurrentState(keys) : 0;
        if (kv == 0 || _PyDictKeys_StringLookup(keys, name) >= 0)
            return;
        c->kind = CACHE_METHOD_WITH_DICT;
        c->version2 = kv;
    } else if (_PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)) {
        PyDictKeysObject *keys = ((PyHeapTypeObject *)tp)->ht_cached_keys;
        uint32_t kv = _PyDictKeys_GetVersionForCurrentState(keys);
        if (kv == 0 || _PyDictKeys_StringLookup(keys, name) >= 0)
            return;
        c->kind = CACHE_METHOD_VALUES;
        c->version2 = kv;
    } else if (tp->tp_dictoffset == 0) {
        c->kind = CACHE_METHOD_NO_DICT;
    } else {
        return;
    }
    c->descr = descr;
    /* A compiled method taking exactly these positional arguments:
     * generated code calls its entry itself while the method keeps its
     * code (the code object is checked; the type's version covers the
     * rest). */
    if (kwnames == NULL) {
        c->index = py2wasm_direct_entry(descr, PyVectorcall_NARGS(nargsf));
        if (c->index)
            c->value = (PyObject **)((PyFunctionObject *)descr)->func_code;
    }
}

/* How cache entry C calls obj.name(...) for SELF: METHOD_CALL the method
 * *F with the object first, ATTR_CALL the module's or class's attribute
 * *F without it, GENERIC_CALL by name; 0: the entry does not apply. */
enum { METHOD_CALL = 1, ATTR_CALL, GENERIC_CALL };
static int method_lookup(PyObject *self, struct py2wasm_cache *c, PyObject **f) {
    PyTypeObject *tp = Py_TYPE(self);
    if (c->kind == CACHE_MODULE) {
        if (PyModule_CheckExact(self)) {
            PyDictObject *d = (PyDictObject *)((PyModuleObject *)self)->md_dict;
            *f = d != NULL && d->ma_keys->dk_version == c->version ? entry_value(d, c->index) : NULL;
            if (*f != NULL)
                return ATTR_CALL;
        }
        return 0;
    }
    if (c->kind == CACHE_TYPE_ATTR || c->kind == CACHE_TYPE_METHOD) {
        if (!type_entry_applies(self, c))
            return 0;
        *f = c->descr;
        return c->kind == CACHE_TYPE_ATTR ? ATTR_CALL : METHOD_CALL;
    }
    if (c->version != tp->tp_version_tag)
        return 0;
    switch (c->kind) {
    case CACHE_GENERIC:
        return GENERIC_CALL;
    case CACHE_METHOD_VALUES:
        if (*_PyObject_ManagedDictPointer(self) != NULL ||
            ((PyHeapTypeObject *)tp)->ht_cached_keys->dk_version != c->version2)
            return 0;
        /* fall through */
    case CACHE_METHOD_NO_DICT:
        *f = c->descr;
        return METHOD_CALL;
    case CACHE_METHOD_WITH_DICT: {
        PyDictObject *dict = (PyDictObject *)*_PyObject_ManagedDictPointer(self);
        if (dict == NULL || dict->ma_keys->dk_version != c->version2)
            return 0;
        *f = c->descr;
        return METHOD_CALL;
    }
    }
    return 0;
}

/* How the site's cache C calls obj.name(...) for SELF (method_lookup's
 * answer, *F set): the entry that applies is moved to the front; when none
 * does, the first is filled for SELF (NARGSF and KWNAMES are the call's). */
static int site_method_lookup(PyObject *self, PyObject *name, size_t nargsf, PyObject *kwnames,
                              struct py2wasm_cache *c, PyObject **f) {
    int how = method_lookup(self, &c[0], f);
    for (int i = 1; !how && i < SITE_ENTRIES; i++) {
        how = method_lookup(self, &c[i], f);
        if (how)
            swap_to_front(c, i);
    }
    if (!how) {
        make_room(c);
        specialize_method(self, name, nargsf, kwnames, c);
        how = method_lookup(self, &c[0], f);
    }
    return how;
}

/* What a method-call site's probe returns when the site's cache holds how
 * to call obj.name (py2wasm_probe_method). Never seen by Python code; its
 * reference count starts high, so increfs and decrefs never free it. */
PyObject py2wasm_method_marker = {_PyObject_EXTRA_INIT 1 << 28, &PyBaseObject_Type};

/* LOAD_METHOD for a call whose arguments may have effects: CPython looks
 * obj.name up before evaluating them, so a missing attribute raises first
 * and a lookup with effects (__getattr__, a property) runs first. Fills
 * the site's cache as the call would (NARGSF and KWNAMES are the call's)
 * and returns the marker when the cache now holds the method or attribute
 * (a lookup without effects: the call finds it again through the cache);
 * otherwise looks the attribute up now and returns what to call with the
 * arguments after the object: a bound method, or the attribute itself. A
 * new reference; NULL with the lookup's exception.
 *
 * (Arguments that change the object's class or dict between the probe and
 * the call make the call look the name up again: CPython would call what
 * it found first. Nothing else differs.) */
PyObject *py2wasm_probe_method(PyObject *self, PyObject *name, size_t nargsf, PyObject *kwnames,
                               struct py2wasm_cache *c) {
    PyObject *f = NULL;
    int how = site_method_lookup(self, name, nargsf, kwnames, c, &f);
    if (how == METHOD_CALL || how == ATTR_CALL)
        return Py_NewRef(&py2wasm_method_marker);
    PyObject *meth = NULL;
    int unbound = _PyObject_GetMethod(self, name, &meth);
    if (meth == NULL)
        return NULL;
    if (!unbound)
        return meth;
    PyObject *bound = PyMethod_New(meth, self);
    Py_DECREF(meth);
    return bound;
}

/* obj.name(args...) with ARGS[0] the object, as PyObject_VectorcallMethod.
 * The entries are settled before the call (which may come back here). */
PyObject *py2wasm_call_method_cached(PyObject *name, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                                     struct py2wasm_cache *c) {
    PyObject *self = args[0], *f = NULL;
    int how = site_method_lookup(self, name, nargsf, kwnames, c, &f);
    switch (how) {
    case METHOD_CALL:
        return call_held(f, args, nargsf, kwnames);
    case ATTR_CALL:
        /* A plain attribute: called without the module or class. The
         * slot before args[1] is ours, so the offset flag stays. */
        return call_held(f, args + 1, nargsf - 1, kwnames);
    default:
        return PyObject_VectorcallMethod(name, args, nargsf, kwnames);
    }
}

/* The call after a probe (py2wasm_probe_method returned PROBE): through the
 * cache when the probe found it there, else PROBE called with the arguments
 * after the object (ARGS[0]; its slot is ours, so the offset flag holds). */
PyObject *py2wasm_call_method_probed(PyObject *probe, PyObject *name, PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames, struct py2wasm_cache *c) {
    if (probe == &py2wasm_method_marker)
        return py2wasm_call_method_cached(name, args, nargsf, kwnames, c);
    return py2wasm_call(probe, args + 1, nargsf - 1, kwnames);
}
