//! Packages from PyPI, compiled vs interpreted in the same virtual
//! environment: the programs of tests/thirdparty/programs.txt marked `ci`
//! must give CPython's stdout, stderr and exit code. The environment
//! (tests/thirdparty/requirements.txt, pinned) is made once by pip and kept
//! in the cache. The whole list runs by `python3 tests/thirdparty/run.py`.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn third_party_programs_ci_subset() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("python3")
        .arg(repo.join("tests/thirdparty/run.py"))
        .args(["--ci", "--py2wasm", env!("CARGO_BIN_EXE_py2wasm")])
        .status()
        .expect("python3 runs tests/thirdparty/run.py");
    assert!(status.success(), "a third-party program differs from CPython in the same environment (above)");
}
