//! What a carrier charges a packed box for and whether it takes it at all (RULES.md §7.1): the
//! chargeable weight is the larger of the actual and the volumetric weight (L×W×H in cm divided
//! by the service's divisor), rounded up per package before packages are added; and every
//! service has a maximum weight, length and length + girth. The box itself and the arithmetic on
//! millimetres and grams are the domain's [`Parcel`] and [`volumetric_weight_g`], shared with
//! the checkout's rate shopping, so a label and a quote can never weigh the same box differently.

use serde::{Deserialize, Serialize};
use silkroute_domain::shipping::{Parcel, SizeLimit, volumetric_weight_g};

/// cm³ per kg: how much space a service counts as one kilogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VolumetricDivisor {
    /// 5000 cm³/kg (200 kg/m³): express integrators internationally.
    Express,
    /// 6000 cm³/kg (166.67 kg/m³): the IATA air-cargo standard, many postal and economy services.
    AirCargo,
}

/// How a service rounds the weight it bills: up to a multiple of `step_g`, and up to whole
/// kilograms from `whole_kg_above_g` on (express carriers bill 0.5 kg steps up to a
/// carrier-specific weight, whole kilograms beyond).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightRounding {
    pub step_g: u32,
    pub whole_kg_above_g: Option<u32>,
}

/// Which weight a service bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightBasis {
    Actual,
    Volumetric,
}

/// The weights of one package as a service sees them, in grams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeableWeight {
    pub actual_g: u32,
    pub volumetric_g: u32,
    /// max(actual, volumetric), rounded up by the service's [`WeightRounding`].
    pub chargeable_g: u32,
    pub basis: WeightBasis,
}

/// A service's size and weight limits for one package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelLimits {
    /// Actual weight: carriers refuse by what the box weighs, not by what they bill.
    pub max_weight_g: u32,
    /// The longest side.
    pub max_length_mm: u32,
    /// Length + 2 × (width + height), where the service has such a limit.
    pub max_length_plus_girth_mm: Option<u32>,
}

/// Why a service refuses a package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParcelLimitError {
    #[error("the package weighs nothing: weigh it before labelling")]
    NoWeight,
    #[error("a side of the package measures 0 mm: measure it before labelling")]
    NoDimensions,
    #[error("the package weighs {weight_g} g, the service takes at most {max_g} g")]
    TooHeavy { weight_g: u32, max_g: u32 },
    #[error("the package's {limit} is {value_mm} mm, the service takes at most {max_mm} mm")]
    TooLarge {
        limit: SizeLimit,
        value_mm: u64,
        max_mm: u32,
    },
}

impl VolumetricDivisor {
    pub fn cm3_per_kg(&self) -> u32 {
        match self {
            VolumetricDivisor::Express => 5000,
            VolumetricDivisor::AirCargo => 6000,
        }
    }
}

impl WeightRounding {
    /// Half-kilogram steps throughout.
    pub const HALF_KG: WeightRounding = WeightRounding {
        step_g: 500,
        whole_kg_above_g: None,
    };

    /// Rounds `weight_g` up; saturates at `u32::MAX` rather than overflow.
    pub fn round_up(&self, weight_g: u32) -> u32 {
        let step = match self.whole_kg_above_g {
            Some(threshold) if weight_g > threshold => 1000,
            _ => self.step_g.max(1),
        };
        let rounded = u64::from(weight_g).div_ceil(u64::from(step)) * u64::from(step);
        u32::try_from(rounded).unwrap_or(u32::MAX)
    }
}

/// The chargeable weight of one package on a service with `divisor` and `rounding`.
pub fn chargeable_weight(
    parcel: &Parcel,
    divisor: VolumetricDivisor,
    rounding: WeightRounding,
) -> ChargeableWeight {
    let volumetric_g = volumetric_weight_g(parcel.dimensions_mm, divisor.cm3_per_kg());
    let (weight, basis) = if volumetric_g > parcel.weight_g {
        (volumetric_g, WeightBasis::Volumetric)
    } else {
        (parcel.weight_g, WeightBasis::Actual)
    };
    ChargeableWeight {
        actual_g: parcel.weight_g,
        volumetric_g,
        chargeable_g: rounding.round_up(weight),
        basis,
    }
}

/// The chargeable weight of a multi-package shipment: each package rounded first, then added
/// (RULES.md §7.1), so two 0.3 kg boxes bill 1.0 kg at half-kilogram steps, not 0.5 kg.
pub fn shipment_chargeable_weight_g(
    parcels: &[Parcel],
    divisor: VolumetricDivisor,
    rounding: WeightRounding,
) -> u64 {
    parcels
        .iter()
        .map(|parcel| u64::from(chargeable_weight(parcel, divisor, rounding).chargeable_g))
        .sum()
}

impl ParcelLimits {
    /// The first limit `parcel` breaks, checked in the order an operator fixes them: weigh and
    /// measure, then weight, then the longest side, then length + girth.
    pub fn check(&self, parcel: &Parcel) -> Result<(), ParcelLimitError> {
        match self.breaches(parcel).into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Every limit `parcel` breaks, so that a packer can see at once whether repacking helps.
    pub fn breaches(&self, parcel: &Parcel) -> Vec<ParcelLimitError> {
        let dims = parcel.dimensions_mm;
        let mut breaches = Vec::new();
        if parcel.weight_g == 0 {
            breaches.push(ParcelLimitError::NoWeight);
        }
        if dims.length == 0 || dims.width == 0 || dims.height == 0 {
            breaches.push(ParcelLimitError::NoDimensions);
        }
        if parcel.weight_g > self.max_weight_g {
            breaches.push(ParcelLimitError::TooHeavy {
                weight_g: parcel.weight_g,
                max_g: self.max_weight_g,
            });
        }
        let longest = parcel.longest_side_mm();
        if longest > self.max_length_mm {
            breaches.push(ParcelLimitError::TooLarge {
                limit: SizeLimit::LongestSide,
                value_mm: u64::from(longest),
                max_mm: self.max_length_mm,
            });
        }
        if let Some(max_mm) = self.max_length_plus_girth_mm {
            let value_mm = parcel.length_plus_girth_mm();
            if value_mm > u64::from(max_mm) {
                breaches.push(ParcelLimitError::TooLarge {
                    limit: SizeLimit::LengthPlusGirth,
                    value_mm,
                    max_mm,
                });
            }
        }
        breaches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use silkroute_domain::catalog::DimensionsMm;

    fn parcel(weight_g: u32, cm: (u32, u32, u32)) -> Parcel {
        Parcel::new(
            weight_g,
            DimensionsMm {
                length: cm.0 * 10,
                width: cm.1 * 10,
                height: cm.2 * 10,
            },
        )
    }

    // RULES.md §7.1 D1, D2, D4, billed at half-kilogram steps.
    #[rstest]
    #[case::d1_express(3_200, (40, 30, 20), VolumetricDivisor::Express, 4_800, 5_000, WeightBasis::Volumetric)]
    #[case::d1_air(3_200, (40, 30, 20), VolumetricDivisor::AirCargo, 4_000, 4_000, WeightBasis::Volumetric)]
    #[case::d2_express(12_000, (60, 40, 40), VolumetricDivisor::Express, 19_200, 19_500, WeightBasis::Volumetric)]
    #[case::d2_air(12_000, (60, 40, 40), VolumetricDivisor::AirCargo, 16_000, 16_000, WeightBasis::Volumetric)]
    #[case::d4_actual_wins(6_000, (40, 30, 20), VolumetricDivisor::Express, 4_800, 6_000, WeightBasis::Actual)]
    #[case::equal_is_actual(4_000, (40, 30, 20), VolumetricDivisor::AirCargo, 4_000, 4_000, WeightBasis::Actual)]
    fn rules_dimensional_weight_examples(
        #[case] actual_g: u32,
        #[case] cm: (u32, u32, u32),
        #[case] divisor: VolumetricDivisor,
        #[case] volumetric_g: u32,
        #[case] chargeable_g: u32,
        #[case] basis: WeightBasis,
    ) {
        assert_eq!(
            chargeable_weight(&parcel(actual_g, cm), divisor, WeightRounding::HALF_KG),
            ChargeableWeight {
                actual_g,
                volumetric_g,
                chargeable_g,
                basis,
            }
        );
    }

    #[rstest]
    #[case(0, 0)]
    #[case(1, 500)]
    #[case(500, 500)]
    #[case(29_999, 30_000)]
    #[case(30_000, 30_000)]
    // Above 30 kg the carrier bills whole kilograms.
    #[case(30_001, 31_000)]
    #[case(30_600, 31_000)]
    #[case(u32::MAX, u32::MAX)]
    fn half_kilograms_then_whole_kilograms(#[case] weight_g: u32, #[case] billed_g: u32) {
        let rounding = WeightRounding {
            step_g: 500,
            whole_kg_above_g: Some(30_000),
        };
        assert_eq!(rounding.round_up(weight_g), billed_g);
    }

    #[test]
    fn packages_are_rounded_before_they_are_added() {
        let boxes = [parcel(300, (10, 10, 10)), parcel(300, (10, 10, 10))];
        assert_eq!(
            shipment_chargeable_weight_g(
                &boxes,
                VolumetricDivisor::Express,
                WeightRounding::HALF_KG
            ),
            1_000
        );
    }

    const EXPRESS_LIMITS: ParcelLimits = ParcelLimits {
        max_weight_g: 70_000,
        max_length_mm: 1_200,
        max_length_plus_girth_mm: Some(3_000),
    };

    #[rstest]
    #[case(parcel(70_000, (120, 40, 40)), vec![])]
    #[case(parcel(70_001, (50, 40, 40)), vec![ParcelLimitError::TooHeavy { weight_g: 70_001, max_g: 70_000 }])]
    #[case(parcel(1_000, (121, 10, 10)), vec![ParcelLimitError::TooLarge { limit: SizeLimit::LongestSide, value_mm: 1_210, max_mm: 1_200 }])]
    // 100 + 2 × (60 + 41) = 302 cm.
    #[case(parcel(1_000, (100, 60, 41)), vec![ParcelLimitError::TooLarge { limit: SizeLimit::LengthPlusGirth, value_mm: 3_020, max_mm: 3_000 }])]
    #[case(parcel(0, (0, 10, 10)), vec![ParcelLimitError::NoWeight, ParcelLimitError::NoDimensions])]
    #[case(parcel(80_000, (130, 80, 80)), vec![
        ParcelLimitError::TooHeavy { weight_g: 80_000, max_g: 70_000 },
        ParcelLimitError::TooLarge { limit: SizeLimit::LongestSide, value_mm: 1_300, max_mm: 1_200 },
        ParcelLimitError::TooLarge { limit: SizeLimit::LengthPlusGirth, value_mm: 4_500, max_mm: 3_000 },
    ])]
    fn limits(#[case] package: Parcel, #[case] breaches: Vec<ParcelLimitError>) {
        assert_eq!(EXPRESS_LIMITS.breaches(&package), breaches);
        assert_eq!(
            EXPRESS_LIMITS.check(&package).err(),
            breaches.first().cloned()
        );
    }

    #[test]
    fn limit_errors_read_as_sentences() {
        let error = EXPRESS_LIMITS
            .check(&parcel(1_000, (100, 60, 41)))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the package's length + girth is 3020 mm, the service takes at most 3000 mm"
        );
    }

    proptest! {
        #[test]
        fn chargeable_is_at_least_both_weights_and_less_than_a_step_above(
            actual_g in 0_u32..200_000,
            l in 1_u32..200, w in 1_u32..200, h in 1_u32..200,
            divisor in prop::sample::select(vec![VolumetricDivisor::Express, VolumetricDivisor::AirCargo]),
        ) {
            let weight = chargeable_weight(&parcel(actual_g, (l, w, h)), divisor, WeightRounding::HALF_KG);
            let heavier = weight.actual_g.max(weight.volumetric_g);
            prop_assert!(weight.chargeable_g >= heavier);
            prop_assert!(weight.chargeable_g < heavier + 500);
            prop_assert_eq!(weight.chargeable_g % 500, 0);
            // The 5000 divisor counts more space per kilogram than 6000, never less.
            let express = chargeable_weight(&parcel(actual_g, (l, w, h)), VolumetricDivisor::Express, WeightRounding::HALF_KG);
            prop_assert!(express.chargeable_g >= weight.chargeable_g);
        }
    }
}
