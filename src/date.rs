//! Dates as investigators write them: a day, a month, a year, a range, or an approximation.
//!
//! Owns parsing, validation and the canonical spelling of event dates, birth dates and collection
//! times. It does not decide which dates a record needs; `check` does.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// What the date forms look like, for error messages.
pub const ACCEPTED_DATES: &str = "accepted forms: 2017-01-15 (day), 2017-01 (month), 2017 (year), \
     2011-02-14..2011-03-16 (range, any precision on each side), ~2014, circa 2014 or c. 2014 (approximate)";

/// A date known to a day, a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partial {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl Partial {
    /// The first day the date can mean.
    pub fn first_day(self) -> NaiveDate {
        match self {
            Partial::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).expect("year checked on parse"),
            Partial::Month(y, m) => {
                NaiveDate::from_ymd_opt(y, m, 1).expect("month checked on parse")
            }
            Partial::Day(d) => d,
        }
    }

    /// The last day the date can mean.
    pub fn last_day(self) -> NaiveDate {
        match self {
            Partial::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).expect("year checked on parse"),
            Partial::Month(y, m) => {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                NaiveDate::from_ymd_opt(ny, nm, 1)
                    .and_then(|d| d.pred_opt())
                    .expect("month checked on parse")
            }
            Partial::Day(d) => d,
        }
    }

    fn parse(text: &str) -> Option<Partial> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = number(parts.first()?, 4)? as i32;
        match parts.len() {
            1 => Some(Partial::Year(year)),
            2 => {
                let month = number(parts[1], 2)?;
                (1..=12)
                    .contains(&month)
                    .then_some(Partial::Month(year, month))
            }
            3 => {
                let month = number(parts[1], 2)?;
                let day = number(parts[2], 2)?;
                NaiveDate::from_ymd_opt(year, month, day).map(Partial::Day)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Partial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Partial::Year(y) => write!(f, "{y:04}"),
            Partial::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Partial::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// An event or birth date: one partial date or a range, possibly approximate ("circa").
///
/// Its canonical text is what `case.json` stores: `2017-01-15`, `2017-01`, `2017`,
/// `2011-02-14..2011-03-16`, `~2014`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseDate {
    pub start: Partial,
    pub end: Option<Partial>,
    pub circa: bool,
}

impl CaseDate {
    /// The first day the date can mean; the order of the timeline.
    pub fn first_day(&self) -> NaiveDate {
        self.start.first_day()
    }

    /// The last day the date can mean.
    pub fn last_day(&self) -> NaiveDate {
        self.end.unwrap_or(self.start).last_day()
    }
}

impl Ord for CaseDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.first_day(), self.last_day()).cmp(&(other.first_day(), other.last_day()))
    }
}

impl PartialOrd for CaseDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for CaseDate {
    type Err = Error;

    fn from_str(text: &str) -> Result<CaseDate> {
        let bad = || {
            Error::input(
                format!("bad date `{text}`"),
                format!("{ACCEPTED_DATES}; month and day need two digits"),
            )
        };
        let trimmed = text.trim();
        let (circa, rest) = if let Some(rest) = trimmed.strip_prefix('~') {
            (true, rest.trim_start())
        } else if let Some(rest) = trimmed
            .strip_prefix("circa ")
            .or_else(|| trimmed.strip_prefix("c. "))
        {
            (true, rest.trim_start())
        } else {
            (false, trimmed)
        };
        let date = match rest.split_once("..") {
            Some((a, b)) => {
                let start = Partial::parse(a.trim()).ok_or_else(bad)?;
                let end = Partial::parse(b.trim()).ok_or_else(bad)?;
                if end.last_day() < start.first_day() {
                    return Err(Error::input(
                        format!("bad date range `{text}`: it ends before it starts"),
                        "write the earlier date first, e.g. 2011-02-14..2011-03-16",
                    ));
                }
                CaseDate {
                    start,
                    end: Some(end),
                    circa,
                }
            }
            None => CaseDate {
                start: Partial::parse(rest).ok_or_else(bad)?,
                end: None,
                circa,
            },
        };
        Ok(date)
    }
}

impl fmt::Display for CaseDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.circa {
            f.write_str("~")?;
        }
        write!(f, "{}", self.start)?;
        if let Some(end) = self.end {
            write!(f, "..{end}")?;
        }
        Ok(())
    }
}

/// When an exhibit was collected: an instant (stored in UTC) or just a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(text: &str) -> Result<Timestamp> {
        let text = text.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Ok(Timestamp::Instant(instant.with_timezone(&Utc)));
        }
        match Partial::parse(text) {
            Some(Partial::Day(day)) => Ok(Timestamp::Date(day)),
            _ => Err(Error::input(
                format!("bad collection time `{text}`"),
                "accepted forms: RFC 3339 such as 2023-04-02T10:15:00Z or 2023-04-02T12:15:00+02:00 \
                 (stored in UTC), or a day such as 2023-04-02",
            )),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timestamp::Instant(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Timestamp::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// The current time in UTC, to the second, as custody entries record it.
pub fn now_utc() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Both date types are stored in JSON as their canonical text.
macro_rules! serde_as_text {
    ($type:ty) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(|err: Error| {
                    serde::de::Error::custom(err.to_string().replace("\n  ", "; "))
                })
            }
        }
    };
}

serde_as_text!(CaseDate);
serde_as_text!(Timestamp);

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        text.parse::<CaseDate>().unwrap().to_string()
    }

    #[test]
    fn every_form_round_trips() {
        for text in [
            "2017-01-15",
            "2017-01",
            "2017",
            "2011-02-14..2011-03-16",
            "2011..2013-05",
            "~2014",
            "~2014-03",
        ] {
            assert_eq!(round_trip(text), text);
        }
        assert_eq!(round_trip("circa 2014"), "~2014");
        assert_eq!(round_trip(" 2014 .. 2015 "), "2014..2015");
    }

    #[test]
    fn bad_dates_list_the_accepted_forms() {
        for text in [
            "2017-13",
            "2017-02-30",
            "17-01-01",
            "2017-1-5",
            "15/01/2017",
            "",
            "2012..2011",
        ] {
            let err = text.parse::<CaseDate>().unwrap_err().to_string();
            assert!(
                err.contains("2017-01-15") || err.contains("earlier"),
                "{err}"
            );
        }
    }

    #[test]
    fn ranges_cover_whole_months_and_years() {
        let d: CaseDate = "2016-02..2017".parse().unwrap();
        assert_eq!(d.first_day().to_string(), "2016-02-01");
        assert_eq!(d.last_day().to_string(), "2017-12-31");
        let feb: CaseDate = "2016-02".parse().unwrap();
        assert_eq!(feb.last_day().to_string(), "2016-02-29");
    }

    #[test]
    fn collection_times_are_stored_in_utc() {
        let t: Timestamp = "2023-04-02T12:15:00+02:00".parse().unwrap();
        assert_eq!(t.to_string(), "2023-04-02T10:15:00Z");
        let d: Timestamp = "2023-04-02".parse().unwrap();
        assert_eq!(d.to_string(), "2023-04-02");
        assert!("2023-04".parse::<Timestamp>().is_err());
    }
}
