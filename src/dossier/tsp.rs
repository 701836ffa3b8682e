//! RFC 3161 trusted timestamps: the request dossier writes, the response a timestamping
//! authority (TSA) returns, and the checks on its token.
//!
//! Owns the format (DER, per RFC 3161 and the CMS of RFC 5652) for both writing and reading, and
//! the cryptographic check `openssl ts -verify` makes: the CMS signature over the signed
//! attributes, the content-type and messageDigest attributes, the ESS signing-certificate hash,
//! and the certificate chain up to a CA the user trusts. Where a token sits in a dossier and
//! when a token is accepted into one is `timestamp`'s business; `verify` reports what this
//! module finds. RSA (PKCS #1 v1.5) and ECDSA P-256/P-384 TSAs are supported. The parts of a
//! token its signature does not cover are read as OpenSSL reads them (`d2i`), so that a
//! damaged token is valid here exactly when `openssl ts -verify` says so.

use der::asn1::{Any, GeneralizedTime, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};
use serde::Serialize;
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_tsp::{MessageImprint, TimeStampReq, TspVersion, TstInfo};

mod d2i;

const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-ct-TSTInfo (RFC 3161 s2.4.2), absent from const-oid 0.9.
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The hash algorithms OpenSSL 3.0's default provider computes: `openssl ts -verify` prepares
/// each one SignedData lists, so any other fails the token, even one the signer does not use.
const OPENSSL_DIGESTS: &[&str] = &[
    "1.2.840.113549.2.5",         // md5
    "1.3.14.3.2.26",              // sha1
    "2.16.840.1.101.3.4.2.4",     // sha224
    "2.16.840.1.101.3.4.2.1",     // sha256
    "2.16.840.1.101.3.4.2.2",     // sha384
    "2.16.840.1.101.3.4.2.3",     // sha512
    "2.16.840.1.101.3.4.2.5",     // sha512-224
    "2.16.840.1.101.3.4.2.6",     // sha512-256
    "2.16.840.1.101.3.4.2.7",     // sha3-224
    "2.16.840.1.101.3.4.2.8",     // sha3-256
    "2.16.840.1.101.3.4.2.9",     // sha3-384
    "2.16.840.1.101.3.4.2.10",    // sha3-512
    "2.16.840.1.101.3.4.2.11",    // shake128
    "2.16.840.1.101.3.4.2.12",    // shake256
    "1.3.36.3.2.1",               // ripemd160
    "1.3.6.1.4.1.1722.12.2.1.16", // blake2b512
    "1.3.6.1.4.1.1722.12.2.2.8",  // blake2s256
    "1.2.156.10197.1.401",        // sm3
];

/// A chain longer than this (TSA certificate, intermediates, root) is refused.
const MAX_CHAIN: usize = 6;

/// A TimeStampReq (RFC 3161 s2.4.1) for a SHA-256 digest, with a random 62-bit nonce and
/// certReq set (so the token carries the TSA's certificate). Returns the DER and the nonce.
pub fn request(sha256: &[u8; 32]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut nonce = [0u8; 8];
    rsa::rand_core::RngCore::try_fill_bytes(&mut rsa::rand_core::OsRng, &mut nonce)
        .map_err(|e| format!("no random numbers from the system ({e})"))?;
    // Positive and minimal: the top byte is 0b01xxxxxx.
    nonce[0] = 0x40 | (nonce[0] & 0x3f);
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: x509_cert::spki::AlgorithmIdentifier {
                oid: SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(sha256.to_vec()).map_err(|e| e.to_string())?,
        },
        req_policy: None,
        nonce: Some(Int::new(&nonce).map_err(|e| e.to_string())?),
        cert_req: true,
        extensions: None,
    };
    let der = request.to_der().map_err(|e| e.to_string())?;
    Ok((der, nonce.to_vec()))
}

/// The nonce of a TimeStampReq, if it is one and has a nonce.
pub fn request_nonce(der: &[u8]) -> Option<Vec<u8>> {
    let request = TimeStampReq::from_der(der).ok()?;
    Some(request.nonce?.as_bytes().to_vec())
}

/// What a TSA answered (RFC 3161 s2.4.2), read without judging the token's signature.
#[derive(Debug, Clone)]
pub struct Response {
    /// granted, grantedWithMods, rejection, waiting, revocationWarning, revocationNotification.
    pub status: &'static str,
    /// The TSA's own words, when it refused.
    pub status_text: String,
    pub token: Option<Token>,
}

impl Response {
    /// True if the TSA granted the request (status granted or grantedWithMods) with a token.
    pub fn granted(&self) -> bool {
        matches!(self.status, "granted" | "grantedWithMods") && self.token.is_some()
    }
}

/// What a timestamp token says: when, by whom, over which digest.
#[derive(Debug, Clone, Serialize)]
pub struct Token {
    /// genTime, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    #[serde(skip)]
    pub unix_time: u64,
    /// The TSA's name from the token, else its signing certificate's subject.
    pub tsa: String,
    pub policy: String,
    /// The token's serial number, in hex.
    pub serial: String,
    /// The digest the TSA signed (the message imprint), in hex.
    pub imprint: String,
    /// The imprint's hash algorithm: sha256 for the tokens dossier requests.
    pub imprint_algorithm: String,
    #[serde(skip)]
    pub nonce: Option<Vec<u8>>,
}

/// ESS SigningCertificate (RFC 2634 s5.4): the SHA-1 hash of the TSA's certificate.
#[derive(Sequence)]
struct SigningCertificate {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// ESS SigningCertificateV2 (RFC 5035 s3): the same with a chosen hash, SHA-256 by default.
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// A certificate carried in a token.
struct TokenCertificate {
    /// As the token holds it (the ESS attribute hashes these bytes).
    der: Vec<u8>,
    /// What OpenSSL's signer lookup compares: issuer and serial number.
    loose: d2i::Loose,
    /// `None` when OpenSSL reads it but `x509-cert` does not (a damaged copy): such a one
    /// cannot sign nor stand in a chain.
    strict: Option<Certificate>,
}

/// A token taken apart: its TSTInfo (and the bytes the signature covers), its signer, its
/// certificates.
struct Parsed {
    info: TstInfo,
    econtent: Vec<u8>,
    /// SignedData's digestAlgorithms: OpenSSL prepares each of them and hashes with the one the
    /// signer names, so an unknown one (`None`: not even an OID here), or a signer's that is
    /// not listed, fails the token.
    digest_algorithms: Vec<Option<ObjectIdentifier>>,
    signer: Signer,
    /// The signer's issuer (canonical, as OpenSSL compares names) and serial number.
    signer_id: (Vec<u8>, Vec<u8>),
    certificates: Vec<TokenCertificate>,
}

/// The token's one signer.
struct Signer {
    /// Its digest algorithm; `None` if not an OID this crate reads (so not one OpenSSL knows).
    digest: Option<ObjectIdentifier>,
    /// The signed attributes, as a DER SET.
    signed_attributes: Option<Vec<u8>>,
    signature: Vec<u8>,
}

/// TimeStampResp (RFC 3161 s2.4.2), its status info left to `d2i`, which reads it as OpenSSL
/// does (a status text need not be UTF-8, for one).
#[derive(Sequence)]
struct TimeStampResp {
    status: Any,
    time_stamp_token: Option<cms::content_info::ContentInfo>,
}

/// A TimeStampResp read as `openssl ts -verify -in` reads one: the first DER element of the
/// file; bytes after it are not looked at. Returns the status (0 granted, 1 grantedWithMods...),
/// the status texts and the token.
fn decode_response(
    der: &[u8],
) -> Result<(i64, Vec<String>, Option<cms::content_info::ContentInfo>), String> {
    use der::Reader;
    let reader = der::SliceReader::new(der).map_err(|e| e.to_string())?;
    let header = reader.peek_header().map_err(|e| e.to_string())?;
    let length = (header.encoded_len().map_err(|e| e.to_string())? + header.length)
        .map_err(|e| e.to_string())?;
    let first = der
        .get(..usize::try_from(length).map_err(|e| e.to_string())?)
        .ok_or("the response is cut short")?;
    let response = TimeStampResp::from_der(first).map_err(|e| e.to_string())?;
    let (status, texts) = d2i::status_info(&response.status.to_der().map_err(|e| e.to_string())?)?;
    Ok((status, texts, response.time_stamp_token))
}

/// Reads a TimeStampResp. An error says why the bytes are not one.
pub fn read_response(der: &[u8]) -> Result<Response, String> {
    let (status, texts, token) =
        decode_response(der).map_err(|e| format!("not an RFC 3161 response ({e})"))?;
    let status = match status {
        0 => "granted",
        1 => "grantedWithMods",
        2 => "rejection",
        3 => "waiting",
        4 => "revocationWarning",
        5 => "revocationNotification",
        _ => "unknown",
    };
    let token = match &token {
        Some(token) => Some(summary(&parse_token(
            &token.to_der().map_err(|e| e.to_string())?,
        )?)),
        None => None,
    };
    Ok(Response {
        status,
        status_text: texts.join("; "),
        token,
    })
}

/// The token (a CMS ContentInfo) inside a TimeStampResp, as DER.
fn token_der(response: &[u8]) -> Result<Vec<u8>, String> {
    let (status, _, token) =
        decode_response(response).map_err(|e| format!("not an RFC 3161 response ({e})"))?;
    if !matches!(status, 0 | 1) {
        return Err("the response's status is not granted".into());
    }
    let token = token.ok_or("the response holds no token")?;
    token.to_der().map_err(|e| e.to_string())
}

/// Takes a token (a CMS ContentInfo) apart. SignedData is read as OpenSSL reads it (see
/// `d2i`), so that a token is readable here when it is for `openssl ts -verify`: TSAs write
/// DER, but OpenSSL is looser about the parts the signature does not cover, and a damaged
/// token must be judged as it judges it. The TSTInfo, which the signature covers, is read as DER.
fn parse_token(der: &[u8]) -> Result<Parsed, String> {
    let info = cms::content_info::ContentInfo::from_der(der)
        .map_err(|e| format!("the token is not CMS ({e})"))?;
    if info.content_type != SIGNED_DATA {
        return Err("the token is not CMS signed data".into());
    }
    let content = info.content.to_der().map_err(|e| e.to_string())?;
    let signed = d2i::signed_data(&content)
        .map_err(|e| format!("the token's signed data cannot be read ({e})"))?;
    if signed.content_type != TST_INFO.as_bytes() {
        return Err("the token signs something other than a TSTInfo".into());
    }
    let econtent = signed.content.ok_or("the token holds no TSTInfo")?;
    let tst = TstInfo::from_der(&econtent)
        .map_err(|e| format!("the token's TSTInfo cannot be read ({e})"))?;
    let oid = |bytes: &[u8]| ObjectIdentifier::from_bytes(bytes).ok();
    let digest_algorithms = signed.digest_algorithms.iter().map(|a| oid(a)).collect();
    let mut signers = signed.signers;
    if signers.len() != 1 {
        return Err(format!(
            "the token has {} signers where RFC 3161 allows one",
            signers.len()
        ));
    }
    let info = signers.remove(0);
    let signer = Signer {
        digest: oid(&info.digest_algorithm),
        signed_attributes: info.signed_attributes,
        signature: info.signature,
    };
    // A certificate OpenSSL reads but `x509-cert` does not (a malformed time or OID, a BOOLEAN
    // that is not DER...) is kept by its issuer and serial number only, as OpenSSL only fails
    // the chain that uses it.
    let certificates = signed
        .certificates
        .into_iter()
        .map(|(der, loose)| TokenCertificate {
            der: der.to_vec(),
            loose,
            strict: Certificate::from_der(der).ok(),
        })
        .collect();
    Ok(Parsed {
        info: tst,
        econtent,
        digest_algorithms,
        signer,
        signer_id: (info.issuer, info.serial),
        certificates,
    })
}

fn summary(parsed: &Parsed) -> Token {
    let info = &parsed.info;
    let tsa = match &info.tsa {
        Some(GeneralName::DirectoryName(name)) => name.to_string(),
        Some(GeneralName::DnsName(name)) => name.to_string(),
        Some(GeneralName::UniformResourceIdentifier(uri)) => uri.to_string(),
        Some(GeneralName::Rfc822Name(mail)) => mail.to_string(),
        _ => signer_certificate(parsed)
            .ok()
            .flatten()
            .and_then(|c| c.strict.as_ref())
            .map(|c| c.tbs_certificate.subject.to_string())
            .unwrap_or_else(|| "not named".to_string()),
    };
    let imprint_algorithm = match info.message_imprint.hash_algorithm.oid {
        o if o == SHA256 => "sha256".to_string(),
        o if o == SHA384 => "sha384".to_string(),
        o if o == SHA512 => "sha512".to_string(),
        o if o == SHA1 => "sha1".to_string(),
        o => o.to_string(),
    };
    Token {
        time: utc(&info.gen_time),
        unix_time: info.gen_time.to_unix_duration().as_secs(),
        tsa,
        policy: info.policy.to_string(),
        serial: crate::hash::to_hex(info.serial_number.as_bytes()),
        imprint: crate::hash::to_hex(info.message_imprint.hashed_message.as_bytes()),
        imprint_algorithm,
        nonce: info.nonce.as_ref().map(|n| n.as_bytes().to_vec()),
    }
}

fn utc(time: &GeneralizedTime) -> String {
    let t = time.to_date_time();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    )
}

/// The token's signing certificate as OpenSSL finds it (PKCS7_get0_signers): the first of the
/// token's certificates whose issuer (compared in canonical form) and serial number are the ones
/// its signer info names. `None` if there is none; an error if that one is damaged.
fn signer_certificate(parsed: &Parsed) -> Result<Option<&TokenCertificate>, String> {
    let (issuer, serial) = &parsed.signer_id;
    let Some(found) = parsed
        .certificates
        .iter()
        .find(|c| &c.loose.serial == serial && &c.loose.issuer == issuer)
    else {
        return Ok(None);
    };
    if found.strict.is_none() {
        return Err("the TSA's certificate in the token is damaged: it cannot be read".into());
    }
    Ok(Some(found))
}

/// Reads the token out of a TimeStampResp and summarises it.
pub fn read_token(response: &[u8]) -> Result<Token, String> {
    Ok(summary(&parse_token(&token_der(response)?)?))
}

/// Reads one or more PEM certificates (a TSA's CA file).
pub fn read_ca_file(pem: &[u8]) -> Result<Vec<Certificate>, String> {
    let certificates =
        Certificate::load_pem_chain(pem).map_err(|e| format!("not PEM certificates ({e})"))?;
    if certificates.is_empty() {
        return Err("holds no certificate".into());
    }
    Ok(certificates)
}

/// Checks the token inside the TimeStampResp `response` as `openssl ts -verify` does: the CMS
/// signature, its signed attributes, the ESS signing-certificate hash, and a certificate chain
/// from the TSA's certificate (whose extended key usage must be critical and only
/// timeStamping) to one of `cas`, every certificate valid at the token's time. `Ok` means valid.
pub fn check_signature(response: &[u8], cas: &[Certificate]) -> Result<(), String> {
    let parsed = parse_token(&token_der(response)?)?;
    let signer = &parsed.signer;
    let token_certificate = signer_certificate(&parsed)?
        .ok_or("the TSA's certificate is not in the token (request it with certReq)")?;
    let certificate = token_certificate
        .strict
        .as_ref()
        .expect("a signer is readable");
    let attributes = signer
        .signed_attributes
        .as_ref()
        .ok_or("the token has no signed attributes")?;
    let attributes = cms::signed_data::SignedAttributes::from_der(attributes)
        .map_err(|e| format!("the token's signed attributes cannot be read ({e})"))?;
    let attribute = |oid: ObjectIdentifier| {
        let mut found = attributes.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => Some(a.values.get(0).expect("one value")),
            _ => None,
        }
    };
    // RFC 5652 s11.1: content-type must name what is signed.
    let content_type = attribute(CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .ok_or("the token's content-type attribute is missing or malformed")?;
    if content_type != TST_INFO {
        return Err("the token's content-type attribute does not name a TSTInfo".into());
    }
    // RFC 5652 s11.2: messageDigest is the digest of the TSTInfo, which binds it to the signature.
    let digest = attribute(MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("the token's messageDigest attribute is missing or malformed")?;
    let unknown = || "a hash algorithm of the token is not one this program knows".to_string();
    for algorithm in &parsed.digest_algorithms {
        let algorithm = algorithm.ok_or_else(unknown)?;
        if !OPENSSL_DIGESTS.contains(&algorithm.to_string().as_str()) {
            return Err(format!(
                "the token lists the hash algorithm {algorithm}, which openssl cannot compute"
            ));
        }
    }
    let digest_algorithm = signer.digest.ok_or_else(unknown)?;
    if !parsed.digest_algorithms.contains(&Some(digest_algorithm)) {
        return Err(
            "the signer's hash algorithm is not among the token's digest algorithms".into(),
        );
    }
    let content_digest = hash(&digest_algorithm, &parsed.econtent)?;
    if digest.as_bytes() != content_digest.as_slice() {
        return Err(
            "the TSTInfo does not match the digest the TSA signed: the token was altered".into(),
        );
    }
    check_signing_certificate(&attribute, &token_certificate.der)?;
    // RFC 5652 s5.4: the signature covers the signed attributes encoded as a DER SET OF.
    let signed_bytes = attributes.to_der().map_err(|e| e.to_string())?;
    // As OpenSSL does, the digest algorithm decides the hash and the key the scheme; the
    // signature algorithm field is not consulted.
    verify_signature(
        &certificate.tbs_certificate.subject_public_key_info,
        digest_algorithm,
        &signed_bytes,
        &signer.signature,
    )
    .map_err(|e| format!("the TSA's signature is not valid ({e}): the token was altered"))?;
    check_tsa_certificate(certificate)?;
    let time = parsed.info.gen_time.to_unix_duration().as_secs();
    let intermediates: Vec<Certificate> = parsed
        .certificates
        .iter()
        .filter_map(|c| c.strict.clone())
        .collect();
    check_chain(certificate, &intermediates, cas, time)
}

/// The ESS attribute (RFC 3161 s2.4.2) names the TSA's certificate by hash: it must be this one.
fn check_signing_certificate<'a>(
    attribute: &dyn Fn(ObjectIdentifier) -> Option<&'a Any>,
    der: &[u8],
) -> Result<(), String> {
    let (algorithm, expected) = if let Some(v2) = attribute(SIGNING_CERTIFICATE_V2) {
        let v2: SigningCertificateV2 = v2
            .decode_as()
            .map_err(|e| format!("the token's signing-certificate attribute is malformed ({e})"))?;
        let first = v2
            .certs
            .first()
            .ok_or("the signing-certificate attribute is empty")?;
        let algorithm = first.hash_algorithm.as_ref().map_or(SHA256, |a| a.oid);
        (algorithm, first.cert_hash.as_bytes().to_vec())
    } else if let Some(v1) = attribute(SIGNING_CERTIFICATE) {
        let v1: SigningCertificate = v1
            .decode_as()
            .map_err(|e| format!("the token's signing-certificate attribute is malformed ({e})"))?;
        let first = v1
            .certs
            .first()
            .ok_or("the signing-certificate attribute is empty")?;
        (SHA1, first.cert_hash.as_bytes().to_vec())
    } else {
        return Err("the token has no signing-certificate attribute (RFC 3161 s2.4.2)".into());
    };
    if hash(&algorithm, der)? != expected {
        return Err(
            "the token's signing-certificate attribute names another certificate than the one that signed"
                .into(),
        );
    }
    Ok(())
}

/// RFC 3161 s2.3: the TSA's certificate has one extended key usage, timeStamping, critical.
fn check_tsa_certificate(certificate: &Certificate) -> Result<(), String> {
    let subject = certificate.tbs_certificate.subject.to_string();
    match certificate.tbs_certificate.get::<ExtendedKeyUsage>() {
        Ok(Some((true, usage))) if usage.0 == [TIME_STAMPING] => Ok(()),
        Ok(Some((false, _))) => Err(format!(
            "the TSA's certificate ({subject}) does not mark its extended key usage critical"
        )),
        _ => Err(format!(
            "the TSA's certificate ({subject}) is not for timestamping only (extended key usage)"
        )),
    }
}

/// Climbs from the TSA's certificate to a certificate of `cas`: each one signed by the next, each
/// issuer a CA, all valid at `time` (the token's time, so a token outlives its TSA's certificate).
fn check_chain(
    leaf: &Certificate,
    intermediates: &[Certificate],
    cas: &[Certificate],
    time: u64,
) -> Result<(), String> {
    let mut current = leaf;
    for _ in 0..MAX_CHAIN {
        check_validity(current, time)?;
        let tbs = &current.tbs_certificate;
        if cas.contains(current) && tbs.issuer == tbs.subject {
            return Ok(());
        }
        let signed_by = |issuer: &Certificate| {
            issuer.tbs_certificate.subject == tbs.issuer
                && signature_hash(&current.signature_algorithm)
                    .and_then(|hash| {
                        verify_signature(
                            &issuer.tbs_certificate.subject_public_key_info,
                            hash,
                            &tbs.to_der().unwrap_or_default(),
                            current.signature.raw_bytes(),
                        )
                    })
                    .is_ok()
        };
        let issuer = cas
            .iter()
            .find(|c| signed_by(c))
            .or_else(|| intermediates.iter().find(|c| signed_by(c)));
        let Some(issuer) = issuer else {
            return Err(format!(
                "no certificate in the CA file signed {} (issuer {}): the token is from a TSA this CA did not certify",
                tbs.subject, tbs.issuer
            ));
        };
        match issuer.tbs_certificate.get::<BasicConstraints>() {
            Ok(Some((_, constraints))) if constraints.ca => {}
            _ => {
                return Err(format!(
                    "{} signed a certificate but is not a CA (basicConstraints)",
                    issuer.tbs_certificate.subject
                ));
            }
        }
        if cas.contains(issuer) {
            return check_validity(issuer, time);
        }
        current = issuer;
    }
    Err("the certificate chain is too long".into())
}

fn check_validity(certificate: &Certificate, time: u64) -> Result<(), String> {
    let validity = &certificate.tbs_certificate.validity;
    let from = validity.not_before.to_unix_duration().as_secs();
    let until = validity.not_after.to_unix_duration().as_secs();
    if time < from || time > until {
        return Err(format!(
            "the certificate {} was not valid at the token's time (valid {} to {})",
            certificate.tbs_certificate.subject, validity.not_before, validity.not_after
        ));
    }
    Ok(())
}

/// The digest of `bytes` with the hash `algorithm` names.
fn hash(algorithm: &ObjectIdentifier, bytes: &[u8]) -> Result<Vec<u8>, String> {
    Ok(match *algorithm {
        SHA256 => sha2::Sha256::digest(bytes).to_vec(),
        SHA384 => sha2::Sha384::digest(bytes).to_vec(),
        SHA512 => sha2::Sha512::digest(bytes).to_vec(),
        SHA1 => sha1::Sha1::digest(bytes).to_vec(),
        other => return Err(format!("the hash algorithm {other} is not supported")),
    })
}

/// The hash a certificate's signature algorithm names (sha256WithRSAEncryption,
/// ecdsa-with-SHA384...).
fn signature_hash(algorithm: &AlgorithmIdentifierOwned) -> Result<ObjectIdentifier, String> {
    Ok(match algorithm.oid {
        SHA256_RSA | ECDSA_SHA256 => SHA256,
        SHA384_RSA | ECDSA_SHA384 => SHA384,
        SHA512_RSA | ECDSA_SHA512 => SHA512,
        other => return Err(format!("the signature algorithm {other} is not supported")),
    })
}

/// Verifies `signature` over `message` hashed with `hash_oid`, with the key `key` (RSA PKCS #1
/// v1.5, or ECDSA on P-256 or P-384: the key says which).
fn verify_signature(
    key: &SubjectPublicKeyInfoOwned,
    hash_oid: ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let hashed = hash(&hash_oid, message)?;
    let key_bytes = key
        .subject_public_key
        .as_bytes()
        .ok_or("malformed public key")?;
    let bad = |e: &dyn std::fmt::Display| format!("bad signature: {e}");
    match key.algorithm.oid {
        RSA => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            use rsa::sha2 as sha;
            let public = rsa::RsaPublicKey::from_pkcs1_der(key_bytes).map_err(|e| bad(&e))?;
            let scheme = match hash_oid {
                SHA256 => rsa::Pkcs1v15Sign::new::<sha::Sha256>(),
                SHA384 => rsa::Pkcs1v15Sign::new::<sha::Sha384>(),
                SHA512 => rsa::Pkcs1v15Sign::new::<sha::Sha512>(),
                other => return Err(format!("RSA with {other} is not supported")),
            };
            public
                .verify(scheme, &hashed, signature)
                .map_err(|e| bad(&e))
        }
        EC_PUBLIC_KEY => {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let curve = key
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(P256) => {
                    let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|e| bad(&e))?;
                    let sig = p256::ecdsa::Signature::from_der(signature).map_err(|e| bad(&e))?;
                    public.verify_prehash(&hashed, &sig).map_err(|e| bad(&e))
                }
                Some(P384) => {
                    let public = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|e| bad(&e))?;
                    let sig = p384::ecdsa::Signature::from_der(signature).map_err(|e| bad(&e))?;
                    public.verify_prehash(&hashed, &sig).map_err(|e| bad(&e))
                }
                _ => Err("ECDSA on a curve other than P-256 or P-384 is not supported".into()),
            }
        }
        other => Err(format!("the key type {other} is not supported")),
    }
}

/// Whether a timestamp token's signature was checked, and what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureVerdict {
    /// No CA file was given: the token's signature and chain were not checked.
    NotChecked,
    Valid,
    Invalid,
}

/// One timestamp of a dossier, as `verify` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampCheck {
    /// Where it is in the bag, e.g. `timestamps/20261130T111322Z-1a2b.tsr`.
    pub file: String,
    /// What the token says; `None` if it cannot be read.
    #[serde(flatten)]
    pub token: Option<Token>,
    /// The token's imprint is the dossier's fingerprint (SHA-256 of manifest-sha256.txt).
    pub imprint_matches: bool,
    pub signature: SignatureVerdict,
    /// Why the token is unreadable, its imprint wrong or its signature invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stored TimeStampResp, kept for the signature check.
    #[serde(skip)]
    pub response: Vec<u8>,
}

impl TimestampCheck {
    /// Reads the TimeStampResp stored as `file` and compares its imprint with `fingerprint`
    /// (hex SHA-256). The signature is left unchecked: see `check_with`.
    pub fn read(file: &str, response: Vec<u8>, fingerprint: &str) -> TimestampCheck {
        let token = read_token(&response);
        let imprint_matches = token
            .as_ref()
            .is_ok_and(|t| t.imprint_algorithm == "sha256" && t.imprint == fingerprint);
        let detail = match &token {
            Err(why) => Some(format!("cannot be read: {why}")),
            Ok(t) if !imprint_matches => Some(format!(
                "timestamps {} {}, not this dossier's fingerprint {fingerprint}: it is a timestamp of another dossier or of an altered manifest",
                t.imprint_algorithm, t.imprint
            )),
            Ok(_) => None,
        };
        TimestampCheck {
            file: file.to_string(),
            token: token.ok(),
            imprint_matches,
            signature: SignatureVerdict::NotChecked,
            detail,
            response,
        }
    }

    /// Checks the token's signature and chain against the trusted `cas`; returns why it is
    /// invalid, if it is.
    pub fn check_with(&mut self, cas: &[Certificate]) -> Option<String> {
        match check_signature(&self.response, cas) {
            Ok(()) => {
                self.signature = SignatureVerdict::Valid;
                None
            }
            Err(why) => {
                self.signature = SignatureVerdict::Invalid;
                self.detail = Some(match self.detail.take() {
                    Some(before) => format!("{before}; {why}"),
                    None => why.clone(),
                });
                Some(why)
            }
        }
    }
}
