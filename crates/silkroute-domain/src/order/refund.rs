//! How much of a captured payment has gone back to the buyer. Refunds arrive in pieces (a
//! damaged item, a goodwill credit, then the rest), and each must be checked against what is
//! left, in the payment's currency, so that the marketplace never pays back more than it took.

use crate::currency::CurrencyCode;
use crate::money::Money;

/// The running total of refunds against one captured payment. Fields are private so that
/// `refunded` can never exceed `captured` or change currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundBook {
    captured: Money,
    refunded: Money,
}

/// Whether a refund closed the book. A full refund is when the app applies
/// [`super::OrderAction::Refund`] (or `Return` for an RMA); a partial one leaves the order's
/// status as it is and only the payment becomes `partially_refunded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundOutcome {
    Partial,
    Full,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("a refund must be a positive amount, not {amount}")]
    NotPositive { amount: Money },
    #[error("the payment was captured in {captured}, so it cannot be refunded in {requested}")]
    CurrencyMismatch {
        captured: CurrencyCode,
        requested: CurrencyCode,
    },
    #[error("cannot refund {requested}: only {refundable} of the payment is left to refund")]
    ExceedsRefundable { requested: Money, refundable: Money },
    #[error(
        "inconsistent refund record: {refunded} refunded against {captured} captured \
         (must be the same currency and between zero and the captured amount)"
    )]
    Inconsistent { captured: Money, refunded: Money },
}

impl RefundBook {
    /// A book for a fresh capture (`refunded` zero) or one read back from storage. Refuses a
    /// record that breaks the book's rules instead of carrying the fault into the next refund.
    pub fn new(captured: Money, refunded: Money) -> Result<RefundBook, RefundError> {
        let consistent = captured.currency() == refunded.currency()
            && !refunded.is_negative()
            && refunded.minor() <= captured.minor();
        if consistent {
            Ok(RefundBook { captured, refunded })
        } else {
            Err(RefundError::Inconsistent { captured, refunded })
        }
    }

    pub fn captured(&self) -> Money {
        self.captured
    }

    pub fn refunded(&self) -> Money {
        self.refunded
    }

    /// What may still be refunded. Cannot overflow: `0 <= refunded <= captured` always holds.
    pub fn refundable(&self) -> Money {
        Money::from_minor(
            self.captured.minor() - self.refunded.minor(),
            self.captured.currency(),
        )
    }

    pub fn is_fully_refunded(&self) -> bool {
        self.refunded == self.captured
    }

    /// Records a refund of `amount`, or leaves the book untouched and says why not.
    pub fn apply(&mut self, amount: Money) -> Result<RefundOutcome, RefundError> {
        if amount.currency() != self.captured.currency() {
            return Err(RefundError::CurrencyMismatch {
                captured: self.captured.currency(),
                requested: amount.currency(),
            });
        }
        if amount.minor() <= 0 {
            return Err(RefundError::NotPositive { amount });
        }
        let refundable = self.refundable();
        if amount.minor() > refundable.minor() {
            return Err(RefundError::ExceedsRefundable {
                requested: amount,
                refundable,
            });
        }
        // amount <= captured - refunded, so the sum stays within 0..=captured.
        self.refunded = Money::from_minor(
            self.refunded.minor() + amount.minor(),
            self.captured.currency(),
        );
        Ok(if self.is_fully_refunded() {
            RefundOutcome::Full
        } else {
            RefundOutcome::Partial
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, CurrencyCode::EUR)
    }

    #[test]
    fn refunds_in_pieces_until_full() {
        let mut book = RefundBook::new(eur(10_000), eur(0)).unwrap();
        assert_eq!(book.refundable(), eur(10_000));
        assert_eq!(book.apply(eur(2_500)), Ok(RefundOutcome::Partial));
        assert_eq!(book.refunded(), eur(2_500));
        assert_eq!(book.refundable(), eur(7_500));
        assert_eq!(book.apply(eur(7_500)), Ok(RefundOutcome::Full));
        assert!(book.is_fully_refunded());
        assert_eq!(book.refundable(), eur(0));
        assert_eq!(
            book.apply(eur(1)),
            Err(RefundError::ExceedsRefundable {
                requested: eur(1),
                refundable: eur(0)
            })
        );
    }

    #[test]
    fn refuses_bad_amounts_and_leaves_the_book_alone() {
        let mut book = RefundBook::new(eur(5_000), eur(1_000)).unwrap();
        let untouched = book;
        assert_eq!(
            book.apply(eur(0)),
            Err(RefundError::NotPositive { amount: eur(0) })
        );
        assert_eq!(
            book.apply(eur(-100)),
            Err(RefundError::NotPositive { amount: eur(-100) })
        );
        assert_eq!(
            book.apply(Money::from_minor(100, CurrencyCode::USD)),
            Err(RefundError::CurrencyMismatch {
                captured: CurrencyCode::EUR,
                requested: CurrencyCode::USD
            })
        );
        let too_much = book.apply(eur(4_001)).unwrap_err();
        assert_eq!(
            too_much.to_string(),
            "cannot refund 40.01 EUR: only 40.00 EUR of the payment is left to refund"
        );
        assert_eq!(book, untouched);
    }

    #[test]
    fn refuses_inconsistent_records() {
        assert!(RefundBook::new(eur(100), eur(101)).is_err());
        assert!(RefundBook::new(eur(100), eur(-1)).is_err());
        assert!(RefundBook::new(eur(100), Money::zero(CurrencyCode::USD)).is_err());
        assert!(RefundBook::new(eur(-100), eur(0)).is_err());
        assert_eq!(
            RefundBook::new(eur(100), eur(100)).map(|book| book.is_fully_refunded()),
            Ok(true)
        );
    }

    proptest! {
        #[test]
        fn never_refunds_more_than_captured(
            captured in 0_i64..1_000_000,
            attempts in proptest::collection::vec(-1_000_i64..400_000, 0..30),
        ) {
            let mut book = RefundBook::new(eur(captured), eur(0)).unwrap();
            let mut accepted = 0_i64;
            for attempt in attempts {
                let before = book;
                match book.apply(eur(attempt)) {
                    Ok(outcome) => {
                        accepted += attempt;
                        prop_assert_eq!(outcome == RefundOutcome::Full, accepted == captured);
                    }
                    Err(_) => prop_assert_eq!(book, before),
                }
                prop_assert!(book.refunded().minor() <= captured);
                prop_assert!(!book.refunded().is_negative());
                prop_assert_eq!(book.refunded(), eur(accepted));
                prop_assert_eq!(book.refunded().minor() + book.refundable().minor(), captured);
            }
        }
    }
}
