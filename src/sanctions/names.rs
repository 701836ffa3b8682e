//! Names as a sanctions analyst compares them: any script brought to Latin letters, case,
//! diacritics, punctuation and word order set aside, and spelling variants of the same sounds
//! (Tariq / Tareq, Zayed / Zaid, Orzhelov / Orjelov) counted as near matches.
//!
//! Owns the normal form of a name ([`tokens`]), the coarse key of a word that the pre-filter and
//! the comparison share ([`skeleton`]), and the similarity of two names ([`similarity`]). It knows
//! nothing of files or entities.

use strsim::jaro_winkler;

/// Words that carry no identity: the Arabic article written apart, and legal forms of companies.
const STOP_WORDS: &[&str] = &[
    "al",
    "el",
    "llc",
    "ltd",
    "limited",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "inc",
    "incorporated",
    "gmbh",
    "ag",
    "sa",
    "plc",
    "co",
    "company",
    "corp",
    "corporation",
    "llp",
    "bv",
    "nv",
    "srl",
    "spa",
    "the",
];

/// One word of a name in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercase ASCII letters and digits.
    pub text: String,
    /// The consonant skeleton ([`skeleton`]).
    pub key: Vec<u8>,
    /// The word has no vowel letter: an abjad (Arabic, Hebrew) word written without short vowels,
    /// whose skeleton is all it can be compared by.
    pub abjad: bool,
}

/// The words of a name in normal form, stop words left out: `"ORZHELOV, Vadim"` and
/// `"Вадим Оржелов"` give the same tokens (`orzhelov`, `vadim`) in another order.
pub fn tokens(name: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut ascii = String::new();
    for word in name.split(|c: char| !is_word_char(c)) {
        if word.is_empty() {
            continue;
        }
        ascii.clear();
        transliterate(word, &mut ascii);
        for part in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
            if part.is_empty() || STOP_WORDS.contains(&part) {
                continue;
            }
            out.push(token(part));
        }
    }
    out
}

fn token(text: &str) -> Token {
    let mut key = Vec::new();
    skeleton(text.as_bytes(), &mut key);
    Token {
        abjad: !text.bytes().any(|b| b"aeiou".contains(&b)),
        text: text.to_string(),
        key,
    }
}

/// True for a character that belongs to a word: letters, digits and the marks of a word
/// (apostrophes are dropped, not word breaks: O'Brien, Ja'far).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_dropped(c) || (!c.is_ascii() && !c.is_whitespace() && is_mark(c))
}

fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{2018}'
    )
}

/// Combining marks (Arabic harakat, decomposed accents) stay inside their word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Appends `word` in lowercase ASCII: any script through its Latin transliteration (deunicode),
/// the Arabic article ال taken off the front of a word, apostrophes dropped.
pub fn transliterate(word: &str, out: &mut String) {
    let word = strip_arabic_article(word);
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !is_dropped(c) {
                out.push(' ');
            }
            continue;
        }
        if is_dropped(c) || is_mark(c) {
            continue;
        }
        match deunicode::deunicode_char(c) {
            Some(latin) => {
                for l in latin.chars() {
                    if l.is_ascii_alphanumeric() {
                        out.push(l.to_ascii_lowercase());
                    } else if !is_dropped(l) {
                        out.push(' ');
                    }
                }
            }
            None => out.push(' '),
        }
    }
}

/// `القرماني` -> `قرماني`: the article is written joined to the word in Arabic script and apart
/// ("al-Qarmani", "Qarmani") in Latin, so it is compared without it.
fn strip_arabic_article(word: &str) -> &str {
    match word.strip_prefix("\u{0627}\u{0644}") {
        // Two Arabic letters or more left (two bytes each).
        Some(rest) if rest.len() >= 4 => rest,
        _ => word,
    }
}

/// The consonant skeleton of an ASCII word (taken in lower case): vowels, `y` and `h` left out,
/// sounds spelt several ways brought together (`q`, `c` -> `k`; `w` -> `v`; `zh`, `dzh`, `dj`
/// -> `j`; `ph` -> `f`) and doubled letters made single. `tariq`, `tareq` and the Arabic `trq`
/// share `trk`; `orzhelov` and `orjelov` share `rjlv`.
pub fn skeleton(word: &[u8], out: &mut Vec<u8>) {
    let mut s = Skeleton::default();
    for &b in word {
        s.push(b);
    }
    out.clear();
    out.extend_from_slice(s.as_bytes());
}

/// A skeleton built letter by letter, as the pre-filter scans a line (no second pass over the
/// word, no allocation). Past 48 letters of skeleton the rest is dropped.
pub struct Skeleton {
    buf: [u8; 48],
    len: usize,
    /// The previous letter as written, for the digraphs.
    prev: u8,
}

/// The sound of each lower-case byte: 0 for vowels, `y` and anything not a letter or digit;
/// `h` marks the second letter of a digraph.
const SOUND: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => 0,
            b'q' | b'c' => b'k',
            b'w' => b'v',
            c @ (b'b'..=b'z' | b'0'..=b'9') => c,
            _ => 0,
        };
        b += 1;
    }
    table
};

impl Default for Skeleton {
    fn default() -> Skeleton {
        Skeleton {
            buf: [0; 48],
            len: 0,
            prev: 0,
        }
    }
}

impl Skeleton {
    pub fn clear(&mut self) {
        self.len = 0;
        self.prev = 0;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    #[inline]
    pub fn push(&mut self, byte: u8) {
        let c = byte.to_ascii_lowercase();
        match SOUND[c as usize] {
            0 => {}
            b'h' => match self.prev {
                b'z' => self.replace(b'j'),
                b'p' => self.replace(b'f'),
                _ => {}
            },
            sound => self.add(sound),
        }
        self.prev = c;
    }

    fn last(&self) -> Option<u8> {
        self.len.checked_sub(1).map(|i| self.buf[i])
    }

    /// Adds a sound unless it repeats the last; `j` after `d` (dj, dzh) replaces it.
    #[inline]
    fn add(&mut self, m: u8) {
        if m == b'j' && self.last() == Some(b'd') {
            self.len -= 1;
        }
        if self.last() != Some(m) && self.len < self.buf.len() {
            self.buf[self.len] = m;
            self.len += 1;
        }
    }

    /// The last sound was the first letter of a digraph (zh, ph): it becomes `m`.
    fn replace(&mut self, m: u8) {
        if self.len > 0 {
            self.len -= 1;
        }
        self.add(m);
    }
}

/// How alike two words are, 0 to 1: 1 the same word; 0.9 the same skeleton (of three letters or
/// more, or of two when one word is written without vowels); else their Jaro-Winkler similarity
/// when it is at least 0.93 (a letter apart in a long word); else 0.
pub fn word_similarity(a: &Token, b: &Token) -> f64 {
    if a.text == b.text {
        return 1.0;
    }
    if a.key == b.key && (a.key.len() >= 3 || (a.key.len() == 2 && (a.abjad || b.abjad))) {
        return 0.9;
    }
    if a.text.len() < 3 || b.text.len() < 3 {
        return 0.0;
    }
    // Jaro-Winkler of 0.93 or more between words of different first letters is all but
    // impossible; the skeleton has joined the spellings that differ there (Qarmani, Karmani).
    if a.text.as_bytes()[0] != b.text.as_bytes()[0] {
        return 0.0;
    }
    let jw = jaro_winkler(&a.text, &b.text);
    if jw >= 0.93 { jw * 0.95 } else { 0.0 }
}

/// How alike two names are, 0 to 1, whatever the order of their words: each word of the shorter
/// name paired with its best partner in the longer (best pairs first, each word used once), the
/// mean of the pairs' similarity; each word of the longer name left unpaired (a patronymic, a
/// middle name) costs 4%, and a one-word name against a longer one counts three quarters.
pub fn similarity(a: &[Token], b: &[Token]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, x) in short.iter().enumerate() {
        for (j, y) in long.iter().enumerate() {
            let s = word_similarity(x, y);
            if s > 0.0 {
                pairs.push((s, i, j));
            }
        }
    }
    pairs.sort_by(|p, q| q.0.total_cmp(&p.0));
    let (mut used_short, mut used_long) = (vec![false; short.len()], vec![false; long.len()]);
    let mut total = 0.0;
    for (s, i, j) in pairs {
        if !used_short[i] && !used_long[j] {
            used_short[i] = true;
            used_long[j] = true;
            total += s;
        }
    }
    let extra = (long.len() - short.len()) as f64;
    let mut score = total / short.len() as f64 * (1.0 - 0.04 * extra).max(0.5);
    if short.len() == 1 && long.len() > 1 {
        score *= 0.75;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        tokens(name).into_iter().map(|t| t.text).collect()
    }

    fn sim(a: &str, b: &str) -> f64 {
        similarity(&tokens(a), &tokens(b))
    }

    #[test]
    fn names_are_brought_to_latin_lowercase_words() {
        assert_eq!(texts("ORZHELOV, Vadim"), ["orzhelov", "vadim"]);
        assert_eq!(texts("Вадим Оржелов"), ["vadim", "orzhelov"]);
        assert_eq!(texts("Jérôme Ñúñez-Ølsen"), ["jerome", "nunez", "olsen"]);
        assert_eq!(
            texts("Qarvexa Stroy-Invest LLC"),
            ["qarvexa", "stroy", "invest"]
        );
        assert_eq!(texts("O'Brien"), ["obrien"]);
        assert_eq!(texts("طارق القرماني"), ["trq", "qrmny"]);
    }

    #[test]
    fn skeletons_join_spellings_of_the_same_sounds() {
        let key = |w: &str| {
            let mut out = Vec::new();
            skeleton(w.as_bytes(), &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(key("tariq"), key("tareq"));
        assert_eq!(key("tariq"), key("trq"));
        assert_eq!(key("orzhelov"), key("orjelov"));
        assert_eq!(key("mohammed"), key("muhammad"));
        assert_ne!(key("orzhelov"), key("orlov"));
    }

    #[test]
    fn word_order_and_script_do_not_matter_but_other_names_do() {
        assert_eq!(sim("Vadim Orzhelov", "ORZHELOV, Vadim"), 1.0);
        assert_eq!(sim("Vadim Orzhelov", "Вадим Оржелов"), 1.0);
        assert!(sim("Vadim Orzhelov", "Vadim Petrovich Orzhelov") > 0.95);
        assert!(sim("طارق زايد القرماني", "Tareq Zaid AL-QARMANI") >= 0.9);
        assert!(sim("Vadim Orzhelov", "Vadim Orlov") < 0.6);
        assert!(sim("Vadim Orzhelov", "Orzhelov") < 0.8);
        assert!(sim("Omar Haddad", "Maria Haddad") < 0.8);
    }
}
