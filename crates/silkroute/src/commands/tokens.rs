//! `silkroute token create`: API tokens for operators, sellers and buyers. The secret is printed
//! once; only its hash is kept.

use std::process::ExitCode;

use silkroute_app::Role;

use super::{UsageError, app_error, open_app};
use crate::config::Config;

pub(super) async fn create(
    config: &Config,
    role: &str,
    seller: Option<&str>,
    buyer: Option<&str>,
    label: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role)
        .ok_or_else(|| UsageError(format!("unknown role '{role}': use admin, seller or buyer")))?;
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let issued = app
        .create_token(role, seller, buyer, label)
        .await
        .map_err(app_error)?;
    if json {
        println!("{}", serde_json::to_string(&issued)?);
    } else {
        println!("{}", issued.token);
        eprintln!(
            "token {} ({}) created; the secret above is shown only once",
            issued.id,
            role.as_str()
        );
    }
    Ok(ExitCode::SUCCESS)
}
