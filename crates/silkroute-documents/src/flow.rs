//! Top-to-bottom layout for the A4 documents: a cursor that moves down the page and starts a
//! new page when the next piece would not fit, fields as "label: value" rows, side-by-side
//! address blocks, and tables whose header repeats on every page. The label has a fixed layout
//! and does not use it.

use crate::font::Weight::{self, Bold, Regular};
use crate::page::{Document, line_height_mm, text_width_mm, wrap};

const MARGIN: f32 = 15.0;
const FIELD_LABEL_MM: f32 = 52.0;

pub(crate) struct Flow {
    pub document: Document,
    /// The next line's top, in mm from the top of the page.
    pub y: f32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: its title, width and how its cells align (amounts right, text left).
pub(crate) struct Column<'a> {
    pub title: &'a str,
    pub width_mm: f32,
    pub align: Align,
}

impl Flow {
    pub fn new(document: Document) -> Flow {
        Flow {
            document,
            y: MARGIN,
        }
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn width(&self) -> f32 {
        self.document.width_mm() - 2.0 * MARGIN
    }

    /// Starts a new page unless `height_mm` more fits on this one.
    pub fn ensure(&mut self, height_mm: f32) {
        if self.y + height_mm > self.document.height_mm() - MARGIN {
            self.document.new_page();
            self.y = MARGIN;
        }
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// One line of text at the cursor (ascent is about the font size).
    pub fn line(&mut self, size: f32, weight: Weight, text: &str) {
        let height = line_height_mm(size);
        self.ensure(height);
        let baseline = self.y + height * 0.8;
        self.document.text(MARGIN, baseline, size, weight, text);
        self.y += height;
    }

    /// `text` wrapped to the page width.
    pub fn paragraph(&mut self, size: f32, weight: Weight, text: &str) {
        for line in wrap(text, self.width(), size, weight) {
            self.line(size, weight, &line);
        }
    }

    /// A section title with a rule under it.
    pub fn heading(&mut self, text: &str) {
        self.ensure(12.0);
        self.gap(2.0);
        self.line(10.0, Bold, text);
        let width = self.width();
        self.document.rule(MARGIN, self.y + 0.3, width, 0.25);
        self.gap(1.5);
    }

    /// A "label: value" row, both wrapped in their columns.
    pub fn field(&mut self, label: &str, value: &str) {
        let size = 8.5;
        let labels = wrap(label, FIELD_LABEL_MM - 2.0, size, Bold);
        let values = wrap(value, self.width() - FIELD_LABEL_MM, size, Regular);
        let height = line_height_mm(size);
        let rows = labels.len().max(values.len()).max(1);
        self.ensure(height * rows as f32);
        let first_baseline = self.y + height * 0.8;
        self.document
            .lines(MARGIN, first_baseline, size, Bold, &labels);
        self.document.lines(
            MARGIN + FIELD_LABEL_MM,
            first_baseline,
            size,
            Regular,
            &values,
        );
        self.y += height * rows as f32;
    }

    /// Two titled blocks of lines side by side (sender and addressee, exporter and importer).
    pub fn two_blocks(&mut self, left: (&str, &[String]), right: (&str, &[String])) {
        let size = 8.5;
        let height = line_height_mm(size);
        let column = (self.width() - 6.0) / 2.0;
        let wrapped = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .flat_map(|line| wrap(line, column - 4.0, size, Regular))
                .collect()
        };
        let (left_lines, right_lines) = (wrapped(left.1), wrapped(right.1));
        let rows = left_lines.len().max(right_lines.len()) as f32 + 1.0;
        let box_height = rows * height + 3.0;
        self.ensure(box_height);
        let top = self.y;
        for (offset, (title, lines)) in [
            (0.0, (left.0, &left_lines)),
            (column + 6.0, (right.0, &right_lines)),
        ] {
            let x = MARGIN + offset;
            self.document.stroke_rect(x, top, column, box_height, 0.25);
            let mut baseline = top + 1.5 + height * 0.8;
            self.document.text(x + 2.0, baseline, 7.0, Bold, title);
            for line in lines {
                baseline += height;
                self.document.text(x + 2.0, baseline, size, Regular, line);
            }
        }
        self.y = top + box_height + 2.0;
    }

    /// A table: the header, then one row per entry with its cells wrapped in their columns;
    /// a row that does not fit goes to the next page under a repeated header.
    pub fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>]) {
        let size = 8.0;
        let height = line_height_mm(size);
        self.table_header(columns, size);
        for row in rows {
            let cells: Vec<Vec<String>> = columns
                .iter()
                .zip(row)
                .map(|(column, cell)| match column.align {
                    Align::Left => wrap(cell, column.width_mm - 2.0, size, Regular),
                    Align::Right => vec![cell.clone()],
                })
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let row_height = lines as f32 * height + 1.0;
            if self.y + row_height > self.document.height_mm() - MARGIN {
                self.ensure(row_height);
                self.table_header(columns, size);
            }
            let mut x = MARGIN;
            for (column, lines) in columns.iter().zip(&cells) {
                let mut baseline = self.y + 0.5 + height * 0.8;
                for line in lines {
                    match column.align {
                        Align::Left => self.document.text(x + 1.0, baseline, size, Regular, line),
                        Align::Right => self.document.text_right(
                            x + column.width_mm - 1.0,
                            baseline,
                            size,
                            Regular,
                            line,
                        ),
                    }
                    baseline += height;
                }
                x += column.width_mm;
            }
            self.y += row_height;
            let width = self.width();
            self.document.rule(MARGIN, self.y, width, 0.1);
        }
        self.gap(1.5);
    }

    fn table_header(&mut self, columns: &[Column<'_>], size: f32) {
        let height = line_height_mm(size);
        let titles: Vec<Vec<String>> = columns
            .iter()
            .map(|column| wrap(column.title, column.width_mm - 2.0, size, Bold))
            .collect();
        let lines = titles.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let header_height = lines as f32 * height + 1.5;
        self.ensure(header_height + height * 2.0);
        let mut x = MARGIN;
        for (column, title) in columns.iter().zip(&titles) {
            let mut baseline = self.y + 0.5 + height * 0.8;
            for line in title {
                match column.align {
                    Align::Left => self.document.text(x + 1.0, baseline, size, Bold, line),
                    Align::Right => {
                        let right = x + column.width_mm - 1.0;
                        let width = text_width_mm(line, size, Bold);
                        self.document
                            .text(right - width, baseline, size, Bold, line);
                    }
                }
                baseline += height;
            }
            x += column.width_mm;
        }
        self.y += header_height;
        let width = self.width();
        self.document.rule(MARGIN, self.y, width, 0.3);
    }

    /// An amount row under a table: the label and the amount right-aligned at the page edge.
    pub fn total(&mut self, label: &str, amount: &str, weight: Weight) {
        let size = 9.0;
        let height = line_height_mm(size);
        self.ensure(height);
        let baseline = self.y + height * 0.8;
        let right = MARGIN + self.width() - 1.0;
        self.document
            .text_right(right - 40.0, baseline, size, weight, label);
        self.document
            .text_right(right, baseline, size, weight, amount);
        self.y += height;
    }

    /// The signature line: date and signer above a rule, as the forms print it.
    pub fn signature(&mut self, caption: &str, date: &str, signer: &str) {
        let size = 8.5;
        self.ensure(16.0);
        self.gap(4.0);
        let baseline = self.y + 6.0;
        self.document.text(MARGIN, baseline, size, Regular, date);
        self.document
            .text(MARGIN + 40.0, baseline, size, Regular, signer);
        self.document.rule(MARGIN, baseline + 1.2, 110.0, 0.25);
        self.document
            .text(MARGIN, baseline + 4.5, 7.0, Regular, caption);
        self.y = baseline + 6.0;
    }

    pub fn finish(self) -> Vec<u8> {
        self.document.finish()
    }
}
