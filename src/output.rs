//! Writing files the user asked for: all or nothing. The bytes go to a
//! temporary file beside the target, which is renamed over it only when
//! complete, so a failure never leaves a half-written output.

use std::io::Write;
use std::path::Path;

use crate::diagnostics::{describe_io_error, Diagnostic, Result};

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(Diagnostic::error(format!("cannot write {shown}: {} is not a directory", dir.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Diagnostic::error(format!("cannot write {shown}: directory {} does not exist", dir.display())))
        }
        Err(e) => return Err(Diagnostic::error(format!("cannot write {shown}: {}", describe_io_error(&e, dir)))),
    }
    if path.is_dir() {
        return Err(Diagnostic::error(format!("cannot write {shown}: it is a directory")));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Unique enough for concurrent writers (WASI has no process ids).
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{nanos:09}.tmp"));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Diagnostic::error(format!("cannot write {shown}: {}", describe_io_error(&e, path)))
    })
}
