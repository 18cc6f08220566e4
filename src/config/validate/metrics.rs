//! `[metrics]`: the address of the metrics and health endpoint.

use std::net::SocketAddr;

use super::Checker;
use crate::config::MetricsSettings;
use crate::config::raw::RawMetrics;

/// The validated `[metrics]` table; a `listen` that is not an IP address and port is a problem.
pub(super) fn settings(check: &mut Checker, raw: &RawMetrics) -> MetricsSettings {
    let Some(listen) = &raw.listen else {
        return MetricsSettings::default();
    };
    match listen.get_ref().parse::<SocketAddr>() {
        Ok(address) => MetricsSettings {
            listen: Some(address),
        },
        Err(_) => {
            check.report(
                listen,
                format!(
                    "metrics.listen {:?} is not an IP address and port; write it like \"127.0.0.1:9464\" (a host name is not accepted)",
                    listen.get_ref()
                ),
            );
            MetricsSettings::default()
        }
    }
}
