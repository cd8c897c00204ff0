"""stdlib.py LIBDIR OUTDIR: precompile the standard library for embedding.

Writes OUTDIR/stdlib.json, the index (one record per module: name, whether
it is a package, where its marshalled code sits in the blob, the modules it
imports when loaded and those only its functions import), and
OUTDIR/stdlib.bin.zst, the blob of marshalled code objects (each followed by
its module's source, zlib-compressed), zstd-compressed.
The compiler embeds both and copies into each program only the modules that
program can import.

Runs under the build python, which must be CPython 3.11 (same bytecode
magic as the wasm build).
"""
import ast
import json
import marshal
import os
import subprocess
import sys
import zlib

# Left out: tests, GUIs, build tools, and what needs processes or a terminal.
# (distutils stays: 3.11 still has it, and packages import distutils.version
# and distutils.util at run time.)
EXCLUDED_TOP = {
    'test', 'idlelib', 'tkinter', 'turtledemo', 'turtle', 'lib2to3',
    'ensurepip', 'venv', 'site-packages', 'pydoc_data',
    'xxlimited', 'xxsubtype', 'antigravity', 'this',
}
EXCLUDED_PARTS = {'test', 'tests', 'idle_test'}
INSTALL_PREFIX = '/usr/local/lib/python3.11'


def module_files(libdir):
    for root, dirs, files in os.walk(libdir):
        dirs.sort()
        rel = os.path.relpath(root, libdir)
        parts = [] if rel == '.' else rel.split(os.sep)
        if parts and (parts[0] in EXCLUDED_TOP or parts[0].startswith('config-')
                      or EXCLUDED_PARTS.intersection(parts)
                      or not all(p.isidentifier() for p in parts)):
            dirs[:] = []
            continue
        if parts and '__init__.py' not in files:
            dirs[:] = []
            continue
        for f in sorted(files):
            if not f.endswith('.py'):
                continue
            stem = f[:-3]
            if not parts and stem in EXCLUDED_TOP:
                continue
            # _sysconfigdata__wasm32-wasi is imported by a computed name
            if not stem.isidentifier() and not stem.startswith('_sysconfigdata_'):
                continue
            if stem == '__init__':
                yield '.'.join(parts), True, os.path.join(root, f)
            else:
                yield '.'.join(parts + [stem]), False, os.path.join(root, f)


# Module-level functions that only a command line or a self-test runs
# (`python -m pickle`, `pickle._test()`): their imports (doctest, pdb,
# argparse, ...) are not the library's.
SELF_TEST_FUNCTIONS = {'_test', 'test', '_main', 'main', '_demo', 'demo', '_script'}


def is_main_guard(node):
    """`if __name__ == '__main__':`"""
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == '__name__'
            and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)
            and isinstance(node.test.comparators[0], ast.Constant)
            and node.test.comparators[0].value == '__main__')


def imports_of(tree, name, is_package):
    """The modules the code may import: (eager, lazy).

    Eager imports run when the module is imported (module level, class
    bodies, try blocks); lazy ones sit in functions and run only if called.
    """
    package = name if is_package else name.rpartition('.')[0]
    eager, lazy = set(), set()

    def visit(node, in_function):
        found = lazy if in_function else eager
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.') if package else []
                if node.level > 1:
                    base = base[:len(base) - (node.level - 1)]
                mod = '.'.join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ''
            if mod:
                found.add(mod)
            for alias in node.names:
                if alias.name != '*':
                    # `from pkg import sub` may name a submodule
                    found.add(f'{mod}.{alias.name}' if mod else alias.name)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Name) and node.func.id == '__import__')
                   or (isinstance(node.func, ast.Attribute) and node.func.attr == 'import_module'))):
            found.add(node.args[0].value)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in SELF_TEST_FUNCTIONS:
            return
        if is_main_guard(node):
            # a stdlib module never runs as __main__ in a compiled program
            for child in node.orelse:
                visit(child, in_function)
            return
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)

    def close(found):
        # every parent package of an import is imported too
        for mod in list(found):
            while '.' in mod:
                mod = mod.rpartition('.')[0]
                found.add(mod)
        found.discard(name)
        return sorted(found)

    eager = close(eager)
    return eager, sorted(set(close(lazy)) - set(eager))


def main():
    libdir, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    blob = bytearray()
    index = []
    for name, is_package, path in module_files(libdir):
        with open(path, 'rb') as f:
            source = f.read()
        filename = INSTALL_PREFIX + '/' + os.path.relpath(path, libdir)
        try:
            tree = ast.parse(source, filename)
            code = compile(tree, filename, 'exec', dont_inherit=True)
        except SyntaxError as e:  # a few stdlib files are Python 2 on purpose
            print(f'stdlib: skipping {name}: {e}', file=sys.stderr)
            continue
        data = marshal.dumps(code)
        # The source follows the code, zlib-compressed: programs carry it
        # for tracebacks and inspect (the runtime has zlib built in).
        zsource = zlib.compress(source, 9)
        eager, lazy = imports_of(tree, name, is_package)
        index.append({'name': name, 'package': is_package, 'offset': len(blob),
                      'size': len(data), 'source_offset': len(blob) + len(data),
                      'source_size': len(zsource), 'imports': eager, 'lazy_imports': lazy})
        blob += data
        blob += zsource
    with open(os.path.join(outdir, 'stdlib.bin'), 'wb') as f:
        f.write(blob)
    subprocess.run(['zstd', '-q', '-f', '-19', os.path.join(outdir, 'stdlib.bin'),
                    '-o', os.path.join(outdir, 'stdlib.bin.zst')], check=True)
    with open(os.path.join(outdir, 'stdlib.json'), 'w') as f:
        json.dump({'python': '3.11', 'magic': int.from_bytes(
            __import__('importlib.util').util.MAGIC_NUMBER[:2], 'little'),
            'modules': index}, f, separators=(',', ':'))
    raw = len(blob)
    packed = os.path.getsize(os.path.join(outdir, 'stdlib.bin.zst'))
    print(f'stdlib: {len(index)} modules, {raw} bytes of code, {packed} compressed', file=sys.stderr)


if __name__ == '__main__':
    main()
