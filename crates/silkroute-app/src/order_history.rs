//! `silkroute import orders`: a seller's order history from another platform, as CSV (columns in
//! `order_history::COLUMNS`). Each row is checked on its own; bad rows are reported with their
//! line, good rows are written — in batches, each one transaction — and a row imported before
//! (same external order id) is counted as a duplicate, so a file can be imported again safely.

use serde::Serialize;
use silkroute_domain::ids::SellerId;
use silkroute_domain::order_history::{self, COLUMNS, ImportedOrder};
use silkroute_domain::validation::FieldError;

use crate::{App, AppError, AppResult};

/// Rows written per transaction.
const BATCH: usize = 2_000;

#[derive(Clone, Debug, Serialize)]
pub struct HistoryImportReport {
    pub rows: u64,
    pub imported: u64,
    /// Rows whose external order id was imported before (or earlier in the same file).
    pub duplicates: u64,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RejectedRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub errors: Vec<FieldError>,
}

impl App {
    /// Imports `csv` for `seller`; `progress(rows_read)` follows the work.
    pub async fn import_order_history(
        &self,
        seller: &str,
        csv: &str,
        progress: impl Fn(u64),
    ) -> AppResult<HistoryImportReport> {
        let seller =
            SellerId::parse(seller).map_err(|e| AppError::field("seller", e.to_string()))?;
        if self.store.get_seller(&seller).await?.is_none() {
            return Err(AppError::field("seller", "unknown seller"));
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(csv.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| AppError::field("file", format!("unreadable CSV header: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let expected: Vec<&str> = COLUMNS.to_vec();
        if header != expected && header != expected[..expected.len() - 1] {
            return Err(AppError::field(
                "file",
                format!("the header must be: {}", COLUMNS.join(",")),
            ));
        }
        let today = self.now().date_naive();
        let mut report = HistoryImportReport {
            rows: 0,
            imported: 0,
            duplicates: 0,
            rejected: Vec::new(),
        };
        let mut batch: Vec<ImportedOrder> = Vec::with_capacity(BATCH);
        for record in reader.records() {
            report.rows += 1;
            let line = report.rows + 1;
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    report.rejected.push(RejectedRow {
                        line,
                        errors: vec![FieldError::new("", format!("unreadable row: {error}"))],
                    });
                    continue;
                }
            };
            let fields: Vec<&str> = record.iter().collect();
            match order_history::parse_row(&seller, &fields, today) {
                Ok(order) => batch.push(order),
                Err(errors) => report.rejected.push(RejectedRow { line, errors }),
            }
            if batch.len() >= BATCH {
                self.write_history(&mut batch, &mut report).await?;
                progress(report.rows);
            }
        }
        self.write_history(&mut batch, &mut report).await?;
        progress(report.rows);
        // The history reaches the seller's analytics at once.
        if report.imported > 0 {
            self.store.refresh_planner_statistics().await?;
            if let Some((first, last)) = self.store.imported_span(&seller).await? {
                self.rebuild_seller_days(&seller, first, last).await?;
            }
        }
        Ok(report)
    }

    async fn write_history(
        &self,
        batch: &mut Vec<ImportedOrder>,
        report: &mut HistoryImportReport,
    ) -> AppResult<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let inserted = self.store.import_order_history(batch, self.now()).await?;
        report.imported += inserted;
        report.duplicates += batch.len() as u64 - inserted;
        batch.clear();
        Ok(())
    }

    pub async fn imported_order_count(&self, seller: &str) -> AppResult<i64> {
        let seller =
            SellerId::parse(seller).map_err(|e| AppError::field("seller", e.to_string()))?;
        Ok(self.store.imported_order_count(&seller).await?)
    }
}
