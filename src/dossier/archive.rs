//! Zip archives: a dossier written reproducibly, and any zip read without trusting it.
//!
//! Owns the zip layer only (entry options, store or deflate, zip64, safe listing and bounded
//! reading). It does not know BagIt: `seal` decides what goes in and `verify` what it means.

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
    let temp = tempfile::Builder::new()
        .prefix(".dossier-")
        .suffix(".zip.part")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a file in", dir, e))?;
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
    temp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
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
    if sample.len() < 4096 {
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
    entropy > 7.5
}

/// A file read at positions of its own: clones share the open file but not a cursor, so
/// several threads can read one zip whose directory was parsed once.
#[derive(Debug, Clone)]
pub struct SharedFile {
    file: std::sync::Arc<File>,
    position: u64,
    length: u64,
}

impl SharedFile {
    fn open(path: &Path) -> io::Result<SharedFile> {
        let file = File::open(path)?;
        let length = file.metadata()?.len();
        Ok(SharedFile {
            file: std::sync::Arc::new(file),
            position: 0,
            length,
        })
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.position)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.position)?;
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
        let file = SharedFile::open(path).map_err(|e| Error::io("open", path, e))?;
        let mut archive = open_archive(file, path)?;
        let mut problems = Vec::new();
        let mut safe = true;
        if archive.has_duplicate_names() {
            safe = false;
            problems.push(
                "the zip lists some entries more than once: tools may extract a different file than the one verified"
                    .to_string(),
            );
        }
        // Duplicates are reported above; this catches overlapping entries and lying local headers.
        if let Err(e) = archive.validate_header_consistency()
            && !archive.has_duplicate_names()
        {
            safe = false;
            problems.push(format!(
                "the zip's headers disagree with its directory, or its entries overlap ({e})"
            ));
        }
        let mut entries = Vec::with_capacity(archive.len());
        for index in 0..archive.len() {
            // The directory's own record: listing reads nothing more from the file.
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
                safe = false;
                problems.push(format!(
                    "{shown}: claims {} bytes from {} compressed, more than compression allows: a zip bomb",
                    entry.size(),
                    entry.compressed_size()
                ));
            }
            entries.push(ZipEntry {
                index,
                name: String::from_utf8(raw.clone()).ok(),
                shown,
                size: entry.size(),
                compressed_size: entry.compressed_size(),
                is_dir: entry.is_dir(),
                is_symlink: entry.is_symlink(),
            });
        }
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

fn hash_entry(
    archive: &mut ZipArchive<SharedFile>,
    index: usize,
    limit: u64,
    progress: &ProgressBar,
) -> io::Result<(FileDigest, bool)> {
    let mut crc = crc32fast::Hasher::new();
    let (digest, expected) = with_content(archive, index, |content, expected| {
        let checked = CrcReader {
            inner: content.take(limit + 1),
            crc: &mut crc,
        };
        crate::hash::sha256_stream(checked, io::sink(), progress).map(|d| (d, expected))
    })?;
    Ok((digest, crc.finalize() == expected))
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
}
