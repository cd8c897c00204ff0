//! Outputs outside the WASI command-line hosts: under Node's built-in WASI
//! (examples/node/run.mjs), checked against CPython, and in a web page
//! with a WASI shim from npm (examples/browser), loaded by Debian's
//! headless Chromium, whose page text is read back. setup.sh installs
//! Chromium and the shim (at the version examples/browser/package.json
//! pins, in the cache).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("py2wasm-web-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn compile(dir: &Path, script: &str, out: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_py2wasm")).args([script, "-o", out]).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const PROGRAM: &str = r#"
import os
import sys

print("argv", sys.argv[1:])
with open("input.txt", encoding="utf-8") as f:
    print("read", f.read().split())
with open("output.txt", "w", encoding="utf-8") as f:
    f.write("written by the program\n")
print("files", sorted(n for n in os.listdir(".") if n.endswith(".txt")))
print("numbers", sum(i * i for i in range(1000)), 2 ** 100 // 3, round(1 / 3, 6))
try:
    {}["missing"]
except KeyError as e:
    print("caught", repr(e))
sys.stdout.flush()
sys.exit(3)
"#;

#[test]
fn node_runs_an_output_as_cpython_runs_the_script() {
    let dir = scratch("node");
    std::fs::write(dir.join("app.py"), PROGRAM).unwrap();
    compile(&dir, "app.py", "app.wasm");
    let input = "three little words\n";
    std::fs::write(dir.join("input.txt"), input).unwrap();
    let expected = Command::new("python3").args(["app.py", "x", "y z"]).current_dir(&dir).output().unwrap();
    std::fs::remove_file(dir.join("output.txt")).unwrap();
    let run = repo().join("examples/node/run.mjs");
    let got = Command::new("node")
        .arg("--no-warnings")
        .arg(&run)
        .args(["app.wasm", "x", "y z"])
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert_eq!(String::from_utf8_lossy(&got.stderr), "");
    assert_eq!(String::from_utf8_lossy(&got.stdout), String::from_utf8_lossy(&expected.stdout));
    assert_eq!(got.status.code(), Some(3));
    assert_eq!(std::fs::read_to_string(dir.join("output.txt")).unwrap(), "written by the program\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Serves DIR's files on a loopback port, in a thread, until the test ends.
fn serve_files(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                // The request's head, up to its blank line.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf);
                let path = head.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
                let path = if path.is_empty() { "index.html" } else { path };
                let file = dir.join(path);
                let (status, body) = match std::fs::read(&file) {
                    Ok(b) if !path.contains("..") => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let ty = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") | Some("mjs") => "text/javascript",
                    Some("wasm") => "application/wasm",
                    _ => "application/octet-stream",
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

/// One WebDriver request to chromedriver on PORT: the response's `value`.
fn webdriver(port: u16, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("chromedriver listens");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    // The headers, then Content-Length bytes (the connection may stay open).
    let mut reader = std::io::BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)));
    v["value"].clone()
}

/// Chromedriver started on a free port, killed when dropped.
struct Driver(std::process::Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Driver {
    let port = TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver runs (setup.sh installs it)");
    let driver = Driver(child, port);
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return driver;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("chromedriver did not start");
}

#[test]
fn the_browser_example_runs_in_headless_chromium() {
    let shim = py2wasm::runner::cache_root().expect("a cache directory").join("npm/browser/node_modules");
    assert!(
        shim.join("@bjorn3/browser_wasi_shim/dist/index.js").exists(),
        "{} is missing: run ./setup.sh",
        shim.display()
    );
    let dir = scratch("browser");
    let example = repo().join("examples/browser");
    for f in ["index.html", "main.js", "app.py"] {
        std::fs::copy(example.join(f), dir.join(f)).unwrap();
    }
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(example.join("data/greeting.txt"), dir.join("data/greeting.txt")).unwrap();
    std::os::unix::fs::symlink(&shim, dir.join("node_modules")).unwrap();
    compile(&dir, "app.py", "app.wasm");
    let port = serve_files(dir.clone());
    let driver = chromedriver();
    let profile = dir.join("chromium-profile");
    let caps = serde_json::json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 format!("--user-data-dir={}", profile.display())],
    }}}});
    let session = webdriver(driver.1, "POST", "/session", Some(caps));
    let id = session["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {session}")).to_string();
    let url = format!("http://127.0.0.1:{port}/index.html");
    webdriver(driver.1, "POST", &format!("/session/{id}/url"), Some(serde_json::json!({ "url": url })));
    let eval = |script: &str| {
        let body = serde_json::json!({"script": script, "args": []});
        webdriver(driver.1, "POST", &format!("/session/{id}/execute/sync"), Some(body))
    };
    // The program runs after the page has loaded: wait for its end.
    let mut done = serde_json::Value::Null;
    for _ in 0..1200 {
        done = eval("return document.getElementById('status').dataset.done || ''");
        if done != "" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = eval("return document.body.innerText");
    let text = text.as_str().unwrap_or_default().to_string();
    println!("the page's text:\n{text}");
    webdriver(driver.1, "DELETE", &format!("/session/{id}"), None);
    assert_eq!(done, "yes", "{text}");
    let expected = [
        "Hello from Python 3.11.2 compiled by py2wasm",
        "data/greeting.txt says: h\u{e9}llo from a preloaded file",
        "squares: [0, 1, 4, 9, 16, 25, 36, 49]",
        "argv: ['from', 'the page']",
        "exit code 0; load to output: ",
    ];
    for e in expected {
        assert!(text.contains(e), "{e:?} not in the page:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
