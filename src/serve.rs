//! `py2wasm serve`: an HTTP server on the loopback interface that answers
//! each request with one run of a compiled module, through CGI (RFC 3875):
//! the request line and headers become environment variables, the body
//! its stdin, and what it writes to stdout (CGI headers, a blank line,
//! the body) the response. A WSGI app runs under it with the standard
//! library's `wsgiref.handlers.CGIHandler().run(app)`.
//!
//! Each run is a child process (`py2wasm run`, the module compiled once
//! and loaded from the runner's cache), so a crash, a trap or a timeout
//! (the child is killed) is a 500 for that request only. Workers are
//! threads taking connections from one listener; one request per
//! connection (`Connection: close`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest request body accepted (a bigger one is a 413).
const MAX_BODY: usize = 64 << 20;
/// The longest request line and header section accepted.
const MAX_HEAD: usize = 64 << 10;
/// How long a client may take to send its request (all of it), and to
/// take the response.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The most a run may write (more is a 502, and the run is stopped).
const MAX_RESPONSE: usize = 256 << 20;
/// The prefix of the request's variables in a run's process environment
/// (`py2wasm run --env-prefix`): not on its command line, where other
/// users could read headers such as Cookie.
const ENV_PREFIX: &str = "PY2WASM_CGI_";

pub struct ServeConfig {
    /// The compiled module, as a file the children run.
    pub module: PathBuf,
    /// The name the program sees as argv[0] (the app's file name).
    pub program_name: String,
    pub port: u16,
    pub workers: usize,
    /// A run taking longer is killed (a 500).
    pub timeout: Duration,
    /// --dir and --env of `py2wasm run`, passed to every run.
    pub run_args: Vec<String>,
    /// The py2wasm binary that runs each request.
    pub exe: PathBuf,
}

/// Binds the port, says where on stderr, and serves until killed.
pub fn serve(config: ServeConfig) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", config.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "py2wasm: serving {} on http://{addr}/ ({} worker{}, {} s timeout)",
        config.program_name,
        config.workers,
        if config.workers == 1 { "" } else { "s" },
        config.timeout.as_secs_f64()
    );
    let config = Arc::new(config);
    let mut handles = Vec::new();
    for _ in 0..config.workers.max(1) {
        let listener = listener.try_clone().map_err(|e| e.to_string())?;
        let config = Arc::clone(&config);
        handles.push(std::thread::spawn(move || loop {
            match listener.accept() {
                Ok((stream, peer)) => handle(&config, stream, peer, addr),
                Err(e) => eprintln!("py2wasm serve: accept: {e}"),
            }
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    Ok(())
}

/// A parsed request.
struct Request {
    method: String,
    target: String,
    protocol: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Why a request could not be read: the status to answer with, if any.
struct Refused(u16, &'static str);

fn handle(config: &ServeConfig, mut stream: TcpStream, peer: SocketAddr, local: SocketAddr) {
    let started = Instant::now();
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut refused = false;
    let response = match read_request(&stream, started + READ_TIMEOUT) {
        Ok(req) => {
            let (status, response) = run_request(config, &req, peer, local);
            eprintln!(
                "py2wasm serve: {} {} {} {status} {:.1} ms",
                peer.ip(),
                req.method,
                req.target,
                started.elapsed().as_secs_f64() * 1000.0
            );
            response
        }
        Err(Refused(0, _)) => return,
        Err(Refused(status, why)) => {
            refused = true;
            error_response(status, why)
        }
    };
    let _ = stream.write_all(&response);
    let _ = stream.flush();
    if refused {
        // What the client still sends is read and dropped for a moment, so
        // that closing does not reset the connection before it reads the
        // answer.
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut sink = [0u8; 8192];
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until && matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
    }
}

/// Reads a request, all of it before DEADLINE.
fn read_request(stream: &TcpStream, deadline: Instant) -> Result<Request, Refused> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    // Each read may wait only for what is left of the time.
    let left = |stream: &TcpStream| {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Refused(408, "the request was not received in time"));
        }
        let _ = stream.set_read_timeout(Some(left));
        Ok(())
    };
    // The request line and headers, up to the blank line.
    let mut lines = Vec::new();
    loop {
        left(stream)?;
        let mut line = Vec::new();
        match reader.by_ref().take(MAX_HEAD as u64).read_until(b'\n', &mut line) {
            Ok(0) if lines.is_empty() => return Err(Refused(0, "")),
            Ok(0) => return Err(Refused(400, "the request ended early")),
            Ok(_) => {}
            Err(_) => return Err(Refused(408, "the request was not received in time")),
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Err(Refused(431, "the request's headers are too large"));
        }
        while line.last().is_some_and(|&c| c == b'\n' || c == b'\r') {
            line.pop();
        }
        if line.is_empty() {
            if lines.is_empty() {
                continue; // (a blank line before the request line is allowed)
            }
            break;
        }
        lines.push(String::from_utf8_lossy(&line).into_owned());
    }
    let mut parts = lines[0].split_whitespace();
    let (Some(method), Some(target), Some(protocol), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused(400, "malformed request line"));
    };
    if !protocol.starts_with("HTTP/1.") {
        return Err(Refused(505, "only HTTP/1.x is served"));
    }
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Refused(400, "malformed header line"));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    if header("transfer-encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity")) {
        return Err(Refused(411, "a chunked body needs a Content-Length here"));
    }
    let length = match header("content-length") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| Refused(400, "malformed Content-Length"))?,
    };
    if length > MAX_BODY {
        return Err(Refused(413, "the request body is too large"));
    }
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) && length > 0 {
        let mut out = stream;
        let _ = out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let mut body = vec![0; length];
    let mut got = 0;
    while got < length {
        left(stream)?;
        match reader.read(&mut body[got..]) {
            Ok(0) | Err(_) => return Err(Refused(400, "the request body ended early")),
            Ok(n) => got += n,
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        protocol: protocol.to_string(),
        headers,
        body,
    })
}

/// The CGI variables of REQ (RFC 3875, section 4.1).
fn cgi_environment(req: &Request, peer: SocketAddr, local: SocketAddr) -> Vec<(String, String)> {
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.target.as_str(), ""),
    };
    let host = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| host_name(v))
        .unwrap_or_else(|| local.ip().to_string());
    let mut env = vec![
        ("GATEWAY_INTERFACE".to_string(), "CGI/1.1".to_string()),
        ("SERVER_SOFTWARE".to_string(), format!("py2wasm/{}", env!("CARGO_PKG_VERSION"))),
        ("SERVER_NAME".to_string(), host),
        ("SERVER_PORT".to_string(), local.port().to_string()),
        ("SERVER_PROTOCOL".to_string(), req.protocol.clone()),
        ("REQUEST_METHOD".to_string(), req.method.clone()),
        ("SCRIPT_NAME".to_string(), String::new()),
        ("PATH_INFO".to_string(), percent_decode(path)),
        ("QUERY_STRING".to_string(), query.to_string()),
        ("REQUEST_URI".to_string(), req.target.clone()),
        ("REMOTE_ADDR".to_string(), peer.ip().to_string()),
        ("REMOTE_PORT".to_string(), peer.port().to_string()),
    ];
    if !req.body.is_empty() || req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        env.push(("CONTENT_LENGTH".to_string(), req.body.len().to_string()));
    }
    for (name, value) in &req.headers {
        let key = name.to_ascii_uppercase().replace('-', "_");
        let var = match key.as_str() {
            "CONTENT_TYPE" => key,
            "CONTENT_LENGTH" => continue,
            // (a header name that is not a token cannot be a variable)
            _ if !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => continue,
            _ => format!("HTTP_{key}"),
        };
        // Repeated headers are joined, as HTTP allows.
        match env.iter_mut().find(|(k, _)| *k == var) {
            Some((_, v)) if var.starts_with("HTTP_") => {
                v.push_str(", ");
                v.push_str(value);
            }
            Some(_) => {}
            None => env.push((var, value.clone())),
        }
    }
    env
}

/// The host of a Host header, without its port (`[::1]:8000` is `[::1]`).
fn host_name(v: &str) -> String {
    match v.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((ip, _)) => format!("[{ip}]"),
        None => v.rsplit_once(':').map_or(v, |(h, _)| h).to_string(),
    }
}

/// %XX escapes decoded (CGI's PATH_INFO is decoded); bytes that are not
/// UTF-8 become U+FFFD, as an environment variable here is a str.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs the module for REQ; the response's status and bytes.
fn run_request(config: &ServeConfig, req: &Request, peer: SocketAddr, local: SocketAddr) -> (u16, Vec<u8>) {
    let env = cgi_environment(req, peer, local);
    if env.iter().any(|(_, v)| v.contains('\0')) {
        return (400, error_response(400, "a NUL character in the request"));
    }
    let mut cmd = Command::new(&config.exe);
    cmd.arg("run").arg(&config.module).args(&config.run_args).args(["--env-prefix", ENV_PREFIX]);
    // (the server's own variables of that prefix are not the request's)
    for (k, _) in std::env::vars_os() {
        if k.to_str().is_some_and(|k| k.starts_with(ENV_PREFIX)) {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(format!("{ENV_PREFIX}{k}"), v);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (500, error_response(500, &format!("cannot start a run: {e}"))),
    };
    // stdin, stdout and stderr in threads of their own: a program may
    // write before it reads everything.
    let body = req.body.clone();
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&body);
        }
    });
    // Up to MAX_RESPONSE bytes are kept (one more says there was more);
    // the rest is read and dropped, so that the run never blocks on it.
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.by_ref().take(MAX_RESPONSE as u64 + 1).read_to_end(&mut buf);
                let _ = std::io::copy(&mut p, &mut std::io::sink());
            }
            buf
        })
    };
    let out = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let deadline =
        Instant::now().checked_add(config.timeout).unwrap_or_else(|| Instant::now() + Duration::from_secs(86400));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = writer.join();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !stderr.is_empty() {
        let _ = std::io::stderr().write_all(&stderr);
    }
    let Some(status) = status else {
        let why = format!("the request took longer than {} s", config.timeout.as_secs_f64());
        return (500, error_response(500, &why));
    };
    if stdout.len() > MAX_RESPONSE {
        return (502, error_response(502, "the program's response is too large"));
    }
    match cgi_response(&stdout, req.method == "HEAD") {
        Some(r) => r,
        None if !status.success() => (500, error_response(500, "the program failed before it answered")),
        None => (502, error_response(502, "the program's output is not a CGI response")),
    }
}

/// An HTTP response from a CGI program's output (RFC 3875, section 6):
/// its headers (a `Status` header for the status line, a `Location`
/// alone for a redirect), a blank line, the body.
fn cgi_response(out: &[u8], head_only: bool) -> Option<(u16, Vec<u8>)> {
    let (end, sep) = [b"\r\n\r\n".as_slice(), b"\n\n".as_slice()]
        .iter()
        .filter_map(|sep| out.windows(sep.len()).position(|w| w == *sep).map(|p| (p, sep.len())))
        .min()?;
    let head = std::str::from_utf8(&out[..end]).ok()?;
    let body = &out[end + sep..];
    let mut status: Option<(u16, String)> = None;
    let mut headers = Vec::new();
    for line in head.lines() {
        let line = line.trim_end_matches('\r');
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let (code, reason) = value.split_once(' ').unwrap_or((value, ""));
            status = Some((code.parse().ok()?, reason.to_string()));
        } else {
            headers.push((name.trim().to_string(), value.to_string()));
        }
    }
    let location = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("location"));
    let (code, reason) = status.unwrap_or(if location { (302, "Found".into()) } else { (200, "OK".into()) });
    if !(100..1000).contains(&code) {
        return None;
    }
    let mut r = format!("HTTP/1.1 {code} {reason}\r\n").into_bytes();
    for (n, v) in &headers {
        if n.eq_ignore_ascii_case("connection") || n.eq_ignore_ascii_case("content-length") {
            continue;
        }
        r.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    r.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
    // (a HEAD response has the headers of a GET and no body)
    if !head_only {
        r.extend_from_slice(body);
    }
    Some((code, r))
}

fn error_response(status: u16, why: &str) -> Vec<u8> {
    let reason = match status {
        400 => "Bad Request",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        505 => "HTTP Version Not Supported",
        _ => "Internal Server Error",
    };
    let body = format!("{status} {reason}: {why}\n");
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Where `serve` keeps a module it compiled from a script: a file named
/// by its content hash in DIR. The least recently written beyond the
/// newest few are removed.
pub fn module_file(dir: &Path, wasm: &[u8]) -> Result<PathBuf, String> {
    let path = dir.join(format!("serve-{}.wasm", blake3::hash(wasm).to_hex()));
    if !path.exists() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let tmp = dir.join(format!(".serve-{}.tmp", std::process::id()));
        std::fs::write(&tmp, wasm).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        prune_modules(dir, 8);
    }
    Ok(path)
}

/// Removes all but the KEEP newest `serve-*.wasm` files of DIR (a server
/// still running one keeps its open runs working: each run opens it anew,
/// and only an older server's module can go).
fn prune_modules(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with("serve-") && n.ends_with(".wasm")))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, p) in found.into_iter().skip(keep) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgi_output_becomes_a_response() {
        let (code, r) = cgi_response(b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope", false).unwrap();
        assert_eq!(code, 404);
        let text = String::from_utf8(r).unwrap();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"), "{text}");
        assert!(text.contains("Content-Length: 4\r\n") && text.ends_with("\r\n\r\nnope"), "{text}");
        assert_eq!(cgi_response(b"Location: /x\n\n", false).unwrap().0, 302);
        assert_eq!(cgi_response(b"Content-Type: text/html\n\n<p>", false).unwrap().0, 200);
        assert!(cgi_response(b"no headers at all", false).is_none());
        assert!(cgi_response(b"Status: abc\n\n", false).is_none());
        let head = String::from_utf8(cgi_response(b"Content-Type: a\n\nbody", true).unwrap().1).unwrap();
        assert!(head.contains("Content-Length: 4\r\n") && head.ends_with("\r\n\r\n"), "{head}");
        assert_eq!(host_name("[::1]:8000"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
        assert_eq!(host_name("example.org:80"), "example.org");
    }

    #[test]
    fn compiled_modules_are_kept_by_hash_and_pruned() {
        let dir = std::env::temp_dir().join(format!("py2wasm-serve-modules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = module_file(&dir, b"one").unwrap();
        assert_eq!(module_file(&dir, b"one").unwrap(), first);
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        for i in 0..12u8 {
            module_file(&dir, &[i; 4]).unwrap();
        }
        let left = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(left, 8, "the newest 8 stay");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn paths_are_decoded() {
        assert_eq!(percent_decode("/a%20b/%E2%82%AC"), "/a b/\u{20ac}");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz%4"), "/%zz%4");
    }
}
