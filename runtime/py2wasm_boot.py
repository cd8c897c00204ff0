"""Imports the user's own modules from the program image.

Frozen into runtime.wasm at build time and run once at start-up, after
CPython is initialised and before __main__ runs. The standard library comes
through CPython's frozen importer; this finder serves the user's modules,
which the image carries as source, and gives them the attributes CPython
gives modules loaded from files (__file__, __cached__, __path__), plus
get_source() so linecache, traceback, inspect and warnings can show lines.
"""
import sys
import _py2wasm

_bootstrap = sys.modules['_frozen_importlib']


class EmbeddedImporter:
    """Meta path finder and loader for the modules embedded in the image.
    One instance (IMPORTER) serves them all: modules' __loader__ is an
    object, as CPython's SourceFileLoader is, not a class (inspect lists a
    module's classes)."""

    def find_spec(self, fullname, path=None, target=None):
        found = _py2wasm.user_module(fullname)
        if found is None:
            return None
        filename, is_package = found
        spec = _bootstrap.ModuleSpec(fullname, self, origin=filename,
                                     is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [filename.rpartition('/')[0]]
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self.get_code(module.__spec__.name), module.__dict__)

    def get_filename(self, fullname):
        found = _py2wasm.user_module(fullname)
        if found is None:
            raise ImportError(f'no embedded module named {fullname!r}',
                              name=fullname)
        return found[0]

    def get_code(self, fullname):
        code = compile(_py2wasm.user_source(fullname), self.get_filename(fullname),
                       'exec', dont_inherit=True)
        # The functions the compiler made native run their wasm code.
        _py2wasm.attach(fullname, code)
        return code

    def get_source(self, fullname):
        return _py2wasm.user_source(fullname)

    def is_package(self, fullname):
        found = _py2wasm.user_module(fullname)
        return bool(found and found[1])


IMPORTER = EmbeddedImporter()

# Before the frozen importer: a user's module shadows a stdlib module of the
# same name, as the script's directory does at the head of sys.path.
sys.meta_path.insert(1, IMPORTER)


def _no_nul_names():
    """CPython's frozen importer looks names up as C strings, so 'string\\0'
    found 'string'. CPython freezes a few modules and finds the rest on
    sys.path, which refuses such names (ModuleNotFoundError); here the whole
    stdlib is frozen, so the frozen importer refuses them too. (Its specs
    stay a frozen importer's, origin 'frozen' without a location: a fresh
    importlib's _setup asserts that of every frozen module, so repr() reads
    "(frozen)" where python.wasm shows the file.)"""
    frozen = _bootstrap.FrozenImporter
    find_spec = frozen.find_spec.__func__

    def find_spec_no_nul(cls, fullname, path=None, target=None):
        if '\0' in fullname:
            return None
        return find_spec(cls, fullname, path, target)

    frozen.find_spec = classmethod(find_spec_no_nul)


_no_nul_names()


def _stdlib_sources():
    """The image carries the standard library's source (compressed) unless
    the program was compiled with --no-stdlib-source: the frozen importer
    gives it out as a file loader would, so linecache, traceback and inspect
    show stdlib lines as CPython does (the C traceback printer reads them
    through the runtime's hook)."""
    frozen = _bootstrap.FrozenImporter

    def get_source(cls, fullname):
        return _py2wasm.stdlib_source(fullname)

    frozen.get_source = classmethod(get_source)


_stdlib_sources()


class _CheckedSysconfigdata:
    """The checked runtime (CPython built --with-pydebug) has sys.abiflags
    'd', so sysconfig imports _sysconfigdata_d_wasm32-wasi; the image holds
    the build's data under CPython's plain name. This serves the one as the
    other (only there: sys.gettotalrefcount exists only with Py_DEBUG)."""

    NAME = f'_sysconfigdata_{sys.abiflags}_{getattr(sys.implementation, "_multiarch", "")}'

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != cls.NAME:
            return None
        return _bootstrap.spec_from_loader(fullname, cls)

    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def exec_module(module):
        plain = __import__(f'_sysconfigdata__{sys.implementation._multiarch}')
        module.__dict__.update((k, v) for k, v in vars(plain).items() if not k.startswith('__'))


if hasattr(sys, 'gettotalrefcount'):
    sys.meta_path.append(_CheckedSysconfigdata)


def _stdlib_files():
    """Gives the frozen standard library the __file__ (and package __path__)
    its modules have in CPython: their path under sys.prefix, as
    FrozenImporter names them once sys._stdlib_dir is set (python.wasm shows
    the same). With a fixed module search path CPython's start-up leaves
    _stdlib_dir unset, so it is set here and the modules frozen before this
    point get what FrozenImporter would have given them."""
    if getattr(sys, '_stdlib_dir', None):
        return
    sys._stdlib_dir = f'{sys.prefix}/{sys.platlibdir}/python{sys.version_info[0]}.{sys.version_info[1]}'
    frozen = _bootstrap.FrozenImporter
    for module in list(sys.modules.values()):
        spec = getattr(module, '__spec__', None)
        if spec is None or spec.loader is not frozen or hasattr(module, '__file__'):
            continue
        state = spec.loader_state
        origname = getattr(state, 'origname', None) or vars(module).get('__origname__')
        if not origname:
            continue
        ispkg = spec.submodule_search_locations is not None
        filename, pkgdir = frozen._resolve_filename(origname, spec.name, ispkg)
        if filename is None:
            continue
        if state is not None:
            state.filename = filename
        module.__file__ = filename
        if pkgdir:
            for path in (spec.submodule_search_locations, getattr(module, '__path__', None)):
                if isinstance(path, list) and pkgdir not in path:
                    path.insert(0, pkgdir)


_stdlib_files()
