//! How OpenSSL reads (its `d2i` functions) the certificates of a timestamp token, so that a
//! token is readable here exactly when it is for `openssl ts -verify`.
//!
//! `x509-cert` refuses anything that is not strict DER; OpenSSL's template decoder is looser:
//! it takes an OID with any arcs, a BOOLEAN of any value, a time of any text, a public key it
//! cannot use, and checks only what the ASN.1 types themselves require (tags and lengths, minimal
//! INTEGERs, OIDs without padding, a BIT STRING's unused-bit count, NULL empty, the lengths of
//! BMP and Universal strings) plus, in names, that every string converts to UTF-8. A
//! certificate OpenSSL can read but `x509-cert` cannot is kept here by its issuer and serial
//! number only: OpenSSL picks the signer's certificate by those, and if it picks such a damaged
//! one the token fails. Names compare as OpenSSL compares them, by their canonical form
//! (strings in UTF-8, spaces collapsed, ASCII lower case).
//!
//! Written from OpenSSL 3's crypto/asn1/tasn_dec.c, asn1_lib.c, a_object.c, a_int.c,
//! a_bitstr.c, a_mbstr.c and crypto/x509/x_name.c, x_x509.c, x_pubkey.c. Indefinite lengths
//! (BER) are refused here where OpenSSL would follow them: no TSA writes them.

const UNIVERSAL: u8 = 0x00;
const CONTEXT: u8 = 0x80;

const BOOLEAN: u32 = 1;
const INTEGER: u32 = 2;
const BIT_STRING: u32 = 3;
const OCTET_STRING: u32 = 4;
const NULL: u32 = 5;
const OID: u32 = 6;
const ENUMERATED: u32 = 10;
const UTF8_STRING: u32 = 12;
const SEQUENCE: u32 = 16;
const SET: u32 = 17;
const UTC_TIME: u32 = 23;
const GENERALIZED_TIME: u32 = 24;
const UNIVERSAL_STRING: u32 = 28;
const BMP_STRING: u32 = 30;

/// The tags OpenSSL's ASN1_PRINTABLE (a name's value) takes: tag2bit & B_ASN1_PRINTABLE.
const PRINTABLE_TAGS: &[u32] = &[
    3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30,
];
/// ASN1_TIME's tags.
const TIME_TAGS: &[u32] = &[UTC_TIME, GENERALIZED_TIME];

type Result<T> = std::result::Result<T, String>;

/// A certificate as far as OpenSSL's signer lookup needs it.
pub struct Loose {
    /// The issuer's canonical encoding (X509_NAME_cmp compares these).
    pub issuer: Vec<u8>,
    /// The serial number's content octets (minimal, so equal values are equal bytes).
    pub serial: Vec<u8>,
}

/// One element: its class (top two bits), whether constructed, tag number and content.
struct Element<'a> {
    class: u8,
    constructed: bool,
    tag: u32,
    content: &'a [u8],
    /// Header and content.
    whole: &'a [u8],
}

/// The elements one after another inside a content (ASN1_get_object, asn1_check_tlen).
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element's header, without consuming it.
    fn peek(&self) -> Result<Element<'a>> {
        let bytes = self.rest;
        if bytes.len() >= 2 && bytes[0] == 0 && bytes[1] == 0 {
            return Err("an end-of-contents where none may be".into());
        }
        let first = *bytes.first().ok_or("data missing")?;
        let mut at = 1;
        let mut tag = u32::from(first & 0x1f);
        if tag == 0x1f {
            tag = 0;
            loop {
                let byte = *bytes.get(at).ok_or("a tag runs past the end")?;
                at += 1;
                if tag > (i32::MAX as u32 >> 7) {
                    return Err("a tag number too large".into());
                }
                tag = (tag << 7) | u32::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    break;
                }
            }
        }
        let length_byte = *bytes.get(at).ok_or("a length runs past the end")?;
        at += 1;
        let length = if length_byte == 0x80 {
            return Err("an indefinite length".into());
        } else if length_byte & 0x80 != 0 {
            let mut count = usize::from(length_byte & 0x7f);
            if bytes.len() - at < count + 1 {
                return Err("a length runs past the end".into());
            }
            while count > 0 && bytes.get(at) == Some(&0) {
                at += 1;
                count -= 1;
            }
            if count > 8 {
                return Err("a length too large".into());
            }
            let mut length: u64 = 0;
            for _ in 0..count {
                length =
                    (length << 8) | u64::from(*bytes.get(at).ok_or("a length runs past the end")?);
                at += 1;
            }
            if length > i64::MAX as u64 {
                return Err("a length too large".into());
            }
            length as usize
        } else {
            usize::from(length_byte)
        };
        if length > bytes.len() - at {
            return Err("an element runs past the end of what holds it".into());
        }
        Ok(Element {
            class: first & 0xc0,
            constructed: first & 0x20 != 0,
            tag,
            content: &bytes[at..at + length],
            whole: &bytes[..at + length],
        })
    }

    /// The next element if it has this class and tag; `None` if it has another and the field is
    /// optional, or if nothing is left and it is optional.
    fn field(&mut self, class: u8, tag: u32, optional: bool) -> Result<Option<Element<'a>>> {
        if self.rest.is_empty() {
            return if optional {
                Ok(None)
            } else {
                Err(format!("a required field (tag {tag}) is missing"))
            };
        }
        let element = self.peek()?;
        if element.class != class || element.tag != tag {
            return if optional {
                Ok(None)
            } else {
                Err(format!("tag {} where tag {tag} is expected", element.tag))
            };
        }
        self.rest = &self.rest[element.whole.len()..];
        Ok(Some(element))
    }

    fn required(&mut self, class: u8, tag: u32) -> Result<Element<'a>> {
        Ok(self.field(class, tag, false)?.expect("a required field"))
    }

    /// Any next element (for ANY and CHOICE-like fields).
    fn any_element(&mut self) -> Result<Element<'a>> {
        let element = self.peek()?;
        self.rest = &self.rest[element.whole.len()..];
        Ok(element)
    }

    fn end(&self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err("more data than the structure holds".into())
        }
    }
}

/// A SEQUENCE (must be constructed): a reader over its content.
fn sequence<'a>(r: &mut Reader<'a>, optional: bool) -> Result<Option<Reader<'a>>> {
    match r.field(UNIVERSAL, SEQUENCE, optional)? {
        None => Ok(None),
        Some(e) if !e.constructed => Err("a SEQUENCE not constructed".into()),
        Some(e) => Ok(Some(Reader::new(e.content))),
    }
}

/// The content of a primitive of this universal type, or of a constructed string's pieces
/// joined (asn1_d2i_ex_primitive, asn1_collect); `None` for SEQUENCE and SET, kept whole.
fn primitive_content(e: &Element, utype: u32) -> Result<Vec<u8>> {
    if utype == SEQUENCE || utype == SET {
        if !e.constructed {
            return Err("a SEQUENCE or SET not constructed".into());
        }
        return Ok(e.whole.to_vec());
    }
    if !e.constructed {
        return Ok(e.content.to_vec());
    }
    if matches!(utype, NULL | BOOLEAN | OID | INTEGER | ENUMERATED) {
        return Err("a constructed value of a primitive type".into());
    }
    let mut out = Vec::new();
    collect(e.content, 0, &mut out)?;
    Ok(out)
}

fn collect(content: &[u8], depth: usize, out: &mut Vec<u8>) -> Result<()> {
    let mut r = Reader::new(content);
    while !r.is_empty() {
        let piece = r.any_element()?;
        if piece.class != UNIVERSAL {
            return Err("a string piece not universal".into());
        }
        if piece.constructed {
            if depth >= 5 {
                return Err("string pieces nested too deep".into());
            }
            collect(piece.content, depth + 1, out)?;
        } else {
            out.extend_from_slice(piece.content);
        }
    }
    Ok(())
}

/// What asn1_ex_c2i checks of a primitive's content.
fn check_content(utype: u32, content: &[u8]) -> Result<()> {
    let ok = match utype {
        OID => oid_ok(content),
        NULL => content.is_empty(),
        BOOLEAN => content.len() == 1,
        BIT_STRING => content.first().is_some_and(|&unused| unused <= 7),
        INTEGER | ENUMERATED => integer_ok(content),
        BMP_STRING => content.len().is_multiple_of(2),
        UNIVERSAL_STRING => content.len().is_multiple_of(4),
        // OpenSSL 3.0 takes a time of any length here (later versions want 13 or 15 octets).
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("a malformed value of universal type {utype}"))
    }
}

/// ossl_c2i_ASN1_OBJECT: not empty, the last octet ends a sub-identifier, none starts with 0x80.
fn oid_ok(content: &[u8]) -> bool {
    let Some(last) = content.last() else {
        return false;
    };
    if last & 0x80 != 0 {
        return false;
    }
    content
        .iter()
        .enumerate()
        .all(|(i, &b)| b != 0x80 || (i > 0 && content[i - 1] & 0x80 != 0))
}

/// ossl_c2i_ASN1_INTEGER: not empty, no needless leading octet.
fn integer_ok(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, rest @ ..] if rest.iter().any(|&b| b != 0) => rest[0] & 0x80 == 0,
        _ => true,
    }
}

/// A primitive field of a fixed universal type (ASN1_SIMPLE / ASN1_EMBED of INTEGER, OID...).
fn typed(r: &mut Reader, utype: u32) -> Result<Vec<u8>> {
    let e = r.required(UNIVERSAL, utype)?;
    let content = primitive_content(&e, utype)?;
    check_content(utype, &content)?;
    Ok(content)
}

/// ANY (ASN1_ANY): any element; universal ones are checked as their type.
fn any(r: &mut Reader) -> Result<()> {
    let e = r.any_element()?;
    if e.class != UNIVERSAL {
        return Ok(());
    }
    let content = primitive_content(&e, e.tag)?;
    if e.tag != SEQUENCE && e.tag != SET {
        check_content(e.tag, &content)?;
    }
    Ok(())
}

/// A multi-string (MSTRING): a universal element whose tag is one of `tags`. Returns its tag and
/// content.
fn mstring(r: &mut Reader, tags: &[u32]) -> Result<(u32, Vec<u8>)> {
    let e = r.any_element()?;
    if e.class != UNIVERSAL || !tags.contains(&e.tag) {
        return Err(format!("tag {} where a string or time is expected", e.tag));
    }
    let content = primitive_content(&e, e.tag)?;
    if e.tag != SEQUENCE {
        check_content(e.tag, &content)?;
    }
    Ok((e.tag, content))
}

/// X509_ALGOR: an OID and optional parameters of any type. Returns the OID's content octets.
fn algorithm(r: &mut Reader) -> Result<Vec<u8>> {
    let mut s = sequence(r, false)?.expect("required");
    let oid = typed(&mut s, OID)?;
    if !s.is_empty() {
        any(&mut s)?;
    }
    s.end()?;
    Ok(oid)
}

/// An EXPLICIT [n] wrapper holding exactly one element.
fn explicit<'a>(r: &mut Reader<'a>, n: u32) -> Result<Option<Reader<'a>>> {
    match r.field(CONTEXT, n, true)? {
        None => Ok(None),
        Some(e) if !e.constructed => Err(format!("explicit tag [{n}] not constructed")),
        Some(e) => Ok(Some(Reader::new(e.content))),
    }
}

/// A SEQUENCE OF or SET OF header (no check that it is constructed, as in OpenSSL).
fn list<'a>(r: &mut Reader<'a>, class: u8, tag: u32) -> Result<Reader<'a>> {
    Ok(Reader::new(r.required(class, tag)?.content))
}

/// A PKCS #7 SignedData as OpenSSL reads it (PKCS7_SIGNED): the parts a timestamp check uses,
/// raw.
pub struct SignedData<'a> {
    /// Each digestAlgorithms entry's OID (content octets).
    pub digest_algorithms: Vec<Vec<u8>>,
    /// The encapsulated content's type (OID content octets).
    pub content_type: Vec<u8>,
    /// The encapsulated content, if it is an OCTET STRING: the TSTInfo's DER.
    pub content: Option<Vec<u8>>,
    /// Each certificate's whole DER, as OpenSSL can read it.
    pub certificates: Vec<(&'a [u8], Loose)>,
    pub signers: Vec<Signer>,
}

/// A PKCS7_SIGNER_INFO's parts.
pub struct Signer {
    /// The issuer's canonical encoding and the serial number's content octets.
    pub issuer: Vec<u8>,
    pub serial: Vec<u8>,
    /// The digest algorithm's OID (content octets).
    pub digest_algorithm: Vec<u8>,
    /// The signed attributes as the DER SET the signature covers.
    pub signed_attributes: Option<Vec<u8>>,
    pub signature: Vec<u8>,
}

/// Reads SignedData (its whole DER: the SEQUENCE) as `d2i_PKCS7` does.
pub fn signed_data(der: &[u8]) -> Result<SignedData<'_>> {
    let mut outer = Reader::new(der);
    let mut s = sequence(&mut outer, false)?.expect("required");
    outer.end()?;
    typed(&mut s, INTEGER)?;
    let mut algorithms = list(&mut s, UNIVERSAL, SET)?;
    let mut digest_algorithms = Vec::new();
    while !algorithms.is_empty() {
        digest_algorithms.push(algorithm(&mut algorithms)?);
    }
    // contents: a PKCS7 of a type PKCS #7 does not know, its content [0] EXPLICIT ANY.
    let mut inner = sequence(&mut s, false)?.expect("required");
    let content_type = typed(&mut inner, OID)?;
    let mut content = None;
    if let Some(mut wrapper) = explicit(&mut inner, 0)? {
        let e = wrapper.peek()?;
        any(&mut wrapper)?;
        wrapper.end()?;
        if e.class == UNIVERSAL && e.tag == OCTET_STRING {
            content = Some(primitive_content(&e, OCTET_STRING)?);
        }
    }
    inner.end()?;
    let mut certificates = Vec::new();
    if let Some(e) = s.field(CONTEXT, 0, true)? {
        let mut list = Reader::new(e.content);
        while !list.is_empty() {
            let e = list.peek()?;
            let loose = certificate(e.whole)?;
            list.any_element()?;
            certificates.push((e.whole, loose));
        }
    }
    if s.field(CONTEXT, 1, true)?.is_some() {
        return Err("the token carries revocation lists, which are not read here".into());
    }
    let mut infos = list(&mut s, UNIVERSAL, SET)?;
    s.end()?;
    let mut signers = Vec::new();
    while !infos.is_empty() {
        signers.push(signer_info(&mut infos)?);
    }
    Ok(SignedData {
        digest_algorithms,
        content_type,
        content,
        certificates,
        signers,
    })
}

/// PKCS7_SIGNER_INFO: version, issuer and serial, digest algorithm, [0] signed attributes,
/// signature algorithm, signature, [1] unsigned attributes.
fn signer_info(r: &mut Reader) -> Result<Signer> {
    let mut s = sequence(r, false)?.expect("required");
    typed(&mut s, INTEGER)?;
    let mut id = sequence(&mut s, false)?.expect("required");
    let issuer = name(&mut id)?;
    let serial = typed(&mut id, INTEGER)?;
    id.end()?;
    let digest_algorithm = algorithm(&mut s)?;
    let mut signed_attributes = None;
    if let Some(e) = s.field(CONTEXT, 0, true)? {
        attributes(e.content)?;
        signed_attributes = Some(tlv(0x31, e.content));
    }
    algorithm(&mut s)?;
    let signature = typed(&mut s, OCTET_STRING)?;
    if let Some(e) = s.field(CONTEXT, 1, true)? {
        attributes(e.content)?;
    }
    s.end()?;
    Ok(Signer {
        issuer,
        serial,
        digest_algorithm,
        signed_attributes,
        signature,
    })
}

/// X509_ATTRIBUTEs: each an OID and a SET OF ANY.
fn attributes(content: &[u8]) -> Result<()> {
    let mut r = Reader::new(content);
    while !r.is_empty() {
        let mut attribute = sequence(&mut r, false)?.expect("required");
        typed(&mut attribute, OID)?;
        let mut values = list(&mut attribute, UNIVERSAL, SET)?;
        attribute.end()?;
        while !values.is_empty() {
            any(&mut values)?;
        }
    }
    Ok(())
}

/// TS_STATUS_INFO: the status (an INTEGER of any value; `i64::MIN` if too long for one) and its
/// texts (UTF8Strings, not checked to be UTF-8, as in OpenSSL), failure info aside.
pub fn status_info(der: &[u8]) -> Result<(i64, Vec<String>)> {
    let mut outer = Reader::new(der);
    let mut s = sequence(&mut outer, false)?.expect("required");
    outer.end()?;
    let status = typed(&mut s, INTEGER)?;
    let value = if status.len() <= 8 {
        let fill = if status[0] & 0x80 != 0 { 0xff } else { 0 };
        let mut bytes = [fill; 8];
        bytes[8 - status.len()..].copy_from_slice(&status);
        i64::from_be_bytes(bytes)
    } else {
        i64::MIN
    };
    let mut texts = Vec::new();
    if let Some(e) = s.field(UNIVERSAL, SEQUENCE, true)? {
        let mut list = Reader::new(e.content);
        while !list.is_empty() {
            let text = typed(&mut list, UTF8_STRING)?;
            texts.push(String::from_utf8_lossy(&text).into_owned());
        }
    }
    if let Some(e) = s.field(UNIVERSAL, BIT_STRING, true)? {
        check_content(BIT_STRING, &primitive_content(&e, BIT_STRING)?)?;
    }
    s.end()?;
    Ok((value, texts))
}

/// Reads a certificate (its whole DER) as `d2i_X509` does.
pub fn certificate(der: &[u8]) -> Result<Loose> {
    let mut outer = Reader::new(der);
    let mut cert = sequence(&mut outer, false)?.expect("required");
    let mut tbs = sequence(&mut cert, false)?.expect("required");
    if let Some(mut version) = explicit(&mut tbs, 0)? {
        typed(&mut version, INTEGER)?;
        version.end()?;
    }
    let serial = typed(&mut tbs, INTEGER)?;
    algorithm(&mut tbs)?;
    let issuer = name(&mut tbs)?;
    let mut validity = sequence(&mut tbs, false)?.expect("required");
    mstring(&mut validity, TIME_TAGS)?;
    mstring(&mut validity, TIME_TAGS)?;
    validity.end()?;
    name(&mut tbs)?;
    let mut key = sequence(&mut tbs, false)?.expect("required");
    algorithm(&mut key)?;
    typed(&mut key, BIT_STRING)?;
    key.end()?;
    for n in [1, 2] {
        if let Some(e) = tbs.field(CONTEXT, n, true)? {
            let content = primitive_content(&e, BIT_STRING)?;
            check_content(BIT_STRING, &content)?;
        }
    }
    if let Some(mut wrapper) = explicit(&mut tbs, 3)? {
        let mut extensions = list(&mut wrapper, UNIVERSAL, SEQUENCE)?;
        wrapper.end()?;
        while !extensions.is_empty() {
            let mut extension = sequence(&mut extensions, false)?.expect("required");
            typed(&mut extension, OID)?;
            if let Some(e) = extension.field(UNIVERSAL, BOOLEAN, true)? {
                let content = primitive_content(&e, BOOLEAN)?;
                check_content(BOOLEAN, &content)?;
            }
            typed(&mut extension, OCTET_STRING)?;
            extension.end()?;
        }
    }
    tbs.end()?;
    algorithm(&mut cert)?;
    typed(&mut cert, BIT_STRING)?;
    cert.end()?;
    Ok(Loose { issuer, serial })
}

/// Reads a Name (its whole DER) as OpenSSL does and returns its canonical encoding.
#[cfg(test)]
fn name_canonical(der: &[u8]) -> Result<Vec<u8>> {
    let mut r = Reader::new(der);
    let canonical = name(&mut r)?;
    r.end()?;
    Ok(canonical)
}

/// X509_NAME: a SEQUENCE OF SET OF (OID, string), read and made canonical (x509_name_canon):
/// each RDN's SET re-encoded with its strings as lower-case UTF8String, the outer SEQUENCE
/// header left out.
fn name(r: &mut Reader) -> Result<Vec<u8>> {
    let mut rdns = list(r, UNIVERSAL, SEQUENCE)?;
    let mut canonical = Vec::new();
    while !rdns.is_empty() {
        let mut set = list(&mut rdns, UNIVERSAL, SET)?;
        let mut entries = Vec::new();
        while !set.is_empty() {
            let mut entry = sequence(&mut set, false)?.expect("required");
            let oid = typed(&mut entry, OID)?;
            let (tag, content) = mstring(&mut entry, PRINTABLE_TAGS)?;
            entry.end()?;
            let value = canonical_value(tag, &content)?;
            let mut body = tlv(OID as u8, &oid);
            body.extend(value);
            entries.push(tlv(0x30, &body));
        }
        entries.sort();
        canonical.extend(tlv(0x31, &entries.concat()));
    }
    Ok(canonical)
}

/// One name value in canonical form (asn1_string_canon): strings converted to UTF-8, leading
/// and trailing white space dropped, inner runs of it made one space, ASCII in lower case.
fn canonical_value(tag: u32, content: &[u8]) -> Result<Vec<u8>> {
    const CANON: &[u32] = &[12, 30, 28, 19, 20, 22, 26];
    if !CANON.contains(&tag) {
        return Ok(if tag == SEQUENCE {
            content.to_vec()
        } else {
            tlv(tag as u8, content)
        });
    }
    let text = to_utf8(tag, content)?;
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if space(&b) {
            out.push(b' ');
            while i < end && space(&bytes[i]) {
                i += 1;
            }
        } else {
            out.push(b.to_ascii_lowercase());
            i += 1;
        }
    }
    Ok(tlv(UTF8_STRING as u8, &out))
}

/// ASN1_STRING_to_UTF8: one-octet strings are Latin-1; UTF8String must be valid UTF-8;
/// BMPString and UniversalString must hold Unicode scalar values.
fn to_utf8(tag: u32, content: &[u8]) -> Result<String> {
    let bad = || format!("a name holds a string of type {tag} that is not valid text");
    match tag {
        UTF8_STRING => String::from_utf8(content.to_vec()).map_err(|_| bad()),
        BMP_STRING => content
            .chunks(2)
            .map(|c| char::from_u32(u32::from(u16::from_be_bytes([c[0], c[1]]))).ok_or_else(bad))
            .collect(),
        UNIVERSAL_STRING => content
            .chunks(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).ok_or_else(bad))
            .collect(),
        _ => Ok(content.iter().map(|&b| char::from(b)).collect()),
    }
}

/// A DER element with a one-octet identifier.
fn tlv(identifier: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![identifier];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_by_canonical_form() {
        // SEQUENCE { SET { SEQUENCE { CN, PrintableString "  Test   TSA " } } }
        let printable = [
            0x30, 0x18, 0x31, 0x16, 0x30, 0x14, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x0d, b' ',
            b' ', b'T', b'e', b's', b't', b' ', b' ', b' ', b'T', b'S', b'A', b' ',
        ];
        // The same as a UTF8String "test tsa".
        let utf8 = [
            0x30, 0x13, 0x31, 0x11, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x08, b't',
            b'e', b's', b't', b' ', b't', b's', b'a',
        ];
        assert_eq!(
            name_canonical(&printable).unwrap(),
            name_canonical(&utf8).unwrap()
        );
        let mut invalid = utf8;
        invalid[13] = 0xcd;
        assert!(name_canonical(&invalid).is_err());
    }

    #[test]
    fn oids_and_integers_are_judged_as_openssl_judges_them() {
        assert!(oid_ok(&[0x55, 0x04, 0x03]));
        assert!(oid_ok(&[0x55, 0x84, 0x80, 0x03]));
        assert!(!oid_ok(&[0x55, 0x80, 0x03]));
        assert!(!oid_ok(&[0x55, 0x84]));
        assert!(!oid_ok(&[]));
        assert!(integer_ok(&[0x00, 0x80]));
        assert!(!integer_ok(&[0x00, 0x7f]));
        assert!(integer_ok(&[0xff, 0x00]));
        assert!(!integer_ok(&[0xff, 0x80]));
        assert!(!integer_ok(&[]));
    }
}
