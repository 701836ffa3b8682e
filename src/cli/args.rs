//! The command line's shape (clap derive): every command, flag and help text, in one place.
//!
//! Turning these into the library's specs is done in `commands`; nothing here touches disk.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Builds sealed, hash-verified evidence dossiers for Magnitsky-style sanctions referrals.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, propagate_version = true)]
#[command(
    after_help = "Example:\n  dossier init my-case --title \"The Lantern crackdown\" --regime us-glomag \\\n    --regime uk-ghr\n  dossier -C my-case exhibit add ~/statements/witness-1.pdf \\\n    --title \"Statement of witness 1\"\n  dossier -C my-case check"
)]
pub struct Cli {
    /// Work on the case in DIR instead of the current folder (before or after the command name)
    #[arg(short = 'C', long = "case", value_name = "DIR", global = true)]
    pub case: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new case folder: case.json, evidence/, narrative/, custody.jsonl
    #[command(
        after_help = "Example:\n  dossier init my-case --title \"The Lantern crackdown\" --id NP-2024 \\\n    --regime us-glomag --regime uk-ghr"
    )]
    Init(InitArgs),

    /// Register evidence files as exhibits, list, correct or withdraw them
    #[command(subcommand)]
    Exhibit(ExhibitCommand),

    /// Add, list, correct or remove alleged perpetrators (persons or entities)
    #[command(subcommand)]
    Subject(SubjectCommand),

    /// Add, list, correct or remove timeline events
    #[command(subcommand)]
    Event(EventCommand),

    /// Add, list, correct or remove the organisations of the coalition that submit the referral
    #[command(subcommand)]
    Signatory(SignatoryCommand),

    /// Add or list who each regime's cover letter is addressed to
    #[command(subcommand)]
    Addressee(AddresseeCommand),

    /// Add exhibits, subjects or events from a CSV file (one row = one add, all rows or none)
    #[command(
        after_help = "Example:\n  dossier import subjects.csv --as subjects\n\nColumns are described in docs/case-format.md; lists inside a cell are separated by `;`."
    )]
    Import(ImportArgs),

    /// Report every problem that would weaken or block the referral (exit 1 if any error)
    #[command(
        after_help = "Example:\n  dossier check\n  dossier -C my-case check --json\n  dossier check --sanctions ~/Downloads/entities.ftm.json.gz\n  dossier check --sanctions entities.ftm.json --record   # keep strong matches"
    )]
    Check(CheckArgs),

    /// Seal the case into a dossier: one BagIt 1.0 bag in a reproducible zip
    #[command(
        after_help = "Example:\n  dossier build --date 2026-11-21\n  dossier build --profile public --out /tmp/publish --unpacked\n  dossier build --font /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf\n  dossier build --date 2027-02-10 \\\n    --supplements dossiers/NZ-LANTERN-full-2026-11-21.zip\n\nThe zip is <case-id>-<profile>-<date>.zip in --out (default: the case's dossiers/ folder). It holds\ndata/submission-<regime>.pdf for each regime of the case. With --supplements, PREV is\nverified first, and each PDF says after its cover what changed since PREV (as `dossier diff`)."
    )]
    Build(BuildArgs),

    /// Prove a dossier (zip or folder) is as sealed: every hash, tag file and the custody log
    #[command(
        after_help = "Example:\n  dossier verify NZ-LANTERN-full-2026-11-21.zip\n  dossier verify NZ-LANTERN-full-2026-11-21.zip --exhibit ~/Downloads/order.pdf\n  dossier verify NZ-LANTERN-full-2026-11-21.zip.age --key ~/dossier-keys/nap\n  dossier verify NZ-LANTERN-full-2026-11-21.zip --tsa-ca freetsa-cacert.pem\n\nExit 0: intact; 1: problems found; 2: not a dossier or not readable."
    )]
    Verify(VerifyArgs),

    /// What changed between two dossiers: exhibits, subjects and events added, removed, changed
    #[command(
        after_help = "Example:\n  dossier diff dossiers/NZ-LANTERN-full-2026-11-21.zip \\\n    dossiers/NZ-LANTERN-full-2027-02-10.zip\n  dossier diff OLD.zip NEW.zip --json\n\nA is the earlier dossier, B the later; each is a zip or an unpacked folder, and both are\nverified first: one that is not intact is refused (exit 2). If either is public, both are\ncompared as the public profile shows them. Exit 0, changes or not."
    )]
    Diff(DiffArgs),

    /// Make a signing key for an organisation of the coalition
    #[command(subcommand)]
    Key(KeyCommand),

    /// Sign a sealed dossier for an organisation (SSH signature over a statement of its fingerprint)
    #[command(
        after_help = "Example:\n  dossier sign NZ-LANTERN-full-2026-11-21.zip --key ~/dossier-keys/nap \\\n    --org \"Norzhavia Accountability Project\" --role lead\n  dossier sign NZ-LANTERN-full-2026-11-21.zip --key ~/dossier-keys/qpft \\\n    --org \"Quillwater Press Freedom Trust\" --detached --out ~/to-send\n\nThe signature goes into signatures/ of the dossier; data/ and the manifests are not touched, so\nthe dossier fingerprint does not change. With --detached the dossier is not touched at all:\n<org>.statement.txt and <org>.sig are written to --out DIR (default: the current folder), to\nsend to the lead, who adds everyone's with `dossier signatures add`. A key with a passphrase\nasks for it, or reads DOSSIER_PASSPHRASE."
    )]
    Sign(SignArgs),

    /// Add co-signers' detached signatures to a dossier in one step, list them, or remove one
    #[command(subcommand)]
    Signatures(SignaturesCommand),

    /// Encrypt a dossier to the coalition's SSH keys (an age file, readable by `age -d -i KEY` too)
    #[command(
        after_help = "Example:\n  dossier encrypt NZ-LANTERN-full-2026-11-21.zip --to ~/allowed_signers\n  dossier encrypt NZ-LANTERN-full-2026-11-21.zip --armor \\\n    --to-key ~/dossier-keys/nap.pub --to-key quillwater.pub\n\nWrites PATH.age (or --out F) beside PATH. --to reads a file of SSH public keys (one a line) or an\nOpenSSH allowed_signers file; keys whose valid-before has passed are left out, with a warning.\nEd25519 and RSA keys."
    )]
    Encrypt(EncryptArgs),

    /// Decrypt an encrypted dossier (.age) with your organisation's private key
    #[command(
        after_help = "Example:\n  dossier decrypt NZ-LANTERN-full-2026-11-21.zip.age --key ~/dossier-keys/nap\n  dossier verify NZ-LANTERN-full-2026-11-21.zip.age --key ~/dossier-keys/nap\n\nWrites F without .age (or --out PATH) only once every byte is authenticated: a wrong key, a\ndamaged or cut-short file leaves nothing behind. A key with a passphrase asks for it, or reads\nDOSSIER_PASSPHRASE."
    )]
    Decrypt(DecryptArgs),

    /// Record what became of the referral with each regime (filed, acknowledged, ...), or show it
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Example:\n  dossier status\n  dossier status --json\n  dossier status add filed --regime us-glomag \\\n    --dossier dossiers/NZ-LANTERN-full-2026-11-21.zip\n\nThe filing record is kept in case.json, logged in custody.jsonl and carried\ninto every later dossier (data/dossier.json)."
    )]
    Status(StatusArgs),

    /// Export subjects, events and exhibits for other tools (FollowTheMoney JSON lines)
    #[command(
        after_help = "Example:\n  dossier export . --format ftm --out lantern.ftm.json\n  dossier export dossiers/NZ-LANTERN-full-2026-11-21.zip --format ftm\n  dossier export . --format csv --out lantern-csv\n\nPATH is a case folder, or a dossier (zip or folder; read only if it verifies intact). CSV: exhibits.csv, subjects.csv, criteria.csv and events.csv in the columns of\n`dossier import`; importing them in that order into a new case rebuilds the records. Entities: Person/Organization per subject, Position + Occupancy per post\nheld, Event per timeline event, Document per exhibit (contentHash = SHA-1, as Aleph expects) with\nDocumentation links, and one Sanction per subject and regime, marked as proposed, not imposed."
    )]
    Export(ExportArgs),

    /// Trusted timestamps (RFC 3161): prove a dossier existed at a time, without trusting us
    #[command(subcommand)]
    Timestamp(TimestampCommand),
}

#[derive(Debug, Subcommand)]
pub enum TimestampCommand {
    /// Write a timestamp request (.tsq) for the dossier's fingerprint, to send to a TSA
    #[command(
        after_help = "Example:\n  dossier timestamp request NZ-LANTERN-full-2026-11-21.zip\n  curl -H 'Content-Type: application/timestamp-query' \\\n    --data-binary @NZ-LANTERN-full-2026-11-21.tsq \\\n    https://freetsa.org/tsr -o NZ-LANTERN-full-2026-11-21.tsr\n\nThe request holds only the fingerprint (SHA-256 of manifest-sha256.txt) and a random nonce:\nnothing secret. Offline, carry the .tsq to a connected machine, send it there and bring back\nthe .tsr. `openssl ts -query -in F.tsq -text` shows what it asks."
    )]
    Request(TimestampRequestArgs),

    /// Store a TSA's response (.tsr) in the dossier once it attests the dossier's fingerprint
    #[command(
        after_help = "Example:\n  dossier timestamp add NZ-LANTERN-full-2026-11-21.zip \\\n    NZ-LANTERN-full-2026-11-21.tsr\n\nThe response must be granted and its imprint this dossier's fingerprint (and, if its request\nF.tsq is beside F.tsr, carry the request's nonce). It goes into timestamps/ of the dossier as\nsent; data/ and the manifests are not touched, so the fingerprint does not change. Check it\nwith `dossier verify PATH --tsa-ca TSA-CA.pem`."
    )]
    Add(TimestampAddArgs),
}

#[derive(Debug, Args)]
pub struct TimestampRequestArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// Where to write the request (default: the dossier's name with .tsq, beside it)
    #[arg(long, value_name = "F.tsq")]
    pub out: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TimestampAddArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// The TSA's response (a TimeStampResp, .tsr)
    #[arg(value_name = "F.tsr")]
    pub response: PathBuf,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// `dossier status`: the filing record shown, or an entry added or removed.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(subcommand)]
    pub command: Option<StatusCommand>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// Record a step of the referral with one regime's authority
    #[command(
        after_help = "Example:\n  dossier status add filed --regime us-glomag --date 2026-11-25 \\\n    --dossier dossiers/NZ-LANTERN-full-2026-11-21.zip --ref \"sent by e-mail\"\n  dossier status add acknowledged --regime us-glomag --ref \"OFAC-2026-117\"\n  dossier status add designated --regime us-glomag --date 2026-11-28 \\\n    --ref https://home.treasury.gov/news/press-releases/sb0000\n\nfiled needs --dossier: the dossier sent, verified intact and of this case\nfirst (its file name and fingerprint are recorded). Other states refer to the\nregime's latest dossier unless given one. Anything but filed follows a filing;\nnothing but filed follows withdrawn; designated needs the authority's --ref."
    )]
    Add(StatusAddArgs),
    /// Take a mistaken entry out of the filing record (kept in case.json's retired, logged)
    #[command(
        after_help = "Example:\n  dossier status remove F-002 --reason \"wrong date, see F-003\""
    )]
    Remove(RetireArgs),
}

/// Where a referral stands with one regime's authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StateArg {
    /// Sent to the authority (needs --dossier)
    Filed,
    /// The authority confirmed receipt
    Acknowledged,
    /// More was sent or asked for after filing
    FollowUp,
    /// The authority designated (needs --ref)
    Designated,
    /// The authority decided not to act
    Declined,
    /// The coalition withdrew the referral
    Withdrawn,
}

impl From<StateArg> for crate::case::FilingState {
    fn from(state: StateArg) -> Self {
        use crate::case::FilingState;
        match state {
            StateArg::Filed => FilingState::Filed,
            StateArg::Acknowledged => FilingState::Acknowledged,
            StateArg::FollowUp => FilingState::FollowUp,
            StateArg::Designated => FilingState::Designated,
            StateArg::Declined => FilingState::Declined,
            StateArg::Withdrawn => FilingState::Withdrawn,
        }
    }
}

#[derive(Debug, Args)]
pub struct StatusAddArgs {
    /// Where the referral now stands
    #[arg(value_enum)]
    pub state: StateArg,
    /// The regime whose authority it concerns (one of the case's regimes)
    #[arg(long, value_name = "REGIME")]
    pub regime: String,
    /// When it happened: 2026-11-25 (or 2026-11, 2026, ~2026, a range); default: today, UTC
    #[arg(long, value_name = "D")]
    pub date: Option<String>,
    /// The dossier it is about: its .zip or unpacked folder (required for filed)
    #[arg(long, value_name = "PATH")]
    pub dossier: Option<PathBuf>,
    /// The authority's reference: case or notice number, press release address
    #[arg(long = "ref", value_name = "TEXT")]
    pub reference: Option<String>,
    /// A note for the team (carried into later dossiers, the public profile too)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// The file to encrypt: a dossier's .zip
    pub path: PathBuf,
    /// A file of recipients: SSH public keys, one a line, or an OpenSSH allowed_signers file
    #[arg(long, value_name = "FILE")]
    pub to: Vec<PathBuf>,
    /// One recipient's SSH public key (a .pub file)
    #[arg(long, value_name = "KEY.pub")]
    pub to_key: Vec<PathBuf>,
    /// Where to write the age file (default: PATH.age)
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
    /// ASCII armor (PEM-like text) instead of binary, for channels that mangle binary files
    #[arg(long)]
    pub armor: bool,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The encrypted dossier (.age, binary or armored)
    pub path: PathBuf,
    /// Your organisation's SSH private key (Ed25519 or RSA)
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Where to write the dossier (default: PATH without .age)
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The case folder, or a dossier (its .zip or unpacked folder)
    pub path: PathBuf,
    /// ftm: FollowTheMoney entities, one JSON object a line; csv: one CSV per record kind
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// ftm: write to FILE instead of standard output; csv: the folder for the CSV files (required)
    #[arg(long, value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
}

/// Which dossier `build` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// Everything, for the authority.
    Full,
    /// Confidential exhibits withheld and confidential sources hidden, for publication.
    Public,
}

impl From<ProfileArg> for crate::dossier::json::Profile {
    fn from(profile: ProfileArg) -> Self {
        use crate::dossier::json::Profile;
        match profile {
            ProfileArg::Full => Profile::Full,
            ProfileArg::Public => Profile::Public,
        }
    }
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Ftm,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make an Ed25519 OpenSSH key pair: PREFIX (private, mode 0600) and PREFIX.pub
    #[command(
        after_help = "Example:\n  dossier key generate --org \"Norzhavia Accountability Project\" \\\n    --out ~/dossier-keys/nap\n  dossier key generate --org \"Quillwater Press Freedom Trust\" \\\n    --out ~/dossier-keys/qpft --passphrase\n\nKeep the private key outside the case folder. The last line printed is the line to add\nto the coalition's allowed_signers file (see the README)."
    )]
    Generate(KeyGenerateArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// The organisation the key signs for
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// Where to write the key: PREFIX and PREFIX.pub
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Protect the key with a passphrase, asked on the terminal (or taken from DOSSIER_PASSPHRASE)
    #[arg(long)]
    pub passphrase: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// The organisation's private key
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The organisation signing
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// lead (files the referral) or co-signer
    #[arg(long, value_name = "lead|co-signer", default_value = "co-signer")]
    pub role: String,
    /// The date in the statement, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Replace this organisation's own earlier signature (with --detached: its files in --out)
    #[arg(long)]
    pub replace: bool,
    /// Leave the dossier untouched: write <org>.statement.txt and <org>.sig to --out DIR
    #[arg(long)]
    pub detached: bool,
    /// With --detached: the folder for the two files (default: the current folder; made if missing)
    #[arg(long, value_name = "DIR", requires = "detached")]
    pub out: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SignaturesCommand {
    /// Add detached signatures (.sig with .statement.txt beside it, or folders of them), all or none
    #[command(
        after_help = "Example:\n  dossier signatures add NZ-LANTERN-full-2026-11-21.zip ~/received/*.sig\n  dossier signatures add NZ-LANTERN-full-2026-11-21.zip ~/received\n\nEach statement must name this dossier's case and fingerprint, and each signature verify\nagainst its own key; an organisation that already signed, one that signs twice among the files,\nor a second lead is refused, naming the file, and then nothing is added (exit 2). All are added\nin one rewrite of the zip; data/ and the manifests are not touched. Signatures made with\n`ssh-keygen -Y sign -n dossier` over a statement are taken like those of `dossier sign`."
    )]
    Add(SignaturesAddArgs),
    /// List a dossier's signatures: organisation, role, date, key and whether each is valid
    #[command(
        after_help = "Example:\n  dossier signatures list NZ-LANTERN-full-2026-11-21.zip\n  dossier signatures list NZ-LANTERN-full-2026-11-21.zip \\\n    --allowed-signers ~/allowed_signers --json\n\nEach signature is checked against its statement and the dossier's fingerprint (the SHA-256 of\nmanifest-sha256.txt as it is now); with --allowed-signers also whose key made it. The files\nthemselves are not hashed: `dossier verify` does that."
    )]
    List(SignaturesListArgs),
    /// Remove one organisation's signature from a dossier (the fingerprint does not change)
    #[command(
        after_help = "Example:\n  dossier signatures remove NZ-LANTERN-full-2026-11-21.zip \\\n    --org \"Quillwater Press Freedom Trust\"\n\nRemoves signatures/<org>.statement.txt and <org>.sig in one rewrite of the zip and says what it\nremoved; data/ and the manifests are not touched, so the dossier fingerprint stays the same.\nThe organisation can sign again, or send its detached files again for `signatures add`."
    )]
    Remove(SignaturesRemoveArgs),
}

#[derive(Debug, Args)]
pub struct SignaturesAddArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// A .sig file with its .statement.txt beside it (or X.statement.txt.sig, as ssh-keygen names
    /// it), or a folder of them
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignaturesListArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// Also judge whose keys made the signatures, by an OpenSSH allowed_signers file
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// Judge allowed_signers' valid-after/valid-before at this time, not now:
    /// YYYYMMDD[HHMM[SS]][Z]
    #[arg(long, value_name = "TIME", requires = "allowed_signers")]
    pub verify_time: Option<String>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignaturesRemoveArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// The organisation whose signature to remove (its name, or its principal <org>)
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new case (created if missing; default: the current folder or -C DIR)
    pub dir: Option<PathBuf>,
    /// Title of the case
    #[arg(long)]
    pub title: String,
    /// Case id used in file names (letters, digits, '.', '_', '-'; default: from the title)
    #[arg(long, value_name = "CASE-ID")]
    pub id: Option<String>,
    /// A sanctions regime to target, e.g. us-glomag, uk-ghr, uk-gac, eu-ghr, ca-jvcfoa, au-magnitsky
    #[arg(long = "regime", value_name = "ID")]
    pub regimes: Vec<String>,
    /// Ask the authority to keep the submission confidential
    #[arg(long)]
    pub confidential: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExhibitCommand {
    /// Register files (or every file under a folder) as exhibits; files from outside evidence/ are copied in
    #[command(
        after_help = "Example:\n  dossier exhibit add evidence/photos/gate.jpg \\\n    --title \"Gate of the detention centre\" --collected-at 2023-04-02T10:15:00Z \\\n    --event V-003\n  dossier exhibit add ~/Downloads/leak --source \"insider\" \\\n    --confidential-source --confidential\n\nRelative paths are taken from the case folder (like git -C)."
    )]
    Add(Box<ExhibitAddArgs>),
    /// List the exhibits
    #[command(after_help = "Example:\n  dossier exhibit list --json")]
    List(ListArgs),
    /// Correct an exhibit's metadata, or link it to events (never its file or hash)
    #[command(
        after_help = "Example:\n  dossier exhibit edit E-002 \\\n    --title \"Gate of the detention centre, north side\" --event V-003\n  dossier exhibit edit E-004 --public --source \"\"\n\nEach flag given replaces that field; an empty value clears it. Every change is recorded in\ncustody.jsonl with the field, its old and its new value."
    )]
    Edit(Box<ExhibitEditArgs>),
    /// Withdraw an exhibit: later dossiers leave it out; its file, intake and id stay
    #[command(
        after_help = "Example:\n  dossier exhibit withdraw E-005 --reason \"duplicate of E-002, received twice\"\n\nThe file stays in evidence/ and check no longer asks about it; events and criteria that cited\nit no longer do (each change recorded). The id E-005 is never given to another file."
    )]
    Withdraw(RetireArgs),
}

#[derive(Debug, Args)]
pub struct ExhibitEditArgs {
    /// The exhibit to correct
    #[arg(value_name = "E-ID")]
    pub id: String,
    #[command(flatten)]
    pub meta: ExhibitMetaArgs,
    /// Include the file in the public profile again
    #[arg(long, conflicts_with = "confidential")]
    pub public: bool,
    /// The source may be named in public output again
    #[arg(long, conflicts_with = "confidential_source")]
    pub public_source: bool,
}

/// The record to take out, and why (for the custody log).
#[derive(Debug, Args)]
pub struct RetireArgs {
    /// The record's id
    #[arg(value_name = "ID")]
    pub id: String,
    /// Why, in a few words: recorded in the custody log and in case.json
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ExhibitAddArgs {
    /// Files or folders to register
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub meta: ExhibitMetaArgs,
}

/// An exhibit's metadata, as `exhibit add` takes it and `exhibit edit` replaces it.
#[derive(Debug, Args)]
pub struct ExhibitMetaArgs {
    /// Its title
    #[arg(long)]
    pub title: Option<String>,
    /// What it shows
    #[arg(long)]
    pub description: Option<String>,
    /// Who provided it
    #[arg(long)]
    pub source: Option<String>,
    /// How it was obtained
    #[arg(long)]
    pub obtained: Option<String>,
    /// Original address of web material
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// The source must not be disclosed (shown as "confidential source" in public output)
    #[arg(long)]
    pub confidential_source: bool,
    /// Who collected it
    #[arg(long, value_name = "WHO")]
    pub collected_by: Option<String>,
    /// When it was collected: RFC 3339 (2023-04-02T10:15:00Z) or a day (2023-04-02)
    #[arg(long, value_name = "WHEN")]
    pub collected_at: Option<String>,
    /// Language of the content, e.g. en, ar, ru
    #[arg(long, value_name = "L")]
    pub language: Option<String>,
    /// Withhold the file from the public profile of the dossier
    #[arg(long)]
    pub confidential: bool,
    /// An event the exhibit supports (edit: linked in addition to those it supports); repeatable
    #[arg(long = "event", value_name = "V-ID")]
    pub events: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SubjectCommand {
    /// Add a person (or, with --entity, an organisation) alleged to be responsible
    #[command(
        after_help = "Example:\n  dossier subject add \"Fulan al-Fulani\" --original-script \"فلان الفلاني\" \\\n    --born ~1968 --nationality XA \\\n    --position \"Director, Detention Centre No. 4, 2016, 2021\" \\\n    --id-document passport:X1234567:XA --criterion 'us-glomag:1(a)(ii)(A)' \\\n    --criterion 'uk-ghr:4(2)(b)' --argument \"Ordered the beatings...\" \\\n    --exhibit E-004\n\n--argument and --exhibit attach to every --criterion of the same command."
    )]
    Add(Box<SubjectAddArgs>),
    /// List the subjects
    #[command(after_help = "Example:\n  dossier subject list")]
    List(ListArgs),
    /// Correct a subject: any flag of `subject add`, and criteria added or removed
    #[command(
        after_help = "Example:\n  dossier subject edit S-002 --nationality FI --nationality GB\n  dossier subject edit S-001 --add-criterion 'uk-ghr:4(2)(b)' \\\n    --argument \"He ordered...\" --exhibit E-004\n  dossier subject edit S-001 --remove-criterion 'us-glomag:1(a)(ii)(A)' \\\n    --add-criterion 'us-glomag:1(a)(ii)(A)' --argument \"New argument\"\n\nEach flag given replaces that field (a list flag replaces the whole list); an empty value clears\nit (--alias ''). Clause ids are quoted for the shell, or written with dots (us-glomag:1.a.ii.A).\nEvery change is recorded in custody.jsonl with the field, its old and its new value."
    )]
    Edit(Box<SubjectEditArgs>),
    /// Remove a subject from the case (its id is never reused)
    #[command(
        after_help = "Example:\n  dossier subject remove S-003 --reason \"same person as S-001\"\n\nEvents and associates that named it no longer do (each change recorded)."
    )]
    Remove(RetireArgs),
}

#[derive(Debug, Args)]
pub struct SubjectEditArgs {
    /// The subject to correct
    #[arg(value_name = "S-ID")]
    pub id: String,
    /// Full name in Latin script
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The subject is an organisation, not a person
    #[arg(long, conflicts_with = "person")]
    pub entity: bool,
    /// The subject is a person, not an organisation
    #[arg(long)]
    pub person: bool,
    /// Every flag of `subject add` (see `dossier subject add --help`)
    #[command(flatten)]
    pub fields: SubjectFieldArgs,
    /// Add a criterion: REGIME:CLAUSE, quoted ('uk-ghr:4(2)(b)'); --argument and --exhibit go with it
    #[arg(long = "add-criterion", value_name = "REGIME:CLAUSE")]
    pub add_criteria: Vec<String>,
    /// Remove a criterion: REGIME:CLAUSE, quoted ('us-glomag:1(a)(ii)(A)')
    #[arg(long = "remove-criterion", value_name = "REGIME:CLAUSE")]
    pub remove_criteria: Vec<String>,
    /// Remove the existing designations by this authority: "AUTHORITY[; PROGRAM]"
    #[arg(
        long = "remove-existing-designation",
        value_name = "AUTHORITY[; PROGRAM]"
    )]
    pub remove_existing_designations: Vec<String>,
}

/// The fields of a subject, as `subject add` takes them and `subject edit` replaces them (a list
/// flag given to `edit` replaces the whole list).
#[derive(Debug, Args)]
pub struct SubjectFieldArgs {
    /// Full name in its original script
    #[arg(long, value_name = "NAME")]
    pub original_script: Option<String>,
    /// Another Latin spelling of the name
    #[arg(long = "transliteration", value_name = "T")]
    pub transliterations: Vec<String>,
    /// Another name it is known by
    #[arg(long = "alias", value_name = "A")]
    pub aliases: Vec<String>,
    /// Date or year of birth (or founding)
    #[arg(long, value_name = "DATE")]
    pub born: Option<String>,
    /// Place of birth (or of registration)
    #[arg(long, value_name = "P")]
    pub birthplace: Option<String>,
    /// Gender, as the sources give it
    #[arg(long, value_name = "G")]
    pub gender: Option<String>,
    /// Nationality as an ISO 3166-1 alpha-2 code
    #[arg(long = "nationality", value_name = "CC")]
    pub nationalities: Vec<String>,
    /// "TITLE, ORG[, FROM[, TO]]"
    #[arg(long = "position", value_name = "POSITION")]
    pub positions: Vec<String>,
    /// "TYPE:NUMBER[:COUNTRY]"
    #[arg(long = "id-document", value_name = "DOC")]
    pub id_documents: Vec<String>,
    /// An address
    #[arg(long = "address", value_name = "A")]
    pub addresses: Vec<String>,
    /// An associated entity or family member: "NAME[:RELATION]" (e.g. "Qarvexa LLC:owner")
    #[arg(long = "associate", value_name = "NAME[:RELATION]")]
    pub associates: Vec<String>,
    /// A criterion the conduct meets: REGIME:CLAUSE, quoted for the shell ('us-glomag:1(a)(ii)(A)') or with dots (us-glomag:1.a.ii.A); edit: replaces the criteria
    #[arg(long = "criterion", value_name = "REGIME:CLAUSE")]
    pub criteria: Vec<String>,
    /// Why the conduct meets the criteria given with --criterion or --add-criterion
    #[arg(long, value_name = "TEXT")]
    pub argument: Option<String>,
    /// An exhibit supporting the criteria given with --criterion or --add-criterion
    #[arg(long = "exhibit", value_name = "E-ID")]
    pub exhibits: Vec<String>,
    /// Assets, travel or family in the sanctioning jurisdictions
    #[arg(long, value_name = "TEXT")]
    pub nexus: Vec<String>,
    /// Exculpatory information known
    #[arg(long, value_name = "TEXT")]
    pub exculpatory: Vec<String>,
    /// Family name, for the list-style form "SURNAME, Given Names"
    #[arg(long, value_name = "S")]
    pub surname: Option<String>,
    /// Given names, for the list-style form "SURNAME, Given Names"
    #[arg(long, value_name = "G")]
    pub given_names: Option<String>,
    /// An asset that could be frozen: "WHAT[, WHERE[, JURISDICTION]]"
    #[arg(long = "asset", value_name = "ASSET")]
    pub assets: Vec<String>,
    /// A designation already in force: "AUTHORITY[; PROGRAM[; START DATE[; SOURCE URL[; ENTITY ID]]]]" (the PDF prints it as "Already designated by")
    #[arg(long = "existing-designation", value_name = "DESIGNATION")]
    pub existing_designations: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SubjectAddArgs {
    /// Full name in Latin script
    pub name: String,
    /// The subject is an organisation, not a person
    #[arg(long)]
    pub entity: bool,
    #[command(flatten)]
    pub fields: SubjectFieldArgs,
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Add an event to the timeline
    #[command(
        after_help = "Example:\n  dossier event add 2019-03-14 \"Raid on the newspaper office\" \\\n    --location Qelvaran --subject S-001:commander --exhibit E-002\n  dossier event add 2011-02-14..2011-03-16 \"Protest camp\"\n  dossier event add ~2014 \"Detention centre opens\""
    )]
    Add(EventAddArgs),
    /// List the timeline in date order
    #[command(after_help = "Example:\n  dossier event list")]
    List(ListArgs),
    /// Correct an event: date, title, description, location, subjects and exhibits
    #[command(
        after_help = "Example:\n  dossier event edit V-001 --date 2019-03-15 --add-subject S-002:guard \\\n    --add-exhibit E-004\n  dossier event edit V-002 --remove-exhibit E-003 --location \"\"\n\nEvery change is recorded in custody.jsonl with the field, its old and its new value."
    )]
    Edit(EventEditArgs),
    /// Remove an event from the timeline (its id is never reused)
    #[command(
        after_help = "Example:\n  dossier event remove V-004 --reason \"entered twice, see V-002\""
    )]
    Remove(RetireArgs),
}

#[derive(Debug, Args)]
pub struct EventEditArgs {
    /// The event to correct
    #[arg(value_name = "V-ID")]
    pub id: String,
    /// 2017-01-15, 2017-01, 2017, 2011-02-14..2011-03-16 or ~2014
    #[arg(long)]
    pub date: Option<String>,
    /// What happened, in a few words
    #[arg(long)]
    pub title: Option<String>,
    /// What happened, in full (an empty value clears it)
    #[arg(long)]
    pub description: Option<String>,
    /// Where it happened (an empty value clears it)
    #[arg(long)]
    pub location: Option<String>,
    /// Involve a subject, with their role: S-001 or S-001:ROLE (a new role replaces the old)
    #[arg(long = "add-subject", value_name = "S-ID[:ROLE]")]
    pub add_subjects: Vec<String>,
    /// No longer involve a subject
    #[arg(long = "remove-subject", value_name = "S-ID")]
    pub remove_subjects: Vec<String>,
    /// Link an exhibit that supports the event
    #[arg(long = "add-exhibit", value_name = "E-ID")]
    pub add_exhibits: Vec<String>,
    /// Unlink an exhibit
    #[arg(long = "remove-exhibit", value_name = "E-ID")]
    pub remove_exhibits: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EventAddArgs {
    /// 2017-01-15, 2017-01, 2017, 2011-02-14..2011-03-16 or ~2014
    pub date: String,
    /// What happened, in a few words
    pub title: String,
    /// What happened, in full
    #[arg(long)]
    pub description: Option<String>,
    /// Where it happened
    #[arg(long)]
    pub location: Option<String>,
    /// A subject involved, with their role: S-001 or S-001:ROLE
    #[arg(long = "subject", value_name = "S-ID[:ROLE]")]
    pub subjects: Vec<String>,
    /// An exhibit supporting the event
    #[arg(long = "exhibit", value_name = "E-ID")]
    pub exhibits: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SignatoryCommand {
    /// Add an organisation that submits and signs the referral
    #[command(
        after_help = "Example:\n  dossier signatory add \"Norzhavia Accountability Project\" --role lead \\\n    --country GB --contact \"A. Jones\" --email legal@example.org"
    )]
    Add(SignatoryAddArgs),
    /// List the signatories
    #[command(after_help = "Example:\n  dossier signatory list --json")]
    List(ListArgs),
    /// Correct a signatory's details (one lead at most)
    #[command(
        after_help = "Example:\n  dossier signatory edit \"Norzhavia Justice Project\" --contact \"A. Jones\" \\\n    --email legal@example.org\n  dossier signatory edit \"Quillwater Trust\" \\\n    --name \"Quillwater Press Freedom Trust\"\n\nEvery change is recorded in custody.jsonl with the field, its old and its new value."
    )]
    Edit(SignatoryEditArgs),
    /// Remove a signatory from the coalition
    #[command(
        after_help = "Example:\n  dossier signatory remove \"Quillwater Press Freedom Trust\" \\\n    --reason \"withdrew from the coalition\""
    )]
    Remove(SignatoryRemoveArgs),
}

#[derive(Debug, Args)]
pub struct SignatoryEditArgs {
    /// The organisation's name as the case has it
    pub name: String,
    /// A new name for the organisation
    #[arg(long = "name", value_name = "NAME")]
    pub new_name: Option<String>,
    #[command(flatten)]
    pub details: SignatoryDetailArgs,
}

#[derive(Debug, Args)]
pub struct SignatoryRemoveArgs {
    /// The organisation's name as the case has it
    pub name: String,
    /// Why, for the custody log
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignatoryAddArgs {
    /// The organisation's name, as it signs
    pub name: String,
    #[command(flatten)]
    pub details: SignatoryDetailArgs,
}

/// What `signatory add` records and `signatory edit` corrects, beside the name.
#[derive(Debug, Args)]
pub struct SignatoryDetailArgs {
    /// lead (files the referral) or co-signer
    #[arg(long, value_name = "lead|co-signer")]
    pub role: Option<String>,
    /// Country as an ISO 3166-1 alpha-2 code (GB, not UK)
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Contact person
    #[arg(long, value_name = "NAME")]
    pub contact: Option<String>,
    /// E-mail of the contact person
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// Telephone of the contact person
    #[arg(long, value_name = "P")]
    pub phone: Option<String>,
    /// One line on who the organisation is, printed in the cover letter's signature block
    #[arg(long, value_name = "D")]
    pub description: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AddresseeCommand {
    /// Address a regime's cover letter to someone (without one, the template's authority)
    #[command(
        after_help = "Example:\n  dossier addressee add \"The Honorable Jane Doe\" --regime us-glomag \\\n    --title \"Secretary of the Treasury\" \\\n    --organisation \"U.S. Department of the Treasury\" \\\n    --address \"1500 Pennsylvania Avenue NW, Washington, DC 20220\""
    )]
    Add(AddresseeAddArgs),
    /// List the addressees, per regime
    #[command(after_help = "Example:\n  dossier addressee list --json")]
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddresseeAddArgs {
    /// The name as the letter should open with it
    pub name: String,
    /// The regime whose submission is addressed to them (one of the case's regimes)
    #[arg(long, value_name = "REGIME")]
    pub regime: String,
    /// Their title, e.g. "Secretary of State"
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// Their ministry, department or office
    #[arg(long, value_name = "O")]
    pub organisation: Option<String>,
    /// Postal address, one line
    #[arg(long, value_name = "A")]
    pub address: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, first line names the columns), or `-` for standard input
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// What the rows are
    #[arg(long = "as", value_name = "KIND")]
    pub kind: ImportKind,
}

/// What the rows of an imported CSV file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Exhibits,
    Subjects,
    /// Criteria of existing subjects, each with its own argument and exhibits.
    Criteria,
    Events,
}

impl From<ImportKind> for crate::case::import::Kind {
    fn from(kind: ImportKind) -> Self {
        use crate::case::import::Kind;
        match kind {
            ImportKind::Exhibits => Kind::Exhibits,
            ImportKind::Subjects => Kind::Subjects,
            ImportKind::Criteria => Kind::Criteria,
            ImportKind::Events => Kind::Events,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Also screen the subjects against sanctions data: FollowTheMoney JSON lines as OpenSanctions publishes them (entities.ftm.json, gzip-compressed or not)
    #[arg(long, value_name = "FILE")]
    pub sanctions: Option<PathBuf>,
    /// Write the designations of strong matches (no conflict) into the subjects' existing_designations
    #[arg(long, requires = "sanctions")]
    pub record: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Folder for the dossier (default: dossiers/ in the case folder)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// full: everything, for the authority; public: confidential exhibits withheld, confidential sources hidden
    #[arg(long, value_enum, default_value = "full")]
    pub profile: ProfileArg,
    /// The bagging date, YYYY-MM-DD (default: today, UTC); the same date gives the same bytes
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Replace a dossier of the same name
    #[arg(long)]
    pub force: bool,
    /// Also write the bag unpacked, as a folder beside the zip
    #[arg(long)]
    pub unpacked: bool,
    /// A TrueType font for names in scripts the shipped fonts lack (Chinese, Japanese, Korean...); repeatable
    #[arg(long, value_name = "FILE")]
    pub font: Vec<PathBuf>,
    /// Build even though `check` finds errors: every page is stamped DRAFT - NOT FOR FILING
    #[arg(long)]
    pub draft: bool,
    /// A supplementary submission to the earlier dossier PREV (zip or folder, verified intact
    /// first): named in dossier.json, bag-info.txt and each PDF, which says what changed since
    #[arg(long, value_name = "PREV")]
    pub supplements: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier dossier: its .zip, or the folder of an unpacked one
    pub a: PathBuf,
    /// The later dossier: its .zip, or the folder of an unpacked one
    pub b: PathBuf,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dossier: its .zip, or the folder of an unpacked one
    pub path: PathBuf,
    /// Say which exhibit this loose file is, unaltered, or that it matches none
    #[arg(long, value_name = "FILE")]
    pub exhibit: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Show only problems
    #[arg(long)]
    pub quiet: bool,
    /// Judge signatures by an OpenSSH allowed_signers file: whose keys may sign for which organisation
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// Judge allowed_signers' valid-after/valid-before at this time, not now (as ssh-keygen
    /// -Overify-time): YYYYMMDD[HHMM[SS]][Z], e.g. the signing date of a key retired since
    #[arg(long, value_name = "TIME", requires = "allowed_signers")]
    pub verify_time: Option<String>,
    /// For an encrypted dossier (.age): the private key to decrypt it with; no plain copy is
    /// left on disk
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Check each timestamp's signature and certificate chain against these CA certificates
    /// (PEM, one or more: the timestamping authority's root), as `openssl ts -verify` does
    #[arg(long, value_name = "FILE")]
    pub tsa_ca: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Every command reached from `dossier`, with its full name ("dossier subject edit").
    fn every_command() -> Vec<(String, clap::Command)> {
        fn walk(name: String, command: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
            out.push((name.clone(), command.clone()));
            for sub in command.get_subcommands() {
                walk(format!("{name} {}", sub.get_name()), sub, out);
            }
        }
        let mut out = Vec::new();
        let mut cli = Cli::command();
        cli.build();
        walk("dossier".to_string(), &cli, &mut out);
        // clap's own `help` subcommands say what they do, and need no example.
        out.retain(|(name, _)| !name.split(' ').any(|word| word == "help"));
        out
    }

    #[test]
    fn every_flag_and_argument_of_every_command_has_help() {
        let mut missing = Vec::new();
        for (name, command) in every_command() {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    missing.push(format!("{name}: {id}"));
                }
            }
            if command.get_about().is_none() && name != "dossier" {
                missing.push(format!("{name}: (the command itself)"));
            }
        }
        assert!(missing.is_empty(), "no help for: {missing:#?}");
    }

    #[test]
    fn every_command_that_runs_has_an_example_with_clause_ids_quoted() {
        for (name, command) in every_command() {
            if command.has_subcommands() && name != "dossier" {
                continue;
            }
            let after = command
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(after.contains("Example:"), "{name} --help has no example");
            // A clause id such as 1(a)(ii)(A) is shell syntax unless quoted (or written with
            // dots): an example must run when pasted. Example lines are the `dossier ...` ones
            // and their continuations.
            let mut continued = false;
            for line in after.lines() {
                let example = continued || line.trim_start().starts_with("dossier ");
                continued = example && line.ends_with('\\');
                if !example {
                    continue;
                }
                // clap wraps help to the terminal: an example line over 80 columns would be
                // broken where a shell cannot take it, so long examples use `\` continuations.
                assert!(
                    line.chars().count() <= 80,
                    "{name}: example line over 80 columns: {line}"
                );
                for word in line.split_whitespace() {
                    if word.contains(':') && word.contains('(') {
                        assert!(
                            word.starts_with('\'') || word.starts_with('"'),
                            "{name}: `{word}` is not quoted for the shell"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn case_folder_is_accepted_before_and_after_the_command() {
        let before = Cli::try_parse_from(["dossier", "-C", "x", "check"]).unwrap();
        let after = Cli::try_parse_from(["dossier", "check", "--case", "x"]).unwrap();
        assert_eq!(before.case, after.case);
    }
}
