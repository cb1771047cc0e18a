//! Landed cost: the duties and import taxes due on a cross-border consignment, who collects them
//! (the seller at checkout or the carrier at the door) and which dated rule version produced
//! each amount. Pure: rules, tariffs, exchange rates and the date are all passed in.
//!
//! # Model (RULES.md §4)
//!
//! * **Currency and rounding.** All consignment amounts share one currency, which must have been
//!   in use on the quote date (a kuna price is fine for 2022, refused for 2023); they are
//!   converted into the destination's currency of the quote date (`market::market_currency`:
//!   HRK for Croatia until 2022-12-31) at the ECB mid rate of the quote date (spread 0, legs given
//!   by the caller; a missing EUR leg is taken as 1). Every converted amount and every charge line
//!   is rounded **half-up** (ties away from zero) to the destination currency's minor unit, line by
//!   line; totals are sums of rounded lines. Thresholds are tested in the threshold's own
//!   currency (EUR 150 for every EU member, CAD 20/40/150…), converting the consignment to it.
//! * **Customs value** follows the `customs_value_basis` rule: CIF adds freight and insurance,
//!   allocated to lines pro rata by value (largest remainder, so the parts add up); FOB does not.
//!   Japan's `personal_use_valuation` (60 %) applies to consumer purchases.
//! * **Threshold value.** De minimis and collection thresholds are tested on the intrinsic value
//!   of the goods (transport and insurance excluded; per item where the rule's basis is `item`);
//!   where a personal-use valuation exists (Japan) on the taxable customs value. `annual` limits
//!   are not checked (they need the buyer's history) and are noted.
//! * **Collection regime** from the `collection_model` rule: a seller-collected scheme (EU IOSS,
//!   UK point of sale, NO VOEC, SG OVR, AU GST on low-value goods) applies when the consignment is
//!   within its threshold and holds no goods a `goods_exclusion` rule takes out of the scheme
//!   (excise goods from IOSS; foodstuffs and excise goods from VOEC — the whole consignment then
//!   goes to the border and `LandedCost::exclusions` says which line and why); tax is then
//!   charged at checkout on goods + freight + insurance and the quote is DDP (a DAP preference is
//!   noted and ignored). EU ≤ EUR 150 to a business with a
//!   valid VAT number: no VAT line, reverse-charge note. A per-item scheme (AU, A$1,000 per
//!   item) gives way to the border when the consignment exceeds a positive consignment-level tax
//!   de minimis (AU A$1,000). Otherwise (border, above the threshold, or a scheme that depends
//!   on the seller's registration such as Switzerland's) duties and tax are due at the door (DAP)
//!   unless the caller prefers DDP, which moves them to checkout.
//! * **Duty**, line by line. Nothing within a duty de minimis rule (for overlapping rules the most
//!   specific — channel, origin or scheme restricted — wins, so Canada's CUSMA courier rules
//!   override the general CAD 20, and Norway's relief for goods sold through VOEC overrides its
//!   "nothing is exempt"). Else a `flat_duty` rule in force (EU EUR 3 per distinct 6-digit
//!   sub-heading for B2C consignments of at most EUR 150 from 2026-07-01) replaces the tariff.
//!   Else ad valorem from the tariff (longest HS prefix, else the schedule's default), plus every
//!   `duty_surcharge` in force for the origin (US Section 122). A line a `goods_exclusion` rule
//!   takes out of the relief or the flat duty (alcohol, tobacco, perfumes in the EU) pays the
//!   tariff, and the exclusion is recorded.
//! * **Excise goods** (an exclusion with `excise = true`) collected at the border cannot be
//!   quoted DDP, because excise is not computed: a DDP preference is refused with
//!   [`LandedCostError::DutyPaidUnavailable`], naming the line.
//! * **Import tax at the border** on CIF value + duty (FOB countries add freight and insurance,
//!   except Canada whose GST is on value for duty + duty), at the region's rate where a regional
//!   rule exists (Canadian provinces), unless within a tax de minimis; a `tax_amount` de minimis
//!   (Switzerland, CHF 5) drops the line when the tax itself is within it. No line where the
//!   country states it has no federal VAT (US).
//! * **Commercial import** (`Consignment::commercial_import`, a business importing its stock into
//!   an overseas warehouse): no de minimis relief, no seller-collected scheme, no flat duty, no
//!   personal-use valuation and no CBEC channel — the tariff and import tax at the border in
//!   full (RULES.md §15).
//! * **China CBEC.** Within the per-transaction limit (customs value, CIF, ≤ CNY 5,000): tariff
//!   0 %, consumption tax (tax-inclusive: `(CIF + duty) / (1 − ct) × ct`) and VAT on
//!   `CIF + duty + CT` at 70 %, all withheld at checkout. Above the limit a single item (one line,
//!   quantity 1) is quoted at full general-trade rates (tariff + 100 % VAT and CT); any other
//!   order above the limit is refused with [`LandedCostError::CbecLimitExceeded`] (it must go
//!   through general trade). The annual CNY 26,000 limit is not checked.
//!
//! # Simplifications
//!
//! * The EU EUR 3 flat duty is not added to the VAT base (RULES.md §4.3 E2); it applies to
//!   consumers only — businesses pay the tariff duty after 2026-07-01.
//! * Only standard VAT rates are used (reduced rates need a goods classification per rate).
//! * Excise, anti-dumping, specific/compound duties, preferential (FTA) origin and carrier
//!   clearance fees are not modelled; the EU handling fee was not adopted and is not charged.
//!   Excise goods are recognised (to leave the schemes and to refuse DDP), not taxed.
//! * Norway: a consignment with any item ≥ NOK 3,000, or any foodstuff or excise good, goes
//!   entirely through the border (goods under VOEC carry no duty; at the border the tariff
//!   applies). Restricted goods are not modelled.
//! * Switzerland: the mail-order registration of the seller is not known, so tax above CHF 5 is
//!   assessed at the border (DAP) unless DDP is preferred.
//! * EU "special arrangements" (carrier collects VAT at the door for a non-IOSS seller ≤ EUR 150)
//!   are not modelled: ≤ EUR 150 to a consumer is always quoted as IOSS at checkout.
//! * The Canadian GST base (value for duty + duty, no transport) is the one country-specific
//!   exception written in code; the rule files have no field for it.
//! * `ConsignmentLine::consumption_tax_rate` is a percent (15 = 15 %), like the rule files.
//! * Tariff rates marked `confidence = "uncertain"` are chapter averages or approximations of
//!   national lines; a quote using one says so in its notes.

mod duty;
mod engine;
mod in_market;
mod regime;
mod tariff;
mod types;

#[cfg(test)]
mod tests;

pub use engine::landed_cost;
pub use in_market::{InMarketSupply, in_market_supply};
pub use tariff::{
    TariffEntry, TariffError, TariffHit, TariffSchedule, TariffTable, embedded_tariff_files,
    embedded_tariffs, parse_tariff_file,
};
pub use types::{
    ChargeLine, Collection, Consignment, ConsignmentLine, ExcludedGoods, Incoterm, LandedCost,
    LandedCostError,
};
