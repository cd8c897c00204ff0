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
    """Meta path finder and loader for the modules embedded in the image."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        found = _py2wasm.user_module(fullname)
        if found is None:
            return None
        filename, is_package = found
        spec = _bootstrap.ModuleSpec(fullname, cls, origin=filename,
                                     is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [filename.rpartition('/')[0]]
        return spec

    @staticmethod
    def create_module(spec):
        return None

    @classmethod
    def exec_module(cls, module):
        exec(cls.get_code(module.__spec__.name), module.__dict__)

    @staticmethod
    def get_filename(fullname):
        found = _py2wasm.user_module(fullname)
        if found is None:
            raise ImportError(f'no embedded module named {fullname!r}',
                              name=fullname)
        return found[0]

    @classmethod
    def get_code(cls, fullname):
        code = compile(_py2wasm.user_source(fullname), cls.get_filename(fullname),
                       'exec', dont_inherit=True)
        # The functions the compiler made native run their wasm code.
        _py2wasm.attach(fullname, code)
        return code

    @staticmethod
    def get_source(fullname):
        return _py2wasm.user_source(fullname)

    @staticmethod
    def is_package(fullname):
        found = _py2wasm.user_module(fullname)
        return bool(found and found[1])


# Before the frozen importer: a user's module shadows a stdlib module of the
# same name, as the script's directory does at the head of sys.path.
sys.meta_path.insert(1, EmbeddedImporter)
