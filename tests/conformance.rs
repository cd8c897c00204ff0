//! CPython's own test suite, compiled vs interpreted: the CI subset of
//! tests/cpython/modules.txt must give exactly the committed
//! tests/cpython/results.md rows (tests run and passed both ways) and the
//! divergences listed in tests/cpython/divergences.txt. A test that starts
//! or stops failing only when compiled makes this fail, as a conformance
//! snapshot does: fix it, or rewrite the files with
//! `python3 tests/cpython/conformance.py MODULE...` and commit the change.
//!
//! The whole list runs by `python3 tests/cpython/conformance.py` (see its
//! docstring); the tests come from Debian's packages, downloaded once into
//! the cache.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn cpython_test_suite_ci_subset() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("python3")
        .arg(repo.join("tests/cpython/conformance.py"))
        .args(["--ci", "--check", "--py2wasm", env!("CARGO_BIN_EXE_py2wasm")])
        .status()
        .expect("python3 runs tests/cpython/conformance.py");
    assert!(status.success(), "the CPython test suite's CI subset differs from tests/cpython/results.md (above)");
}
