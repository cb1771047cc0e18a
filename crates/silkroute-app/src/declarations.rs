//! Customs declarations as a seller, an admin or a customs broker reads them: a filtered list,
//! and the same rows as CSV (a header row, one row per declaration) for the broker's software.

use silkroute_store::{CustomsDeclaration, DeclarationFilter, Page, PageRequest};

use crate::{App, AppError, AppResult, Principal};

const MODES: [&str; 4] = ["9610", "9710", "9810", "1210"];
/// More rows than a broker's import takes at once; a narrower date range is the answer.
const MAX_CSV_ROWS: usize = 100_000;

const CSV_HEADER: &str = "declaration_id,seller_id,mode,direction,reference_kind,reference_id,\
origin_country,destination_country,declared_value,currency,duty,import_vat,hs_codes,\
order_reference,payment_reference,waybill_reference,created_at";

/// A field quoted when it holds a separator, a quote or a line break (RFC 4180); a leading
/// formula character is prefixed so that a spreadsheet does not run it.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_row(declaration: &CustomsDeclaration) -> String {
    let amount = |money: Option<silkroute_domain::money::Money>| {
        money.map(|m| m.amount_string()).unwrap_or_default()
    };
    let hs_codes: Vec<String> = declaration
        .hs_lines
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter_map(|line| line["hs_code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let fields = [
        declaration.id.to_string(),
        declaration.seller_id.to_string(),
        declaration.mode.clone().unwrap_or_default(),
        declaration.direction.clone(),
        declaration.reference_kind.clone(),
        declaration.reference_id.clone(),
        declaration.origin_country.to_string(),
        declaration.destination_country.to_string(),
        declaration.declared_value.amount_string(),
        declaration.declared_value.currency().to_string(),
        amount(declaration.duty),
        amount(declaration.import_vat),
        hs_codes.join(" "),
        declaration.order_reference.clone(),
        declaration.payment_reference.clone().unwrap_or_default(),
        declaration.waybill_reference.clone(),
        declaration.created_at.to_rfc3339(),
    ];
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

impl App {
    /// The caller's declarations (an admin's: everyone's), filtered, oldest first.
    pub async fn list_declarations(
        &self,
        principal: &Principal,
        filter: DeclarationFilter,
        page: &PageRequest,
    ) -> AppResult<Page<CustomsDeclaration>> {
        // A seller reads its own; an admin everyone's, or one seller's when the filter names it.
        let scope = match self.transfer_scope(principal)? {
            Some(own) => Some(own),
            None => filter.seller.clone(),
        };
        if let Some(mode) = &filter.mode
            && !MODES.contains(&mode.as_str())
        {
            return Err(AppError::field("mode", "must be 9610, 9710, 9810 or 1210"));
        }
        let filter = DeclarationFilter {
            seller: scope,
            ..filter
        };
        Ok(self.store.list_declarations(&filter, page).await?)
    }

    /// Every declaration the filter selects, as CSV with a header row.
    pub async fn declarations_csv(
        &self,
        principal: &Principal,
        filter: DeclarationFilter,
    ) -> AppResult<String> {
        let mut csv = format!("{CSV_HEADER}\n");
        let mut page = PageRequest::first(500);
        let mut rows = 0;
        loop {
            let found = self
                .list_declarations(principal, filter.clone(), &page)
                .await?;
            for declaration in &found.items {
                csv.push_str(&csv_row(declaration));
                csv.push('\n');
            }
            rows += found.items.len();
            if rows > MAX_CSV_ROWS {
                return Err(AppError::field(
                    "from",
                    format!("more than {MAX_CSV_ROWS} declarations: narrow the dates"),
                ));
            }
            match found.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(csv),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("CSQU3054383"), "CSQU3054383");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }
}
