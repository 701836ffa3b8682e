//! FollowTheMoney JSON lines as OpenSanctions publishes them (`entities.ftm.json`): the file
//! opened (gzip or not, told by its first bytes), read line by line in a reused buffer, and
//! the few properties screening needs decoded from a line.
//!
//! Owns the reading of the format; which lines are worth decoding is decided in `screen`.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

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
    // Sanction
    #[serde(default)]
    pub entity: Vec<String>,
    #[serde(default)]
    pub authority: Vec<String>,
    #[serde(default)]
    pub program: Vec<String>,
    #[serde(default)]
    pub program_id: Vec<String>,
    #[serde(default)]
    pub start_date: Vec<String>,
    #[serde(default)]
    pub end_date: Vec<String>,
    #[serde(default)]
    pub source_url: Vec<String>,
}

/// Decodes one line; the error says what is wrong with it (serde's words, column included).
pub fn parse(line: &[u8]) -> std::result::Result<RawEntity, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

/// The lines of a file, plain or gzip-compressed; the size is the file's, for progress.
pub struct Lines {
    reader: Box<dyn BufRead>,
    counted: std::rc::Rc<std::cell::Cell<u64>>,
    pub size: u64,
    pub gzip: bool,
}

/// A reader that reports how far it got into a shared counter.
struct Progressed<R> {
    inner: R,
    counted: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Progressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counted.set(self.counted.get() + n as u64);
        Ok(n)
    }
}

const BUFFER: usize = 1 << 20;

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
        let counted = std::rc::Rc::new(std::cell::Cell::new(0));
        let raw = Progressed {
            inner: head.chain(file),
            counted: counted.clone(),
        };
        let gzip = got == 2 && magic == GZIP_MAGIC;
        let reader: Box<dyn BufRead> = if gzip {
            Box::new(BufReader::with_capacity(
                BUFFER,
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUFFER, raw)),
            ))
        } else {
            Box::new(BufReader::with_capacity(BUFFER, raw))
        };
        Ok(Lines {
            reader,
            counted,
            size: meta.len(),
            gzip,
        })
    }

    /// Reads the next line into `buf` (without its newline); false at the end of the file.
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        buf.clear();
        if self.reader.read_until(b'\n', buf)? == 0 {
            return Ok(false);
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(true)
    }

    /// Bytes of the file read so far.
    pub fn position(&self) -> u64 {
        self.counted.get()
    }
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
