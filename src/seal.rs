//! `build`: seals a case into a dossier, one BagIt 1.0 bag in a reproducible zip.
//!
//! Owns what goes into the dossier (dossier.json, exhibits.csv, the custody log, the exhibits,
//! the tag files) and the profiles (full, public). Every exhibit is hashed again while it is
//! copied into the zip; one that no longer matches its intake hash stops the build. The zip is
//! written beside its final path and renamed only when complete. The case is never changed.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::archive::ZipOut;
use crate::bag::{self, ManifestLine};
use crate::case::{
    self, Case, Confidentiality, Event, Exhibit, Signatory, SignatoryRole, Source, Subject,
};
use crate::custody;
use crate::date::CaseDate;
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;
use crate::intake::locate_exhibit;

/// The version of `data/dossier.json`'s layout.
pub const DOSSIER_SCHEMA: u32 = 1;

/// Which dossier to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Everything, for the authority.
    Full,
    /// Confidential exhibits withheld and confidential sources hidden, for publication.
    Public,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Public => "public",
        }
    }
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The folder receiving the zip (and the unpacked bag).
    pub out_dir: PathBuf,
    pub profile: Profile,
    /// The bagging date: in the name, in bag-info.txt and as every zip entry's time.
    pub date: NaiveDate,
    /// Replace an existing dossier of the same name.
    pub force: bool,
    /// Also write the bag as a folder beside the zip.
    pub unpacked: bool,
}

/// What `build` made.
#[derive(Debug, Clone, Serialize)]
pub struct Sealed {
    pub name: String,
    pub zip: PathBuf,
    pub unpacked: Option<PathBuf>,
    pub dossier_fingerprint: String,
    pub exhibit_fingerprint: String,
    pub exhibits: usize,
    pub withheld: usize,
    pub payload_bytes: u64,
}

/// One file of the bag, by its path inside the bag.
enum Content {
    Bytes(Vec<u8>),
    Exhibit {
        source: PathBuf,
        exhibit: Box<Exhibit>,
    },
}

/// Builds the dossier of the case in `root`.
pub fn build(root: &Path, options: &BuildOptions, progress: &ProgressBar) -> Result<Sealed> {
    let case = case::load(root)?;
    let name = format!(
        "{}-{}-{}",
        case.id,
        options.profile.as_str(),
        options.date.format("%Y-%m-%d")
    );
    let zip_path = options.out_dir.join(format!("{name}.zip"));
    let folder_path = options.out_dir.join(&name);
    for existing in std::iter::once(&zip_path).chain(options.unpacked.then_some(&folder_path)) {
        if existing.exists() && !options.force {
            return Err(Error::input(
                format!("{} already exists", existing.display()),
                "a sealed dossier is never overwritten by accident: pass --force to replace it, \
                 or build with another --date or --out",
            ));
        }
    }

    // A custody log that was edited or cut short is not sealed: the dossier would carry a
    // damaged history as if it were whole.
    let custody_log = std::fs::read(root.join(custody::FILE)).or_else(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Ok(Vec::new()),
        _ => Err(Error::io("read", root.join(custody::FILE), e)),
    })?;
    let damage: Vec<String> = custody::damage(
        &custody::Log::parse(&custody_log, false),
        case.custody.as_ref(),
    )
    .into_iter()
    .filter(|d| d.serious)
    .map(|d| format!("{}: {}", d.place, d.message))
    .collect();
    if !damage.is_empty() {
        return Err(Error::input(
            format!(
                "cannot seal the dossier: the custody log is damaged:\n  {}",
                damage.join("\n  ")
            ),
            "restore custody.jsonl from a backup or version control, then build again; `dossier check` shows the same",
        ));
    }

    // Every exhibit file must be there before anything is written.
    let case_real = root
        .canonicalize()
        .map_err(|e| Error::io("resolve", root, e))?;
    let mut files: Vec<(String, Content)> = Vec::new();
    let mut problems = Vec::new();
    let mut sealed_exhibits = Vec::new();
    for exhibit in &case.exhibits {
        let withheld = options.profile == Profile::Public
            && exhibit.confidentiality == Confidentiality::Confidential;
        if withheld {
            sealed_exhibits.push(SealedExhibit::withheld(exhibit));
            continue;
        }
        match locate_exhibit(root, &case_real, &exhibit.path) {
            Ok(source) => {
                let file = format!("{}{}", bag::EXHIBITS_DIR, exhibit_file_name(exhibit));
                sealed_exhibits.push(SealedExhibit::included(exhibit, &file, options.profile));
                files.push((
                    file,
                    Content::Exhibit {
                        source,
                        exhibit: Box::new(exhibit.clone()),
                    },
                ));
            }
            Err(problem) => problems.push(format!("{}: {problem}", exhibit.id)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::input(
            format!("cannot seal the dossier:\n  {}", problems.join("\n  ")),
            "restore the exhibit files (their hashes are in case.json), then build again; `dossier check` lists every problem",
        ));
    }

    // The manifest can be written before any exhibit is read: an exhibit is sealed with its
    // intake hash or not at all.
    let exhibit_lines: Vec<ManifestLine> = files
        .iter()
        .map(|(path, content)| match content {
            Content::Exhibit { exhibit, .. } => ManifestLine {
                sha256: exhibit.sha256.clone(),
                path: path.clone(),
            },
            Content::Bytes(_) => unreachable!("only exhibits so far"),
        })
        .collect();
    let exhibit_fingerprint = bag::exhibit_fingerprint(&exhibit_lines);
    let redacted_ids: Vec<&str> = case
        .exhibits
        .iter()
        .filter(|e| {
            options.profile == Profile::Public
                && (e.confidentiality == Confidentiality::Confidential || e.source.confidential)
        })
        .map(|e| e.id.as_str())
        .collect();
    let withheld_ids: Vec<&str> = sealed_exhibits
        .iter()
        .filter(|e| e.withheld)
        .map(|e| e.id.as_str())
        .collect();
    let dossier_json = DossierJson::new(
        &case,
        options,
        &exhibit_fingerprint,
        sealed_exhibits.clone(),
    );
    let mut json =
        serde_json::to_string_pretty(&dossier_json).expect("a dossier always serialises");
    json.push('\n');
    files.push((
        "data/dossier.json".into(),
        Content::Bytes(json.into_bytes()),
    ));
    files.push((
        "data/exhibits.csv".into(),
        Content::Bytes(exhibits_csv(&case, &sealed_exhibits)?),
    ));
    files.push((
        "data/custody.jsonl".into(),
        Content::Bytes(redact_custody(&custody_log, &redacted_ids)),
    ));

    let mut manifest_lines = exhibit_lines;
    let mut sizes = Vec::new();
    for (path, content) in &files {
        match content {
            Content::Bytes(bytes) => {
                manifest_lines.push(ManifestLine {
                    sha256: sha256_bytes(bytes),
                    path: path.clone(),
                });
                sizes.push(bytes.len() as u64);
            }
            Content::Exhibit { exhibit, .. } => sizes.push(exhibit.size),
        }
    }
    let manifest = bag::write_manifest(&manifest_lines);
    let payload_bytes: u64 = sizes.iter().sum();
    let lead = case
        .signatories
        .iter()
        .find(|s| s.role == SignatoryRole::Lead)
        .or(case.signatories.first());
    let text = |v: Option<&String>| v.cloned().unwrap_or_else(|| "not given".into());
    let bag_info = bag::write_bag_info(&[
        (
            "Source-Organization",
            lead.map_or("not given".into(), |s| s.name.clone()),
        ),
        ("Contact-Name", text(lead.and_then(|s| s.contact.as_ref()))),
        ("Contact-Email", text(lead.and_then(|s| s.email.as_ref()))),
        ("External-Identifier", case.id.clone()),
        ("External-Description", case.title.clone()),
        ("Bagging-Date", options.date.format("%Y-%m-%d").to_string()),
        ("Payload-Oxum", bag::payload_oxum(sizes.iter().copied())),
        (
            "Bag-Software-Agent",
            format!("dossier {}", env!("CARGO_PKG_VERSION")),
        ),
        ("Dossier-Profile", options.profile.as_str().to_string()),
        ("Dossier-Regimes", case.regimes.join(", ")),
        ("Exhibit-Fingerprint", exhibit_fingerprint.clone()),
    ]);
    let bagit = bag::bagit_txt();
    let tag_manifest = bag::write_manifest(&[
        ManifestLine {
            sha256: sha256_bytes(bagit.as_bytes()),
            path: bag::BAGIT_TXT.into(),
        },
        ManifestLine {
            sha256: sha256_bytes(bag_info.as_bytes()),
            path: bag::BAG_INFO_TXT.into(),
        },
        ManifestLine {
            sha256: sha256_bytes(manifest.as_bytes()),
            path: bag::MANIFEST.into(),
        },
    ]);
    let dossier_fingerprint = bag::dossier_fingerprint(manifest.as_bytes());
    files.push((bag::BAGIT_TXT.into(), Content::Bytes(bagit.into_bytes())));
    files.push((
        bag::BAG_INFO_TXT.into(),
        Content::Bytes(bag_info.into_bytes()),
    ));
    files.push((bag::MANIFEST.into(), Content::Bytes(manifest.into_bytes())));
    files.push((
        bag::TAG_MANIFEST.into(),
        Content::Bytes(tag_manifest.into_bytes()),
    ));
    // Sorted entries: the same case gives the same zip.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, _) in &files {
        if let Some(why) = bag::unsafe_bag_path(path) {
            return Err(Error::input(
                format!("cannot seal `{path}`: {why}"),
                "check the exhibit's id and file name in case.json",
            ));
        }
    }

    progress.set_length(case.exhibits.iter().map(|e| e.size).sum());
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| Error::io("create the folder", &options.out_dir, e))?;
    let temp_zip = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".zip.part")
        .tempfile_in(&options.out_dir)
        .map_err(|e| Error::io("create a file in", &options.out_dir, e))?;
    let temp_folder = if options.unpacked {
        Some(
            tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".part")
                .tempdir_in(&options.out_dir)
                .map_err(|e| Error::io("create a folder in", &options.out_dir, e))?,
        )
    } else {
        None
    };

    let mut zip = ZipOut::new(
        std::io::BufWriter::with_capacity(1 << 20, temp_zip.as_file()),
        options.date,
    );
    let mut changed = Vec::new();
    for (path, content) in &files {
        let entry = format!("{name}/{path}");
        let mut copy = match &temp_folder {
            Some(dir) => Some(create_file(&dir.path().join(path))?),
            None => None,
        };
        match content {
            Content::Bytes(bytes) => {
                zip.add_bytes(&entry, bytes)
                    .map_err(|e| Error::io("write", temp_zip.path(), e))?;
                if let Some(copy) = copy.as_mut() {
                    copy.write_all(bytes)
                        .map_err(|e| Error::io("write the unpacked", path, e))?;
                }
            }
            Content::Exhibit { source, exhibit } => {
                let digest = zip
                    .add_file(&entry, source, exhibit.size, copy.as_mut(), progress)
                    .map_err(|e| {
                        Error::input(
                            format!("{} evidence/{}: cannot be sealed ({e})", exhibit.id, exhibit.path),
                            "it may have changed since intake: `dossier check` compares every exhibit with its intake hash",
                        )
                    })?;
                if digest.sha256 != exhibit.sha256 || digest.size != exhibit.size {
                    changed.push(format!(
                        "{} evidence/{}: intake sha256 {} ({} bytes), now {} ({} bytes)",
                        exhibit.id,
                        exhibit.path,
                        exhibit.sha256,
                        exhibit.size,
                        digest.sha256,
                        digest.size
                    ));
                }
            }
        }
    }
    if !changed.is_empty() {
        return Err(Error::input(
            format!(
                "{} exhibit(s) changed since intake; nothing was sealed:\n  {}",
                changed.len(),
                changed.join("\n  ")
            ),
            "restore the original files from your backup; an exhibit is never re-hashed (a new version is a new exhibit)",
        ));
    }
    let writer = zip
        .finish()
        .map_err(|e| Error::io("write", temp_zip.path(), e))?;
    writer
        .into_inner()
        .map_err(|e| Error::io("write", temp_zip.path(), e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io("write", temp_zip.path(), e))?;
    let permissions = case::default_permissions();
    std::fs::set_permissions(temp_zip.path(), permissions)
        .map_err(|e| Error::io("set the permissions of", temp_zip.path(), e))?;
    temp_zip
        .persist(&zip_path)
        .map_err(|e| Error::io("rename the finished dossier to", &zip_path, e.error))?;
    let unpacked = match temp_folder {
        Some(dir) => {
            if folder_path.exists() {
                std::fs::remove_dir_all(&folder_path)
                    .map_err(|e| Error::io("replace", &folder_path, e))?;
            }
            let dir = dir.keep();
            std::fs::set_permissions(&dir, folder_permissions())
                .map_err(|e| Error::io("set the permissions of", &dir, e))?;
            std::fs::rename(&dir, &folder_path)
                .map_err(|e| Error::io("rename the unpacked dossier to", &folder_path, e))?;
            Some(folder_path)
        }
        None => None,
    };
    Ok(Sealed {
        name,
        zip: zip_path,
        unpacked,
        dossier_fingerprint,
        exhibit_fingerprint,
        exhibits: case.exhibits.len(),
        withheld: withheld_ids.len(),
        payload_bytes,
    })
}

fn create_file(path: &Path) -> Result<File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    File::create(path).map_err(|e| Error::io("create", path, e))
}

fn folder_permissions() -> std::fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o755)
    }
    #[cfg(not(unix))]
    {
        case::default_permissions()
    }
}

/// `E-001-<file name>`; a backslash (legal in Unix names, refused in zips) becomes `_`.
fn exhibit_file_name(exhibit: &Exhibit) -> String {
    let file = exhibit.path.rsplit('/').next().unwrap_or(&exhibit.path);
    format!("{}-{}", exhibit.id, file.replace('\\', "_"))
}

/// `data/dossier.json`: everything structured, as sealed.
#[derive(Serialize)]
struct DossierJson<'a> {
    dossier_schema: u32,
    generator: String,
    profile: &'static str,
    date: String,
    exhibit_fingerprint: &'a str,
    case: CaseHeader<'a>,
    subjects: &'a [Subject],
    events: &'a [Event],
    exhibits: Vec<SealedExhibit>,
    signatories: &'a [Signatory],
}

#[derive(Serialize)]
struct CaseHeader<'a> {
    id: &'a str,
    title: &'a str,
    regimes: &'a [String],
    confidentiality: Confidentiality,
    confidentiality_note: &'a Option<String>,
    submission_date: &'a Option<CaseDate>,
}

impl<'a> DossierJson<'a> {
    fn new(
        case: &'a Case,
        options: &BuildOptions,
        exhibit_fingerprint: &'a str,
        exhibits: Vec<SealedExhibit>,
    ) -> Self {
        DossierJson {
            dossier_schema: DOSSIER_SCHEMA,
            generator: format!("dossier {}", env!("CARGO_PKG_VERSION")),
            profile: options.profile.as_str(),
            date: options.date.format("%Y-%m-%d").to_string(),
            exhibit_fingerprint,
            case: CaseHeader {
                id: &case.id,
                title: &case.title,
                regimes: &case.regimes,
                confidentiality: case.confidentiality,
                confidentiality_note: &case.confidentiality_note,
                submission_date: &case.submission_date,
            },
            subjects: &case.subjects,
            events: &case.events,
            exhibits,
            signatories: &case.signatories,
        }
    }
}

/// An exhibit as the dossier lists it; a withheld one keeps only its id, hash and size.
#[derive(Debug, Clone, Serialize)]
struct SealedExhibit {
    id: String,
    withheld: bool,
    sha256: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidentiality: Option<Confidentiality>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intake_at: Option<String>,
}

/// What the public profile shows in place of a confidential source.
pub const CONFIDENTIAL_SOURCE: &str = "confidential source";

impl SealedExhibit {
    fn withheld(exhibit: &Exhibit) -> SealedExhibit {
        SealedExhibit {
            id: exhibit.id.clone(),
            withheld: true,
            sha256: exhibit.sha256.clone(),
            size: exhibit.size,
            file: None,
            evidence_path: None,
            media_type: None,
            title: None,
            description: None,
            source: None,
            collected_by: None,
            collected_at: None,
            language: None,
            confidentiality: None,
            intake_at: None,
        }
    }

    fn included(exhibit: &Exhibit, file: &str, profile: Profile) -> SealedExhibit {
        let hide_source = profile == Profile::Public && exhibit.source.confidential;
        let source = if hide_source {
            Source {
                provider: Some(CONFIDENTIAL_SOURCE.into()),
                method: None,
                url: None,
                confidential: true,
            }
        } else {
            exhibit.source.clone()
        };
        SealedExhibit {
            id: exhibit.id.clone(),
            withheld: false,
            sha256: exhibit.sha256.clone(),
            size: exhibit.size,
            file: Some(file.to_string()),
            // Where the file sat in the case, and who collected it, can name the source.
            evidence_path: (!hide_source).then(|| exhibit.path.clone()),
            media_type: Some(exhibit.media_type.clone()),
            title: exhibit.title.clone(),
            description: exhibit.description.clone(),
            source: Some(source),
            collected_by: exhibit.collected_by.clone().filter(|_| !hide_source),
            collected_at: exhibit.collected_at.map(|t| t.to_string()),
            language: exhibit.language.clone(),
            confidentiality: Some(exhibit.confidentiality),
            intake_at: Some(exhibit.intake_at.clone()),
        }
    }

    fn source_text(&self) -> String {
        let Some(source) = &self.source else {
            return String::new();
        };
        [&source.provider, &source.method, &source.url]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `data/exhibits.csv`, the exhibit index for spreadsheets.
fn exhibits_csv(case: &Case, exhibits: &[SealedExhibit]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "file",
        "sha256",
        "size",
        "media_type",
        "title",
        "collected_at",
        "source",
        "confidentiality",
        "events",
        "withheld",
    ];
    let failed = |e: csv::Error| {
        Error::input(
            format!("cannot write exhibits.csv: {e}"),
            "report this as a bug",
        )
    };
    writer.write_record(header).map_err(failed)?;
    for e in exhibits {
        let events: Vec<&str> = case.events_of(&e.id).map(|v| v.id.as_str()).collect();
        let confidentiality = e.confidentiality.map_or("confidential", |c| match c {
            Confidentiality::Public => "public",
            Confidentiality::Confidential => "confidential",
        });
        let withheld = if e.withheld { "withheld" } else { "" };
        writer
            .write_record([
                e.id.as_str(),
                e.file.as_deref().unwrap_or(""),
                &e.sha256,
                &e.size.to_string(),
                e.media_type.as_deref().unwrap_or(""),
                e.title.as_deref().unwrap_or(""),
                e.collected_at.as_deref().unwrap_or(""),
                &e.source_text(),
                confidentiality,
                &events.join(";"),
                withheld,
            ])
            .map_err(failed)?;
    }
    writer.into_inner().map_err(|e| {
        Error::input(
            format!("cannot write exhibits.csv: {e}"),
            "report this as a bug",
        )
    })
}

/// The custody log as sealed. Lines about withheld exhibits, or exhibits whose source is
/// confidential (a copy line names where the file came from), are replaced by a stub that keeps
/// the chain checkable: the line's own hash and the `prev` it held, but none of its content.
fn redact_custody(log: &[u8], withheld: &[&str]) -> Vec<u8> {
    if withheld.is_empty() {
        return log.to_vec();
    }
    let mut out = Vec::with_capacity(log.len());
    let body = log.strip_suffix(b"\n").unwrap_or(log);
    if body.is_empty() {
        return out;
    }
    for raw in body.split(|&b| b == b'\n') {
        let entry: Option<custody::Entry> = std::str::from_utf8(raw)
            .ok()
            .and_then(|t| serde_json::from_str(t).ok());
        match entry {
            Some(entry)
                if entry
                    .exhibit
                    .as_deref()
                    .is_some_and(|id| withheld.contains(&id)) =>
            {
                let stub = custody::WithheldLine {
                    withheld: entry.exhibit.unwrap_or_default(),
                    prev: entry.prev,
                    line_sha256: sha256_bytes(raw),
                };
                out.extend_from_slice(
                    serde_json::to_string(&stub)
                        .expect("a stub serialises")
                        .as_bytes(),
                );
            }
            _ => out.extend_from_slice(raw),
        }
        out.push(b'\n');
    }
    out
}
