//! RFC 3161 trusted timestamps: the request dossier writes, the response a timestamping
//! authority (TSA) returns, and the checks on its token.
//!
//! Owns the format (DER, per RFC 3161 and the CMS of RFC 5652) for both writing and reading, and
//! the cryptographic check `openssl ts -verify` makes: the CMS signature over the signed
//! attributes, the content-type and messageDigest attributes, the ESS signing-certificate hash,
//! and the certificate chain up to a CA the user trusts. Where a token sits in a dossier and
//! when a token is accepted into one is `timestamp`'s business; `verify` reports what this
//! module finds. RSA (PKCS #1 v1.5) and ECDSA P-256/P-384 TSAs are supported.

use der::asn1::{Any, GeneralizedTime, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};
use serde::Serialize;
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

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

/// SignedData (RFC 5652 s5.1) read leniently: the certificates are a plain list, because some
/// TSAs (and OpenSSL, when its configuration lists the TSA's own certificate) include one twice,
/// which `cms` 0.2 refuses as a malformed SET OF.
#[derive(Sequence)]
struct SignedData {
    version: Any,
    digest_algorithms: Any,
    encap_content_info: cms::signed_data::EncapsulatedContentInfo,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    certificates: Option<Vec<Any>>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    crls: Option<Vec<Any>>,
    signer_infos: cms::signed_data::SignerInfos,
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

/// A token taken apart: its TSTInfo (and the bytes the signature covers), its signer, its
/// certificates.
struct Parsed {
    info: TstInfo,
    econtent: Vec<u8>,
    /// SignedData's digestAlgorithms: OpenSSL prepares each of them and hashes with the one the
    /// signer names, so an unknown one, or a signer's that is not listed, fails the token.
    digest_algorithms: Vec<ObjectIdentifier>,
    signer: cms::signed_data::SignerInfo,
    certificates: Vec<Certificate>,
}

/// Reads a TimeStampResp. An error says why the bytes are not one.
pub fn read_response(der: &[u8]) -> Result<Response, String> {
    let response =
        TimeStampResp::from_der(der).map_err(|e| format!("not an RFC 3161 response ({e})"))?;
    use cmpv2::status::PkiStatus as S;
    let status = match response.status.status {
        S::Accepted => "granted",
        S::GrantedWithMods => "grantedWithMods",
        S::Rejection => "rejection",
        S::Waiting => "waiting",
        S::RevocationWarning => "revocationWarning",
        S::RevocationNotification => "revocationNotification",
        S::KeyUpdateWarning => "keyUpdateWarning",
    };
    let status_text = response
        .status
        .status_string
        .iter()
        .flatten()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let token = match &response.time_stamp_token {
        Some(token) => Some(summary(&parse_token(
            &token.to_der().map_err(|e| e.to_string())?,
        )?)),
        None => None,
    };
    Ok(Response {
        status,
        status_text,
        token,
    })
}

/// The token (a CMS ContentInfo) inside a TimeStampResp, as DER.
fn token_der(response: &[u8]) -> Result<Vec<u8>, String> {
    let response =
        TimeStampResp::from_der(response).map_err(|e| format!("not an RFC 3161 response ({e})"))?;
    use cmpv2::status::PkiStatus as S;
    if !matches!(response.status.status, S::Accepted | S::GrantedWithMods) {
        return Err("the response's status is not granted".into());
    }
    let token = response
        .time_stamp_token
        .ok_or("the response holds no token")?;
    token.to_der().map_err(|e| e.to_string())
}

fn parse_token(der: &[u8]) -> Result<Parsed, String> {
    let info = cms::content_info::ContentInfo::from_der(der)
        .map_err(|e| format!("the token is not CMS ({e})"))?;
    if info.content_type != SIGNED_DATA {
        return Err("the token is not CMS signed data".into());
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("the token's signed data cannot be read ({e})"))?;
    if signed.encap_content_info.econtent_type != TST_INFO {
        return Err("the token signs something other than a TSTInfo".into());
    }
    let econtent = signed
        .encap_content_info
        .econtent
        .ok_or("the token holds no TSTInfo")?
        .decode_as::<OctetString>()
        .map_err(|e| format!("the token's TSTInfo cannot be read ({e})"))?
        .as_bytes()
        .to_vec();
    let tst = TstInfo::from_der(&econtent)
        .map_err(|e| format!("the token's TSTInfo cannot be read ({e})"))?;
    let digest_algorithms = signed
        .digest_algorithms
        .decode_as::<der::asn1::SetOfVec<AlgorithmIdentifierOwned>>()
        .map_err(|e| format!("the token's digest algorithms cannot be read ({e})"))?
        .into_vec()
        .into_iter()
        .map(|a| a.oid)
        .collect();
    let mut signers = signed.signer_infos.0.into_vec();
    if signers.len() != 1 {
        return Err(format!(
            "the token has {} signers where RFC 3161 allows one",
            signers.len()
        ));
    }
    // A certificate that cannot be read makes the token unreadable, as it does for OpenSSL. One
    // whose structure is sound but whose validity time is not a time is left out instead:
    // OpenSSL reads such a time as a string and only fails the chain that uses it.
    let mut certificates = Vec::new();
    for any in signed.certificates.unwrap_or_default() {
        match any.decode_as::<Certificate>() {
            Ok(certificate) => certificates.push(certificate),
            Err(e) if is_bad_time(&e) => {}
            Err(e) => return Err(format!("a certificate in the token cannot be read ({e})")),
        }
    }
    Ok(Parsed {
        info: tst,
        econtent,
        digest_algorithms,
        signer: signers.remove(0),
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
        _ => signer_certificate(parsed, &[])
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

/// The token's signing certificate: the one its signer info names by issuer and serial number
/// (or by subject key identifier), among the token's certificates and then `extra`.
fn signer_certificate<'a>(parsed: &'a Parsed, extra: &'a [Certificate]) -> Option<&'a Certificate> {
    use cms::signed_data::SignerIdentifier;
    let all = || parsed.certificates.iter().chain(extra);
    match &parsed.signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => all().find(|c| {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(id) => all().find(|c| {
            c.tbs_certificate
                .get::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, ski)| ski.0 == id.0)
        }),
    }
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
    let certificate = signer_certificate(&parsed, cas)
        .ok_or("the TSA's certificate is not in the token (request it with certReq)")?;
    let attributes = signer
        .signed_attrs
        .as_ref()
        .ok_or("the token has no signed attributes")?;
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
    for algorithm in &parsed.digest_algorithms {
        hash(algorithm, &[])?;
    }
    if !parsed.digest_algorithms.contains(&signer.digest_alg.oid) {
        return Err(
            "the signer's hash algorithm is not among the token's digest algorithms".into(),
        );
    }
    let content_digest = hash(&signer.digest_alg.oid, &parsed.econtent)?;
    if digest.as_bytes() != content_digest.as_slice() {
        return Err(
            "the TSTInfo does not match the digest the TSA signed: the token was altered".into(),
        );
    }
    check_signing_certificate(&attribute, certificate)?;
    // RFC 5652 s5.4: the signature covers the signed attributes encoded as a DER SET OF.
    let signed_bytes = attributes.to_der().map_err(|e| e.to_string())?;
    // As OpenSSL does, the digest algorithm decides the hash and the key the scheme; the
    // signature algorithm field is not consulted.
    verify_signature(
        &certificate.tbs_certificate.subject_public_key_info,
        signer.digest_alg.oid,
        &signed_bytes,
        signer.signature.as_bytes(),
    )
    .map_err(|e| format!("the TSA's signature is not valid ({e}): the token was altered"))?;
    check_tsa_certificate(certificate)?;
    let time = parsed.info.gen_time.to_unix_duration().as_secs();
    check_chain(certificate, &parsed.certificates, cas, time)
}

/// The ESS attribute (RFC 3161 s2.4.2) names the TSA's certificate by hash: it must be this one.
fn check_signing_certificate<'a>(
    attribute: &dyn Fn(ObjectIdentifier) -> Option<&'a Any>,
    certificate: &Certificate,
) -> Result<(), String> {
    let der = certificate.to_der().map_err(|e| e.to_string())?;
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
    if hash(&algorithm, &der)? != expected {
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
/// A DER error that is about a time's value, not the structure around it.
fn is_bad_time(error: &der::Error) -> bool {
    match error.kind() {
        der::ErrorKind::DateTime => true,
        der::ErrorKind::Value { tag } => {
            matches!(tag, der::Tag::UtcTime | der::Tag::GeneralizedTime)
        }
        _ => false,
    }
}

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
