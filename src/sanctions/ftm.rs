//! FollowTheMoney JSON lines as OpenSanctions publishes them (`entities.ftm.json`): the file
//! opened (gzip or not, told by its first bytes), read line by line in a reused buffer, and
//! the few properties screening needs decoded from a line.
//!
//! Owns the reading of the format; which lines are worth decoding is decided in `screen`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The first two bytes of a gzip stream (RFC 1952 s2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A listed entity, or a Sanction, with what screening reads of it; every other property and
/// field is skipped by the parser.
#[derive(Debug, Deserialize)]
pub struct RawEntity {
    pub id: String,
    pub schema: String,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub properties: Properties,
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Older ids merged into this one: a Sanction may still point at one of them.
    #[serde(default)]
    pub referents: Vec<String>,
}

/// The properties screening reads (FtM names); each is a list of strings.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Properties {
    #[serde(default)]
    pub name: Vec<String>,
    #[serde(default)]
    pub alias: Vec<String>,
    #[serde(default)]
    pub previous_name: Vec<String>,
    #[serde(default)]
    pub weak_alias: Vec<String>,
    #[serde(default)]
    pub birth_date: Vec<String>,
    #[serde(default)]
    pub incorporation_date: Vec<String>,
    #[serde(default)]
    pub nationality: Vec<String>,
    #[serde(default)]
    pub citizenship: Vec<String>,
    #[serde(default)]
    pub country: Vec<String>,
    #[serde(default)]
    pub jurisdiction: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
}

/// A Sanction as screening keeps it, borrowed from the line (no copy of its strings).
#[derive(Debug, Deserialize)]
pub struct RawSanction<'a> {
    #[serde(borrow)]
    pub schema: Cow<'a, str>,
    #[serde(borrow, default)]
    pub properties: SanctionProperties<'a>,
}

/// The properties of a Sanction that screening reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SanctionProperties<'a> {
    #[serde(borrow, default)]
    pub entity: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub authority: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub program: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub program_id: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub start_date: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub end_date: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub source_url: Vec<Cow<'a, str>>,
}

/// Decodes a line that mentions `"Sanction"`: the Sanction, or `None` if it is another entity.
pub fn parse_sanction(line: &[u8]) -> std::result::Result<Option<RawSanction<'_>>, String> {
    let sanction: RawSanction = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    Ok((sanction.schema == "Sanction").then_some(sanction))
}

/// Decodes one line; the error says what is wrong with it (serde's words, column included).
pub fn parse(line: &[u8]) -> std::result::Result<RawEntity, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

/// The lines of a file, plain or gzip-compressed, read (and decompressed) by a thread of their
/// own in blocks of whole lines, so that reading overlaps screening on a second core. At most
/// [`BLOCKS_AHEAD`] blocks wait, so memory stays bounded; a line longer than [`MAX_LINE`] is
/// dropped on the way and given as a line holding a single NUL byte ([`TOO_LONG`]).
pub struct Lines {
    blocks: Receiver<std::io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
    counted: Arc<AtomicU64>,
    pub size: u64,
    pub gzip: bool,
}

/// What stands for a line longer than [`MAX_LINE`].
pub const TOO_LONG: &[u8] = b"\0";
/// The longest line kept: OpenSanctions' longest entities are a few hundred KiB.
pub const MAX_LINE: usize = 32 << 20;
const BLOCK: usize = 1 << 20;
const BLOCKS_AHEAD: usize = 4;

/// A reader that reports how far it got into a shared counter.
struct Progressed<R> {
    inner: R,
    counted: Arc<AtomicU64>,
}

impl<R: Read> Read for Progressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counted.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Lines {
    /// Opens `path`; a gzip file (by its first two bytes, whatever its name) is decompressed on
    /// the way. A FIFO or device is refused, so nothing blocks or reads forever.
    pub fn open(path: &Path) -> Result<Lines> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
        if !meta.is_file() {
            return Err(Error::input(
                format!("{}: not a regular file", path.display()),
                "give the sanctions data as a file, e.g. entities.ftm.json from opensanctions.org/datasets",
            ));
        }
        let mut file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        let mut magic = [0u8; 2];
        let got = read_up_to(&mut file, &mut magic).map_err(|e| Error::io("read", path, e))?;
        let head = std::io::Cursor::new(magic[..got].to_vec());
        let counted = Arc::new(AtomicU64::new(0));
        let raw = Progressed {
            inner: head.chain(file),
            counted: counted.clone(),
        };
        let gzip = got == 2 && magic == GZIP_MAGIC;
        let reader: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
                BLOCK, raw,
            )))
        } else {
            Box::new(raw)
        };
        let (send, blocks) = sync_channel(BLOCKS_AHEAD);
        std::thread::spawn(move || read_blocks(reader, &send));
        Ok(Lines {
            blocks,
            block: Vec::new(),
            at: 0,
            counted,
            size: meta.len(),
            gzip,
        })
    }

    /// The next line, without its line end; `None` at the end of the file.
    pub fn next_line(&mut self) -> std::io::Result<Option<&[u8]>> {
        while self.at >= self.block.len() {
            match self.blocks.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(None), // the reader is done
            }
        }
        let rest = &self.block[self.at..];
        let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let start = self.at;
        self.at += len + 1;
        let mut line = &self.block[start..start + len];
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        Ok(Some(line))
    }

    /// Bytes of the file read so far.
    pub fn position(&self) -> u64 {
        self.counted.load(Ordering::Relaxed)
    }
}

/// The reading thread: blocks of whole lines (the last one of the file may lack its newline),
/// until the end, an error, or the receiver hangs up.
fn read_blocks(mut reader: Box<dyn Read + Send>, send: &SyncSender<std::io::Result<Vec<u8>>>) {
    let mut chunk = vec![0u8; BLOCK];
    let mut pending: Vec<u8> = Vec::new();
    let mut skipping = false;
    loop {
        let n = match fill(&mut reader, &mut chunk) {
            Ok(n) => n,
            Err(e) => {
                let _ = send.send(Err(e));
                return;
            }
        };
        if n == 0 {
            if skipping {
                pending = [TOO_LONG, b"\n"].concat();
            }
            if !pending.is_empty() {
                let _ = send.send(Ok(pending));
            }
            return;
        }
        let mut data = &chunk[..n];
        if skipping {
            let Some(end) = memchr::memchr(b'\n', data) else {
                continue;
            };
            skipping = false;
            pending = [TOO_LONG, b"\n"].concat();
            data = &data[end + 1..];
        }
        match memchr::memrchr(b'\n', data) {
            Some(last) => {
                let mut block = std::mem::take(&mut pending);
                block.extend_from_slice(&data[..=last]);
                if send.send(Ok(block)).is_err() {
                    return;
                }
                pending.extend_from_slice(&data[last + 1..]);
            }
            None => {
                pending.extend_from_slice(data);
                if pending.len() > MAX_LINE {
                    // Lines before it were sent with the newline that ended them.
                    pending.clear();
                    skipping = true;
                }
            }
        }
    }
}

/// Reads until `buf` is full or the end; the count read.
fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}
