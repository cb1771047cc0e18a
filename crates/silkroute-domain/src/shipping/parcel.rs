//! The parcel a carrier sees: one box with a weight and three sides, built from the order lines,
//! and the billable weight a service charges for it. Kept apart from the rate cards because the
//! same parcel is priced by every service when the checkout shops for a rate.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::DimensionsMm;

/// One packed box. Sides are stored longest first so that limits read naturally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Parcel {
    pub weight_g: u32,
    pub dimensions_mm: DimensionsMm,
}

/// An order line as packed: `quantity` identical items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ParcelLine {
    pub weight_g: u32,
    pub dimensions_mm: DimensionsMm,
    pub quantity: u32,
}

impl Parcel {
    /// A single box; the sides are reordered longest first.
    pub fn new(weight_g: u32, dimensions_mm: DimensionsMm) -> Parcel {
        Parcel {
            weight_g,
            dimensions_mm: sorted(dimensions_mm),
        }
    }

    /// Packs the lines into one box by the platform's stacking rule: every item is laid flat
    /// (its shortest side vertical) and the items are stacked, so the box is as long as the
    /// longest item, as wide as the widest, and as high as all heights together; the weight is
    /// the sum of the items. This over-estimates volume for many small items, which errs on the
    /// side of quoting too much rather than too little. Sums saturate at `u32::MAX`, which every
    /// service then refuses as too heavy or too large.
    pub fn from_lines(lines: &[ParcelLine]) -> Parcel {
        let mut weight_g: u32 = 0;
        let mut length = 0;
        let mut width = 0;
        let mut height: u32 = 0;
        for line in lines {
            let item = sorted(line.dimensions_mm);
            weight_g = weight_g.saturating_add(line.weight_g.saturating_mul(line.quantity));
            if line.quantity > 0 {
                length = length.max(item.length);
                width = width.max(item.width);
            }
            height = height.saturating_add(item.height.saturating_mul(line.quantity));
        }
        Parcel::new(
            weight_g,
            DimensionsMm {
                length,
                width,
                height,
            },
        )
    }

    pub fn longest_side_mm(&self) -> u32 {
        sorted(self.dimensions_mm).length
    }

    /// Length + 2 × (width + height), the courier size limit.
    pub fn length_plus_girth_mm(&self) -> u64 {
        let d = sorted(self.dimensions_mm);
        u64::from(d.length) + 2 * (u64::from(d.width) + u64::from(d.height))
    }

    /// Length + width + height, the UPU small-packet limit.
    pub fn sum_of_sides_mm(&self) -> u64 {
        let d = self.dimensions_mm;
        u64::from(d.length) + u64::from(d.width) + u64::from(d.height)
    }
}

fn sorted(d: DimensionsMm) -> DimensionsMm {
    let mut sides = [d.length, d.width, d.height];
    sides.sort_unstable_by(|a, b| b.cmp(a));
    DimensionsMm {
        length: sides[0],
        width: sides[1],
        height: sides[2],
    }
}

/// Volumetric weight in grams: L×W×H in mm³ divided by the divisor in cm³/kg gives grams
/// directly (mm³/1000 = cm³, cm³/divisor = kg, kg×1000 = g). Rounded up to the gram.
pub fn volumetric_weight_g(dims: DimensionsMm, divisor_cm3_per_kg: u32) -> u32 {
    if divisor_cm3_per_kg == 0 {
        return u32::MAX;
    }
    let volume = u128::from(dims.length) * u128::from(dims.width) * u128::from(dims.height);
    let divisor = u128::from(divisor_cm3_per_kg);
    u32::try_from(volume.div_ceil(divisor)).unwrap_or(u32::MAX)
}

/// What a service charges weight for: max(actual, volumetric) — volumetric only when the service
/// has a divisor (postal services rate on actual weight) — rounded **up** to a multiple of
/// `round_up_to_g` (500 g for express, 100 g for line-haul, as the rate card says; RULES §7.1
/// D1: 4.8 kg → 5.0 kg at 500 g). Saturates at `u32::MAX` instead of overflowing.
pub fn billable_weight_g(
    actual_g: u32,
    dims: DimensionsMm,
    divisor_cm3_per_kg: Option<u32>,
    round_up_to_g: u32,
) -> u32 {
    let weight = match divisor_cm3_per_kg {
        Some(divisor) => actual_g.max(volumetric_weight_g(dims, divisor)),
        None => actual_g,
    };
    let step = u64::from(round_up_to_g.max(1));
    let rounded = u64::from(weight).div_ceil(step) * step;
    u32::try_from(rounded).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn dims(length: u32, width: u32, height: u32) -> DimensionsMm {
        DimensionsMm {
            length,
            width,
            height,
        }
    }

    #[rstest]
    // RULES §7.1 D1: 40×30×20 cm, 3.2 kg: 4.8 kg volumetric at 5000 → 5.0 kg at 500 g steps.
    #[case(3_200, dims(400, 300, 200), Some(5000), 500, 5_000)]
    // The brief's example: 2 kg actual, same box → volumetric wins.
    #[case(2_000, dims(400, 300, 200), Some(5000), 500, 5_000)]
    #[case(2_000, dims(400, 300, 200), Some(5000), 100, 4_800)]
    // D1 at 6000: exactly 4.0 kg, already on a step.
    #[case(3_200, dims(400, 300, 200), Some(6000), 100, 4_000)]
    // D2: 60×40×40 cm, 12 kg: 19.2 kg → 19.5 kg / 16.0 kg.
    #[case(12_000, dims(600, 400, 400), Some(5000), 500, 19_500)]
    #[case(12_000, dims(600, 400, 400), Some(6000), 100, 16_000)]
    // D4: actual weight wins.
    #[case(6_000, dims(400, 300, 200), Some(5000), 500, 6_000)]
    // Postal: actual weight only, however bulky.
    #[case(300, dims(600, 400, 400), None, 1, 300)]
    #[case(301, dims(10, 10, 10), None, 100, 400)]
    #[case(0, dims(0, 0, 0), Some(5000), 500, 0)]
    fn billable_weight_examples(
        #[case] actual: u32,
        #[case] d: DimensionsMm,
        #[case] divisor: Option<u32>,
        #[case] step: u32,
        #[case] expected: u32,
    ) {
        assert_eq!(billable_weight_g(actual, d, divisor, step), expected);
    }

    #[test]
    fn extreme_inputs_saturate() {
        let huge = dims(u32::MAX, u32::MAX, u32::MAX);
        assert_eq!(billable_weight_g(1, huge, Some(5000), 500), u32::MAX);
        assert_eq!(billable_weight_g(u32::MAX, huge, None, 500), u32::MAX);
        assert_eq!(volumetric_weight_g(huge, 0), u32::MAX);
    }

    #[test]
    fn lines_are_stacked_flat() {
        let parcel = Parcel::from_lines(&[
            ParcelLine {
                weight_g: 250,
                dimensions_mm: dims(50, 300, 200),
                quantity: 2,
            },
            ParcelLine {
                weight_g: 1_000,
                dimensions_mm: dims(100, 100, 350),
                quantity: 1,
            },
        ]);
        assert_eq!(parcel.weight_g, 1_500);
        // Items laid flat: 300×200×50 twice and 350×100×100; stacked height 50+50+100.
        assert_eq!(parcel.dimensions_mm, dims(350, 200, 200));
        assert_eq!(parcel.longest_side_mm(), 350);
        assert_eq!(parcel.length_plus_girth_mm(), 350 + 2 * 400);
        assert_eq!(parcel.sum_of_sides_mm(), 750);
    }

    #[test]
    fn empty_order_is_an_empty_box() {
        let parcel = Parcel::from_lines(&[]);
        assert_eq!(parcel.weight_g, 0);
        assert_eq!(parcel.dimensions_mm, dims(0, 0, 0));
    }

    proptest! {
        #[test]
        fn billable_is_at_least_actual_and_on_a_step(
            actual in 0u32..100_000_000,
            l in 0u32..3_000, w in 0u32..3_000, h in 0u32..3_000,
            step in prop::sample::select(vec![1u32, 100, 500, 1000]),
        ) {
            let billed = billable_weight_g(actual, dims(l, w, h), Some(5000), step);
            prop_assert!(billed >= actual);
            prop_assert_eq!(billed % step, 0);
            prop_assert!(billed < actual.max(volumetric_weight_g(dims(l, w, h), 5000)) + step);
        }
    }
}
