//! The timeline drawn as a chart: one bar per event on a time axis when the timeline is short,
//! a histogram of events per month, quarter or year when it is long.

use chrono::{Datelike, NaiveDate};

use super::fonts::{Ink, Look};
use super::layout::{Flow, LEFT, WIDTH};
use crate::case::Event;

/// Up to this many events, each gets its own row.
const ROWS_FROM: usize = 40;
const ROW: f64 = 4.2;

/// Draws the chart of `events` (in timeline order) into the flow.
pub fn timeline(flow: &mut Flow, events: &[&Event]) {
    let Some(first) = events.iter().map(|e| e.date.first_day()).min() else {
        return;
    };
    let last = events
        .iter()
        .map(|e| e.date.last_day())
        .max()
        .unwrap_or(first);
    // Whole years on the axis, so its ticks fall on 1 January.
    let start = NaiveDate::from_ymd_opt(first.year(), 1, 1).expect("valid");
    let end = NaiveDate::from_ymd_opt(last.year() + 1, 1, 1).expect("valid");
    flow.begin_figure(format!(
        "Timeline chart of {} events, {} to {}; the table below lists every event",
        events.len(),
        first,
        last
    ));
    if events.len() <= ROWS_FROM {
        rows(flow, events, start, end);
    } else {
        histogram(flow, events, start, end);
    }
    flow.end_figure();
}

fn x_of(day: NaiveDate, start: NaiveDate, end: NaiveDate, x0: f64, width: f64) -> f64 {
    let span = (end - start).num_days().max(1) as f64;
    x0 + width * (day - start).num_days() as f64 / span
}

fn rectangle(flow: &mut Flow, x0: f64, y0: f64, x1: f64, y1: f64, ink: Ink, hatch: f64) {
    flow.stroke(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], ink);
    // No fill is available: horizontal hatching makes the bar read as solid.
    let mut y = y0 + hatch;
    while y < y1 - hatch / 2.0 {
        flow.stroke(vec![(x0, y), (x1, y)], ink);
        y += hatch;
    }
}

/// Ticks and labels for each year (or every few years) under the axis at `y`.
fn year_axis(flow: &mut Flow, y: f64, start: NaiveDate, end: NaiveDate, x0: f64, width: f64) {
    let label = Look::new(7).ink(Ink::Grey);
    flow.stroke(vec![(x0, y), (x0 + width, y)], Ink::Black);
    let years = end.year() - start.year();
    let step = (years / 12).max(1);
    let mut year = start.year();
    while year <= end.year() {
        let day = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
        let x = x_of(day, start, end, x0, width);
        flow.stroke(vec![(x, y), (x, y + 1.5)], Ink::Black);
        if year < end.year() || years == 0 {
            flow.text_at(x + 0.5, y + 1.8, &year.to_string(), label);
        }
        year += step;
    }
}

fn rows(flow: &mut Flow, events: &[&Event], start: NaiveDate, end: NaiveDate) {
    let label_width = 16.0;
    let x0 = LEFT + label_width;
    let width = WIDTH - label_width - 2.0;
    let height = events.len() as f64 * ROW + 8.0;
    let top = flow.reserve(height);
    let label = Look::new(7);
    for (i, event) in events.iter().enumerate() {
        let y = top + i as f64 * ROW;
        flow.text_at(LEFT, y + 0.4, &event.id, label);
        let a = x_of(event.date.first_day(), start, end, x0, width);
        let b = x_of(event.date.last_day(), start, end, x0, width).max(a + 1.2);
        // The bar spans what the date means (a year-precise date, the whole year). Beside it,
        // the date as written, after the bar or before it near the right edge: the titles are
        // in the table below, so no label is ever cut, and nothing else is drawn on the row.
        rectangle(flow, a, y + 0.8, b, y + ROW - 0.8, Ink::Blue, 0.5);
        let look = Look::new(6).ink(Ink::Grey);
        let text = super::date_text(&event.date);
        let used = flow.measure(&text, look);
        let x = if x0 + width - (b + 1.5) >= used {
            b + 1.5
        } else {
            a - 1.5 - used
        };
        flow.text_at(x, y + 0.4, &text, look);
    }
    year_axis(
        flow,
        top + events.len() as f64 * ROW + 1.0,
        start,
        end,
        x0,
        width,
    );
}

fn histogram(flow: &mut Flow, events: &[&Event], start: NaiveDate, end: NaiveDate) {
    let years = end.year() - start.year();
    // Months per bar: about 12 to 48 bars whatever the span.
    let months = if years <= 4 {
        1
    } else if years <= 12 {
        3
    } else {
        12 * ((years + 39) / 40)
    };
    let bars = ((years * 12) + months - 1) / months;
    let mut counts = vec![0usize; bars as usize];
    for event in events {
        let day = event.date.first_day();
        let index = ((day.year() - start.year()) * 12 + day.month0() as i32) / months;
        counts[index.clamp(0, bars - 1) as usize] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1);
    let x0 = LEFT + 10.0;
    let width = WIDTH - 12.0;
    let plot = 55.0;
    let top = flow.reserve(plot + 14.0);
    let base = top + 4.0 + plot;
    let label = Look::new(7).ink(Ink::Grey);
    flow.text_at(LEFT, top, &most.to_string(), label);
    flow.text_at(LEFT, base - 3.0, "0", label);
    flow.stroke(vec![(x0, top + 4.0), (x0, base)], Ink::Black);
    let bar = width / f64::from(bars);
    for (i, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let h = plot * count as f64 / most as f64;
        let a = x0 + i as f64 * bar + bar * 0.1;
        let b = a + bar * 0.8;
        rectangle(flow, a, base - h, b, base, Ink::Blue, 0.6);
    }
    year_axis(flow, base, start, end, x0, width);
    let unit = match months {
        1 => "month".to_string(),
        3 => "quarter".to_string(),
        12 => "year".to_string(),
        n => format!("{} years", n / 12),
    };
    flow.text_at(
        LEFT,
        base + 6.0,
        &format!("Events per {unit}; {} events in all.", events.len()),
        label,
    );
}
