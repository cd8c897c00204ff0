//! `py2wasm serve`: a WSGI app behind the CGI server on a loopback port,
//! asked over real sockets: status, headers and body for GET and POST, a
//! 404, an exception in the app (a 500, and the server keeps serving), a
//! request past its timeout (a 500 for it alone), a program that crashes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const APP: &str = r#"
import os
import sys
from wsgiref.handlers import CGIHandler


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/":
        body = "hello from %s %s, query %s\n" % (
            environ["REQUEST_METHOD"], environ["SERVER_PROTOCOL"], environ["QUERY_STRING"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-App", "py2wasm")])
        return [body.encode()]
    if path == "/echo":
        n = int(environ.get("CONTENT_LENGTH") or 0)
        data = environ["wsgi.input"].read(n)
        start_response("201 Created", [("Content-Type", environ.get("CONTENT_TYPE", "")),
                                       ("X-Agent", environ.get("HTTP_USER_AGENT", "-"))])
        return [b"got " + data[::-1]]
    if path == "/boom":
        raise ValueError("the app failed")
    if path == "/slow":
        while True:
            pass
    if path == "/crash":
        sys.stdout.write("no headers")
        sys.stdout.flush()
        os._exit(3)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"nothing at " + path.encode()]


CGIHandler().run(app)
"#;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_py2wasm"))
        .args(["serve", "app.py", "--port", "0", "--workers", "2", "--timeout", "3"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("py2wasm serve starts");
    // A line says where it listens (after any compiler warnings).
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while !line.contains("serving") {
        line.clear();
        assert!(err.read_line(&mut line).expect("a line") > 0, "py2wasm serve ended without serving");
    }
    let port = line
        .rsplit_once("http://127.0.0.1:")
        .and_then(|(_, rest)| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    // The rest of its log, drained so that the server never blocks on it.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = err.read_to_end(&mut sink);
    });
    Server { child, port }
}

/// Sends REQUEST; the status code, the headers (lower-cased names) and the body.
fn ask(port: u16, request: &str) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("a response");
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no blank line in {out:?}"));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    let code = status.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("status {status:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (code, headers, body.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[test]
fn a_wsgi_app_answers_get_post_404_500_and_timeouts() {
    let dir: PathBuf = std::env::temp_dir().join(format!("py2wasm-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app.py"), APP).unwrap();
    let server = start(&dir);
    let port = server.port;

    let (code, headers, body) = ask(port, "GET /?a=1&b=two HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(code, 200, "{body}");
    assert_eq!(body, "hello from GET HTTP/1.1, query a=1&b=two\n");
    assert_eq!(header(&headers, "x-app"), Some("py2wasm"));
    assert_eq!(header(&headers, "content-type"), Some("text/plain"));
    assert_eq!(header(&headers, "content-length"), Some(body.len().to_string().as_str()));

    let post = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-test\r\n\
                User-Agent: tester/1\r\nContent-Length: 5\r\n\r\nabcde";
    let (code, headers, body) = ask(port, post);
    assert_eq!((code, body.as_str()), (201, "got edcba"));
    assert_eq!(header(&headers, "content-type"), Some("application/x-test"));
    assert_eq!(header(&headers, "x-agent"), Some("tester/1"));

    let (code, _, body) = ask(port, "GET /missing%20page HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!((code, body.as_str()), (404, "nothing at /missing page"));

    // wsgiref answers an exception in the app with a 500 of its own.
    let (code, _, body) = ask(port, "GET /boom HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(code, 500, "{body}");
    assert!(body.contains("A server error occurred"), "{body}");

    // A HEAD request: a GET's headers, no body.
    let (code, headers, body) = ask(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!((code, body.as_str()), (200, ""));
    assert_eq!(header(&headers, "x-app"), Some("py2wasm"));

    // Stopped at the timeout; the other worker answers meanwhile, before
    // the slow one ends.
    let slow = std::thread::spawn(move || ask(port, "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    std::thread::sleep(Duration::from_millis(300));
    let (code, _, _) = ask(port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(code, 200);
    assert!(!slow.is_finished(), "the second worker answered only after the slow request ended");
    let (code, _, body) = slow.join().unwrap();
    assert_eq!(code, 500);
    assert!(body.contains("took longer than 3 s"), "{body}");

    // A program that exits without a CGI response.
    let (code, _, body) = ask(port, "GET /crash HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(code, 500);
    assert!(body.contains("failed before it answered"), "{body}");

    // Not HTTP at all: a 400, and the server goes on.
    let (code, _, _) = ask(port, "NONSENSE\r\n\r\n");
    assert_eq!(code, 400);
    let (code, _, body) = ask(port, "GET /?again HTTP/1.0\r\n\r\n");
    assert_eq!((code, body.as_str()), (200, "hello from GET HTTP/1.0, query again\n"));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
