//! The standard normal quantile function, for safety-stock factors and interval widths.
//!
//! Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988): rational
//! approximations in three regions, accurate to about 1e-16, so no refinement step is needed
//! and results do not depend on a library's `erf`. Written out here rather than pulled from a
//! crate because it is thirty lines and the replenishment numbers should not change when a
//! dependency does.
#![expect(
    clippy::excessive_precision,
    reason = "AS 241 coefficients are kept digit for digit as published, to check against the paper"
)]

/// Returns `z` with `Φ(z) = p` for the standard normal CDF `Φ`.
///
/// `p = 0` and `p = 1` give minus and plus infinity; `p` outside `[0, 1]` or NaN gives NaN.
/// Callers that need a finite factor validate `p` first.
pub fn inverse_normal_cdf(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * horner(&CENTRAL_NUM, r) / horner(&CENTRAL_DEN, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        horner(&NEAR_NUM, r) / horner(&NEAR_DEN, r)
    } else {
        let r = r - 5.0;
        horner(&FAR_NUM, r) / horner(&FAR_DEN, r)
    };
    if q < 0.0 { -z } else { z }
}

/// Evaluates a polynomial whose coefficients are given from the constant term up.
fn horner(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, c| acc * x + c)
}

// AS 241 coefficients, constant term first: |p - 0.5| <= 0.425.
const CENTRAL_NUM: [f64; 8] = [
    3.387_132_872_796_366_608,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const CENTRAL_DEN: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561e3,
];
// sqrt(-ln(tail)) <= 5, i.e. tails down to about 1.4e-11.
const NEAR_NUM: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_7e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
const NEAR_DEN: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    6.897_673_349_851_000_045_5e-1,
    1.481_039_764_274_800_745_9e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
// Further out, down to the smallest positive f64.
const FAR_NUM: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    2.965_605_718_285_048_912_3e-1,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const FAR_DEN: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_9e-1,
    1.369_298_809_227_358_053_1e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

#[cfg(test)]
mod tests {
    use super::inverse_normal_cdf as z;

    #[test]
    fn matches_published_quantiles() {
        // Reference values from standard normal tables; the far tail from Python's
        // `statistics.NormalDist().inv_cdf`.
        let cases = [
            (0.5, 0.0),
            (0.8, 0.841_621_233_572_914_3),
            (0.9, 1.281_551_565_544_600_4),
            (0.95, 1.644_853_626_951_472_2),
            (0.975, 1.959_963_984_540_054),
            (0.99, 2.326_347_874_040_840_8),
            (0.999, 3.090_232_306_167_813_5),
            (0.05, -1.644_853_626_951_472_2),
            (1e-10, -6.361_340_902_404_056),
            (1e-300, -37.047_096_299_361_2),
        ];
        for (p, expected) in cases {
            let got = z(p);
            assert!(
                (got - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "z({p}) = {got}, expected {expected}"
            );
        }
        // The figures planners quote.
        assert!((z(0.95) - 1.6449).abs() < 5e-5);
        assert!((z(0.99) - 2.3263).abs() < 5e-5);
    }

    #[test]
    fn is_antisymmetric_and_monotone() {
        let mut previous = f64::NEG_INFINITY;
        for i in 1..1000 {
            let p = f64::from(i) / 1000.0;
            assert!((z(p) + z(1.0 - p)).abs() < 1e-12, "p = {p}");
            assert!(z(p) > previous);
            previous = z(p);
        }
    }

    #[test]
    fn edges() {
        assert_eq!(z(0.0), f64::NEG_INFINITY);
        assert_eq!(z(1.0), f64::INFINITY);
        assert!(z(-0.1).is_nan() && z(1.1).is_nan() && z(f64::NAN).is_nan());
    }
}
