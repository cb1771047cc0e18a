//! Card numbers and the sandbox provider's test cards. The simulated provider decides a
//! payment's fate from the card number alone, as Stripe's test mode does, so that demos and
//! tests can reach every path (decline, 3-D Secure, failed capture) on purpose. The number is
//! checked the way a real checkout would (digits, length, Luhn) so that typos are caught before
//! anything is sent to a provider.

use std::fmt;

use super::DeclineReason;

/// A syntactically valid card number (PAN). There is no `Serialize` and `Debug` shows only the
/// last four digits, because a full card number must never reach a log or the database.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("a card number may contain only digits and spaces")]
    NotDigits,
    #[error("a card number has 12 to 19 digits, this one has {digits}")]
    WrongLength { digits: usize },
    #[error("the card number's check digit is wrong; it was probably mistyped")]
    FailsLuhn,
}

impl CardNumber {
    /// Accepts the number as people type it, with or without spaces between the groups.
    pub fn parse(input: &str) -> Result<CardNumber, CardError> {
        let digits: String = input.chars().filter(|&c| c != ' ').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardError::NotDigits);
        }
        if !(12..=19).contains(&digits.len()) {
            return Err(CardError::WrongLength {
                digits: digits.len(),
            });
        }
        if !luhn_valid(&digits) {
            return Err(CardError::FailsLuhn);
        }
        Ok(CardNumber(digits))
    }

    /// The part of the number that may be stored and shown ("•••• 4242").
    pub fn last4(&self) -> String {
        self.0[self.0.len() - 4..].to_string()
    }

    /// The card scheme from the issuer prefix: "visa", "mastercard", "amex", or "card" for any
    /// other scheme (shown to the buyer, not used to route payments).
    pub fn brand(&self) -> &'static str {
        let prefix = |len: usize| self.0[..len].parse::<u32>().unwrap_or(0);
        if self.0.starts_with('4') {
            "visa"
        } else if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) {
            "mastercard"
        } else if matches!(prefix(2), 34 | 37) {
            "amex"
        } else {
            "card"
        }
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(**** {})", self.last4())
    }
}

/// What the sandbox provider does with a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestCardOutcome {
    /// Authorised now; the capture notification follows and succeeds.
    Approve,
    /// Refused at authorisation.
    Decline(DeclineReason),
    /// 3-D Secure first; once the buyer passes it, the payment is captured later.
    RequiresAction,
    /// Authorised now, but the capture notification reports a failure — the path where an
    /// order that looked paid must be unwound.
    ApproveThenFailCapture,
}

/// The cards with a scripted outcome. Every other valid number is approved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestCard {
    Visa,
    Mastercard,
    Declined,
    InsufficientFunds,
    ExpiredCard,
    ThreeDSecure,
    CaptureFails,
}

impl TestCard {
    pub const ALL: [TestCard; 7] = [
        TestCard::Visa,
        TestCard::Mastercard,
        TestCard::Declined,
        TestCard::InsufficientFunds,
        TestCard::ExpiredCard,
        TestCard::ThreeDSecure,
        TestCard::CaptureFails,
    ];

    /// The number to type at the checkout (Stripe's test numbers, so they are familiar).
    pub fn number(self) -> &'static str {
        match self {
            TestCard::Visa => "4242424242424242",
            TestCard::Mastercard => "5555555555554444",
            TestCard::Declined => "4000000000000002",
            TestCard::InsufficientFunds => "4000000000009995",
            TestCard::ExpiredCard => "4000000000000069",
            TestCard::ThreeDSecure => "4000000000003220",
            TestCard::CaptureFails => "4000000000000341",
        }
    }

    pub fn scripted_outcome(self) -> TestCardOutcome {
        match self {
            TestCard::Visa | TestCard::Mastercard => TestCardOutcome::Approve,
            TestCard::Declined => TestCardOutcome::Decline(DeclineReason::CardDeclined),
            TestCard::InsufficientFunds => {
                TestCardOutcome::Decline(DeclineReason::InsufficientFunds)
            }
            TestCard::ExpiredCard => TestCardOutcome::Decline(DeclineReason::ExpiredCard),
            TestCard::ThreeDSecure => TestCardOutcome::RequiresAction,
            TestCard::CaptureFails => TestCardOutcome::ApproveThenFailCapture,
        }
    }

    /// What the sandbox does with `card_number` as typed: invalid numbers are refused before
    /// any outcome, scripted cards get their outcome, any other valid number is approved.
    pub fn outcome(card_number: &str) -> Result<TestCardOutcome, CardError> {
        CardNumber::parse(card_number).map(|card| TestCard::outcome_for(&card))
    }

    pub fn outcome_for(card: &CardNumber) -> TestCardOutcome {
        TestCard::ALL
            .into_iter()
            .find(|test_card| test_card.number() == card.0)
            .map_or(TestCardOutcome::Approve, TestCard::scripted_outcome)
    }
}

/// The Luhn (ISO/IEC 7812) check over ASCII digits, check digit last.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("4242424242424242", TestCardOutcome::Approve)]
    #[case("4242 4242 4242 4242", TestCardOutcome::Approve)]
    #[case("5555555555554444", TestCardOutcome::Approve)]
    #[case(
        "4000000000000002",
        TestCardOutcome::Decline(DeclineReason::CardDeclined)
    )]
    #[case(
        "4000000000009995",
        TestCardOutcome::Decline(DeclineReason::InsufficientFunds)
    )]
    #[case(
        "4000000000000069",
        TestCardOutcome::Decline(DeclineReason::ExpiredCard)
    )]
    #[case("4000000000003220", TestCardOutcome::RequiresAction)]
    #[case("4000000000000341", TestCardOutcome::ApproveThenFailCapture)]
    #[case("378282246310005", TestCardOutcome::Approve)] // any other valid number
    #[case("4000056655665556", TestCardOutcome::Approve)]
    fn test_cards_have_their_outcome(#[case] number: &str, #[case] outcome: TestCardOutcome) {
        assert_eq!(TestCard::outcome(number), Ok(outcome));
    }

    #[test]
    fn every_scripted_card_is_valid_and_distinct() {
        for card in TestCard::ALL {
            assert_eq!(
                TestCard::outcome(card.number()),
                Ok(card.scripted_outcome())
            );
        }
    }

    #[rstest]
    #[case("4242-4242-4242-4242", CardError::NotDigits)]
    #[case("4242a24242424242", CardError::NotDigits)]
    #[case("４２４２４２４２４２４２４２４２", CardError::NotDigits)]
    #[case("", CardError::WrongLength { digits: 0 })]
    #[case("42424242424", CardError::WrongLength { digits: 11 })]
    #[case("42424242424242424242", CardError::WrongLength { digits: 20 })]
    #[case("4242424242424241", CardError::FailsLuhn)]
    #[case("4000000000000001", CardError::FailsLuhn)]
    #[case("5555555555554445", CardError::FailsLuhn)]
    fn rejects_invalid_numbers(#[case] number: &str, #[case] error: CardError) {
        assert_eq!(TestCard::outcome(number), Err(error));
    }

    #[test]
    fn errors_explain_themselves() {
        assert_eq!(
            CardError::WrongLength { digits: 11 }.to_string(),
            "a card number has 12 to 19 digits, this one has 11"
        );
        assert!(CardError::FailsLuhn.to_string().contains("mistyped"));
    }

    #[rstest]
    #[case("4242424242424242", "visa", "4242")]
    #[case("5555555555554444", "mastercard", "4444")]
    #[case("5105105105105100", "mastercard", "5100")]
    #[case("2223003122003222", "mastercard", "3222")]
    #[case("378282246310005", "amex", "0005")]
    #[case("371449635398431", "amex", "8431")]
    #[case("6011111111111117", "card", "1117")]
    #[case("3056930009020004", "card", "0004")]
    fn brand_and_last_four(#[case] number: &str, #[case] brand: &str, #[case] last4: &str) {
        let card = CardNumber::parse(number).unwrap();
        assert_eq!(card.brand(), brand);
        assert_eq!(card.last4(), last4);
    }

    #[test]
    fn debug_hides_the_number() {
        let card = CardNumber::parse("4242 4242 4242 4242").unwrap();
        assert_eq!(format!("{card:?}"), "CardNumber(**** 4242)");
    }
}
