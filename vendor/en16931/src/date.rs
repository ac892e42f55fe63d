//! [`Date`] — EN 16931-1 §6.5.9 `Date. Type`: an ISO 8601 calendar date
//! (`YYYY-MM-DD`) with no time of day and no timezone.
//!
//! The `chrono` and `time` features add conversions in both directions.

use core::fmt;
use core::str::FromStr;

use crate::error::ParseDateError;

/// A calendar day — EN 16931-1 §6.5.9 `Date. Type`.
///
/// Proleptic Gregorian, validated on construction. `Ord` is chronological
/// (BR-29, BR-30).
///
/// ```
/// use en16931::Date;
///
/// let from = Date::parse("2026-06-01")?;
/// let to   = Date::parse("2026-06-30")?;
/// assert!(to >= from);                      // BR-29
/// assert_eq!(to.to_string(), "2026-06-30");
///
/// assert!(Date::parse("2026-02-30").is_err());       // not a real day
/// assert!(Date::parse("2026-06-01T00:00:00").is_err()); // §6.5.9: no time of day
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived `Ord` chronological.
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The first representable day, `0000-01-01`.
    pub const MIN: Self = Self {
        year: 0,
        month: 1,
        day: 1,
    };
    /// The last representable day, `9999-12-31`.
    pub const MAX: Self = Self {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// Construct from parts, validating that the day exists and that the year
    /// has four digits (ISO 8601 complete representation, as [`Date::parse`]).
    ///
    /// # Errors
    /// [`ParseDateError::NotACalendarDay`] for a year outside `0000..=9999`, a
    /// month outside 1–12, or a day outside the month's length — leap years
    /// included.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, ParseDateError> {
        if !(0..=9999).contains(&year)
            || month == 0
            || month > 12
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(ParseDateError::NotACalendarDay { year, month, day });
        }
        Ok(Self { year, month, day })
    }

    /// Parse `YYYY-MM-DD`.
    ///
    /// Exactly ten characters, two hyphens, digits elsewhere. A trailing time
    /// is an error, not truncated.
    ///
    /// # Errors
    /// [`ParseDateError`].
    pub fn parse(s: &str) -> Result<Self, ParseDateError> {
        let malformed = || ParseDateError::Malformed {
            input: s.to_owned(),
        };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(malformed());
        }
        let digits = |r: core::ops::Range<usize>| -> Option<u32> {
            let mut n = 0u32;
            for i in r {
                if !b[i].is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u32::from(b[i] - b'0');
            }
            Some(n)
        };
        let (y, m, d) = (
            digits(0..4).ok_or_else(malformed)?,
            digits(5..7).ok_or_else(malformed)?,
            digits(8..10).ok_or_else(malformed)?,
        );
        // Casts are safe: four and two digits respectively.
        Self::new(y as i32, m as u8, d as u8)
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }
    /// The month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01, negative before it.
    ///
    /// ```
    /// # use en16931::Date;
    /// assert_eq!(Date::parse("1970-01-01")?.to_epoch_day(), 0);
    /// assert_eq!(Date::parse("2026-07-31")?.to_epoch_day(), 20_665);
    /// # Ok::<(), en16931::ParseDateError>(())
    /// ```
    #[must_use]
    pub const fn to_epoch_day(self) -> i64 {
        // Howard Hinnant's `days_from_civil`; `y - 399` turns truncating
        // division into the floor division the algorithm assumes.
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The calendar day `epoch_day` days after 1970-01-01.
    ///
    /// # Errors
    /// [`ParseDateError::NotACalendarDay`] outside [`Date::MIN`]..=[`Date::MAX`].
    pub fn from_epoch_day(epoch_day: i64) -> Result<Self, ParseDateError> {
        // Hinnant's `civil_from_days`, the exact inverse of the above.
        let z = epoch_day + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = mp + if mp < 10 { 3 } else { -9 };
        let year = y + i64::from(m <= 2);
        // Saturate; `Date::new` below rejects the out-of-range year.
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        // Casts are safe: the algorithm's own ranges are [1, 12] and [1, 31].
        Self::new(year, m as u8, d as u8)
    }

    /// This day, `days` later. Negative `days` goes backwards.
    ///
    /// `None` outside [`Date::MIN`]..=[`Date::MAX`].
    ///
    /// ```
    /// # use en16931::Date;
    /// let issued = Date::parse("2026-07-31")?;
    /// assert_eq!(issued.checked_add_days(14).map(|d| d.to_string()).as_deref(),
    ///            Some("2026-08-14"));
    /// assert_eq!(Date::parse("2024-02-28")?.checked_add_days(1).map(|d| d.to_string()).as_deref(),
    ///            Some("2024-02-29"));
    /// # Ok::<(), en16931::ParseDateError>(())
    /// ```
    #[must_use]
    pub fn checked_add_days(self, days: i32) -> Option<Self> {
        Self::from_epoch_day(self.to_epoch_day().checked_add(i64::from(days))?).ok()
    }

    /// Days from `self` to `other`; negative if `other` is earlier.
    ///
    /// ```
    /// # use en16931::Date;
    /// let period = (Date::parse("2026-01-01")?, Date::parse("2026-12-31")?);
    /// assert_eq!(period.0.days_until(period.1), 364);
    /// # Ok::<(), en16931::ParseDateError>(())
    /// ```
    #[must_use]
    pub const fn days_until(self, other: Self) -> i64 {
        other.to_epoch_day() - self.to_epoch_day()
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Length of `month` in `year`.
const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`. Honours width, fill and alignment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fmt::padded(
            f,
            &format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        )
    }
}

impl FromStr for Date {
    type Err = ParseDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(feature = "serde")]
impl TryFrom<String> for Date {
    type Error = ParseDateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

#[cfg(feature = "serde")]
impl From<Date> for String {
    fn from(d: Date) -> Self {
        d.to_string()
    }
}

#[cfg(feature = "chrono")]
impl TryFrom<chrono::NaiveDate> for Date {
    type Error = ParseDateError;
    /// # Errors
    /// [`ParseDateError::NotACalendarDay`] for a year outside `0000..=9999`.
    fn try_from(d: chrono::NaiveDate) -> Result<Self, Self::Error> {
        use chrono::Datelike as _;
        // Casts are safe: chrono's month is 1–12 and its day 1–31.
        Self::new(d.year(), d.month() as u8, d.day() as u8)
    }
}

#[cfg(feature = "chrono")]
impl From<Date> for chrono::NaiveDate {
    /// Infallible: every four-digit calendar day is a `NaiveDate`.
    fn from(d: Date) -> Self {
        chrono::NaiveDate::from_ymd_opt(d.year, u32::from(d.month), u32::from(d.day))
            .expect("a four-digit calendar day is always a NaiveDate")
    }
}

#[cfg(feature = "time")]
impl TryFrom<time::Date> for Date {
    type Error = ParseDateError;
    fn try_from(d: time::Date) -> Result<Self, Self::Error> {
        Self::new(d.year(), u8::from(d.month()), d.day())
    }
}

#[cfg(feature = "time")]
impl From<Date> for time::Date {
    /// Infallible: `time::Date` spans -9999..=9999 even without `large-dates`.
    fn from(d: Date) -> Self {
        let month = time::Month::try_from(d.month).expect("1..=12, checked on construction");
        time::Date::from_calendar_date(d.year, month, d.day)
            .expect("a four-digit calendar day is always a time::Date")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_iso_8601() {
        let d = Date::parse("2026-06-30").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 6, 30));
        assert_eq!(d.to_string(), "2026-06-30");
    }

    #[test]
    fn epoch_days_round_trip_over_a_century_including_every_leap_case() {
        let mut d = Date::parse("1970-01-01").expect("date");
        for _ in 0..40_000 {
            let n = d.to_epoch_day();
            assert_eq!(Date::from_epoch_day(n).expect("in range"), d, "{d}");
            d = d.checked_add_days(1).expect("next day");
        }
        // And backwards.
        let mut d = Date::parse("1970-01-01").expect("date");
        for _ in 0..30_000 {
            let n = d.to_epoch_day();
            assert_eq!(Date::from_epoch_day(n).expect("in range"), d, "{d}");
            d = d.checked_add_days(-1).expect("previous day");
        }
    }

    #[test]
    fn day_arithmetic_crosses_months_years_and_leap_days() {
        let add = |s: &str, n: i32| {
            Date::parse(s)
                .expect("date")
                .checked_add_days(n)
                .expect("in range")
                .to_string()
        };
        assert_eq!(add("2026-07-31", 14), "2026-08-14", "the §40c EnWG default");
        assert_eq!(add("2026-12-31", 1), "2027-01-01");
        assert_eq!(add("2024-02-28", 1), "2024-02-29", "2024 is a leap year");
        assert_eq!(add("2100-02-28", 1), "2100-03-01", "2100 is not");
        assert_eq!(add("2000-02-28", 1), "2000-02-29", "2000 is");
        assert_eq!(add("2026-01-01", -1), "2025-12-31");

        let from = Date::parse("2026-06-01").expect("date");
        let to = Date::parse("2026-06-30").expect("date");
        assert_eq!(from.days_until(to), 29);
        assert_eq!(to.days_until(from), -29);
        assert_eq!(from.days_until(from), 0);
    }

    #[test]
    fn epoch_day_agrees_with_known_dates() {
        let day = |s: &str| Date::parse(s).expect("date").to_epoch_day();
        assert_eq!(day("1970-01-01"), 0);
        assert_eq!(day("1969-12-31"), -1);
        assert_eq!(day("2000-01-01"), 10_957);
        assert_eq!(day("2026-07-31"), 20_665);
    }

    #[test]
    fn rejects_non_calendar_days() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-00-01",
            "2026-01-00",
            "2026-04-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad} should not parse");
        }
        assert!(Date::parse("2024-02-29").is_ok(), "2024 is a leap year");
        assert!(Date::parse("2026-02-29").is_err(), "2026 is not");
        assert!(Date::parse("2000-02-29").is_ok(), "400-year rule");
        assert!(Date::parse("1900-02-29").is_err(), "100-year rule");
    }

    #[test]
    fn rejects_anything_that_is_not_a_bare_calendar_date() {
        // §6.5.9: no time of day; a timestamp is refused, never truncated.
        for bad in [
            "2026-06-01T00:00:00",
            "2026-06-01Z",
            "2026-6-1",
            "26-06-01",
            "2026/06/01",
            "",
            "today",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    /// A `Date` has a four-digit year through every constructor.
    #[test]
    fn the_year_is_four_digits_everywhere() {
        assert!(
            Date::new(50_000, 1, 1).is_err(),
            "five digits is not ISO 8601"
        );
        assert!(Date::new(-1, 1, 1).is_err());
        assert!(Date::new(10_000, 1, 1).is_err());
        assert_eq!(Date::new(0, 1, 1).expect("the first day"), Date::MIN);
        assert_eq!(Date::new(9999, 12, 31).expect("the last day"), Date::MAX);

        assert!(Date::MAX.checked_add_days(1).is_none());
        assert!(Date::MIN.checked_add_days(-1).is_none());
        assert!(Date::from_epoch_day(20_000_000).is_err());

        // Every `Date` round-trips through its own `Display`.
        for d in [Date::MIN, Date::MAX, Date::parse("2026-07-31").unwrap()] {
            assert_eq!(Date::parse(&d.to_string()).expect("round trip"), d);
        }
    }

    #[test]
    fn ordering_is_chronological() {
        let d = |s| Date::parse(s).unwrap();
        assert!(d("2026-01-31") < d("2026-02-01"));
        assert!(d("2025-12-31") < d("2026-01-01"));
        assert!(d("2026-06-30") >= d("2026-06-01"));
        let mut v = [d("2026-03-01"), d("2025-12-31"), d("2026-01-15")];
        v.sort();
        assert_eq!(v[0], d("2025-12-31"));
        assert_eq!(v[2], d("2026-03-01"));
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trips_in_both_directions() {
        let d = Date::parse("2026-06-30").unwrap();
        let out: chrono::NaiveDate = d.into();
        assert_eq!(Date::try_from(out).expect("a calendar day"), d);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_dates_outside_four_digit_years_are_refused() {
        for (y, m, d) in [(-1, 12, 31), (10_000, 1, 1)] {
            let naive = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a chrono date");
            assert!(
                matches!(
                    Date::try_from(naive),
                    Err(ParseDateError::NotACalendarDay { .. })
                ),
                "{naive}"
            );
        }
        let edge = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a chrono date");
        assert_eq!(Date::try_from(edge), Ok(Date::MAX));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_dates_outside_four_digit_years_are_refused() {
        let before =
            time::Date::from_calendar_date(-1, time::Month::December, 31).expect("a time date");
        assert!(matches!(
            Date::try_from(before),
            Err(ParseDateError::NotACalendarDay { .. })
        ));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_round_trips_in_both_directions() {
        let d = Date::parse("2026-06-30").unwrap();
        let out: time::Date = d.into();
        assert_eq!(Date::try_from(out).expect("a calendar day"), d);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_validates() {
        let d = Date::parse("2026-06-30").unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#""2026-06-30""#);
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), d);
        assert!(serde_json::from_str::<Date>(r#""2026-02-30""#).is_err());
    }
}
