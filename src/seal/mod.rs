//! `build`: seals a case into a dossier, one BagIt 1.0 bag in a reproducible zip.
//!
//! Owns what goes into the dossier (dossier.json, exhibits.csv, the custody log, the exhibits,
//! the tag files) and the profiles (full, public). Every exhibit is hashed again while it is
//! copied into the zip; one that no longer matches its intake hash stops the build. The zip is
//! written beside its final path and renamed only when complete. The case is never changed.
//!
//! `build` runs the steps in order; `content` holds the bag's files until they are written and
//! `zip` writes them and puts the result in place.

mod content;
mod viewer;
mod zip;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::case::custody;
use crate::case::intake::Locator;
use crate::case::{Case, Confidentiality, Exhibit, SignatoryRole};
use crate::dossier::bag::{self, ManifestLine};
use crate::dossier::diff::{self, DossierDiff, DossierRef};
use crate::dossier::json::{self, DossierJson, Profile, SealedExhibit, Supplements};
use crate::dossier::verify::read_intact;
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;
use crate::render;
use crate::template::{Registry, Template};
use content::{Content, ExhibitFile, Generated};
use zip::{NewFolder, Staged};

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
    /// Fonts for the PDF besides the shipped ones and those case.json lists.
    pub fonts: Vec<PathBuf>,
    /// A draft, built despite `check` errors: marked so on every page, in dossier.json and
    /// in bag-info.txt.
    pub draft: bool,
    /// An earlier dossier of the case (zip or folder) that this one supplements: verified
    /// intact first, then named in dossier.json, bag-info.txt and every PDF, which says what
    /// changed since.
    pub supplements: Option<PathBuf>,
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
    /// The earlier dossier this one supplements (`--supplements`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplements: Option<Supplements>,
}

/// Builds the dossier of `case`, loaded from the case folder `root` (the caller has usually read
/// it already, to check it).
pub fn build(
    root: &Path,
    case: &Case,
    options: &BuildOptions,
    progress: &ProgressBar,
) -> Result<Sealed> {
    let destination = Destination::new(case, options)?;
    let previous = options
        .supplements
        .as_deref()
        .map(|path| Previous::read(path, case, options, &destination, progress))
        .transpose()?;
    let custody_log = read_custody_log(root, case)?;
    let registry = Registry::for_case(root)?;
    let inputs = SubmissionInputs::read(root, case, &registry, options)?;

    // The output folder, if this build makes it, goes again when the build fails. (Declared
    // before everything that may leave temporary files in it, so it is dropped after them.)
    let mut out_folder = NewFolder::create(&options.out_dir)?;
    let Located { exhibits, sealed } = locate_exhibits(root, case, options.profile)?;
    let exhibit_lines: Vec<ManifestLine> = exhibits
        .iter()
        .map(|(path, file)| file.manifest_line(path))
        .collect();
    let exhibit_fingerprint = bag::exhibit_fingerprint(&exhibit_lines);
    let withheld = sealed.iter().filter(|e| e.withheld).count();
    let data = DataFiles {
        case,
        options,
        name: &destination.name,
        exhibit_fingerprint: &exhibit_fingerprint,
        previous: previous.as_ref(),
    }
    .generate(sealed, &custody_log, &inputs)?;
    let tags = TagFiles::new(
        case,
        options,
        exhibit_lines,
        &exhibits,
        &data,
        &exhibit_fingerprint,
        previous.as_ref().map(|p| &p.supplements),
    );
    let files = bag_files(exhibits, data, tags.files)?;

    progress.set_length(case.exhibits.iter().map(|e| e.size).sum());
    let staged = Staged::write(&files, &destination.name, options, progress)?;
    let folder = staged.persist_zip(&destination.zip)?;
    out_folder.keep();
    let unpacked = folder
        .map(|dir| zip::place_folder(dir, destination.folder))
        .transpose()?;
    Ok(Sealed {
        name: destination.name,
        zip: destination.zip,
        unpacked,
        dossier_fingerprint: tags.dossier_fingerprint,
        exhibit_fingerprint,
        exhibits: case.exhibits.len(),
        withheld,
        payload_bytes: tags.payload_bytes,
        supplements: previous.map(|p| p.supplements),
    })
}

/// Where the dossier goes: its name and its final paths.
struct Destination {
    name: String,
    zip: PathBuf,
    folder: PathBuf,
}

impl Destination {
    /// The dossier's paths in the output folder; refuses to replace one unless forced.
    fn new(case: &Case, options: &BuildOptions) -> Result<Destination> {
        let name = format!(
            "{}-{}-{}",
            case.id,
            options.profile.as_str(),
            options.date.format("%Y-%m-%d")
        );
        let zip = options.out_dir.join(format!("{name}.zip"));
        let folder = options.out_dir.join(&name);
        for existing in std::iter::once(&zip).chain(options.unpacked.then_some(&folder)) {
            if existing.exists() && !options.force {
                return Err(Error::input(
                    format!("{} already exists", existing.display()),
                    "a sealed dossier is never overwritten by accident: pass --force to replace it, \
                     or build with another --date or --out",
                ));
            }
            // Signatures are the coalition's, collected one by one: no rebuild may lose them.
            let signed = crate::dossier::sign::signers(existing);
            if existing.exists() && !signed.is_empty() {
                return Err(Error::input(
                    format!(
                        "{} is signed by {}: a signed dossier is never replaced, not even with --force",
                        existing.display(),
                        signed.join(", ")
                    ),
                    "build with another --date or --out, or move the signed dossier somewhere safe first \
                     (a rebuilt dossier carries no signatures and must be signed again)",
                ));
            }
        }
        Ok(Destination { name, zip, folder })
    }
}

/// The earlier dossier a supplementary submission supplements, verified intact.
struct Previous {
    supplements: Supplements,
    reference: DossierRef,
    json: DossierJson<'static>,
}

impl Previous {
    /// Verifies the dossier at `path` and reads it; refuses one that is not intact, of another
    /// case, a draft (unless this build is one too), dated after this build, or of this build's
    /// own name.
    fn read(
        path: &Path,
        case: &Case,
        options: &BuildOptions,
        destination: &Destination,
        progress: &ProgressBar,
    ) -> Result<Previous> {
        let refuse = |why: String, fix: &str| {
            Error::input(
                format!("cannot supplement {}: {why}", path.display()),
                fix.to_string(),
            )
        };
        progress.set_message("verifying the dossier it supplements");
        // A supplement refers only to a dossier proved intact: the one that was filed.
        let (report, json) =
            read_intact(path, progress).map_err(|e| e.within("cannot supplement"))?;
        progress.set_position(0);
        progress.set_message("sealing");
        let fingerprint = report.dossier_fingerprint.clone().unwrap_or_default();
        if json.case.id != case.id {
            return Err(refuse(
                format!(
                    "it is a dossier of the case {}, not of this case ({})",
                    json.case.id, case.id
                ),
                "give an earlier dossier of this case, or build in the right case folder (-C DIR)",
            ));
        }
        if json.draft && !options.draft {
            return Err(refuse(
                "it is a draft, not for filing: a supplement refers to a dossier that was filed"
                    .into(),
                "give the dossier that was filed, or build this one with --draft too",
            ));
        }
        let date = options.date.format("%Y-%m-%d").to_string();
        if *json.date > *date {
            return Err(refuse(
                format!("it is dated {}, after this build's date {date}", json.date),
                "build with a later --date, or give an earlier dossier",
            ));
        }
        if report.bag == destination.name {
            return Err(refuse(
                format!("it has this build's own name, {}", destination.name),
                "build the supplement with another --date (or profile)",
            ));
        }
        let supplements = Supplements {
            name: report.bag.clone(),
            date: json.date.to_string(),
            dossier_fingerprint: fingerprint.clone(),
            profile: json.profile,
        };
        let reference = DossierRef {
            name: report.bag,
            case: json.case.id.to_string(),
            date: json.date.to_string(),
            profile: json.profile,
            dossier_fingerprint: Some(fingerprint),
        };
        Ok(Previous {
            supplements,
            reference,
            json,
        })
    }

    /// What changed from this earlier dossier to `now`, the one being built as `name`.
    fn compare(&self, now: &DossierJson, name: &str) -> DossierDiff {
        let this = DossierRef {
            name: name.to_string(),
            case: now.case.id.to_string(),
            date: now.date.to_string(),
            profile: now.profile,
            dossier_fingerprint: None,
        };
        diff::compare((self.reference.clone(), &self.json), (this, now))
    }
}

/// The case's custody log (empty if there is none), refused if damaged.
fn read_custody_log(root: &Path, case: &Case) -> Result<Vec<u8>> {
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
    Ok(custody_log)
}

/// What the submissions are made of besides the case: one template per regime, the narrative
/// and the fonts.
struct SubmissionInputs<'a> {
    templates: Vec<&'a Template>,
    narrative: render::Narrative,
    fonts: Vec<render::ExtraFont>,
}

impl<'a> SubmissionInputs<'a> {
    /// Reads and checks the submission's inputs before anything is written: a name no font can
    /// show stops the build here.
    fn read(
        root: &Path,
        case: &Case,
        registry: &'a Registry,
        options: &BuildOptions,
    ) -> Result<SubmissionInputs<'a>> {
        let templates = case
            .regimes
            .iter()
            .map(|id| registry.require(id))
            .collect::<Result<Vec<_>>>()?;
        let narrative = render::Narrative::read(root)?;
        let fonts = case
            .fonts
            .iter()
            .map(|f| root.join(f))
            .chain(options.fonts.iter().cloned())
            .map(|path| render::ExtraFont::read(&path))
            .collect::<Result<Vec<_>>>()?;
        render::check_fonts(case, &narrative, &fonts)?;
        Ok(SubmissionInputs {
            templates,
            narrative,
            fonts,
        })
    }
}

/// The exhibits as this profile seals them.
struct Located<'a> {
    /// The exhibit files to copy into the bag, by their path in the bag.
    exhibits: Vec<(String, ExhibitFile<'a>)>,
    /// Every exhibit's record for dossier.json, withheld ones too.
    sealed: Vec<SealedExhibit>,
}

/// Finds every exhibit file this profile includes; one that is not there stops the build before
/// anything is written.
fn locate_exhibits<'a>(root: &Path, case: &'a Case, profile: Profile) -> Result<Located<'a>> {
    let mut locator = Locator::new(root)?;
    let mut exhibits = Vec::new();
    let mut problems = Vec::new();
    let mut sealed = Vec::new();
    for exhibit in &case.exhibits {
        let withheld =
            profile == Profile::Public && exhibit.confidentiality == Confidentiality::Confidential;
        if withheld {
            sealed.push(SealedExhibit::withheld(exhibit));
            continue;
        }
        match locator.locate(&exhibit.path) {
            Ok(source) => {
                let file = format!("{}{}", bag::EXHIBITS_DIR, exhibit_file_name(exhibit));
                sealed.push(SealedExhibit::included(exhibit, &file, profile));
                exhibits.push((file, ExhibitFile { source, exhibit }));
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
    Ok(Located { exhibits, sealed })
}

/// The dossier whose payload files are generated: what those files say about it.
struct DataFiles<'a> {
    case: &'a Case,
    options: &'a BuildOptions,
    name: &'a str,
    exhibit_fingerprint: &'a str,
    previous: Option<&'a Previous>,
}

impl DataFiles<'_> {
    /// The generated payload files: exhibits.csv, dossier.json, the offline viewer, one submission
    /// PDF per regime and the custody log as sealed.
    fn generate(
        &self,
        sealed: Vec<SealedExhibit>,
        custody_log: &[u8],
        inputs: &SubmissionInputs,
    ) -> Result<Vec<(String, Generated)>> {
        let (case, options) = (self.case, self.options);
        let dir = &options.out_dir;
        let mut files = vec![(
            "data/exhibits.csv".to_string(),
            Generated::new(exhibits_csv(case, &sealed)?, dir)?,
        )];
        let dossier_json = DossierJson::new(
            case,
            options.profile,
            options.date.format("%Y-%m-%d").to_string(),
            self.exhibit_fingerprint,
            &sealed,
        )
        .drafted(options.draft)
        .supplementing(self.previous.map(|p| p.supplements.clone()));
        let supplement = self.previous.map(|p| p.compare(&dossier_json, self.name));
        let json = Generated::spill(dir, |out| {
            serde_json::to_writer_pretty(&mut *out, &dossier_json)?;
            out.write_all(b"\n")
        })?;
        files.push((json::PATH.into(), json));
        let index = Generated::spill(dir, |out| {
            viewer::write_viewer(out, &dossier_json, self.name, &inputs.templates)
        })?;
        files.push((viewer::PATH.into(), index));
        let sealed_log = redact_custody(
            custody_log,
            &redacted_ids(case, options.profile),
            options.profile,
        );
        let submissions = self.render(inputs, &sealed, &sealed_log, supplement.as_ref());
        drop(sealed);
        for (template, pdf) in inputs.templates.iter().zip(submissions) {
            files.push((
                format!("data/submission-{}.pdf", template.id),
                Generated::new(pdf?, dir)?,
            ));
        }
        files.push((
            "data/custody.jsonl".into(),
            Generated::copied(&sealed_log, dir)?,
        ));
        Ok(files)
    }

    /// One submission PDF per template, rendered on every core.
    fn render(
        &self,
        inputs: &SubmissionInputs,
        exhibits: &[SealedExhibit],
        custody_log: &[u8],
        supplement: Option<&DossierDiff>,
    ) -> Vec<Result<Vec<u8>>> {
        crate::hash::on_every_core(
            &inputs.templates,
            || (),
            |(), template| {
                render::render(&render::Submission {
                    case: self.case,
                    template,
                    profile: self.options.profile,
                    draft: self.options.draft,
                    date: self.options.date,
                    dossier: self.name,
                    exhibit_fingerprint: self.exhibit_fingerprint,
                    exhibits,
                    custody_log,
                    narrative: &inputs.narrative,
                    fonts: &inputs.fonts,
                    supplement,
                })
            },
        )
    }
}

/// The exhibits whose custody lines are not sealed as they are: in the public profile, the
/// confidential ones and those from a confidential source.
fn redacted_ids(case: &Case, profile: Profile) -> Vec<&str> {
    // A withdrawn exhibit's lines stay in the log: they are withheld as the exhibit was.
    case.exhibits
        .iter()
        .chain(case.retired.iter().filter_map(|r| r.exhibit.as_ref()))
        .filter(|e| {
            profile == Profile::Public
                && (e.confidentiality == Confidentiality::Confidential || e.source.confidential)
        })
        .map(|e| e.id.as_str())
        .collect()
}

/// The tag files (RFC 8493 s2.1, s2.2), and what they say about the payload.
struct TagFiles {
    files: Vec<(String, Generated)>,
    dossier_fingerprint: String,
    payload_bytes: u64,
}

impl TagFiles {
    /// The manifest of every payload file, bag-info.txt, bagit.txt, and the tag manifest over
    /// those three.
    fn new(
        case: &Case,
        options: &BuildOptions,
        exhibit_lines: Vec<ManifestLine>,
        exhibits: &[(String, ExhibitFile)],
        data: &[(String, Generated)],
        exhibit_fingerprint: &str,
        supplements: Option<&Supplements>,
    ) -> TagFiles {
        let mut manifest_lines = exhibit_lines;
        manifest_lines.extend(data.iter().map(|(path, file)| file.manifest_line(path)));
        let sizes: Vec<u64> = (exhibits.iter().map(|(_, file)| file.exhibit.size))
            .chain(data.iter().map(|(_, file)| file.size()))
            .collect();
        let manifest = bag::write_manifest(&manifest_lines);
        let bag_info = bag_info(case, options, &sizes, exhibit_fingerprint, supplements);
        let bagit = bag::bagit_txt();
        let line = |text: &str, path: &str| ManifestLine {
            sha256: sha256_bytes(text.as_bytes()),
            path: path.into(),
        };
        let tag_manifest = bag::write_manifest(&[
            line(&bagit, bag::BAGIT_TXT),
            line(&bag_info, bag::BAG_INFO_TXT),
            line(&manifest, bag::MANIFEST),
        ]);
        let dossier_fingerprint = bag::dossier_fingerprint(manifest.as_bytes());
        let files = [
            (bag::BAGIT_TXT, bagit),
            (bag::BAG_INFO_TXT, bag_info),
            (bag::MANIFEST, manifest),
            (bag::TAG_MANIFEST, tag_manifest),
        ]
        .map(|(path, text)| (path.to_string(), Generated::Bytes(text.into_bytes())));
        TagFiles {
            files: files.into(),
            dossier_fingerprint,
            payload_bytes: sizes.iter().sum(),
        }
    }
}

/// `bag-info.txt`: who sealed the dossier, of what case, when, the payload's size, and the
/// earlier dossier it supplements.
fn bag_info(
    case: &Case,
    options: &BuildOptions,
    sizes: &[u64],
    exhibit_fingerprint: &str,
    supplements: Option<&Supplements>,
) -> String {
    let lead = case
        .signatories
        .iter()
        .find(|s| s.role == SignatoryRole::Lead)
        .or(case.signatories.first());
    let text = |v: Option<&String>| v.cloned().unwrap_or_else(|| "not given".into());
    bag::write_bag_info(
        &[
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
            ("Exhibit-Fingerprint", exhibit_fingerprint.to_string()),
        ]
        .into_iter()
        .chain(options.draft.then(|| (bag::DRAFT_LABEL, "yes".to_string())))
        .chain(
            supplements
                .into_iter()
                .flat_map(Supplements::bag_info_fields),
        )
        .collect::<Vec<_>>(),
    )
}

/// Every file of the bag, sorted by path so that the same case gives the same zip; a path that
/// would leave the bag stops the build.
fn bag_files<'a>(
    exhibits: Vec<(String, ExhibitFile<'a>)>,
    data: Vec<(String, Generated)>,
    tags: Vec<(String, Generated)>,
) -> Result<Vec<(String, Content<'a>)>> {
    let mut files: Vec<(String, Content)> = exhibits
        .into_iter()
        .map(|(path, file)| (path, Content::Exhibit(file)))
        .chain(
            data.into_iter()
                .chain(tags)
                .map(|(path, file)| (path, Content::Generated(file))),
        )
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, _) in &files {
        if let Some(why) = bag::unsafe_bag_path(path) {
            return Err(Error::input(
                format!("cannot seal `{path}`: {why}"),
                "check the exhibit's id and file name in case.json",
            ));
        }
    }
    Ok(files)
}

/// `E-001-<file name>`; a backslash (legal in Unix names, refused in zips) becomes `_`.
fn exhibit_file_name(exhibit: &Exhibit) -> String {
    let file = exhibit.path.rsplit('/').next().unwrap_or(&exhibit.path);
    format!("{}-{}", exhibit.id, file.replace('\\', "_"))
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
    let events_of = case.events_by_exhibit();
    for e in exhibits {
        // Of a withheld exhibit only its id, hash and size are told, not what it supports.
        let events: &[&str] = match events_of.get(e.id.as_str()) {
            Some(events) if !e.withheld => events,
            _ => &[],
        };
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

/// The custody log as sealed. In the public profile, lines about withheld exhibits or exhibits
/// whose source is confidential, and every `copy` line (it names the local file the exhibit was
/// copied from, such as `/home/<name>/Downloads/...`), are replaced by a stub that keeps the
/// chain checkable: the line's own hash and the `prev` it held, but none of its content.
fn redact_custody<'a>(log: &'a [u8], withheld: &[&str], profile: Profile) -> Cow<'a, [u8]> {
    if profile == Profile::Full {
        // As it is: not copied (32 MB for 100,000 exhibits).
        return Cow::Borrowed(log);
    }
    let mut out = Vec::with_capacity(log.len());
    let body = log.strip_suffix(b"\n").unwrap_or(log);
    if body.is_empty() {
        return Cow::Owned(out);
    }
    for raw in body.split(|&b| b == b'\n') {
        let entry: Option<custody::Entry> = std::str::from_utf8(raw)
            .ok()
            .and_then(|t| serde_json::from_str(t).ok());
        match entry {
            Some(entry)
                if entry.action == "copy"
                    || entry
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
    Cow::Owned(out)
}
