//! Zip archives: a dossier written reproducibly, and any zip read without trusting it.
//!
//! Owns the zip layer only (entry options, store or deflate, zip64, safe listing and bounded
//! reading). It does not know BagIt: `seal` decides what goes in and `verify` what it means.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use indicatif::ProgressBar;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{Error, Result};
use crate::hash::{FileDigest, on_every_core, read_full, sha256_copy, sha256_stream};

/// Extensions of formats that are compressed already: stored, not deflated again.
const COMPRESSED: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "mp4", "m4v", "mov", "mkv",
    "webm", "avi", "3gp", "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac", "pdf", "zip", "gz",
    "tgz", "bz2", "xz", "zst", "7z", "rar", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub",
    "jar", "apk",
];

/// Bytes looked at to decide whether other content is worth deflating.
const SAMPLE: usize = 64 * 1024;

/// Files from this size on are hashed on a second core while they are written.
const PIPELINE_FROM: u64 = 8 * 1024 * 1024;

/// Deflate cannot expand data more than about 1032 times; a zip entry that claims more is lying.
const DEFLATE_MAX_RATIO: u64 = 1100;

/// Writes a zip whose bytes depend only on what is added: fixed times and permissions.
pub struct ZipOut<W: Write + Seek> {
    zip: ZipWriter<W>,
    time: zip::DateTime,
}

impl<W: Write + Seek> ZipOut<W> {
    /// Every entry gets `date` at midnight as its time.
    pub fn new(inner: W, date: NaiveDate) -> ZipOut<W> {
        let time = zip::DateTime::from_date_and_time(
            date.year().clamp(1980, 2107) as u16,
            date.month() as u8,
            date.day() as u8,
            0,
            0,
            0,
        )
        .unwrap_or_default();
        ZipOut {
            zip: ZipWriter::new(inner),
            time,
        }
    }

    fn options(&self, stored: bool, size: u64) -> SimpleFileOptions {
        let options = SimpleFileOptions::default()
            .last_modified_time(self.time)
            .unix_permissions(0o644)
            // zip64 only where it is needed, so that small dossiers open everywhere; the margin
            // covers deflate's worst-case growth of content that turns out incompressible.
            .large_file(size >= u32::MAX as u64 - (64 << 20));
        if stored {
            options.compression_method(CompressionMethod::Stored)
        } else {
            options
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(6))
        }
    }

    /// Adds an entry from memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let stored =
            is_compressed_media(name) || looks_incompressible(&bytes[..bytes.len().min(SAMPLE)]);
        self.zip
            .start_file(name, self.options(stored, bytes.len() as u64))
            .map_err(io::Error::other)?;
        self.zip.write_all(bytes)
    }

    /// Adds an entry from a file, hashing it while it is copied (one read), and passes the same
    /// bytes to `also` (the unpacked bag, when one is written).
    pub fn add_file(
        &mut self,
        name: &str,
        path: &Path,
        size: u64,
        also: Option<&mut File>,
        progress: &ProgressBar,
    ) -> io::Result<FileDigest> {
        let mut file = File::open(path)?;
        // A file that shrank since intake gives a short sample, not an error: its hash will
        // differ and the build lists it with the other changed exhibits.
        let mut sample = vec![0u8; SAMPLE.min(size as usize)];
        let n = read_full(&mut file, &mut sample)?;
        sample.truncate(n);
        let stored = is_compressed_media(name) || looks_incompressible(&sample);
        self.zip
            .start_file(name, self.options(stored, size))
            .map_err(io::Error::other)?;
        let reader = io::Cursor::new(sample).chain(file);
        // Hashing on a second core pays off for large files only; small ones are hashed inline.
        let pipelined = size >= PIPELINE_FROM;
        match (also, pipelined) {
            (Some(copy), true) => sha256_copy(reader, Tee(&mut self.zip, copy), progress),
            (Some(copy), false) => sha256_stream(reader, Tee(&mut self.zip, copy), progress),
            (None, true) => sha256_copy(reader, &mut self.zip, progress),
            (None, false) => sha256_stream(reader, &mut self.zip, progress),
        }
    }

    /// Writes the central directory and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        self.zip.finish().map_err(io::Error::other)
    }
}

/// Rewrites the zip at `path` without the entries `drop` selects and with `add` appended,
/// copying every other entry as it is (no recompression). The new zip is written beside the old
/// one and renamed over it, so an interruption leaves the old zip whole.
pub fn rewrite_zip(
    path: &Path,
    drop: impl Fn(&str) -> bool,
    add: &[(String, Vec<u8>)],
    date: NaiveDate,
) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut archive = open_archive(file, path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    // Tracked, so that Ctrl-C during the rewrite leaves no temporary zip behind.
    let temp = crate::disk::create_tracked(
        || {
            tempfile::Builder::new()
                .prefix(".dossier-")
                .suffix(".zip.part")
                .tempfile_in(dir)
        },
        |t| t.path(),
    )
    .map_err(|e| Error::io("create a file in", dir, e))?;
    let temp_path = temp.path().to_path_buf();
    let failed = |e: zip::result::ZipError| Error::io("write", temp.path(), io::Error::other(e));
    let mut out = ZipOut::new(io::BufWriter::new(temp.as_file()), date);
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(failed)?;
        if drop(&String::from_utf8_lossy(entry.name_raw())) {
            continue;
        }
        out.zip.raw_copy_file(entry).map_err(failed)?;
    }
    for (name, bytes) in add {
        out.add_bytes(name, bytes)
            .map_err(|e| Error::io("write", temp.path(), e))?;
    }
    out.finish()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("write", temp.path(), e))?;
    let permissions = std::fs::metadata(path)
        .map_err(|e| Error::io("read", path, e))?
        .permissions();
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| Error::io("set the permissions of", temp.path(), e))?;
    let persisted = temp.persist(path);
    crate::disk::untrack(&temp_path);
    persisted.map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// Reads a zip's directory; a file that is not a zip is an error naming it (exit 2).
fn open_archive<R: Read + Seek>(reader: R, path: &Path) -> Result<ZipArchive<R>> {
    ZipArchive::new(reader).map_err(|e| {
        Error::input(
            format!("{} is not a readable zip file ({e})", path.display()),
            "give the dossier's .zip, or the folder of an unpacked dossier",
        )
    })
}

/// Writes to two places.
struct Tee<'a, A: Write, B: Write>(&'a mut A, &'a mut B);

impl<A: Write, B: Write> Write for Tee<'_, A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(buf)?;
        self.1.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

/// True for names whose format is compressed already (by extension).
pub fn is_compressed_media(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| COMPRESSED.contains(&ext.to_ascii_lowercase().as_str()))
}

/// True if the sample looks like compressed or encrypted data: its bytes are spread so evenly
/// (order-0 entropy above 7.5 bits a byte) that deflate would save next to nothing. Counting
/// bytes costs far less than a trial compression, which matters for 100,000 small files.
fn looks_incompressible(sample: &[u8]) -> bool {
    // Below this the byte counts say too little, and deflating a few hundred bytes costs nothing.
    if sample.len() < 512 {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in sample {
        counts[b as usize] += 1;
    }
    let n = sample.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    // Counted on n bytes, the entropy falls short of the source's by about 255 / (2 n ln 2) bits
    // (Miller's bias): a fifth of a bit at 1 KiB, so random files of 1-4 KiB (a fifth of the
    // 100,000 in bench (b)) were deflated, and verify paid for inflating them.
    let bias = 255.0 / (2.0 * n * std::f64::consts::LN_2);
    entropy + bias > 7.5
}

/// A file read at positions of its own: clones share the open file but not a cursor, so
/// several threads can read one zip whose directory was parsed once.
///
/// Small reads go through a read-ahead buffer: the zip layer parses the central directory and
/// each local header field by field (three or four reads of a few bytes per entry), and one
/// system call per field cost more than the rest of verifying 100,000 small exhibits (perf). The
/// buffer grows while reads are sequential (the directory) and stays small where they jump (one
/// local header, then the next entry's); large reads (content) bypass it.
#[derive(Debug)]
pub struct SharedFile {
    file: std::sync::Arc<File>,
    position: u64,
    length: u64,
    ahead: Vec<u8>,
    /// Where `ahead` starts in the file.
    ahead_at: u64,
}

/// Read-ahead of a small read at a new place, and the most it grows to while reads follow on.
const AHEAD_MIN: usize = 512;
const AHEAD_MAX: usize = 64 * 1024;

impl Clone for SharedFile {
    /// A clone has its own cursor and an empty read-ahead buffer.
    fn clone(&self) -> SharedFile {
        SharedFile {
            file: self.file.clone(),
            position: self.position,
            length: self.length,
            ahead: Vec::new(),
            ahead_at: 0,
        }
    }
}

impl SharedFile {
    fn from_file(file: File) -> io::Result<SharedFile> {
        let length = file.metadata()?.len();
        Ok(SharedFile {
            file: std::sync::Arc::new(file),
            position: 0,
            length,
            ahead: Vec::new(),
            ahead_at: 0,
        })
    }

    fn pread(&self, buf: &mut [u8], at: u64) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, at)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, at)?;
        Ok(n)
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = self.ahead_at + self.ahead.len() as u64;
        if !(self.ahead_at..end).contains(&self.position) && buf.len() < AHEAD_MIN {
            // Reads that follow on from the buffer double it; a jump starts small again.
            let size = if self.position == end && !self.ahead.is_empty() {
                (self.ahead.len() * 2).clamp(AHEAD_MIN, AHEAD_MAX)
            } else {
                AHEAD_MIN
            };
            let mut ahead = std::mem::take(&mut self.ahead);
            ahead.resize(size, 0);
            let n = self.pread(&mut ahead, self.position);
            self.ahead = ahead;
            let n = match n {
                Ok(n) => n,
                Err(e) => {
                    self.ahead.clear();
                    return Err(e);
                }
            };
            self.ahead.truncate(n);
            self.ahead_at = self.position;
        }
        let end = self.ahead_at + self.ahead.len() as u64;
        let n = if (self.ahead_at..end).contains(&self.position) {
            let from = (self.position - self.ahead_at) as usize;
            let n = buf.len().min(self.ahead.len() - from);
            buf[..n].copy_from_slice(&self.ahead[from..from + n]);
            n
        } else {
            self.pread(buf, self.position)?
        };
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let position = match to {
            io::SeekFrom::Start(p) => Some(p),
            io::SeekFrom::End(d) => self.length.checked_add_signed(d),
            io::SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = position
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

/// One entry of a zip as its central directory lists it.
#[derive(Debug, Clone)]
pub struct ZipEntry {
    pub index: usize,
    /// The name as stored, if it is UTF-8.
    pub name: Option<String>,
    /// The raw name, for messages about names that are not UTF-8.
    pub shown: String,
    pub size: u64,
    pub compressed_size: u64,
    pub is_dir: bool,
    pub is_symlink: bool,
}

/// A zip opened for reading: its entries, and the structural problems found while listing them.
pub struct ZipIn {
    archive: ZipArchive<SharedFile>,
    pub entries: Vec<ZipEntry>,
    pub problems: Vec<String>,
    /// False if entries overlap, names repeat or local headers lie: nothing is then read.
    pub safe: bool,
}

impl ZipIn {
    /// Opens a zip; an unreadable file or one that is not a zip is an error (exit 2).
    pub fn open(path: &Path) -> Result<ZipIn> {
        let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        ZipIn::from_file(file, path)
    }

    /// Opens a zip from a file already open (one that may have no name: a decrypted dossier);
    /// `path` is what messages call it.
    pub fn from_file(file: File, path: &Path) -> Result<ZipIn> {
        let file = SharedFile::from_file(file).map_err(|e| Error::io("open", path, e))?;
        let archive = open_archive(file.clone(), path)?;
        let mut problems = Vec::new();
        let mut safe = true;
        let duplicates = archive.has_duplicate_names();
        if duplicates {
            safe = false;
            problems.push(
                "the zip lists some entries more than once: tools may extract a different file than the one verified"
                    .to_string(),
            );
        }
        // The zip layer's check of every local header against the directory reads one header
        // per entry: it runs on a thread of its own while this one reads the directory for the
        // layout check and lists the entries (on 100,000 small exhibits, opening the zip was the
        // largest part of verify that no other core could take over).
        let (consistency, layout, listing) = std::thread::scope(|scope| {
            let checking = scope.spawn(|| {
                let mut archive = archive.clone();
                let consistency = archive.validate_header_consistency();
                // Where each entry's data starts, as the check found it reading the local
                // headers: the layout check then need not read them again.
                let data_starts: HashMap<u64, u64> = if consistency.is_ok() && !duplicates {
                    (0..archive.len())
                        .filter_map(|i| {
                            let entry = archive.by_index_raw(i).ok()?;
                            Some((entry.header_start(), entry.data_start()?))
                        })
                        .collect()
                } else {
                    HashMap::new()
                };
                (consistency, data_starts)
            });
            let layout = read_layout(&file);
            let listing = list_entries(&archive, path);
            let checked = checking.join().expect("the header check does not panic");
            (checked, layout, listing)
        });
        let (consistency, data_starts) = consistency;
        // Duplicates are reported above; this catches overlapping entries and lying local headers.
        if let Err(e) = consistency
            && !duplicates
        {
            safe = false;
            problems.push(format!(
                "the zip's headers disagree with its directory, or its entries overlap ({e})"
            ));
        }
        let layout = layout.map_err(|e| Error::io("read", path, e))?;
        problems.extend(
            layout_problems(&file, layout, &data_starts).map_err(|e| Error::io("read", path, e))?,
        );
        let (entries, bombs) = listing?;
        safe &= bombs.is_empty();
        problems.extend(bombs);
        Ok(ZipIn {
            archive,
            entries,
            problems,
            safe,
        })
    }

    /// Hands an entry's content, at most `limit` bytes of it, to `read` (to parse it as it
    /// streams, without holding it all in memory).
    pub fn read_with<T>(
        &mut self,
        index: usize,
        limit: u64,
        read: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        with_content(&mut self.archive, index, |content, _| {
            read(&mut content.take(limit))
        })
    }

    /// As [`ZipIn::read_with`], through a cursor of its own: several threads can read at once.
    pub fn read_shared<T>(
        &self,
        index: usize,
        limit: u64,
        read: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        with_content(&mut self.archive.clone(), index, |content, _| {
            read(&mut content.take(limit))
        })
    }

    /// As [`ZipIn::read_shared`], while hashing the whole entry (to one byte past `limit`, as
    /// [`ZipIn::sha256_entries`] does): what `parse` made of it, its digest and whether its
    /// CRC-32 matched, from one pass.
    pub fn read_hashed<T>(
        &self,
        index: usize,
        limit: u64,
        parse: impl FnOnce(&mut dyn Read) -> io::Result<T>,
        progress: &ProgressBar,
    ) -> io::Result<(io::Result<T>, FileDigest, bool)> {
        let ((parsed, digest), crc_ok) =
            with_checked_content(&mut self.archive.clone(), index, limit, |content| {
                crate::hash::sha256_while_reading(content, limit, parse, progress)
            })?;
        Ok((parsed, digest, crc_ok))
    }

    /// Hashes entries several at once. `jobs` are (index, limit): an entry is never read past
    /// its limit. Each result carries whether the entry's CRC-32 matched its content.
    pub fn sha256_entries(
        &self,
        jobs: &[(usize, u64)],
        progress: &ProgressBar,
    ) -> Vec<io::Result<(FileDigest, bool)>> {
        // Each worker reads through its own cursor on the file; the parsed directory is shared.
        on_every_core(
            jobs,
            || self.archive.clone(),
            |archive, &(index, limit)| hash_entry(archive, index, limit, progress),
        )
    }
}

/// The entries as the central directory lists them (reading nothing more from the file), and a
/// problem for each that claims more bytes than its compressed size can hold (a zip bomb).
fn list_entries(
    archive: &ZipArchive<SharedFile>,
    path: &Path,
) -> Result<(Vec<ZipEntry>, Vec<String>)> {
    let mut entries = Vec::with_capacity(archive.len());
    let mut bombs = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|e| {
            Error::input(
                format!(
                    "{}: cannot read entry {index} of the zip ({e})",
                    path.display()
                ),
                "the zip is damaged: ask for a new copy of the dossier",
            )
        })?;
        let raw = entry.name_raw().to_vec();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let impossible = match entry.compression() {
            CompressionMethod::Stored => entry.size() != entry.compressed_size(),
            _ => entry.size() / DEFLATE_MAX_RATIO > entry.compressed_size(),
        };
        if impossible {
            bombs.push(format!(
                "{shown}: claims {} bytes from {} compressed, more than compression allows: a zip bomb",
                entry.size(),
                entry.compressed_size()
            ));
        }
        entries.push(ZipEntry {
            index,
            name: String::from_utf8(raw).ok(),
            shown,
            size: entry.size(),
            compressed_size: entry.compressed_size(),
            is_dir: entry.is_dir(),
            is_symlink: entry.is_symlink(),
        });
    }
    Ok((entries, bombs))
}

fn hash_entry(
    archive: &mut ZipArchive<SharedFile>,
    index: usize,
    limit: u64,
    progress: &ProgressBar,
) -> io::Result<(FileDigest, bool)> {
    with_checked_content(archive, index, limit, |content| {
        crate::hash::sha256_stream(content, io::sink(), progress)
    })
}

/// Hands `read` an entry's content, cut one byte past `limit` (so that a longer entry tells),
/// through a CRC-32: what `read` gave, and whether the CRC-32 the zip records matched.
fn with_checked_content<T>(
    archive: &mut ZipArchive<SharedFile>,
    index: usize,
    limit: u64,
    read: impl FnOnce(&mut dyn Read) -> io::Result<T>,
) -> io::Result<(T, bool)> {
    let mut crc = crc32fast::Hasher::new();
    let (value, expected) = with_content(archive, index, |content, expected| {
        let mut checked = CrcReader {
            inner: content.take(limit + 1),
            crc: &mut crc,
        };
        read(&mut checked).map(|value| (value, expected))
    })?;
    Ok((value, crc.finalize() == expected))
}

/// Passes bytes through, adding them to a CRC-32.
struct CrcReader<'a, R: Read> {
    inner: R,
    crc: &'a mut crc32fast::Hasher,
}

impl<R: Read> Read for CrcReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}

/// Gives the entry's content, decompressed by us rather than the zip layer, so that a damaged
/// entry still yields bytes to hash (and a FAILED with the hash found) instead of a CRC error;
/// and the CRC-32 the zip records for it.
fn with_content<T>(
    archive: &mut ZipArchive<SharedFile>,
    index: usize,
    read: impl FnOnce(&mut dyn Read, u32) -> io::Result<T>,
) -> io::Result<T> {
    let raw = archive.by_index_raw(index).map_err(io::Error::other)?;
    let crc = raw.crc32();
    match raw.compression() {
        CompressionMethod::Stored => read(&mut { raw }, crc),
        CompressionMethod::Deflated => read(&mut flate2::read::DeflateDecoder::new(raw), crc),
        other => Err(io::Error::other(format!(
            "compression method {other} is not one a dossier uses"
        ))),
    }
}

/// The highest "version needed to extract" a dossier reader accepts: 4.5, zip64 (APPNOTE
/// 4.4.3.2). Stock unzip 6.0 reads up to 4.6; anything above needs features a dossier never uses.
const VERSION_NEEDED_MAX: u8 = 45;

/// What to do about bytes that are not what was sealed.
const FIX: &str = "get the dossier again as `dossier build` wrote it";

/// The end-of-central-directory record, its zip64 locator and record (APPNOTE 4.3.14-16).
const EOCD: &[u8; 4] = b"PK\x05\x06";
const ZIP64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
const ZIP64_EOCD: &[u8; 4] = b"PK\x06\x06";
const CENTRAL_HEADER: &[u8; 4] = b"PK\x01\x02";
const LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const DESCRIPTOR: &[u8; 4] = b"PK\x07\x08";

fn u16_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]) as u64)
}

fn u32_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as u64)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .map_or(0, |s| u64::from_le_bytes(s.try_into().expect("8 bytes")))
}

fn read_at(file: &SharedFile, at: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut reader = file.clone();
    reader.seek(io::SeekFrom::Start(at))?;
    let mut bytes = Vec::new();
    reader.take(len as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Where the central directory really is, and what the end record says about it.
struct EndRecord {
    /// Where the end record starts, and where it ends with its comment.
    at: u64,
    end: u64,
    comment: u64,
    /// The central directory: where it really starts, its size, where the zip says it starts,
    /// and how many entries it lists.
    directory_start: u64,
    directory_size: u64,
    claimed_start: u64,
    entries: u64,
}

/// Finds the end record (the last one whose comment fits in the file), following zip64.
fn find_end_record(file: &SharedFile) -> io::Result<Option<EndRecord>> {
    let length = file.length;
    let tail_len = length.min(22 + 65535);
    let tail = read_at(file, length - tail_len, tail_len as usize)?;
    let base = length - tail_len;
    let Some(pos) = (0..tail.len().saturating_sub(21)).rev().find(|&i| {
        &tail[i..i + 4] == EOCD && base + i as u64 + 22 + u16_at(&tail, i + 20) <= length
    }) else {
        return Ok(None);
    };
    let record = &tail[pos..];
    let at = base + pos as u64;
    let comment = u16_at(record, 20);
    let (mut entries, mut size, mut start) =
        (u16_at(record, 10), u32_at(record, 12), u32_at(record, 16));
    let mut directory_end = at;
    if (entries == 0xFFFF || size == 0xFFFF_FFFF || start == 0xFFFF_FFFF) && at >= 20 + 56 {
        let locator = read_at(file, at - 20, 20)?;
        if &locator[..4] == ZIP64_LOCATOR {
            let record = read_at(file, at - 20 - 56, 56)?;
            if &record[..4] == ZIP64_EOCD {
                entries = u64_at(&record, 32);
                size = u64_at(&record, 40);
                start = u64_at(&record, 48);
                directory_end = at - 20 - 56;
            }
        }
    }
    Ok(Some(EndRecord {
        at,
        end: at + 22 + comment,
        comment,
        directory_start: directory_end.saturating_sub(size),
        directory_size: size,
        claimed_start: start,
        entries,
    }))
}

/// One entry as the central directory lists it, for the layout check.
struct Listed {
    name: String,
    local: u64,
    compressed: u64,
    flags: u64,
    zip64: bool,
}

/// Reads the central directory's records: problems with an entry's flags or version are pushed,
/// the entries returned for the layout check.
fn read_directory(
    file: &SharedFile,
    end: &EndRecord,
    problems: &mut Vec<String>,
) -> io::Result<Vec<Listed>> {
    let directory = read_at(file, end.directory_start, end.directory_size as usize)?;
    let mut listed = Vec::new();
    let mut at = 0;
    for _ in 0..end.entries {
        if directory.get(at..at + 4) != Some(CENTRAL_HEADER) {
            problems.push(format!(
                "the central directory is not a sequence of entries (at offset {})",
                end.directory_start + at as u64
            ));
            break;
        }
        let r = &directory[at..];
        let (needed, flags) = (u16_at(r, 6) as u8, u16_at(r, 8));
        let (names, extras, comments) = (u16_at(r, 28), u16_at(r, 30), u16_at(r, 32));
        let name_end = (46 + names as usize).min(r.len());
        let name = String::from_utf8_lossy(&r[46.min(r.len())..name_end]).into_owned();
        let (mut compressed, mut local) = (u32_at(r, 20), u32_at(r, 42));
        let uncompressed = u32_at(r, 24);
        let extra = r.get(name_end..name_end + extras as usize).unwrap_or(&[]);
        let zip64 =
            compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF;
        if zip64 {
            // The zip64 extra field holds, in order, only the values that overflowed.
            let mut e = 0;
            while e + 4 <= extra.len() {
                let (id, len) = (u16_at(extra, e), u16_at(extra, e + 2) as usize);
                if id == 1 {
                    let mut v = e + 4;
                    let mut next = |value: u64| {
                        if value == 0xFFFF_FFFF {
                            let x = u64_at(extra, v);
                            v += 8;
                            x
                        } else {
                            value
                        }
                    };
                    next(uncompressed);
                    compressed = next(compressed);
                    local = next(local);
                }
                e += 4 + len;
            }
        }
        if flags & 1 != 0 || flags & 0x40 != 0 {
            problems.push(format!(
                "{name}: the entry is marked encrypted: unzip asks for a password and dossier cannot check it; {FIX}"
            ));
        }
        if needed > VERSION_NEEDED_MAX {
            problems.push(format!(
                "{name}: the entry needs version {}.{} of the zip format to be extracted; a dossier needs at most 4.5 (unzip reads up to 4.6); {FIX}",
                needed / 10,
                needed % 10
            ));
        }
        listed.push(Listed {
            name,
            local,
            compressed,
            flags,
            zip64,
        });
        at += 46 + (names + extras + comments) as usize;
    }
    Ok(listed)
}

/// What the layout check reads before it needs the local headers: the end record, the problems
/// it shows and the entries the directory lists, in the order of their local headers.
struct Layout {
    problems: Vec<String>,
    /// None where the check stops early (no end record, a directory past where it is).
    found: Option<(EndRecord, u64, Vec<Listed>)>,
}

/// Reads the end record and the central directory for [`layout_problems`].
fn read_layout(file: &SharedFile) -> io::Result<Layout> {
    let mut problems = Vec::new();
    let Some(end) = find_end_record(file)? else {
        return Ok(Layout {
            problems: vec!["the zip has no end-of-central-directory record".into()],
            found: None,
        });
    };
    let fix = FIX;
    if end.comment > 0 {
        problems.push(format!(
            "the zip carries a comment of {} bytes (offset {} to {}): a dossier has none; {fix}",
            end.comment,
            end.at + 22,
            end.end
        ));
    }
    if end.end < file.length {
        problems.push(format!(
            "{} bytes follow the end of the zip (offset {} to {}): appended data, not sealed; {fix}",
            file.length - end.end,
            end.end,
            file.length
        ));
    }
    let Some(shift) = end.directory_start.checked_sub(end.claimed_start) else {
        problems.push("the zip's end record puts the central directory past where it is".into());
        return Ok(Layout {
            problems,
            found: None,
        });
    };
    let mut listed = read_directory(file, &end, &mut problems)?;
    listed.sort_by_key(|l| l.local);
    Ok(Layout {
        problems,
        found: Some((end, shift, listed)),
    })
}

/// What makes a zip more than a sequence of entries and their directory: bytes before the first
/// entry (a prepended stub), between entries, after the end record, a comment, encrypted
/// entries, versions beyond what a dossier uses. Each is a problem naming what and where.
///
/// `data_starts` maps the start of a local header to the start of its entry's data, where the
/// header was read already; other headers are read here.
fn layout_problems(
    file: &SharedFile,
    layout: Layout,
    data_starts: &HashMap<u64, u64>,
) -> io::Result<Vec<String>> {
    let Layout {
        mut problems,
        found,
    } = layout;
    let Some((end, shift, listed)) = found else {
        return Ok(problems);
    };
    let fix = FIX;
    let mut cursor = 0;
    for entry in &listed {
        let start = entry.local + shift;
        if start > cursor {
            let place = if cursor == 0 {
                "before the first entry (a prepended stub?)".to_string()
            } else {
                format!("before the entry {}", entry.name)
            };
            problems.push(format!(
                "{} bytes {place}, at offset {cursor} to {start}: data that is no entry's; {fix}",
                start - cursor
            ));
        }
        let data_start = match data_starts.get(&start) {
            Some(&data_start) => data_start,
            None => {
                let header = read_at(file, start, 30)?;
                if header.get(..4) != Some(LOCAL_HEADER) {
                    // Reported by the header consistency check; nothing more to measure here.
                    return Ok(problems);
                }
                start + 30 + u16_at(&header, 26) + u16_at(&header, 28)
            }
        };
        let mut next = data_start + entry.compressed;
        if entry.flags & 8 != 0 {
            let sig = read_at(file, next, 4)?;
            let size = if entry.zip64 { 20 } else { 12 };
            next += size + if sig == DESCRIPTOR { 4 } else { 0 };
        }
        cursor = cursor.max(next);
    }
    if cursor < end.directory_start && !listed.is_empty() {
        problems.push(format!(
            "{} bytes between the last entry and the central directory, at offset {cursor} to {}: data that is no entry's; {fix}",
            end.directory_start - cursor,
            end.directory_start
        ));
    }
    if listed.is_empty() && end.directory_start > 0 {
        problems.push(format!(
            "{} bytes before the central directory of a zip with no entries; {fix}",
            end.directory_start
        ));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_is_stored_and_text_deflated() {
        assert!(is_compressed_media("data/exhibits/E-001-clip.MP4"));
        assert!(!is_compressed_media("data/dossier.json"));
        let text = "the same sentence again and again. ".repeat(1000);
        assert!(!looks_incompressible(text.as_bytes()));
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        assert!(looks_incompressible(&noise));
        // Small files too: 1 KiB of noise is stored, 1 KiB of text or of base64 deflated.
        assert!(looks_incompressible(&noise[..1024]));
        assert!(looks_incompressible(&noise[..600]));
        assert!(!looks_incompressible(&text.as_bytes()[..1024]));
        const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let base64: Vec<u8> = noise[..1024]
            .iter()
            .map(|b| BASE64[(b & 63) as usize])
            .collect();
        assert!(!looks_incompressible(&base64));
    }

    #[test]
    fn the_same_entries_give_the_same_bytes() {
        let date = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let write = || {
            let mut out = ZipOut::new(io::Cursor::new(Vec::new()), date);
            out.add_bytes("bag/a.txt", b"alpha").unwrap();
            out.add_bytes("bag/b.jpg", b"\xFF\xD8\xFF").unwrap();
            out.finish().unwrap().into_inner()
        };
        assert_eq!(write(), write());
    }

    /// A zip written to a temporary file, for the layout check.
    fn layout_of(bytes: &[u8]) -> Vec<String> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        let file = SharedFile::from_file(File::open(file.path()).unwrap()).unwrap();
        layout_problems(&file, read_layout(&file).unwrap(), &HashMap::new()).unwrap()
    }

    #[test]
    fn zip64_zips_are_exactly_their_entries() {
        // More entries than a plain end record can count, and zip64 entries: both zip64 forms.
        let date = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let mut out = ZipOut::new(io::Cursor::new(Vec::new()), date);
        for i in 0..70_000 {
            out.add_bytes(&format!("bag/{i}.txt"), b"x").unwrap();
        }
        let many = out.finish().unwrap().into_inner();
        assert_eq!(layout_of(&many), Vec::<String>::new());
        let mut zip = ZipWriter::new(io::Cursor::new(Vec::new()));
        let large = SimpleFileOptions::default().large_file(true);
        zip.start_file("bag/a.txt", large).unwrap();
        zip.write_all(b"alpha").unwrap();
        zip.start_file("bag/b.txt", large).unwrap();
        zip.write_all(b"beta").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(layout_of(&bytes), Vec::<String>::new());
        assert_eq!(layout_of(&[b"stub".as_slice(), &bytes].concat()).len(), 1);
    }
}
