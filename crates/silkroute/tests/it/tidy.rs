//! Architecture invariants from docs/ARCHITECTURE.md, checked on the source tree.

use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn manifest_dependencies(crate_name: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(crates_dir().join(crate_name).join("Cargo.toml"))
        .expect("manifest");
    let value: toml::Value = toml::from_str(&manifest).expect("toml");
    value
        .get("dependencies")
        .and_then(|deps| deps.as_table())
        .map(|deps| deps.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn architecture_invariant_domain_does_no_io() {
    let forbidden = [
        "tokio",
        "sqlx",
        "axum",
        "tower",
        "tower-http",
        "reqwest",
        "hyper",
        "rand",
        "tracing",
    ];
    for crate_name in [
        "silkroute-domain",
        "silkroute-analytics",
        "silkroute-logistics",
    ] {
        for dependency in manifest_dependencies(crate_name) {
            assert!(
                !forbidden.contains(&dependency.as_str()),
                "{crate_name} must not depend on {dependency}"
            );
        }
        let mut files = Vec::new();
        rust_files(&crates_dir().join(crate_name).join("src"), &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).expect("read");
            for needle in [
                "std::fs",
                "std::net",
                "Utc::now",
                "SystemTime::now",
                "std::env",
            ] {
                assert!(
                    !source.contains(needle),
                    "{} uses {needle}: the domain is pure",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn architecture_invariant_only_store_crates_contain_sql() {
    let sql_markers = [
        "SELECT ",
        "INSERT INTO",
        "UPDATE ",
        "DELETE FROM",
        "CREATE TABLE",
    ];
    for entry in std::fs::read_dir(crates_dir()).expect("crates").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The one sqlx implementation of the store traits, and the two backends that run it.
        if name == "silkroute-store-sqlite"
            || name == "silkroute-store-postgres"
            || name == "silkroute-store-sqlx"
        {
            continue;
        }
        for dependency in manifest_dependencies(&name) {
            assert!(
                dependency != "sqlx",
                "{name} depends on sqlx; only the store crates may"
            );
        }
        let mut files = Vec::new();
        rust_files(&entry.path().join("src"), &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).expect("read");
            for line in source.lines().filter(|line| line.contains('"')) {
                for marker in sql_markers {
                    assert!(
                        !line.contains(&format!("\"{marker}")),
                        "{}: SQL outside the store crates: {line}",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn architecture_invariant_app_and_http_name_no_backend() {
    for crate_name in [
        "silkroute-app",
        "silkroute-http",
        "silkroute-domain",
        "silkroute-store",
    ] {
        for dependency in manifest_dependencies(crate_name) {
            assert!(
                !dependency.starts_with("silkroute-store-"),
                "{crate_name} depends on {dependency}: only the binary picks a backend"
            );
        }
    }
    for dependency in manifest_dependencies("silkroute-http") {
        assert!(
            dependency != "silkroute-store",
            "http talks to the app, not the store"
        );
    }
}

#[test]
fn architecture_invariant_every_module_starts_with_a_doc_comment() {
    let mut files = Vec::new();
    rust_files(&crates_dir(), &mut files);
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read");
        let first = source
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or_default();
        assert!(
            first.starts_with("//!"),
            "{} must start with a //! comment saying why it exists",
            file.display()
        );
    }
}

#[test]
fn architecture_invariant_only_the_binary_reads_the_environment() {
    for entry in std::fs::read_dir(crates_dir()).expect("crates").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "silkroute" || name == "silkroute-store-tests" {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&entry.path().join("src"), &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).expect("read");
            assert!(
                !source.contains("std::env::var"),
                "{} reads the environment",
                file.display()
            );
        }
    }
}
