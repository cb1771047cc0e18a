//! Reference data through the API: currencies, countries, FX conversion, markets, identifiers;
//! retired currencies (the kuna, the lev) converted on the days they were in use.

use serde_json::json;

use crate::support::{TestApp, assert_problem};

#[tokio::test]
async fn reference_data_fx_markets_and_identifiers() {
    for app in TestApp::all().await {
        let backend = app.backend();

        let currencies = app.get("/api/v1/currencies", None).await;
        let listed = currencies.body["data"].as_array().expect("currencies");
        // 178 in force, then 9 retired codes with the day each was retired.
        assert_eq!(listed.len(), 178 + 9, "{backend}");
        assert_eq!(
            listed.iter().filter(|c| c["retired_on"].is_null()).count(),
            178
        );
        let countries = app.get("/api/v1/countries", None).await;
        assert_eq!(
            countries.body["data"].as_array().map(Vec::len),
            Some(249),
            "{backend}"
        );

        // USD→JPY through EUR on 2024-03-15: both ECB legs of that day.
        let reply = app
            .get(
                "/api/v1/fx/convert?amount=100&from=USD&to=JPY&date=2024-03-15",
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{backend}: {}", reply.body);
        assert_eq!(reply.body["to"]["currency"], "JPY");
        assert_eq!(
            reply.body["to"]["amount"], "14876",
            "{backend}: {}",
            reply.body
        );
        assert_eq!(reply.body["rate_date"], "2024-03-15");
        assert_eq!(reply.body["mode"], "last_published");
        assert!(
            reply.body["rate"]
                .as_str()
                .is_some_and(|rate| rate.starts_with("148.76")),
            "{}",
            reply.body
        );

        // A Saturday: last_published uses Friday's rate, strict refuses.
        let saturday = app
            .get(
                "/api/v1/fx/convert?amount=10.00&from=EUR&to=USD&date=2024-03-16",
                None,
            )
            .await;
        assert_eq!(saturday.status, 200);
        assert_eq!(saturday.body["rate_date"], "2024-03-15");
        let strict = app
            .get(
                "/api/v1/fx/convert?amount=10.00&from=EUR&to=USD&date=2024-03-16&mode=strict",
                None,
            )
            .await;
        assert_problem(&strict, 422, None);

        // ISK was not published from 2008-12 to 2018-01: never a silently stale rate.
        let stale = app
            .get(
                "/api/v1/fx/convert?amount=100&from=ISK&to=EUR&date=2012-05-04",
                None,
            )
            .await;
        assert_problem(&stale, 422, None);
        assert!(
            stale.body["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("ISK"),
            "{}",
            stale.body
        );

        for (uri, field) in [
            ("/api/v1/fx/convert?amount=100&from=ABC&to=JPY", "from"),
            ("/api/v1/fx/convert?amount=1.234&from=EUR&to=JPY", "amount"),
            ("/api/v1/fx/convert?amount=100&from=EUR&to=XAU", "to"),
            (
                "/api/v1/fx/convert?amount=100&from=EUR&to=USD&date=2024-13-01",
                "date",
            ),
            ("/api/v1/fx/convert?from=EUR&to=USD", "amount"),
            (
                "/api/v1/fx/convert?amount=1&from=EUR&to=USD&mode=sloppy",
                "mode",
            ),
        ] {
            let reply = app.get(uri, None).await;
            assert_problem(&reply, 422, Some(field));
        }

        let rates = app.get("/api/v1/fx/rates?date=2024-03-16", None).await;
        assert_eq!(rates.status, 200);
        assert!(
            rates.body["data"]
                .as_array()
                .is_some_and(|rates| rates.len() > 25)
        );

        // Markets: dated rules. Finland went from 24 % to 25.5 % on 2024-09-01.
        let before = app.get("/api/v1/markets/FI?date=2024-08-31", None).await;
        let after = app.get("/api/v1/markets/FI?date=2024-09-01", None).await;
        assert_eq!(before.status, 200, "{}", before.body);
        assert_eq!(
            before.body["vat_standard"]["rate"], "24",
            "{}",
            before.body["vat_standard"]
        );
        assert_eq!(after.body["vat_standard"]["rate"], "25.5");
        let germany = app.get("/api/v1/markets/de?date=2026-01-01", None).await;
        assert_eq!(germany.body["profile"], "curated");
        assert_eq!(germany.body["currency"], "EUR");
        let bolivia = app.get("/api/v1/markets/BO", None).await;
        assert_eq!(bolivia.body["profile"], "generic", "{}", bolivia.body);
        assert!(bolivia.body["vat_standard"].is_null());
        assert_problem(&app.get("/api/v1/markets/ZZ", None).await, 404, None);
        assert_problem(
            &app.get("/api/v1/markets/DE?date=yesterday", None).await,
            422,
            Some("date"),
        );
        let markets = app.get("/api/v1/markets?date=2026-01-01", None).await;
        let list = markets.body["data"].as_array().expect("markets");
        assert_eq!(list.len(), 249);
        let curated = list.iter().filter(|m| m["profile"] == "curated").count();
        assert!(curated >= 40, "curated markets: {curated}");

        // Identifiers.
        let gtin = app
            .get(
                "/api/v1/identifiers/validate?kind=gtin&value=4006381333931",
                None,
            )
            .await;
        assert_eq!(gtin.body["valid"], true);
        let bad = app
            .get(
                "/api/v1/identifiers/validate?kind=gtin&value=4006381333932",
                None,
            )
            .await;
        assert_eq!(bad.body["valid"], false);
        assert!(bad.body["reason"].as_str().is_some());
        let s10 = app
            .get(
                "/api/v1/identifiers/validate?kind=s10&value=RR%20123%20456%20785%20CN",
                None,
            )
            .await;
        assert_eq!(s10.body["valid"], true);
        assert_eq!(s10.body["normalized"], "RR123456785CN");
        let vat = app
            .get(
                "/api/v1/identifiers/validate?kind=eu_vat&value=de%20136%20695%20976",
                None,
            )
            .await;
        assert_eq!(vat.body["valid"], true, "{}", vat.body);
        assert_eq!(vat.body["normalized"], "DE136695976");
        let bad_vat = app
            .get(
                "/api/v1/identifiers/validate?kind=eu_vat&value=DE136695977",
                None,
            )
            .await;
        assert_eq!(bad_vat.body["valid"], false);
        let unknown = app
            .get("/api/v1/identifiers/validate?kind=isbn&value=1", None)
            .await;
        assert_problem(&unknown, 422, Some("kind"));
        app.finish().await;
    }
}

#[tokio::test]
async fn retired_currencies_convert_on_the_days_they_were_in_use() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let currencies = app.get("/api/v1/currencies", None).await;
        let kuna = currencies.body["data"]
            .as_array()
            .and_then(|list| list.iter().find(|c| c["code"] == "HRK"))
            .expect("HRK is listed");
        assert_eq!(kuna["retired_on"], "2023-01-01");
        assert_eq!(kuna["replaced_by"], "EUR");
        assert_eq!(kuna["tradeable"], false);
        assert_eq!(kuna["minor_units"], 2);

        // The ECB's HRK and BGN rates of the day (7.5895 on 2020-06-01; BGN 1.9558).
        for (uri, to, rate_date) in [
            (
                "/api/v1/fx/convert?amount=100&from=HRK&to=EUR&date=2020-06-01",
                json!({"amount": "13.18", "currency": "EUR"}),
                "2020-06-01",
            ),
            (
                "/api/v1/fx/convert?amount=100&from=EUR&to=HRK&date=2022-12-31",
                json!({"amount": "753.65", "currency": "HRK"}),
                "2022-12-30",
            ),
            (
                "/api/v1/fx/convert?amount=100&from=BGN&to=EUR&date=2025-12-31",
                json!({"amount": "51.13", "currency": "EUR"}),
                "2025-12-31",
            ),
            (
                "/api/v1/fx/convert?amount=1000&from=HRK&to=BGN&date=2020-06-01",
                json!({"amount": "257.70", "currency": "BGN"}),
                "2020-06-01",
            ),
        ] {
            let reply = app.get(uri, None).await;
            assert_eq!(reply.status, 200, "{backend} {uri}: {}", reply.body);
            assert_eq!(reply.body["to"], to, "{uri}: {}", reply.body);
            assert_eq!(reply.body["rate_date"], rate_date, "{uri}");
        }

        // From the day a code was retired it is refused, saying so, on the field that names it.
        for (uri, field, retired_on) in [
            (
                "/api/v1/fx/convert?amount=100&from=HRK&to=EUR&date=2023-06-01",
                "from",
                "2023-01-01",
            ),
            (
                "/api/v1/fx/convert?amount=100&from=HRK&to=EUR&date=2023-01-01",
                "from",
                "2023-01-01",
            ),
            (
                "/api/v1/fx/convert?amount=100&from=EUR&to=BGN&date=2026-01-01",
                "to",
                "2026-01-01",
            ),
            (
                "/api/v1/fx/convert?amount=100&from=EUR&to=BGN",
                "to",
                "2026-01-01",
            ),
        ] {
            let reply = app.get(uri, None).await;
            assert_problem(&reply, 422, Some(field));
            assert!(
                reply.body["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&format!("was retired on {retired_on}"))),
                "{uri}: {}",
                reply.body
            );
        }

        // The rates of a day list the retired currencies the ECB still quoted.
        let rates = app.get("/api/v1/fx/rates?date=2020-06-01", None).await;
        assert_eq!(rates.status, 200, "{}", rates.body);
        let codes: Vec<&str> = rates.body["data"]
            .as_array()
            .expect("rates")
            .iter()
            .filter_map(|rate| rate["currency"].as_str())
            .collect();
        assert!(
            codes.contains(&"HRK") && codes.contains(&"BGN"),
            "{codes:?}"
        );
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "{codes:?}");

        // A market's currency is dated.
        for (uri, currency) in [
            ("/api/v1/markets/HR?date=2022-12-31", "HRK"),
            ("/api/v1/markets/HR?date=2023-01-01", "EUR"),
            ("/api/v1/markets/BG?date=2025-12-31", "BGN"),
            ("/api/v1/markets/BG?date=2026-01-01", "EUR"),
        ] {
            let market = app.get(uri, None).await;
            assert_eq!(market.status, 200, "{}", market.body);
            assert_eq!(market.body["currency"], currency, "{uri}");
        }

        // Where money is priced today a retired code is refused: a seller's settlement currency.
        let seller = app
            .post(
                "/api/v1/sellers",
                Some(&app.admin),
                json!({"name": "Zagreb Crafts", "country": "HR", "settlement_currency": "HRK"}),
            )
            .await;
        assert_problem(&seller, 422, Some("settlement_currency"));
        assert!(
            seller.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("retired on 2023-01-01 (replaced by EUR)")),
            "{}",
            seller.body
        );
        app.finish().await;
    }
}
