//! The sealed dossier: its formats and what can be done to it once sealed.
//!
//! `json` owns `data/dossier.json` (written by `seal`, read by `verify` and `export`), `bag` the
//! BagIt tag files and manifest lines, `archive` the zip; `verify` proves a dossier intact,
//! `sign` adds a coalition member's signature (`signatures_folder` changes an unpacked
//! dossier's `signatures/` in one step), `sshsig` is the SSH signature format both use,
//! `allowed_signers` the OpenSSH file saying whose key may sign for whom, `encryption` encrypts
//! a dossier to the coalition's SSH keys (age files) and decrypts it, `diff` compares two
//! dossiers (for `dossier diff` and a supplementary submission); `tsp` is the RFC 3161
//! timestamp format and its checks, `timestamp` requests and stores a dossier's timestamps.
//! Building a dossier from a case is `seal`'s job; nothing here reads a case folder.

pub mod allowed_signers;
pub mod archive;
pub mod bag;
pub mod diff;
pub mod encryption;
pub mod json;
pub mod sign;
pub mod signatures_folder;
pub mod sshsig;
pub mod timestamp;
pub mod tsp;
pub mod verify;
