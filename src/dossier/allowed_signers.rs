//! The OpenSSH allowed_signers format (ssh-keygen(1), "ALLOWED SIGNERS"), read and judged exactly
//! as `ssh-keygen -Y verify -f FILE -I PRINCIPAL` reads and judges it (OpenSSH `sshsig.c`).
//!
//! Owns the file's syntax and the question "may this key sign for this principal in this
//! namespace at this time?". It does not read signatures (`sshsig` does) and never prints.
//!
//! ssh-keygen reads the file line by line for one principal and stops at the first line that
//! allows the key. A line it cannot read (bad options, no key, an unclosed quote) is skipped
//! with a message, as is a line for other principals, another key, another namespace or
//! another time; this module does the same, in the same order, so that a file means the same
//! to dossier as to ssh-keygen.

use std::path::Path;

use ssh_key::PublicKey;

use crate::error::{Error, Result};

/// The whitespace ssh-keygen's line splitter skips (misc.c WHITESPACE).
const WHITESPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// An allowed_signers file, and the time at which keys are judged.
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    pub lines: Vec<AllowedSigner>,
    /// Unix time at which `valid-after` and `valid-before` are judged (ssh-keygen
    /// `-Overify-time`); `None`: now.
    pub verify_time: Option<i64>,
}

/// One line of the file that is neither blank nor a comment.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    /// Its 1-based line number, for messages.
    pub line: usize,
    /// The principals field (comma-separated patterns); `Err` if the line cannot even be split.
    pub principals: std::result::Result<String, String>,
    /// Its options and key; `Err` (why) if they cannot be read.
    pub entry: std::result::Result<Entry, String>,
}

/// The options and key of a line.
#[derive(Debug, Clone)]
pub struct Entry {
    /// A certificate authority's key: it never matches a plain signer's key. Certificates are not
    /// supported, so such a line allows nothing (as for ssh-keygen with a plain key).
    pub cert_authority: bool,
    /// Namespace patterns (comma-separated), if restricted.
    pub namespaces: Option<String>,
    /// Unix times outside which the key is not valid.
    pub valid_after: Option<i64>,
    pub valid_before: Option<i64>,
    pub key: PublicKey,
}

/// What the file says about one key, principal and namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub valid: bool,
    /// Not valid only because of `valid-after` or `valid-before`.
    pub expired: bool,
    pub detail: String,
}

impl AllowedSigners {
    /// Reads an allowed_signers file. Lines that cannot be read are ignored, as ssh-keygen
    /// ignores them, and returned as warnings (`file:line: why`). A file with no usable line is
    /// an error (exit 2).
    pub fn read(path: &Path, verify_time: Option<i64>) -> Result<(AllowedSigners, Vec<String>)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let allowed = AllowedSigners::parse(&String::from_utf8_lossy(&bytes), verify_time);
        let mut warnings = Vec::new();
        for line in &allowed.lines {
            let place = format!("{}:{}", path.display(), line.line);
            if let Err(why) = &line.entry {
                warnings.push(format!("{place}: ignored, as ssh-keygen ignores it: {why}"));
            }
        }
        if !allowed
            .lines
            .iter()
            .any(|l| l.principals.is_ok() && l.entry.is_ok())
        {
            return Err(Error::input(
                format!("{} has no usable line", path.display()),
                "each line is `PRINCIPALS [namespaces=\"dossier\"] ssh-ed25519 AAAA... [comment]` (see `man ssh-keygen`, ALLOWED SIGNERS)",
            ));
        }
        Ok((allowed, warnings))
    }

    /// Parses the text of an allowed_signers file.
    pub fn parse(text: &str, verify_time: Option<i64>) -> AllowedSigners {
        // getline: lines end at `\n` only, which stays part of the line.
        let lines = text
            .split_inclusive('\n')
            .enumerate()
            .filter_map(|(i, line)| parse_line(line, i + 1))
            .collect();
        AllowedSigners { lines, verify_time }
    }

    /// Whether `key` may sign for `principal` in `namespace`, as `ssh-keygen -Y verify` decides
    /// (sshsig_check_allowed_keys): lines in order, the first that decides wins.
    pub fn judge(&self, key: &PublicKey, principal: &str, namespace: &str) -> Judgement {
        let now = self
            .verify_time
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        let mut why = Vec::new();
        let mut expired = false;
        for a in &self.lines {
            let line = a.line;
            // A line that cannot be read allows nothing; ssh-keygen goes on to the next.
            let (Ok(principals), Ok(entry)) = (&a.principals, &a.entry) else {
                continue;
            };
            if !match_pattern_list(principal, principals) {
                if entry.key.key_data() == key.key_data() {
                    why.push(format!(
                        "line {line} allows it for {principals}, not for {principal}"
                    ));
                }
                continue;
            }
            if entry.key.key_data() != key.key_data() {
                continue;
            }
            if entry.cert_authority {
                why.push(format!("line {line} marks it cert-authority: a certificate authority's key is not a signer's key, and dossier does not support certificates"));
            } else if entry
                .namespaces
                .as_ref()
                .is_some_and(|n| !match_pattern_list(namespace, n))
            {
                why.push(format!(
                    "line {line} does not allow it for the namespace {namespace}"
                ));
            } else if let Some(after) = entry.valid_after.filter(|&t| now < t) {
                expired = true;
                why.push(format!(
                    "line {line} makes it valid only after {} (judged at {})",
                    show_time(after),
                    show_time(now)
                ));
            } else if let Some(before) = entry.valid_before.filter(|&t| now > t) {
                expired = true;
                why.push(format!(
                    "line {line} made it valid only until {} (judged at {}; if it signed before then, give --verify-time)",
                    show_time(before),
                    show_time(now)
                ));
            } else {
                return Judgement {
                    valid: true,
                    expired: false,
                    detail: format!(
                        "valid, by a key allowed for {principal} (allowed_signers line {line})"
                    ),
                };
            }
        }
        if why.is_empty() {
            why.push(format!(
                "the key is not in the allowed_signers file (principal {principal})"
            ));
        }
        Judgement {
            valid: false,
            expired,
            detail: format!("not valid for {principal}: {}", why.join("; ")),
        }
    }
}

/// One line (with its `\n`, if any); `None` if blank or a comment.
fn parse_line(line: &str, number: usize) -> Option<AllowedSigner> {
    let line = line.trim_start_matches(WHITESPACE);
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (principals, entry) = match split_principals(line) {
        Ok((principals, rest)) => (Ok(principals), read_entry(rest)),
        Err(why) => (Err(why.to_string()), Err(why.to_string())),
    };
    Some(AllowedSigner {
        line: number,
        principals,
        entry,
    })
}

/// Splits off the principals as ssh-keygen's strdelimw does: up to whitespace, or a quoted
/// run (the quotes removed); the rest starts after the whitespace that follows.
fn split_principals(line: &str) -> std::result::Result<(String, &str), &'static str> {
    let at = line
        .find(['"', ' ', '\t', '\r', '\n'])
        .ok_or("the line has principals and nothing else")?;
    if line[at..].starts_with('"') {
        let after = &line[at + 1..];
        let close = after
            .find('"')
            .ok_or("a quote in the principals is not closed")?;
        let principals = format!("{}{}", &line[..at], &after[..close]);
        return Ok((
            principals,
            after[close + 1..].trim_start_matches(WHITESPACE),
        ));
    }
    Ok((
        line[..at].to_string(),
        line[at + 1..].trim_start_matches(WHITESPACE),
    ))
}

/// The key, or options and then the key (parse_principals_key_and_options).
fn read_entry(rest: &str) -> std::result::Result<Entry, String> {
    let (options, key) = match read_key(rest) {
        Some(key) => ("", key),
        None => {
            let end =
                end_of_options(rest).ok_or("the options never end (a quote is not closed)")?;
            let (options, after) = rest.split_at(end);
            if after.is_empty() {
                return Err("no key".into());
            }
            let key = read_key(after[1..].trim_start_matches([' ', '\t']))
                .ok_or("not a public key after the options")?;
            (options, key)
        }
    };
    let mut entry = read_options(options)?;
    entry.key = key;
    Ok(entry)
}

/// `keytype base64` (sshkey_read): the type up to a space or tab, the Base64 up to the next,
/// any whitespace inside it skipped.
fn read_key(text: &str) -> Option<PublicKey> {
    let space = text.find([' ', '\t'])?;
    let kind = &text[..space];
    let rest = text[space..].trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return None;
    }
    let blob = &rest[..rest.find([' ', '\t']).unwrap_or(rest.len())];
    let blob: String = blob
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != '\x0B')
        .collect();
    PublicKey::from_openssh(&format!("{kind} {blob}")).ok()
}

/// Where the options end (sshkey_advance_past_options): the first space or tab outside double
/// quotes (`\"` does not end a quote); `None` if a quote never closes.
fn end_of_options(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() && (quoted || (bytes[i] != b' ' && bytes[i] != b'\t')) {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'"') {
            i += 1;
        } else if bytes[i] == b'"' {
            quoted = !quoted;
        }
        i += 1;
    }
    (!(i == bytes.len() && quoted)).then_some(i)
}

/// The options (sshsigopt_parse): names case-insensitive, values in double quotes, each at most
/// once; an unknown option or a bad time refuses the line.
fn read_options(options: &str) -> std::result::Result<Entry, String> {
    let mut entry = Entry {
        cert_authority: false,
        namespaces: None,
        valid_after: None,
        valid_before: None,
        key: PublicKey::from(ssh_key::public::Ed25519PublicKey([0; 32])),
    };
    let o = options.as_bytes();
    let starts = |i: usize, name: &str| {
        o.len() >= i + name.len() && o[i..i + name.len()].eq_ignore_ascii_case(name.as_bytes())
    };
    let mut i = 0;
    while i < o.len() && o[i] != b' ' && o[i] != b'\t' {
        if starts(i, "cert-authority") {
            entry.cert_authority = true;
            i += "cert-authority".len();
        } else if starts(i, "namespaces=") {
            if entry.namespaces.is_some() {
                return Err("namespaces is given twice".into());
            }
            i += "namespaces=".len();
            entry.namespaces = Some(dequote(o, &mut i)?);
        } else if starts(i, "valid-after=") {
            if entry.valid_after.is_some() {
                return Err("valid-after is given twice".into());
            }
            i += "valid-after=".len();
            entry.valid_after = Some(parse_time(&dequote(o, &mut i)?)?);
        } else if starts(i, "valid-before=") {
            if entry.valid_before.is_some() {
                return Err("valid-before is given twice".into());
            }
            i += "valid-before=".len();
            entry.valid_before = Some(parse_time(&dequote(o, &mut i)?)?);
        }
        if i >= o.len() || o[i] == b' ' || o[i] == b'\t' {
            break;
        }
        if o[i] != b',' {
            let unknown = String::from_utf8_lossy(&o[i..]);
            let unknown = unknown.split(',').next().unwrap_or_default();
            return Err(format!("unknown option `{unknown}`"));
        }
        i += 1;
        if i >= o.len() {
            return Err("the options end with a comma".into());
        }
    }
    if let (Some(after), Some(before)) = (entry.valid_after, entry.valid_before)
        && before <= after
    {
        return Err("valid-before is not after valid-after".into());
    }
    Ok(entry)
}

/// A double-quoted value at `i` (opt_dequote: `\"` stands for a quote); `i` moves past it.
fn dequote(o: &[u8], i: &mut usize) -> std::result::Result<String, String> {
    if o.get(*i) != Some(&b'"') {
        return Err("an option's value is not in double quotes".into());
    }
    let mut value = Vec::new();
    let mut j = *i + 1;
    while j < o.len() && o[j] != b'"' {
        if o[j] == b'\\' && o.get(j + 1) == Some(&b'"') {
            j += 1;
        }
        value.push(o[j]);
        j += 1;
    }
    if j >= o.len() {
        return Err("an option's value has no closing quote".into());
    }
    *i = j + 1;
    Ok(String::from_utf8_lossy(&value).into_owned())
}

/// A time as ssh-keygen reads it (misc.c parse_absolute_time): `YYYYMMDD[HHMM[SS]]`, UTC if it
/// ends in `Z` or `UTC` (any case), else local time; fields out of range are refused, a day past
/// the month's end rolls over (as timegm does); 1970-01-01T00:00:00Z and earlier are refused.
pub fn parse_time(text: &str) -> std::result::Result<i64, String> {
    let bad = || format!("`{text}` is not a time YYYYMMDD[HHMM[SS]][Z]");
    let upper = text.to_ascii_uppercase();
    let (digits, utc) = if text.len() > 1 && upper.ends_with('Z') {
        (&text[..text.len() - 1], true)
    } else if text.len() > 3 && upper.ends_with("UTC") {
        (&text[..text.len() - 3], true)
    } else {
        (text, false)
    };
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let field = |from: usize, to: usize| digits.get(from..to).map_or(0, |d| d.parse().unwrap_or(0));
    let (year, month, day) = (field(0, 4), field(4, 6), field(6, 8));
    let (hour, minute, second) = (field(8, 10), field(10, 12), field(12, 14));
    // strptime's ranges: %m 1-12, %d 1-31, %H 0-23, %M 0-59, %S 0-61.
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 61
    {
        return Err(bad());
    }
    let naive = chrono::NaiveDate::from_ymd_opt(year as i32, month as u32, 1)
        .ok_or_else(bad)?
        .and_hms_opt(0, 0, 0)
        .ok_or_else(bad)?
        + chrono::Duration::days(day - 1)
        + chrono::Duration::seconds(hour * 3600 + minute * 60 + second);
    let time = if utc {
        naive.and_utc().timestamp()
    } else {
        use chrono::TimeZone;
        chrono::Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp())
            .ok_or_else(bad)?
    };
    if time <= 0 {
        return Err(format!("`{text}` is not after 1970-01-01"));
    }
    Ok(time)
}

/// OpenSSH's match_pattern: `*` any run, `?` any one character.
fn match_pattern(text: &str, pattern: &str) -> bool {
    let (t, p) = (text.as_bytes(), pattern.as_bytes());
    let (mut ti, mut pi, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// OpenSSH's match_pattern_list over a comma-separated list: true if some pattern matches and
/// no negated (`!`) one does.
fn match_pattern_list(text: &str, patterns: &str) -> bool {
    let mut matched = false;
    for pattern in patterns.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if match_pattern(text, negated) => return false,
            Some(_) => {}
            None if match_pattern(text, pattern) => matched = true,
            None => {}
        }
    }
    matched
}

fn show_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_openssh_matches_them() {
        assert!(match_pattern("norzhavia-project", "norz*"));
        assert!(match_pattern("abc", "a?c"));
        assert!(!match_pattern("abc", "a?"));
        assert!(match_pattern_list("abc", "x,a*"));
        assert!(!match_pattern_list("abc", "!a*,*"));
        assert!(!match_pattern_list("abc", ""));
    }

    #[test]
    fn times_are_read_as_ssh_keygen_reads_them() {
        assert_eq!(parse_time("20200101Z"), Ok(1_577_836_800));
        assert_eq!(parse_time("20200101000000utc"), Ok(1_577_836_800));
        assert_eq!(parse_time("20200230Z"), parse_time("20200301Z"));
        assert!(parse_time("20201301Z").is_err());
        assert!(parse_time("19700101Z").is_err());
        assert!(parse_time("2020010112Z").is_err());
    }

    #[test]
    fn a_line_is_split_as_ssh_keygen_splits_it() {
        assert_eq!(
            split_principals("x\"a b\" rest\n"),
            Ok(("xa b".to_string(), "rest\n"))
        );
        assert!(split_principals("single").is_err());
        assert!(split_principals("\"open rest").is_err());
        assert_eq!(end_of_options("a=\"x y\",b key"), Some(9));
        assert_eq!(end_of_options("a=\"x y"), None);
        assert!(read_options(",namespaces=\"x\"").is_ok());
        assert!(read_options("namespaces=\"x\",").is_err());
        assert!(read_options("cert-authorityx").is_err());
        assert!(read_options("valid-after=\"20200102Z\",valid-before=\"20200101Z\"").is_err());
    }
}
