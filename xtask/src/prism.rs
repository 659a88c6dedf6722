//! The pinned Prism (`conformance/package.json` and its lock file), an independent mock
//! server that validates requests against the spec: installed on first use, run on a free
//! 127.0.0.1 port. Shared by the conformance run and the workspace's Prism tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned Prism's binary, installed with `npm ci --prefix conformance` when missing.
/// Concurrent callers in one process share one install.
pub fn binary() -> Result<PathBuf, String> {
    static PRISM: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PRISM.get_or_init(install).clone()
}

fn install() -> Result<PathBuf, String> {
    let root = crate::scratch::root();
    let bin = root.join("conformance/node_modules/.bin/prism");
    if bin.exists() {
        return Ok(bin);
    }
    let npm_works = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !npm_works {
        return Err(
            "Prism needs node and npm (`apt-get install nodejs npm`, or nodejs.org), \
                    which are not installed"
                .to_owned(),
        );
    }
    eprintln!("installing the pinned Prism: npm ci --prefix conformance");
    let output = Command::new("npm")
        .args([
            "ci",
            "--prefix",
            "conformance",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(&root)
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !output.status.success() || !bin.exists() {
        return Err(format!(
            "`npm ci --prefix conformance` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(bin)
}

/// A `prism mock` process on a free 127.0.0.1 port, killed when dropped.
pub struct Prism {
    child: std::process::Child,
    pub url: String,
    log: std::path::PathBuf,
}

impl Prism {
    /// Starts Prism on `spec` and waits until it listens (or has failed, with the end of
    /// what it printed).
    pub fn start(bin: &Path, spec: &Path, extra: &[&str]) -> Result<Prism, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log = std::env::temp_dir().join(format!("codegen-prism-{port}.log"));
        let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        let child = std::process::Command::new(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(extra)
            .arg(spec)
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(prism);
            }
            let exited = prism.child.try_wait().ok().flatten().is_some();
            if exited || std::time::Instant::now() > deadline {
                return Err(format!(
                    "Prism did not start on the spec: {}",
                    prism.log_tail(3)
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    }
}

impl Prism {
    /// Prism is still running (it exits on some requests it cannot handle).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The last lines Prism printed.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut tail: Vec<&str> = text.lines().rev().take(lines).collect();
        tail.reverse();
        tail.join(" | ")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
