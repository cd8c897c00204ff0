"""Imports the user's own modules from the program image.

Frozen into runtime.wasm at build time and run once at start-up, after
CPython is initialised and before __main__ runs. The standard library comes
through CPython's frozen importer; this finder serves the user's modules,
which the image carries as source, and gives them the attributes CPython
gives modules loaded from files (__file__, __cached__, __path__), plus
get_source() so linecache, traceback, inspect and warnings can show lines.
"""
import sys
import _imp
import _py2wasm

# Most of the standard library's bytecode is compressed in the image: its
# frozen modules load through _py2wasm's get_frozen_object from here on.
_py2wasm.install_frozen_loader()

_bootstrap = sys.modules['_frozen_importlib']
# (kept here: a test may block a module by putting None in sys.modules)
_external = sys.modules['_frozen_importlib_external']


class EmbeddedImporter:
    """Meta path finder and loader for the modules embedded in the image.
    One instance (IMPORTER) serves them all: modules' __loader__ is an
    object, as CPython's SourceFileLoader is, not a class (inspect lists a
    module's classes)."""

    def find_spec(self, fullname, path=None, target=None):
        # The image's main entry is the running script, which CPython never
        # finds by importing "__main__" (runpy.run_path(directory) does
        # that, to run the directory's __main__.py).
        if fullname == '__main__':
            return None
        found = _py2wasm.user_module(fullname)
        if found is None:
            return None
        filename, is_package, is_namespace = found
        if is_namespace:
            # PEP 420, as PathFinder makes one: no loader (importlib then
            # gives the module CPython's namespace loader and __file__
            # None), the directory as its _NamespacePath.
            spec = _bootstrap.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = _external._NamespacePath(
                fullname, [filename], _external.PathFinder._get_spec)
            return spec
        spec = _bootstrap.ModuleSpec(fullname, self, origin=filename,
                                     is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [filename.rpartition('/')[0]]
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        # (as SourceLoader.exec_module: the frames down to here leave
        # tracebacks)
        code = self.get_code(module.__spec__.name)
        _bootstrap._call_with_frames_removed(exec, code, module.__dict__)

    def get_filename(self, fullname):
        found = _py2wasm.user_module(fullname)
        if found is None:
            raise ImportError(f'no embedded module named {fullname!r}',
                              name=fullname)
        return found[0]

    def get_code(self, fullname):
        filename = self.get_filename(fullname)
        # The bytecode the compiler made (CPython's own compiler, at compile
        # time), its file name fixed as importlib fixes a .pyc's; else the
        # source, compiled now.
        code = _py2wasm.user_code(fullname)
        if code is None:
            source = _py2wasm.user_source(fullname)
            try:
                source.encode('utf-8')
            except UnicodeEncodeError:
                # Bytes that did not decode (the compiler warned): compiled
                # as bytes, they raise the SyntaxError CPython's import does.
                source = source.encode('utf-8', 'surrogateescape')
            # (importlib leaves its own frames out of a SyntaxError's
            # traceback when compile is called through this)
            code = _bootstrap._call_with_frames_removed(
                compile, source, filename, 'exec', dont_inherit=True)
        else:
            _imp._fix_co_filename(code, filename)
        # The functions the compiler made native run their wasm code.
        _py2wasm.attach(fullname, code)
        return code

    def get_source(self, fullname):
        return _py2wasm.user_source(fullname)

    def is_package(self, fullname):
        found = _py2wasm.user_module(fullname)
        return bool(found and found[1])

    def get_resource_reader(self, fullname):
        return _file_reader(self.get_filename(fullname))

    def get_data(self, path):
        return _read_file(path)


class _Located:
    """What importlib's FileReader reads of a loader: the module's file."""

    def __init__(self, path):
        self.path = path


def _file_reader(filename):
    """importlib.resources' reader of the package whose __init__ is
    FILENAME, as a path finder's loader gives (FileLoader): its files are
    where its __file__ says, which for the standard library and the
    environment's packages the runtime serves from the image (vfs.c)."""
    from importlib.readers import FileReader
    return FileReader(_Located(filename))


def _read_file(path):
    """FileLoader.get_data: the bytes of PATH (pkgutil.get_data)."""
    with open(path, 'rb') as f:
        return f.read()


IMPORTER = EmbeddedImporter()

# Before the frozen importer: a user's module shadows a stdlib module of the
# same name, as the script's directory does at the head of sys.path.
sys.meta_path.insert(1, IMPORTER)


# The modules CPython 3.11 itself freezes (Tools/scripts/freeze_modules.py;
# python.wasm's _imp._frozen_module_names()): they keep the frozen
# importer's spec, origin 'frozen' without a location ("<module 'os'
# (frozen)>"), as in CPython. The rest of the standard library, frozen
# here only because the program carries it, looks as when CPython finds it
# on sys.path.
FROZEN_BY_CPYTHON = frozenset((
    '_frozen_importlib', '_frozen_importlib_external', 'importlib._bootstrap',
    'importlib._bootstrap_external', 'zipimport', 'abc', 'codecs', 'io',
    '_collections_abc', '_sitebuiltins', 'genericpath', 'ntpath', 'posixpath',
    'os.path', 'os', 'site', 'stat', 'importlib.util', 'importlib.machinery',
    'runpy', '__hello__', '__hello_alias__', '__hello_only__', '__phello__',
    '__phello__.__init__', '__phello__.ham', '__phello__.ham.__init__',
    '__phello__.ham.eggs', '__phello__.spam', '__phello_alias__',
    '__phello_alias__.spam',
))


# _imp._override_frozen_modules_for_tests' last value: -1 turns CPython's
# frozen modules off (but for the import system's own), so that they are
# found on sys.path, here in the image's files of the standard library.
_FROZEN_OVERRIDE = [0]
_ALWAYS_FROZEN = frozenset(('_frozen_importlib', '_frozen_importlib_external', 'importlib._bootstrap',
                            'importlib._bootstrap_external', 'zipimport'))


def _as_found_on_path(spec):
    """SPEC, a frozen importer's spec of a standard library module, gets the
    origin, location and cached path a path finder would have given it
    (its file under sys._stdlib_dir): its module's repr names the file, and
    it gets __cached__, and its loader has the module's name and path
    (_StdlibLoader). (A spec with
    a location and no cached path would make a fresh importlib's _setup
    call the path machinery before it exists: the cached path is set.)"""
    filename = getattr(spec.loader_state, 'filename', None)
    if not filename or spec.name in FROZEN_BY_CPYTHON:
        return spec
    spec.origin = filename
    spec.has_location = True
    spec.cached = _external.cache_from_source(filename)
    spec.loader = _StdlibLoader(spec.name, filename)
    return spec


def _frozen_as_in_cpython():
    """_imp.is_frozen answers as in CPython: true only for the modules
    CPython freezes. Besides being what programs asking it expect, this
    keeps a fresh importlib's _setup (test.support's import_fresh_module)
    to those modules: it asserts of every frozen module it finds in
    sys.modules that its spec has no location, which the rest of the
    standard library's specs now have. (The frozen importer reads
    _imp.find_frozen and _imp.get_frozen_object, not this.)"""
    is_frozen = _imp.is_frozen
    # test.support's CleanImport and import_fresh_module turn CPython's
    # frozen modules off for a while (-1), which the image, whose whole
    # standard library is frozen, cannot do; is_frozen says so meanwhile.
    override = _FROZEN_OVERRIDE
    override_frozen = _imp._override_frozen_modules_for_tests

    def override_frozen_for_tests(value):
        override[0] = value
        return override_frozen(value)

    def is_frozen_in_cpython(name):
        return name in FROZEN_BY_CPYTHON and override[0] >= 0 and is_frozen(name)

    # While they are off, _imp.find_frozen (which the frozen importer, and
    # a fresh importlib's, asks) does not find them, and the path finder
    # finds their files (the image's) instead.
    find_frozen = _imp.find_frozen

    def find_frozen_as_in_cpython(name, *, withdata=False):
        if (override[0] < 0 and name in FROZEN_BY_CPYTHON and name not in _ALWAYS_FROZEN
                and _py2wasm.stdlib_source(name) is not None):
            return None
        return find_frozen(name, withdata=withdata)

    _imp.is_frozen = is_frozen_in_cpython
    _imp._override_frozen_modules_for_tests = override_frozen_for_tests
    _imp.find_frozen = find_frozen_as_in_cpython

    # Their files: readers and get_data as a path finder's loader has them
    # (for the modules CPython freezes too, which keep this loader).
    frozen = _bootstrap.FrozenImporter

    def file_of(fullname):
        found = _imp.find_frozen(fullname)
        return found and frozen._resolve_filename(found[2], fullname, found[1])[0]

    def get_resource_reader(cls, fullname):
        filename = file_of(fullname)
        return _file_reader(filename) if filename else None

    def get_data(cls, path):
        return _read_file(path)

    def get_filename(cls, fullname):
        # (pyclbr and pkgutil ask a loader that gives source for its file)
        filename = file_of(fullname)
        if not filename:
            raise ImportError(f'{fullname!r} has no file', name=fullname)
        return filename

    frozen.get_resource_reader = classmethod(get_resource_reader)
    frozen.get_data = classmethod(get_data)
    frozen.get_filename = classmethod(get_filename)


class _StdlibLoader(_external.SourceFileLoader):
    """The loader of a standard library module CPython does not freeze (it
    is frozen here only because the program carries it): the path finder's
    SourceFileLoader, with the module's name and path (its file, which the
    runtime serves from the image: get_data, resource readers and
    get_filename are FileLoader's own), whose code, source and package-ness
    come from the image. The frozen importer itself answers only for
    CPython's frozen modules, as in CPython (test_importlib's frozen loader
    and reload tests). Shown under SourceFileLoader's name."""

    def _name_checked(self, fullname):
        if fullname is not None and fullname != self.name:
            raise ImportError(f'loader for {self.name} cannot handle {fullname}', name=fullname)
        return self.name

    def get_code(self, fullname):
        return _imp.get_frozen_object(self._name_checked(fullname))

    def get_source(self, fullname):
        return _py2wasm.stdlib_source(self._name_checked(fullname))

    def is_package(self, fullname):
        return _imp.is_frozen_package(self._name_checked(fullname))

    # Equal to the path finder's loader for the same file, as the module
    # would have had from it (pydoc.importfile's spec compares equal to the
    # module's own). As a subclass, ours is asked first from either side.
    def __eq__(self, other):
        if not isinstance(other, _external.SourceFileLoader):
            return NotImplemented
        return self.name == other.name and self.path == other.path

    def __hash__(self):
        return hash(self.name) ^ hash(self.path)


_StdlibLoader.__name__ = _StdlibLoader.__qualname__ = 'SourceFileLoader'
_StdlibLoader.__module__ = _external.__name__


_frozen_as_in_cpython()


def _no_nul_names():
    """CPython's frozen importer looks names up as C strings, so 'string\\0'
    found 'string'. CPython freezes a few modules and finds the rest on
    sys.path, which refuses such names (ModuleNotFoundError); here the whole
    stdlib is frozen, so the frozen importer refuses them too. The specs it
    makes look as a path finder's would (_as_found_on_path)."""
    frozen = _bootstrap.FrozenImporter
    find_spec = frozen.find_spec.__func__

    def find_spec_no_nul(cls, fullname, path=None, target=None):
        if '\0' in fullname:
            return None
        spec = find_spec(cls, fullname, path, target)
        return spec if spec is None else _as_found_on_path(spec)

    frozen.find_spec = classmethod(find_spec_no_nul)


_no_nul_names()


# (The standard library's source, unless the program was compiled with
# --no-stdlib-source: a module CPython does not freeze gives it through its
# loader (_StdlibLoader.get_source); one CPython freezes has the frozen
# importer's None, as in CPython, and linecache, traceback and inspect read
# its file, which the runtime serves from the image (vfs.c).)


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
            _as_found_on_path(spec)
            if spec.cached is not None:
                module.__cached__ = spec.cached
            module.__loader__ = spec.loader
        module.__file__ = filename
        if pkgdir:
            for path in (spec.submodule_search_locations, getattr(module, '__path__', None)):
                if isinstance(path, list) and pkgdir not in path:
                    path.insert(0, pkgdir)


_stdlib_files()


def _site_packages():
    """The environment's packages are embedded under the prefix's
    site-packages (as upstream CPython's site module names it; Debian's,
    which the runtime is built from, looks in dist-packages): that directory
    goes on sys.path as site would put it there, so importlib.metadata
    finds their distributions' metadata."""
    import os
    site = f'{sys.prefix}/{sys.platlibdir}/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages'
    if site not in sys.path and os.path.isdir(site):
        sys.path.append(site)


_site_packages()
