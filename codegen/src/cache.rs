//! The formatting cache: a file whose tokens are the same as at the last run is not parsed and
//! pretty-printed again (that is most of the generator's time); its text is read back from the
//! output folder instead.
//!
//! What is kept is a small manifest in the Cargo target folder above the output (or
//! `$CARGO_TARGET_DIR`): for each file, a hash of its tokens, a hash of the text they were
//! formatted into and, for the files of one schema or one group, a hash of the IR they are
//! built from. A file is reused only when the generator is the same build, its inputs or its
//! tokens hash the same, and the file on disk still holds exactly that text; anything else (no
//! target folder, an edited or missing file, a new generator) formats the file as usual. The
//! output is therefore the same with or without the cache; only the time differs. A file
//! whose inputs hash the same is not even built: most of a one-schema change's run.
//!
//! Beside the manifest, for a large YAML spec, a record of its parse: the pieces it was cut
//! into and each one's value, packed ([`crate::syntax::parse_value_reusing`]). A piece whose
//! text is exactly as recorded is read from that value instead of parsed as YAML again; the
//! record, too, is read only by the generator build that wrote it.

use crate::emit::GeneratedCrate;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

/// What the cache keeps of one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of the tokens the file was formatted from.
    pub tokens: u64,
    /// Hash of the formatted text (without the header line, which is not cached).
    pub body: u64,
    /// Hash of the IR the file is built from ([`crate::emit`] says what that covers), when
    /// the file has such a hash.
    pub inputs: Option<u64>,
}

/// A file as the cache read it back from the output folder: its whole text, the header
/// included, and where the body (what the cache vouches for) starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDisk {
    pub text: String,
    pub body: usize,
}

impl OnDisk {
    /// The text after the header.
    pub fn body(&self) -> &str {
        self.text.get(self.body..).unwrap_or_default()
    }
}

/// The manifest of the previous run for one output folder; empty when there is none.
#[derive(Debug, Default)]
pub struct Cache {
    /// Where the manifest is read from and saved to; `None`: no cache.
    manifest: Option<PathBuf>,
    out: PathBuf,
    generator: u64,
    previous: HashMap<String, Fingerprint>,
    /// The previous run's files being read on a thread of their own ([`Cache::read_ahead`]).
    reading: Mutex<Option<JoinHandle<ReadAhead>>>,
    /// What that thread read, once joined; each file is taken out as it is reused.
    read: OnceLock<Mutex<ReadAhead>>,
    /// This run's record of the spec's parse, to be written beside the manifest
    /// ([`Cache::keep_parses`]); finished by [`Cache::save`] or when the cache is dropped.
    parses: Writing,
    /// Whether nothing is written, not even the parse record (`codegen generate --check`).
    read_only: bool,
}

/// A file to write: kept until [`Writing::start`] runs it on a thread of its own, or until
/// [`Writing::finish`]. Dropping it finishes the write, so that a run that ends without
/// saving (an error) still writes it, and leaves no half-written file aside.
#[derive(Default)]
struct Writing(Mutex<Write>);

#[derive(Default)]
enum Write {
    #[default]
    None,
    Pending(Box<dyn FnOnce() -> io::Result<()> + Send>),
    Running(JoinHandle<io::Result<()>>),
}

impl std::fmt::Debug for Writing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.0.lock().as_deref() {
            Ok(Write::None) => "none",
            Ok(Write::Pending(_)) => "pending",
            Ok(Write::Running(_)) => "running",
            Err(_) => "poisoned",
        };
        f.debug_tuple("Writing").field(&state).finish()
    }
}

impl Writing {
    /// Keeps `write` for later (after an earlier write, if any, is done).
    fn defer(&self, write: impl FnOnce() -> io::Result<()> + Send + 'static) {
        let _ = self.finish();
        if let Ok(mut state) = self.0.lock() {
            *state = Write::Pending(Box::new(write));
        }
    }

    /// Starts the write kept, if any, on a thread of its own (should the thread not start,
    /// the write is left undone: it is only a cache's).
    fn start(&self) {
        let Ok(mut state) = self.0.lock() else {
            return;
        };
        if let Write::Pending(write) = std::mem::take(&mut *state) {
            if let Ok(running) = std::thread::Builder::new()
                .name("codegen-write".to_owned())
                .spawn(write)
            {
                *state = Write::Running(running);
            }
        }
    }

    /// Does the write kept, or waits for the one started, and tells how it went.
    fn finish(&self) -> io::Result<()> {
        let state = match self.0.lock() {
            Ok(mut state) => std::mem::take(&mut *state),
            Err(_) => return Err(io::Error::other("a write was interrupted")),
        };
        match state {
            Write::None => Ok(()),
            Write::Pending(write) => write(),
            Write::Running(running) => running
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a writing thread failed"))),
        }
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// A previous run's record of the spec's parse, as read from its file (the header, checked,
/// is left in place rather than the 7 MB after it moved).
#[derive(Debug)]
pub struct ParseRecord {
    bytes: Vec<u8>,
    start: usize,
}

impl AsRef<[u8]> for ParseRecord {
    /// The record after its header.
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }
}

/// The previous run's files read ahead, by path.
type ReadAhead = HashMap<String, OnDisk>;

const MAGIC: &str = "codegen format cache 3";
const PARSES_MAGIC: &str = "codegen parse record 2";

impl Cache {
    /// No cache: every file is formatted.
    pub fn none() -> Self {
        Cache::default()
    }

    /// The cache of the output folder `out`, kept in the Cargo target folder above it
    /// (`$CARGO_TARGET_DIR` first). Without a target folder or a known generator build, no
    /// cache: generation works the same, only slower.
    pub fn open(out: &Path) -> Self {
        let Some(generator) = generator_build() else {
            return Cache::none();
        };
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let Some(target) = target_dir(&out) else {
            return Cache::none();
        };
        let mut key = StableHasher::new();
        key.write(out.to_string_lossy().as_bytes());
        let manifest = target
            .join("codegen-cache")
            .join(format!("{:016x}.txt", key.finish()));
        let previous = std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| parse_manifest(&text, generator))
            .unwrap_or_default();
        Cache {
            manifest: Some(manifest),
            out,
            generator,
            previous,
            ..Cache::default()
        }
    }

    /// Starts reading the previous run's files (those still as recorded), and writing this
    /// run's parse record, on threads of their own. Front ends call it while the spec is
    /// lowered, once its components are defined (`lower::lower_then`): the rest keeps one
    /// core busy, so the files are read and the record written on the other, and the files
    /// are in memory when emitting asks for them instead of read on its path.
    pub fn read_ahead(&self) {
        self.parses.start();
        if self.previous.is_empty() || self.read.get().is_some() {
            return;
        }
        let Ok(mut reading) = self.reading.lock() else {
            return;
        };
        if reading.is_some() {
            return;
        }
        let files: Vec<(String, u64)> = self
            .previous
            .iter()
            .map(|(path, f)| (path.clone(), f.body))
            .collect();
        let out = self.out.clone();
        let read = move || -> ReadAhead {
            files
                .into_iter()
                .filter_map(|(path, body)| {
                    let text = read_back(&out, &path, body)?;
                    Some((path, text))
                })
                .collect()
        };
        *reading = std::thread::Builder::new()
            .name("codegen-read-ahead".to_owned())
            .spawn(read)
            .ok();
    }

    /// This cache, reading the previous run's record but writing nothing (for a check).
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// How many files the previous run recorded (0: nothing to reuse).
    pub fn len(&self) -> usize {
        self.previous.len()
    }

    pub fn is_empty(&self) -> bool {
        self.previous.is_empty()
    }

    /// Whether this run's fingerprints will be saved (a target folder was found): only then
    /// are input hashes worth computing.
    pub fn enabled(&self) -> bool {
        self.manifest.is_some()
    }

    /// The text and fingerprint of `path` from the last run, when it was built from IR that
    /// hashes to `inputs` again and the file on disk still holds that text: the file need not
    /// be built.
    pub fn reuse_unbuilt(&self, path: &str, inputs: u64) -> Option<(OnDisk, Fingerprint)> {
        let entry = self.previous.get(path)?;
        if entry.inputs != Some(inputs) {
            return None;
        }
        Some((self.read_back(path, entry.body)?, *entry))
    }

    /// The text of `path` as formatted at the last run, when its tokens hash to `tokens` again
    /// and the file on disk still holds that text (after its header line).
    pub fn reuse(&self, path: &str, tokens: u64) -> Option<(OnDisk, u64)> {
        let entry = self.previous.get(path)?;
        if entry.tokens != tokens {
            return None;
        }
        // The body hash is checked here, so the caller need not hash the text again.
        Some((self.read_back(path, entry.body)?, entry.body))
    }

    /// The previous run's record of the spec's parse ([`crate::syntax::parse_value_reusing`]),
    /// when this generator build made it (a new build may parse differently).
    pub fn previous_parses(&self) -> Option<ParseRecord> {
        let bytes = std::fs::read(self.manifest.as_ref()?.with_extension("parses")).ok()?;
        let header = format!("{PARSES_MAGIC}\n{:016x}\n", self.generator);
        let start = header.len();
        bytes
            .starts_with(header.as_bytes())
            .then_some(ParseRecord { bytes, start })
    }

    /// Keeps this run's record of the spec's parse, to be written beside the manifest while
    /// the spec's operations are lowered ([`Cache::read_ahead`]: the second core has time
    /// then; while the document is typed and its components defined, both are busy), or else
    /// by [`Cache::save`], which reports how it went. A record maps piece texts to their
    /// values whatever becomes of this run, so it need not wait for the crate to be written,
    /// and a run that fails still writes it.
    /// `write` puts the record itself (after the header) into the file it is given.
    pub fn keep_parses(
        &self,
        write: impl FnOnce(&mut dyn io::Write) -> io::Result<()> + Send + 'static,
    ) {
        let Some(manifest) = self.manifest.as_ref().filter(|_| !self.read_only) else {
            return;
        };
        let path = manifest.with_extension("parses");
        let header = format!("{PARSES_MAGIC}\n{:016x}\n", self.generator);
        self.parses.defer(move || {
            write_aside_with(&path, |file| {
                file.write_all(header.as_bytes())?;
                write(file)
            })
        });
    }

    /// The output folder (absolute) whose files the cache reads back.
    pub fn folder(&self) -> &Path {
        &self.out
    }

    /// The text of `path` on disk, when its body (after the header) hashes to `body`: as read
    /// ahead, when it was, else read now.
    fn read_back(&self, path: &str, body: u64) -> Option<OnDisk> {
        let ahead = self.read.get_or_init(|| {
            let handle = self.reading.lock().ok().and_then(|mut h| h.take());
            Mutex::new(handle.and_then(|h| h.join().ok()).unwrap_or_default())
        });
        // Read ahead against the same manifest entry, so its body hash was checked there.
        let taken = ahead.lock().ok().and_then(|mut files| files.remove(path));
        taken.or_else(|| read_back(&self.out, path, body))
    }

    /// Records what was generated, once it is on disk (after a successful write). A no-op
    /// without a cache or for a check.
    pub fn save(&self, krate: &GeneratedCrate) -> io::Result<()> {
        let Some(manifest) = self.manifest.as_ref().filter(|_| !self.read_only) else {
            return Ok(());
        };
        let mut text = format!("{MAGIC}\n{:016x}\n", self.generator);
        for (path, f) in &krate.fingerprints {
            let inputs = f.inputs.map_or("-".to_owned(), |h| format!("{h:016x}"));
            let _ = writeln!(text, "{:016x} {:016x} {inputs} {path}", f.tokens, f.body);
        }
        self.parses.finish()?;
        write_aside(manifest, &[text.as_bytes()])
    }
}

/// Writes `parts` one after the other into `path` (its folder created if missing), aside,
/// then renames it: a run cut short leaves the old file or the new one.
fn write_aside(path: &Path, parts: &[&[u8]]) -> io::Result<()> {
    write_aside_with(path, |file| {
        parts.iter().try_for_each(|part| file.write_all(part))
    })
}

/// [`write_aside`], what `write` writes (through a buffer: a parse record is thousands of
/// small pieces).
fn write_aside_with(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("partial");
    let mut file = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&partial)?);
    write(&mut file)?;
    file.into_inner().map_err(io::IntoInnerError::into_error)?;
    std::fs::rename(&partial, path)
}

/// The text of `out/path`, when its body (after the header) hashes to `body`.
fn read_back(out: &Path, path: &str, body: u64) -> Option<OnDisk> {
    let text = std::fs::read_to_string(out.join(path)).ok()?;
    let rest = strip_header(&text)?;
    let at = text.len() - rest.len();
    (hash_text(rest) == body).then_some(OnDisk { text, body: at })
}

/// The text of a generated file after its header line and the blank line that follows it.
fn strip_header(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once('\n')?;
    rest.strip_prefix('\n')
}

fn parse_manifest(text: &str, generator: u64) -> Option<HashMap<String, Fingerprint>> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC || u64::from_str_radix(lines.next()?, 16).ok()? != generator {
        return None;
    }
    let mut entries = HashMap::new();
    for line in lines {
        let mut parts = line.splitn(4, ' ');
        let tokens = u64::from_str_radix(parts.next()?, 16).ok()?;
        let body = u64::from_str_radix(parts.next()?, 16).ok()?;
        let inputs = match parts.next()? {
            "-" => None,
            hex => Some(u64::from_str_radix(hex, 16).ok()?),
        };
        let fingerprint = Fingerprint {
            tokens,
            body,
            inputs,
        };
        entries.insert(parts.next()?.to_owned(), fingerprint);
    }
    Some(entries)
}

/// Identifies the running generator build (its executable's path, size and time), so that a
/// rebuilt generator, which may format differently, never reuses an older run's text.
fn generator_build() -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = StableHasher::new();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(exe.to_string_lossy().as_bytes());
    h.write(&meta.len().to_le_bytes());
    h.write(&modified.as_nanos().to_le_bytes());
    Some(h.finish())
}

/// `$CARGO_TARGET_DIR`, else the first `target` folder Cargo made beside `out` or beside one
/// of its ancestors. Cargo marks it with `CACHEDIR.TAG` when it creates the folder and rewrites
/// `.rustc_info.json` on every build; either will do, since a folder copied or restored without
/// the tag is still Cargo's.
fn target_dir(out: &Path) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    target_dir_above(out)
}

fn target_dir_above(out: &Path) -> Option<PathBuf> {
    out.ancestors()
        .skip(1)
        .map(|dir| dir.join("target"))
        .find(|target| {
            target.join("CACHEDIR.TAG").is_file() || target.join(".rustc_info.json").is_file()
        })
}

/// A 64-bit hash that is the same across builds and platforms (std's hasher is not), eight
/// bytes at a time: each word is folded into the state by a 64×64→128-bit multiply (the
/// mixing step of wyhash and its kin), the length last. Byte-at-a-time FNV-1a before it made
/// the emit stage of a first Telnyx run with the cache on a third slower. Not a defence
/// against a crafted collision; a collision could only bring back text this generator made
/// for the same output folder.
pub struct StableHasher {
    state: u64,
    /// Bytes not yet folded in (writes come in small pieces: the IR's fields, tokens).
    buffer: [u8; BLOCK],
    buffered: usize,
    len: u64,
}

const BLOCK: usize = 32;
const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;

/// The high and low halves of the full product, xored.
fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// `state` with every eight bytes of `bytes` folded in (a length that is not a multiple of
/// eight: the last word is zero-padded). Whole words are copied at a fixed size, so that
/// only a tail costs a call to `memcpy`.
fn absorb(mut state: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut whole = [0; 8];
        whole.copy_from_slice(word);
        state = fold(state ^ u64::from_le_bytes(whole) ^ K0, K1);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut padded = [0; 8];
        padded[..tail.len()].copy_from_slice(tail);
        state = fold(state ^ u64::from_le_bytes(padded) ^ K0, K1);
    }
    state
}

/// The start of `src` into the start of `dst`, as many bytes as the shorter holds, by
/// fixed-size moves that may overlap: the names and wire names the IR's hash writes are
/// short, and a call to `memcpy` for each was a tenth of emitting through the cache.
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len().min(dst.len());
    let (dst, src) = (&mut dst[..n], &src[..n]);
    if n > BLOCK {
        dst.copy_from_slice(src);
    } else if n >= 8 {
        // Words at 0, 8, 16 and the last eight bytes, each clamped to end by `n`.
        for at in [0, 8.min(n - 8), 16.min(n - 8), n - 8] {
            let mut word = [0; 8];
            word.copy_from_slice(&src[at..at + 8]);
            dst[at..at + 8].copy_from_slice(&word);
        }
    } else if n >= 4 {
        for at in [0, n - 4] {
            let mut half = [0; 4];
            half.copy_from_slice(&src[at..at + 4]);
            dst[at..at + 4].copy_from_slice(&half);
        }
    } else {
        for at in [0, n / 2, n.saturating_sub(1)] {
            if let (Some(d), Some(&s)) = (dst.get_mut(at), src.get(at)) {
                *d = s;
            }
        }
    }
}

/// `bytes` zero-padded to a word, when it is one of the sizes a derived `Hash` writes most
/// (a `u8`, a `u32`, a `u64` or `usize`), built without a call to `memcpy`.
fn small_word(bytes: &[u8]) -> Option<[u8; 8]> {
    match *bytes {
        [a] => Some([a, 0, 0, 0, 0, 0, 0, 0]),
        [a, b, c, d] => Some([a, b, c, d, 0, 0, 0, 0]),
        [a, b, c, d, e, f, g, h] => Some([a, b, c, d, e, f, g, h]),
        _ => None,
    }
}

impl StableHasher {
    pub fn new() -> Self {
        StableHasher {
            state: K0,
            buffer: [0; BLOCK],
            buffered: 0,
            len: 0,
        }
    }

    #[inline]
    pub fn write(&mut self, bytes: &[u8]) {
        // Hashing the IR is mostly small writes (integers, enum discriminants): with room for
        // a whole word, one is stored at a fixed size. The stream is the same as the general
        // path's (the bytes past the written ones are never read: `buffered` says where the
        // input ends), so the hash does not depend on which path a write took.
        let at = self.buffered;
        if at + 8 < BLOCK {
            if let Some(word) = small_word(bytes) {
                self.buffer[at..at + 8].copy_from_slice(&word);
                self.buffered = at + bytes.len();
                self.len = self.len.wrapping_add(bytes.len() as u64);
                return;
            }
        }
        self.write_any(bytes);
    }

    fn write_any(&mut self, mut bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        if self.buffered > 0 {
            let take = bytes.len().min(BLOCK - self.buffered);
            copy_short(
                &mut self.buffer[self.buffered..self.buffered + take],
                &bytes[..take],
            );
            self.buffered += take;
            bytes = &bytes[take..];
            if self.buffered < BLOCK {
                return;
            }
            self.state = absorb(self.state, &self.buffer);
            self.buffered = 0;
        }
        let whole = bytes.len() - bytes.len() % BLOCK;
        self.state = absorb(self.state, &bytes[..whole]);
        let rest = &bytes[whole..];
        copy_short(&mut self.buffer[..rest.len()], rest);
        self.buffered = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let state = absorb(self.state, &self.buffer[..self.buffered]);
        fold(fold(state ^ self.len, K0 ^ K1), K1)
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::new()
    }
}

/// For derived `Hash` impls (the IR's input hashes). Integers are written little-endian and
/// `usize` as 64 bits, so the bytes do not depend on the platform; what a derived impl writes
/// (enum discriminants, length prefixes) may still change with the compiler, which is why
/// the manifest is tied to the generator's build.
impl std::hash::Hasher for StableHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        StableHasher::write(self, bytes);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        StableHasher::write(self, &[i]);
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        StableHasher::write(self, &i.to_le_bytes());
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        StableHasher::write(self, &i.to_le_bytes());
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        StableHasher::write(self, &i.to_le_bytes());
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        StableHasher::write(self, &(i as u64).to_le_bytes());
    }

    #[inline]
    fn write_isize(&mut self, i: isize) {
        StableHasher::write(self, &(i as i64).to_le_bytes());
    }

    fn finish(&self) -> u64 {
        StableHasher::finish(self)
    }
}

impl std::fmt::Write for StableHasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// Hash of a token sequence: everything formatting depends on (identifiers, literals,
/// punctuation and whether it joins the next, groups), spans aside.
pub fn hash_tokens(tokens: &TokenStream) -> u64 {
    fn walk(tokens: &TokenStream, h: &mut StableHasher) {
        for tree in tokens.clone() {
            match tree {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => (b'(', b')'),
                        Delimiter::Brace => (b'{', b'}'),
                        Delimiter::Bracket => (b'[', b']'),
                        Delimiter::None => (b'<', b'>'),
                    };
                    h.write(&[open]);
                    walk(&g.stream(), h);
                    h.write(&[close]);
                }
                TokenTree::Ident(i) => {
                    // Separators keep `a b` and `ab` apart.
                    let _ = write!(h, "\u{1}{i}");
                }
                TokenTree::Literal(l) => {
                    let _ = write!(h, "\u{2}{l}");
                }
                TokenTree::Punct(p) => {
                    let joint = matches!(p.spacing(), Spacing::Joint);
                    let _ = write!(h, "\u{3}{}{}", p.as_char(), u8::from(joint));
                }
            }
        }
    }
    let mut h = StableHasher::new();
    walk(tokens, &mut h);
    h.finish()
}

/// Hash of a file's formatted text.
pub fn hash_text(text: &str) -> u64 {
    let mut h = StableHasher::new();
    h.write(text.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn tokens_hash_by_content_not_by_spans_or_grouping_noise() {
        let a = quote!(
            pub struct A {
                x: u8,
            }
        );
        let b: TokenStream = "pub struct A { x : u8, }".parse().unwrap();
        assert_eq!(hash_tokens(&a), hash_tokens(&b));
        assert_ne!(
            hash_tokens(&a),
            hash_tokens(&quote!(
                pub struct A {
                    y: u8,
                }
            ))
        );
        assert_ne!(hash_tokens(&quote!(a b)), hash_tokens(&quote!(ab)));
        assert_ne!(hash_tokens(&quote!((a))), hash_tokens(&quote!([a])));
        assert_ne!(hash_tokens(&quote!(a::b)), hash_tokens(&quote!(a: :b)));
        assert_ne!(hash_tokens(&quote!("x")), hash_tokens(&quote!(x)));
    }

    #[test]
    fn short_copies_copy_every_byte_and_no_more() {
        let src: Vec<u8> = (1..=BLOCK as u8).collect();
        for n in 0..=BLOCK {
            let mut dst = [0u8; BLOCK + 8];
            copy_short(&mut dst[..n], &src[..n]);
            assert_eq!(&dst[..n], &src[..n], "{n} bytes");
            assert!(dst[n..].iter().all(|&b| b == 0), "{n} bytes: past the end");
        }
        // Lengths that differ copy the shorter's worth, at any size, and never panic.
        let long: Vec<u8> = (1..=3 * BLOCK as u8).collect();
        for (d, s) in [
            (3, 9),
            (9, 3),
            (20, 40),
            (40, 20),
            (0, 5),
            (5, 0),
            (70, 90),
            (90, 70),
        ] {
            let mut dst = vec![0u8; d + 8];
            copy_short(&mut dst[..d], &long[..s]);
            let n = d.min(s);
            assert_eq!(&dst[..n], &long[..n], "{d} into {s}");
            assert!(
                dst[n..].iter().all(|&b| b == 0),
                "{d} into {s}: past the end"
            );
        }
    }

    #[test]
    fn the_hash_is_the_same_however_the_bytes_are_split() {
        let text: Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(37)).collect();
        let mut whole = StableHasher::new();
        whole.write(&text);
        for split in [1, 2, 3, 4, 7, 8, 9, 31, 32, 33, 64, 100] {
            let mut pieces = StableHasher::new();
            for chunk in text.chunks(split) {
                pieces.write(chunk);
            }
            assert_eq!(pieces.finish(), whole.finish(), "pieces of {split}");
        }
        // Sizes mixed as a derived `Hash` writes them, so that small words land at every
        // offset of the buffer, next to and across longer pieces.
        let mut pieces = StableHasher::new();
        let (mut rest, mut sizes) = (&text[..], [1, 8, 4, 3, 8, 8, 1, 13, 4, 8, 2].iter().cycle());
        while !rest.is_empty() {
            let (piece, after) = rest.split_at(rest.len().min(*sizes.next().unwrap_or(&1)));
            pieces.write(piece);
            rest = after;
        }
        assert_eq!(pieces.finish(), whole.finish(), "mixed sizes");
    }

    #[test]
    fn the_hash_tells_apart_lengths_orders_and_single_bits() {
        let hash = |bytes: &[u8]| {
            let mut h = StableHasher::new();
            h.write(bytes);
            h.finish()
        };
        let mut seen = std::collections::HashSet::new();
        for input in [
            &b""[..],
            b"\0",
            b"\0\0",
            b"a",
            b"a\0",
            b"ab",
            b"ba",
            b"abcdefgh",
            b"abcdefhg",
        ] {
            assert!(seen.insert(hash(input)), "{input:?}");
        }
        let base = [0x5au8; 40];
        for byte in 0..base.len() {
            for bit in 0..8 {
                let mut flipped = base;
                flipped[byte] ^= 1 << bit;
                assert!(seen.insert(hash(&flipped)), "byte {byte} bit {bit}");
            }
        }
        // Stable across builds and platforms: a cache written by one build of this generator
        // is read by the same build only, but the value must not depend on the machine.
        assert_eq!(hash(b"pub struct A;"), 0x7565_a37d_bc46_81ef);
        // Three whole blocks and a tail, written in two pieces that straddle a block.
        let long: Vec<u8> = (0..100u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut h = StableHasher::new();
        h.write(&long[..17]);
        h.write(&long[17..]);
        assert_eq!(h.finish(), 0x64b5_7cc6_b8d7_4a7b);
    }

    #[test]
    fn manifest_round_trips_and_another_generator_reads_none() {
        let text = format!(
            "{MAGIC}\n{:016x}\n{:016x} {:016x} - src/a b.rs\n{:016x} {:016x} {:016x} src/c.rs\n",
            7, 1, 2, 3, 4, 5
        );
        let entries = parse_manifest(&text, 7).unwrap();
        let a = Fingerprint {
            tokens: 1,
            body: 2,
            inputs: None,
        };
        assert_eq!(entries["src/a b.rs"], a);
        assert_eq!(entries["src/c.rs"].inputs, Some(5));
        assert!(parse_manifest(&text, 8).is_none());
        assert!(parse_manifest("something else\n", 7).is_none());
        assert!(parse_manifest(&format!("{MAGIC}\n7\nnot hex\n"), 7).is_none());
    }

    #[test]
    fn reuse_takes_the_file_only_when_tokens_and_text_match() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        let body = "pub struct A;\n";
        std::fs::write(dir.path().join("src/a.rs"), format!("// header\n\n{body}")).unwrap();
        let mut cache = Cache {
            out: dir.path().to_path_buf(),
            generator: 1,
            ..Cache::default()
        };
        let f = Fingerprint {
            tokens: 42,
            body: hash_text(body),
            inputs: Some(7),
        };
        cache.previous.insert("src/a.rs".to_owned(), f);
        let read = OnDisk {
            text: format!("// header\n\n{body}"),
            body: "// header\n\n".len(),
        };
        assert_eq!(read.body(), body);
        let reused = cache.reuse("src/a.rs", 42);
        assert_eq!(reused, Some((read.clone(), hash_text(body))));
        assert_eq!(cache.reuse("src/a.rs", 43), None, "other tokens");
        assert_eq!(cache.reuse_unbuilt("src/a.rs", 7), Some((read, f)));
        assert_eq!(cache.reuse_unbuilt("src/a.rs", 8), None, "other inputs");
        assert_eq!(cache.reuse("src/b.rs", 42), None, "not recorded");
        // An edited file is formatted again, not trusted.
        std::fs::write(dir.path().join("src/a.rs"), "// header\n\npub struct B;\n").unwrap();
        assert_eq!(cache.reuse("src/a.rs", 42), None);
        assert_eq!(cache.reuse_unbuilt("src/a.rs", 7), None);
        std::fs::remove_file(dir.path().join("src/a.rs")).unwrap();
        assert_eq!(cache.reuse("src/a.rs", 42), None);
    }

    #[test]
    fn files_read_ahead_are_what_reading_them_then_gives() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        let mut cache = Cache {
            out: dir.path().to_path_buf(),
            generator: 1,
            ..Cache::default()
        };
        for (name, body) in [("a", "pub struct A;\n"), ("b", "pub struct B;\n")] {
            let path = format!("src/{name}.rs");
            std::fs::write(dir.path().join(&path), format!("// header\n\n{body}")).unwrap();
            let f = Fingerprint {
                tokens: 1,
                body: hash_text(body),
                inputs: Some(2),
            };
            cache.previous.insert(path, f);
        }
        // Edited before it is read: not taken.
        std::fs::write(dir.path().join("src/b.rs"), "// header\n\nedited\n").unwrap();
        cache.read_ahead();
        let (a, _) = cache.reuse_unbuilt("src/a.rs", 2).unwrap();
        assert_eq!(a.body(), "pub struct A;\n");
        assert_eq!(cache.reuse_unbuilt("src/b.rs", 2), None);
        // Asked again (taken out already): read from the disk.
        assert_eq!(cache.reuse("src/a.rs", 1).unwrap().0, a);
    }

    #[test]
    fn a_target_folder_is_known_by_the_tag_or_by_cargos_rustc_info() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("crates/api");
        std::fs::create_dir_all(&out).unwrap();
        let target = root.path().join("target");
        std::fs::create_dir_all(&target).unwrap();
        // A plain folder named `target` is not taken for Cargo's.
        assert_eq!(target_dir_above(&out), None);
        // Restored without its tag, Cargo's folder still holds `.rustc_info.json`.
        std::fs::write(target.join(".rustc_info.json"), "{}").unwrap();
        assert_eq!(target_dir_above(&out), Some(target.clone()));
        std::fs::remove_file(target.join(".rustc_info.json")).unwrap();
        std::fs::write(target.join("CACHEDIR.TAG"), "").unwrap();
        assert_eq!(target_dir_above(&out), Some(target));
    }

    #[test]
    fn no_target_folder_means_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        // Under the system's temporary folder there is no Cargo target folder (unless the
        // test runs with CARGO_TARGET_DIR, which then holds it).
        let cache = Cache::open(&dir.path().join("out"));
        if std::env::var_os("CARGO_TARGET_DIR").is_none() {
            assert!(cache.manifest.is_none());
        }
        assert!(cache.is_empty());
    }

    #[test]
    fn a_parse_record_is_kept_beside_the_manifest_for_this_build_only() {
        let kept = |bytes: &'static [u8]| move |out: &mut dyn io::Write| out.write_all(bytes);
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("target");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("CACHEDIR.TAG"), "").unwrap();
        let out = root.path().join("out");
        let cache = Cache::open(&out);
        assert!(cache.enabled());
        assert!(cache.previous_parses().is_none());
        cache.keep_parses(kept(b"7 1\npieces:1"));
        cache.save(&GeneratedCrate::default()).unwrap();
        let again = Cache::open(&out);
        assert_eq!(again.previous_parses().unwrap().as_ref(), b"7 1\npieces:1");
        // A run with nothing new to keep leaves the record as it was.
        again.save(&GeneratedCrate::default()).unwrap();
        assert_eq!(
            Cache::open(&out).previous_parses().unwrap().as_ref(),
            b"7 1\npieces:1"
        );
        // Another generator build may parse otherwise: its record is not read.
        let other = Cache {
            generator: again.generator ^ 1,
            ..Cache::open(&out)
        };
        assert!(other.previous_parses().is_none());
        // A check writes nothing.
        let check = Cache::open(&out).read_only();
        check.keep_parses(kept(b"1 1\nxy"));
        assert!(matches!(*check.parses.0.lock().unwrap(), Write::None));
        // No cache, nothing kept.
        let none = Cache::none();
        none.keep_parses(kept(b"x"));
        assert!(matches!(*none.parses.0.lock().unwrap(), Write::None));
        // Kept until the lowering starts, then written on a thread of its own.
        let lowering = Cache::open(&out);
        lowering.keep_parses(kept(b"2 1\nab9"));
        assert!(matches!(
            *lowering.parses.0.lock().unwrap(),
            Write::Pending(_)
        ));
        lowering.read_ahead();
        assert!(matches!(
            *lowering.parses.0.lock().unwrap(),
            Write::Running(_)
        ));
        lowering.parses.finish().unwrap();
        assert_eq!(
            Cache::open(&out).previous_parses().unwrap().as_ref(),
            b"2 1\nab9"
        );
        // A run that fails after its parse still writes the record (it maps texts to values).
        let failing = Cache::open(&out);
        failing.keep_parses(kept(b"3 1\nnew7"));
        drop(failing);
        assert_eq!(
            Cache::open(&out).previous_parses().unwrap().as_ref(),
            b"3 1\nnew7"
        );
    }
}
