//! SHA-256 of files and byte strings: streaming with a bounded buffer, and several files at once.
//!
//! Owns how bytes become a lowercase hex digest. It does not know what the files are (exhibits,
//! custody lines); callers decide what a digest means.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::ProgressBar;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Bytes read at a time: large enough for the SHA instructions to run at full speed, small
/// enough that memory stays bounded whatever the file size.
const BUFFER: usize = 256 * 1024;

/// A file's SHA-256 (lowercase hex) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    pub sha256: String,
    pub size: u64,
}

/// Lowercase hex of a byte string. A table, not `format!`: it runs once per file, and
/// formatting each byte cost more than hashing a small file (callgrind, 10,000 files).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        hex.push(DIGITS[(b >> 4) as usize] as char);
        hex.push(DIGITS[(b & 15) as usize] as char);
    }
    hex
}

/// SHA-256 of bytes in memory, lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Reads everything from `reader`, hashing it and passing each chunk to `sink`.
pub fn sha256_stream(
    mut reader: impl Read,
    mut sink: impl Write,
    progress: &ProgressBar,
) -> io::Result<FileDigest> {
    // One buffer per thread, reused from file to file: hashing 100,000 small files does not
    // allocate (and fragment) 100,000 buffers.
    thread_local! {
        static BUFFERS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buffer = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buffer.resize(BUFFER, 0);
    let result = stream_into(&mut reader, &mut sink, &mut buffer, progress);
    BUFFERS.with(|b| *b.borrow_mut() = buffer);
    result
}

fn stream_into(
    reader: &mut impl Read,
    sink: &mut impl Write,
    buffer: &mut [u8],
    progress: &ProgressBar,
) -> io::Result<FileDigest> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
        sink.write_all(&buffer[..n])?;
        size += n as u64;
        progress.inc(n as u64);
    }
    sink.flush()?;
    Ok(FileDigest {
        sha256: to_hex(&hasher.finalize()),
        size,
    })
}

/// Hands the first `limit` bytes of `reader` to `parse`, hashing them as they pass, then hashes
/// whatever `parse` left unread: one pass gives what `parse` made of a file and the file's
/// digest. `parse` failing does not stop the hashing; a read error does.
pub fn sha256_while_reading<T>(
    reader: impl Read,
    limit: u64,
    parse: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    progress: &ProgressBar,
) -> io::Result<(io::Result<T>, FileDigest)> {
    struct Hashing<'a, R> {
        inner: R,
        hasher: Sha256,
        size: u64,
        progress: &'a ProgressBar,
    }
    impl<R: Read> Read for Hashing<'_, R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.hasher.update(&buf[..n]);
            self.size += n as u64;
            self.progress.inc(n as u64);
            Ok(n)
        }
    }
    let mut hashing = Hashing {
        inner: reader,
        hasher: Sha256::new(),
        size: 0,
        progress,
    };
    let parsed = parse(&mut Read::take(&mut hashing, limit));
    io::copy(&mut hashing, &mut io::sink())?;
    Ok((
        parsed,
        FileDigest {
            sha256: to_hex(&hashing.hasher.finalize()),
            size: hashing.size,
        },
    ))
}

/// Copies everything from `reader` to `sink` while a second thread hashes the same bytes, so that
/// hashing and writing (compression, CRC, disk) overlap on two cores. Memory stays bounded: at
/// most a few chunks are in flight.
pub fn sha256_copy(
    mut reader: impl Read,
    mut sink: impl Write,
    progress: &ProgressBar,
) -> io::Result<FileDigest> {
    use std::sync::mpsc::sync_channel;
    const IN_FLIGHT: usize = 4;
    // Chunks go to the hasher and come back to be filled again: a few buffers serve the whole
    // file, so memory stays flat and the allocator is not churned.
    let (to_hasher, chunks) = sync_channel::<(Vec<u8>, usize)>(IN_FLIGHT);
    let (to_reader, returned) = sync_channel::<Vec<u8>>(IN_FLIGHT + 1);
    std::thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for (chunk, n) in chunks {
                hasher.update(&chunk[..n]);
                // The reader may have stopped; a buffer nobody takes back is simply dropped.
                let _ = to_reader.try_send(chunk);
            }
            to_hex(&hasher.finalize())
        });
        let mut size = 0u64;
        let mut copy = || -> io::Result<()> {
            loop {
                let mut buffer = returned.try_recv().unwrap_or_else(|_| vec![0u8; BUFFER]);
                let n = read_full(&mut reader, &mut buffer)?;
                if n == 0 {
                    return Ok(());
                }
                sink.write_all(&buffer[..n])?;
                size += n as u64;
                progress.inc(n as u64);
                to_hasher
                    .send((buffer, n))
                    .map_err(|_| io::Error::other("the hashing thread stopped"))?;
            }
        };
        let copied = copy();
        drop(to_hasher);
        let sha256 = hasher.join().expect("hashing does not panic");
        copied?;
        sink.flush()?;
        Ok(FileDigest { sha256, size })
    })
}

/// Reads until `buffer` is full or the input ends; returns how many bytes were read.
pub fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// SHA-256 and size of the file at `path`.
pub fn sha256_file(path: &Path, progress: &ProgressBar) -> Result<FileDigest> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    sha256_stream(file, io::sink(), progress).map_err(|e| Error::io("read", path, e))
}

/// SHA-1 of a file, lowercase hex: only for tools that key documents by it (FollowTheMoney's
/// `contentHash`); dossier's own integrity rests on SHA-256.
pub fn sha1_file(path: &Path) -> Result<String> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    sha1_stream(file).map_err(|e| Error::io("read", path, e))
}

/// SHA-1 of everything `reader` gives, lowercase hex.
pub fn sha1_stream(mut reader: impl Read) -> io::Result<String> {
    use sha1::Digest as _;
    let mut hasher = sha1::Sha1::new();
    let mut buffer = vec![0u8; BUFFER];
    loop {
        let n = read_full(&mut reader, &mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(to_hex(&hasher.finalize()))
}

/// Hashes every file, several at once (one thread per core), in the order given.
///
/// A file that cannot be read gets its own error; the others are still hashed.
pub fn sha256_files(paths: &[PathBuf], progress: &ProgressBar) -> Vec<Result<FileDigest>> {
    on_every_core(paths, || (), |(), path| sha256_file(path, progress))
}

/// A relative path's folder and name.
fn split_path(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// Hashes the files at `paths` (relative, with `/`) under `root`, several at once, in the order
/// given. On Linux each file is opened by its name from its open folder, not by its whole path:
/// with 100,000 exhibits the kernel then looks up one name per file, not every folder on the way.
pub fn sha256_files_under(
    root: &Path,
    paths: &[&str],
    progress: &ProgressBar,
) -> Vec<Result<FileDigest>> {
    #[cfg(target_os = "linux")]
    let folders: std::collections::HashMap<&str, Option<std::os::fd::OwnedFd>> = {
        use rustix::fs::{Mode, OFlags};
        let mut folders = std::collections::HashMap::new();
        for path in paths {
            let (folder, _) = split_path(path);
            folders.entry(folder).or_insert_with(|| {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                rustix::fs::open(root.join(folder), flags, Mode::empty()).ok()
            });
        }
        folders
    };
    let open = |path: &str| -> io::Result<File> {
        #[cfg(target_os = "linux")]
        {
            let (folder, name) = split_path(path);
            if let Some(Some(folder)) = folders.get(folder) {
                use rustix::fs::{Mode, OFlags};
                let flags = OFlags::RDONLY | OFlags::CLOEXEC;
                return Ok(File::from(rustix::fs::openat(
                    folder,
                    name,
                    flags,
                    Mode::empty(),
                )?));
            }
        }
        File::open(root.join(path))
    };
    on_every_core(
        paths,
        || (),
        |(), path| {
            let full = || root.join(path);
            let file = open(path).map_err(|e| Error::io("open", full(), e))?;
            sha256_stream(file, io::sink(), progress).map_err(|e| Error::io("read", full(), e))
        },
    )
}

/// Runs `work` on every job, one thread per core, and returns the results in the jobs' order.
/// Each thread first makes its own `state` (a file handle, say).
pub fn on_every_core<J: Sync, S, R: Send>(
    jobs: &[J],
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &J) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut state = state();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let result = work(&mut state, job);
                    results.lock().expect("no worker panics holding the lock")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("workers finished")
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256_bytes(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_pipelined_copy_hashes_what_it_writes() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        let digest = sha256_copy(&data[..], &mut out, &ProgressBar::hidden()).unwrap();
        assert_eq!(out, data);
        assert_eq!(digest.sha256, sha256_bytes(&data));
        assert_eq!(digest.size, data.len() as u64);
    }

    #[test]
    fn hashing_while_parsing_covers_what_the_parser_left_and_survives_its_failure() {
        let data = b"{\"a\": 1} and more bytes past the limit";
        let (parsed, digest) = sha256_while_reading(
            &data[..],
            8,
            |reader| {
                let mut text = String::new();
                reader.read_to_string(&mut text)?;
                Ok(text)
            },
            &ProgressBar::hidden(),
        )
        .unwrap();
        assert_eq!(
            parsed.unwrap(),
            "{\"a\": 1}",
            "the parser sees only the limit"
        );
        assert_eq!(
            digest.sha256,
            sha256_bytes(data),
            "the digest covers everything"
        );
        assert_eq!(digest.size, data.len() as u64);
        let (parsed, digest) = sha256_while_reading(
            &data[..],
            8,
            |_| Err::<(), _>(io::Error::other("not JSON")),
            &ProgressBar::hidden(),
        )
        .unwrap();
        assert!(parsed.is_err());
        assert_eq!(digest.sha256, sha256_bytes(data));
    }

    #[test]
    fn parallel_hashing_keeps_order_and_reports_each_failure() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..9 {
            let p = dir.path().join(format!("f{i}"));
            std::fs::write(&p, vec![b'x'; i * 100_000]).unwrap();
            paths.push(p);
        }
        paths.insert(4, dir.path().join("missing"));
        let results = sha256_files(&paths, &ProgressBar::hidden());
        assert!(results[4].is_err());
        for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != 4) {
            let expected = std::fs::read(&paths[i]).unwrap();
            assert_eq!(r.as_ref().unwrap().sha256, sha256_bytes(&expected));
            assert_eq!(r.as_ref().unwrap().size, expected.len() as u64);
        }
    }
}
