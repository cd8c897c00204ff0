//! The `py2wasm` command line: what users type, and what they see when the
//! input is bad (a message with file:line:col, a non-zero exit, no output
//! file left behind).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn py2wasm(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_py2wasm")).args(args).current_dir(cwd).output().expect("py2wasm runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("py2wasm-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn syntax_error_names_file_line_and_column_and_writes_nothing() {
    let dir = scratch("syntax");
    std::fs::write(dir.join("bad.py"), "x = 1\nif x\n    print(x)\n").unwrap();
    let out = py2wasm(&["bad.py", "-o", "bad.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("bad.py:2:5: error: SyntaxError"), "{err}");
    assert!(err.contains("\n    if x\n        ^"), "{err}");
    assert!(!dir.join("bad.wasm").exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no stray files");
}

#[test]
fn syntax_error_in_an_imported_module_warns_and_raises_at_import_as_in_cpython() {
    // A program may import a module CPython refuses (a syntax error, bytes
    // that do not decode) and catch the SyntaxError: the compiler warns with
    // the location and embeds the module as it is.
    let dir = scratch("syntax-import");
    std::fs::write(
        dir.join("main.py"),
        "for name in ('broken', 'latin', 'euro'):\n    try:\n        __import__(name)\n    except SyntaxError as e:\n        print(name, e, e.lineno)\nimport broken\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(dir.join("latin.py"), b"x = 1\nprint('\xf6')\n").unwrap();
    std::fs::write(dir.join("euro.py"), "a = 1 \u{20ac}\n").unwrap();
    let out = py2wasm(&["main.py"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("broken.py:1:7: warning: SyntaxError"), "{err}");
    assert!(err.contains("module 'broken' is embedded as it is, and importing it raises SyntaxError"), "{err}");
    assert!(err.contains("latin.py:2:8: warning: ") && err.contains("is not valid UTF-8 (byte 0xf6)"), "{err}");
    let run = py2wasm(&["run", "main.wasm"], &dir);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "broken invalid syntax (broken.py, line 1) 1\n\
         latin (unicode error) 'utf-8' codec can't decode byte 0xf6 in position 0: invalid start byte (latin.py, line 2) 2\n\
         euro invalid character '\u{20ac}' (U+20AC) (euro.py, line 1) 1\n"
    );
    let run_err = stderr(&run);
    assert!(
        run_err.contains("File \"/broken.py\", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax"),
        "{run_err}"
    );
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn missing_input_is_a_clear_error() {
    let dir = scratch("missing");
    let out = py2wasm(&["nope.py"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).trim(), "error: cannot read nope.py: no such file");
}

#[test]
fn directory_as_input_is_a_clear_error() {
    let dir = scratch("dir-input");
    std::fs::create_dir(dir.join("pkg.py")).unwrap();
    let out = py2wasm(&["pkg.py", "-o", "x.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read pkg.py: it is a directory"), "{}", stderr(&out));
}

#[test]
fn non_utf8_input_points_at_the_bad_byte() {
    let dir = scratch("latin1");
    std::fs::write(dir.join("l.py"), b"s = 'ok'\nt = '\xe9t\xe9'\n").unwrap();
    let out = py2wasm(&["l.py"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("l.py:2:6: error: l.py is not valid UTF-8 (byte 0xe9)"), "{err}");
    assert!(!dir.join("l.wasm").exists());
}

#[test]
fn declared_source_encodings_are_read_and_unknown_ones_reported() {
    let dir = scratch("cookie");
    // Latin-1: 0xe9 is é; the program sees the text, not the bytes.
    std::fs::write(dir.join("c.py"), b"# -*- coding: latin-1 -*-\nprint('caf\xe9', len('caf\xe9'))\n").unwrap();
    let out = py2wasm(&["run", "c.py"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "caf\u{e9} 4\n");

    std::fs::write(dir.join("u.py"), "#!/usr/bin/env python3\n# coding: no-such-codec\nprint(1)\n").unwrap();
    let out = py2wasm(&["u.py"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("u.py:2:1: error: unknown encoding: no-such-codec"), "{}", stderr(&out));
    assert!(!dir.join("u.wasm").exists());
}

#[test]
fn output_in_a_missing_directory_is_an_error_and_leaves_nothing() {
    let dir = scratch("outdir");
    std::fs::write(dir.join("ok.py"), "print(1)\n").unwrap();
    let out = py2wasm(&["ok.py", "-o", "no/such/dir/ok.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).trim(), "error: cannot write no/such/dir/ok.wasm: directory no/such/dir does not exist");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = scratch("usage");
    let out = py2wasm(&["--no-such-flag", "x.py"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unexpected argument '--no-such-flag'"), "{}", stderr(&out));
    let out = py2wasm(&[], &dir);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_import_warns_with_location_and_still_compiles() {
    let dir = scratch("unknown-import");
    std::fs::write(dir.join("u.py"), "try:\n    import numpy\nexcept ImportError:\n    print('no numpy')\n").unwrap();
    let out = py2wasm(&["u.py"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("u.py:2:5: warning: module 'numpy' not found"), "{}", stderr(&out));
    assert!(dir.join("u.wasm").is_file());
}

#[test]
fn include_module_that_does_not_exist_is_an_error() {
    let dir = scratch("include");
    std::fs::write(dir.join("i.py"), "print(1)\n").unwrap();
    let out = py2wasm(&["i.py", "--include-module", "no_such_mod"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--include-module no_such_mod: no such module"), "{}", stderr(&out));
}

#[test]
fn same_input_gives_byte_identical_output_and_a_valid_report() {
    let dir = scratch("determinism");
    std::fs::create_dir(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("pkg/__init__.py"), "from .m import f\n").unwrap();
    std::fs::write(dir.join("pkg/m.py"), "def f():\n    return [x * 2 for x in range(3)]\n").unwrap();
    std::fs::write(
        dir.join("app.py"),
        "import json, pkg\nclass A:\n    g = lambda self: 1\ndef pick(x):\n    if x is None:\n        breakpoint()\n    return x\nprint(json.dumps(pkg.f()))\n",
    )
    .unwrap();
    let a = py2wasm(&["app.py", "-o", "a.wasm", "--report-json", "r.json"], &dir);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let b = py2wasm(&["app.py", "-o", "b.wasm"], &dir);
    assert_eq!(b.status.code(), Some(0));
    let (wa, wb) = (std::fs::read(dir.join("a.wasm")).unwrap(), std::fs::read(dir.join("b.wasm")).unwrap());
    assert!(wa == wb, "outputs differ");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(report["output_bytes"], serde_json::json!(wa.len()));
    // A (class body), A.<lambda>, pick, f, f.<locals>.<listcomp>: all but `pick` (breakpoint()) are native.
    assert_eq!(report["functions_total"], serde_json::json!(5));
    assert_eq!(report["functions_native"], serde_json::json!(4));
    let how: Vec<(String, String)> = report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["qualname"].as_str().unwrap().to_string(), f["compiled"].as_str().unwrap().to_string()))
        .collect();
    for (name, compiled) in [
        ("A.<lambda>", "native"),
        ("f", "native"),
        ("f.<locals>.<listcomp>", "native"),
        ("A", "native"),
        ("pick", "bytecode"),
    ] {
        assert!(how.contains(&(name.to_string(), compiled.to_string())), "{name} not {compiled}: {how:?}");
    }
    let modules: Vec<&str> =
        report["modules"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    for m in ["__main__", "pkg", "pkg.m", "json", "json.decoder", "encodings.utf_8"] {
        assert!(modules.contains(&m), "{m} missing from {modules:?}");
    }
}

#[test]
fn report_names_the_functions_with_an_unboxed_entry() {
    let dir = scratch("unboxed-report");
    std::fs::write(
        dir.join("app.py"),
        "def half(x):\n    return x / 2\ndef name(s):\n    return s.upper()\n\
         def main():\n    return half(3) + half(2.5), name('a')\nprint(main())\n",
    )
    .unwrap();
    let out = py2wasm(&["app.py", "-o", "app.wasm", "--report-json", "r.json"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    let entry = |qualname: &str| {
        report["functions"].as_array().unwrap().iter().find(|f| f["qualname"] == qualname).unwrap()["unboxed_entry"]
            .clone()
    };
    // half: called directly with a number for x; name: called directly,
    // but nothing of it is a number; main: called from the module body.
    assert_eq!(entry("half"), serde_json::json!(["x"]));
    assert_eq!(entry("name"), serde_json::Value::Null);
    assert_eq!(entry("main"), serde_json::Value::Null);
    let run = py2wasm(&["run", "app.py"], &dir);
    assert_eq!(String::from_utf8_lossy(&run.stdout), "(2.75, 'A')\n", "{}", stderr(&run));
}

#[test]
fn report_counts_the_inline_operations_with_expected_types() {
    let dir = scratch("typed-report");
    std::fs::write(
        dir.join("app.py"),
        "def tri(n):\n    t = 0\n    for i in range(n):\n        t += i * 2\n    return t\n\
         def avg(a, b):\n    return (a + b) / 2.0\n\
         def main(xs):\n    return tri(10), avg(1.5, 2.5), xs[0] + xs[1]\nprint(main([1, 2]))\n",
    )
    .unwrap();
    let out = py2wasm(&["app.py", "-o", "app.wasm", "--report-json", "r.json", "--report"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    let ops = |qualname: &str| {
        report["functions"].as_array().unwrap().iter().find(|f| f["qualname"] == qualname).unwrap()["inline_ops"]
            .clone()
    };
    // tri: n comes as an int from main's call, i from range(), t from 0
    // and int arithmetic; avg: floats from main's call; main: list items
    // are unknown.
    assert_eq!(ops("tri"), serde_json::json!({"total": 2, "typed": 2}));
    assert_eq!(ops("avg"), serde_json::json!({"total": 2, "typed": 2}));
    assert_eq!(ops("main"), serde_json::json!({"total": 1, "typed": 0}));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 of 2 inline number operations typed"), "{text}");
    let run = py2wasm(&["run", "app.py"], &dir);
    assert_eq!(String::from_utf8_lossy(&run.stdout), "(90, 2.0, 3)\n", "{}", stderr(&run));
}

#[test]
fn no_fallback_lists_each_fallback_with_its_location() {
    let dir = scratch("no-fallback");
    std::fs::write(
        dir.join("g.py"),
        "def ok(x):\n    return x + 1\n\n\ndef pick(x):\n    if x is None:\n        breakpoint()\n    return x\n\nprint(ok(1))\n",
    )
    .unwrap();
    let out = py2wasm(&["g.py", "--no-fallback", "-o", "g.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("1 function(s) would run on the bytecode interpreter"), "{err}");
    assert!(err.contains("g.py:5:1: error: `pick` cannot be compiled natively: breakpoint()"), "{err}");
    assert!(!dir.join("g.wasm").exists(), "no output on error");
    // Without the flag the same program compiles, `pick` on the interpreter.
    let out = py2wasm(&["g.py", "-o", "g.wasm", "--report"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("functions: 2 total, 1 native, 1 bytecode"));
}

#[test]
fn no_stdlib_source_leaves_the_stdlib_source_out() {
    let dir = scratch("no-stdlib-source");
    std::fs::write(dir.join("t.py"), "import json, inspect\nprint(inspect.getsource(json.dumps).split('(')[0])\n")
        .unwrap();
    let with = py2wasm(&["t.py", "-o", "with.wasm"], &dir);
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    let without = py2wasm(&["t.py", "-o", "without.wasm", "--no-stdlib-source"], &dir);
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    let size = |f: &str| std::fs::metadata(dir.join(f)).unwrap().len();
    // json, inspect and what they import: their compressed source.
    assert!(size("with.wasm") > size("without.wasm") + 100_000, "{} {}", size("with.wasm"), size("without.wasm"));
    let out = py2wasm(&["run", "with.wasm"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "def dumps\n");
    // Without it, inspect finds no source, as for any module without one.
    let out = py2wasm(&["run", "without.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("OSError: could not get source code"), "{}", stderr(&out));
}

#[test]
fn default_output_name_is_the_input_with_wasm() {
    let dir = scratch("default-out");
    std::fs::write(dir.join("prog.py"), "print(1)\n").unwrap();
    let out = py2wasm(&["prog.py"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("prog.wasm").is_file());
}

#[test]
fn run_compiles_and_runs_with_arguments_and_exit_code() {
    let dir = scratch("run");
    std::fs::write(dir.join("r.py"), "import sys\nprint(sys.argv)\nsys.exit(len(sys.argv))\n").unwrap();
    let out = py2wasm(&["run", "r.py", "--", "a", "b"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "['r.py', 'a', 'b']\n");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn run_gives_programs_non_terminal_stdio_when_piped() {
    let dir = scratch("isatty");
    std::fs::write(
        dir.join("t.py"),
        "import sys\nprint(sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty())\n",
    )
    .unwrap();
    let out = py2wasm(&["run", "t.py"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "False False False\n", "{}", stderr(&out));
}

#[test]
fn run_maps_directories_for_file_io() {
    let dir = scratch("run-dir");
    std::fs::create_dir(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/in.txt"), "hello\n").unwrap();
    std::fs::write(dir.join("f.py"), "t = open('in.txt').read()\nopen('out.txt', 'w').write(t.upper())\n").unwrap();
    let out = py2wasm(&["run", "f.py", "--dir", "data"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("data/out.txt")).unwrap(), "HELLO\n");
}

#[test]
fn bare_runtime_says_what_it_is() {
    // A module without a program image must not crash: it explains itself.
    let dir = scratch("bare");
    std::fs::write(dir.join("x.wasm"), b"not wasm").unwrap();
    let out = py2wasm(&["run", "x.wasm"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot compile the wasm module"), "{}", stderr(&out));
}

#[cfg(not(feature = "opt"))]
#[test]
fn optimize_without_binaryen_says_how_to_get_it() {
    let dir = scratch("no-opt");
    std::fs::write(dir.join("o.py"), "print(1)\n").unwrap();
    let out = py2wasm(&["o.py", "-O"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("-O needs wasm-opt"), "{}", stderr(&out));
    assert!(!dir.join("o.wasm").exists());
}

#[test]
fn run_reports_a_trap_with_exit_code_134() {
    // (module (memory (export "memory") 1) (func (export "_start") unreachable))
    let dir = scratch("trap");
    let wasm: &[u8] = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x05\x03\x01\0\x01\
        \x07\x13\x02\x06_start\0\0\x06memory\x02\0\x0a\x05\x01\x03\0\0\x0b";
    std::fs::write(dir.join("trap.wasm"), wasm).unwrap();
    let out = py2wasm(&["run", "trap.wasm"], &dir);
    assert_eq!(out.status.code(), Some(134));
    assert!(stderr(&out).starts_with("wasm trap: RuntimeError: unreachable"), "{}", stderr(&out));
}

#[test]
fn bytecode_is_the_same_from_wasmer_and_wasmi_and_runs() {
    // The program's modules are compiled to CPython bytecode at compile
    // time by the runtime's own CPython: natively in wasmer, in the wasm
    // compiler in wasmi. Both must give the same bytes.
    let dir = scratch("precompile");
    std::fs::write(dir.join("main.py"), "import helper\nprint(helper.twice(21), {'b', 'a'} == {'a', 'b'})\n").unwrap();
    std::fs::write(dir.join("helper.py"), "KEYS = frozenset({'x', 'y', 'z'})\ndef twice(n):\n    return 2 * n\n")
        .unwrap();
    let out = py2wasm(&["main.py", "-o", "wasmer.wasm"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_py2wasm"))
        .args(["main.py", "-o", "wasmi.wasm"])
        .env("PY2WASM_PRECOMPILE_ENGINE", "wasmi")
        .current_dir(&dir)
        .output()
        .expect("py2wasm runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (a, b) = (std::fs::read(dir.join("wasmer.wasm")).unwrap(), std::fs::read(dir.join("wasmi.wasm")).unwrap());
    assert!(a == b, "the two engines' outputs differ");
    let out = py2wasm(&["run", "wasmer.wasm"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42 True\n", "{}", stderr(&out));
}

#[test]
fn modules_that_warn_when_compiled_still_warn_and_optimised_runs_compile_source() {
    // A module CPython warns about when compiling (SyntaxWarning) is left
    // as source, so the program warns as CPython does when it compiles it;
    // with PYTHONOPTIMIZE the precompiled bytecode (made for -O0) is not
    // used: the source is compiled optimised, without its asserts, and the
    // native code skips them too.
    let dir = scratch("precompile-warn");
    std::fs::write(dir.join("main.py"), "import helper\nx = 1\nprint(x is 1)\n").unwrap();
    std::fs::write(dir.join("helper.py"), "assert False, 'kept'\n").unwrap();
    std::fs::write(
        dir.join("plain.py"),
        "def f(x):\n    assert x > 0, 'native'\n    return x\ntry:\n    print(__debug__, f(-1))\nexcept AssertionError \
         as e:\n    print('assert', e)\n",
    )
    .unwrap();
    let out = py2wasm(&["run", "main.py"], &dir);
    let err = stderr(&out);
    assert!(err.contains("main.py:3: SyntaxWarning: \"is\" with a literal"), "{err}");
    assert!(err.contains("AssertionError: kept"), "{err}");
    let out = py2wasm(&["plain.py", "-o", "plain.wasm"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = py2wasm(&["run", "plain.wasm", "--env", "PYTHONOPTIMIZE=1"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "False -1\n", "{}", stderr(&out));
    let out = py2wasm(&["run", "plain.wasm"], &dir);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "assert native\n", "{}", stderr(&out));
}

#[test]
fn include_data_embeds_files_and_directories_where_the_program_reads_them() {
    let dir = scratch("include-data");
    std::fs::create_dir_all(dir.join("conf/sub")).unwrap();
    std::fs::write(dir.join("conf/a.txt"), "A").unwrap();
    std::fs::write(dir.join("conf/sub/b.txt"), "B").unwrap();
    std::fs::write(dir.join("notes.txt"), "N").unwrap();
    std::fs::write(
        dir.join("main.py"),
        "import os\nprint(open('conf/a.txt').read(), open('conf/sub/b.txt').read(), open('etc/notes').read(),\n      \
         sorted(os.listdir('conf')), os.path.isdir('conf/sub'))\ntry:\n    open('conf/a.txt', 'w')\nexcept OSError as \
         e:\n    print(type(e).__name__)\n",
    )
    .unwrap();
    let out = py2wasm(&["main.py", "--include-data", "conf", "--include-data", "notes.txt=etc/notes"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // run where none of it is: the files come from the output
    let elsewhere = scratch("include-data-run");
    let out = py2wasm(&["run", dir.join("main.wasm").to_str().unwrap()], &elsewhere);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "A B N ['a.txt', 'sub'] True\nOSError\n", "{}", stderr(&out));
    for bad in ["notes.txt=/abs", "notes.txt=../up", "missing.txt"] {
        let out = py2wasm(&["main.py", "--include-data", bad], &dir);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(stderr(&out).contains("--include-data"), "{bad}: {}", stderr(&out));
    }
}

#[test]
fn version_names_the_compiler_and_the_cpython_its_outputs_run() {
    let dir = scratch("version");
    let out = py2wasm(&["--version"], &dir);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let prefix = format!("py2wasm {} (CPython ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&prefix), "{text}");
    let cpython = text[prefix.len()..].split(',').next().unwrap_or_default().to_string();
    // What a compiled program says of itself is the version named.
    std::fs::write(dir.join("v.py"), "import sys, platform\nprint(platform.python_version())\n").unwrap();
    let run = py2wasm(&["run", "v.py"], &dir);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), cpython, "{text}");
}
