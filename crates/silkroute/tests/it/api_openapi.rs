//! The served OpenAPI document is one a generator and a fuzzer accept: parameters where they
//! are, every operation's 4xx documented as problem+json, every response typed, every reference
//! resolved. `.ci/fuzz-api` then holds the server to it; this keeps the document from sliding
//! back between fuzzing runs.

use serde_json::Value;

use crate::support::TestApp;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows a local `$ref` (`#/components/...`) to what it names.
fn resolve<'d>(document: &'d Value, value: &'d Value) -> &'d Value {
    let mut current = value;
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').unwrap_or(reference);
                current = document.pointer(pointer).unwrap_or(&Value::Null);
            }
            None => return current,
        }
    }
    current
}

/// Every `$ref` in `value`, with where it was found.
fn references(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (key, item) in fields {
                if key == "$ref"
                    && let Some(target) = item.as_str()
                {
                    out.push((at.to_string(), target.to_string()));
                }
                references(item, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                references(item, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// What is wrong with the document, one line per finding.
fn findings(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut all_references = Vec::new();
    references(document, "#", &mut all_references);
    for (at, target) in &all_references {
        let resolves = target
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
            .is_some();
        if !resolves {
            found.push(format!("{at}: $ref {target} does not resolve"));
        }
    }
    let Some(paths) = document["paths"].as_object() else {
        return vec!["the document has no paths".to_string()];
    };
    for (path, item) in paths {
        let template: Vec<&str> = path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let name = format!("{} {path}", method.to_uppercase());
            let parameters: Vec<&Value> = operation["parameters"]
                .as_array()
                .map(|all| all.iter().map(|p| resolve(document, p)).collect())
                .unwrap_or_default();
            for parameter in &parameters {
                let parameter_name = parameter["name"].as_str().unwrap_or_default();
                let location = parameter["in"].as_str().unwrap_or_default();
                if location == "path" && !template.contains(&parameter_name) {
                    found.push(format!(
                        "{name}: `{parameter_name}` is `in: path` but not in the path"
                    ));
                }
                if location == "path" && parameter["required"] != Value::Bool(true) {
                    found.push(format!(
                        "{name}: path parameter `{parameter_name}` not required"
                    ));
                }
                if parameter.get("schema").is_none() {
                    found.push(format!(
                        "{name}: parameter `{parameter_name}` has no schema"
                    ));
                }
            }
            for variable in &template {
                let declared = parameters
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == *variable);
                if !declared {
                    found.push(format!("{name}: `{{{variable}}}` has no path parameter"));
                }
            }
            if operation.get("security").is_none() {
                found.push(format!(
                    "{name}: no security requirement (use [{{}}] if public)"
                ));
            }
            if method == "post" {
                let keyed = parameters
                    .iter()
                    .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key");
                if !keyed {
                    found.push(format!("{name}: Idempotency-Key is not documented"));
                }
            }
            let Some(responses) = operation["responses"].as_object() else {
                found.push(format!("{name}: no responses"));
                continue;
            };
            let mut problem_4xx = false;
            for (status, response) in responses {
                let response = resolve(document, response);
                let content = response["content"].as_object();
                if status != "204" && content.is_none_or(|content| content.is_empty()) {
                    found.push(format!("{name}: {status} has no content"));
                }
                for (media_type, body) in content.into_iter().flatten() {
                    let schema = &body["schema"];
                    let empty = schema.as_object().is_none_or(|fields| fields.is_empty());
                    if empty {
                        found.push(format!("{name}: {status} {media_type} schema is {{}}"));
                    }
                    if status.starts_with('4') {
                        if media_type == "application/problem+json"
                            && schema["$ref"] == "#/components/schemas/Problem"
                        {
                            problem_4xx = true;
                        } else {
                            found.push(format!(
                                "{name}: {status} is {media_type}, not application/problem+json"
                            ));
                        }
                    }
                }
            }
            if !problem_4xx {
                found.push(format!(
                    "{name}: no 4xx documented as application/problem+json"
                ));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_document_is_one_a_generator_and_a_fuzzer_accept() {
    let apps = TestApp::all().await;
    let app = &apps[0];
    let reply = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    let document = reply.body;
    let found = findings(&document);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // Every operation was looked at: the walk above cannot pass on an empty document.
    let operations: usize = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum();
    assert!(operations >= 57, "{operations} operations");
    // The query parameters of the list and analytics operations are query parameters with
    // their real types, and each analytics view takes only what it reads.
    let parameter = |path: &str, name: &str| -> Value {
        document["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let limit = parameter("/api/v1/orders", "limit");
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["schema"]["type"], "integer");
    assert_eq!(limit["schema"]["maximum"], 500);
    assert_eq!(parameter("/api/v1/catalog", "market")["required"], true);
    assert_eq!(
        parameter("/api/v1/analytics/store/timeseries", "grain")["schema"]["enum"],
        serde_json::json!(["day", "week", "month"])
    );
    assert!(parameter("/api/v1/analytics/forecast", "from").is_null());
    assert!(parameter("/api/v1/analytics/products", "currency").is_null());
    assert_eq!(
        parameter("/api/v1/analytics/store/overview", "currency")["in"],
        "query"
    );
    // Request bounds are the ones the server enforces: the schema's literals follow the
    // domain's constants.
    let schema = |name: &str| document["components"]["schemas"][name].clone();
    let bound = |name: &str, property: &str, keyword: &str| -> i64 {
        schema(name)["properties"][property][keyword]
            .as_i64()
            .unwrap_or_else(|| panic!("{name}.{property} has no {keyword}"))
    };
    use silkroute_domain::{catalog, checkout};
    assert_eq!(
        bound("ProductInput", "weight_g", "maximum"),
        catalog::MAX_WEIGHT_G
    );
    assert_eq!(
        bound("ProductInput", "tier_prices", "maxItems"),
        catalog::MAX_TIER_PRICES as i64
    );
    assert_eq!(
        bound("QuoteLineInput", "quantity", "maximum"),
        i64::from(checkout::MAX_QUANTITY)
    );
    assert_eq!(
        bound("QuoteRequest", "lines", "maxItems"),
        checkout::MAX_LINES as i64
    );
    for app in apps {
        app.finish().await;
    }
}

#[test]
fn the_walk_finds_what_it_looks_for() {
    let broken = serde_json::json!({
        "paths": {
            "/things/{id}": {
                "get": {
                    "parameters": [
                        {"name": "limit", "in": "path", "required": true, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {"description": "", "content": {"application/json": {"schema": {}}}},
                        "404": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}
                    }
                },
                "post": {"responses": {"201": {"description": ""}}}
            }
        }
    });
    let found = findings(&broken).join("\n");
    for expected in [
        "$ref #/components/schemas/Gone does not resolve",
        "GET /things/{id}: `limit` is `in: path` but not in the path",
        "GET /things/{id}: `{id}` has no path parameter",
        "GET /things/{id}: no security requirement",
        "GET /things/{id}: 200 application/json schema is {}",
        "GET /things/{id}: 404 is application/json, not application/problem+json",
        "GET /things/{id}: no 4xx documented as application/problem+json",
        "POST /things/{id}: Idempotency-Key is not documented",
        "POST /things/{id}: 201 has no content",
    ] {
        assert!(
            found.contains(expected),
            "missing {expected:?} in:\n{found}"
        );
    }
}
