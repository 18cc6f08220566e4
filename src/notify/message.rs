//! What a sink sends: one alert, a rate-limit summary, or a digest, rendered as JSON (webhook,
//! command), plain text and HTML (e-mail), or Telegram's HTML subset.
//!
//! Rendering only; no I/O. Article text is always escaped for the target format.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::DisplayZone;
use crate::store::PendingDelivery;

/// Telegram rejects messages over 4096 characters; digests stop listing before that.
const TELEGRAM_LIMIT: usize = 3800;

/// One message for one sink.
#[derive(Debug, Clone, Copy)]
pub enum Outgoing<'a> {
    /// A single alert.
    Alert(&'a PendingDelivery),
    /// Alerts over the sink's rate limit, only counted.
    Summary(&'a [PendingDelivery]),
    /// The period's alerts, listed.
    Digest(&'a [PendingDelivery]),
    /// A made-up alert sent by `newswatch sinks test`, marked as a test in every form.
    Test(&'a PendingDelivery),
}

/// Alerts of each rule, rules in name order, alerts in outbox order.
fn by_rule(rows: &[PendingDelivery]) -> BTreeMap<&str, Vec<&PendingDelivery>> {
    let mut groups: BTreeMap<&str, Vec<&PendingDelivery>> = BTreeMap::new();
    for row in rows {
        groups.entry(&row.rule_name).or_default().push(row);
    }
    groups
}

/// The alert as the documented JSON object (docs/alerts.md).
pub fn alert_json(row: &PendingDelivery) -> Value {
    json!({
        "alert_id": row.alert_id,
        "rule": row.rule_name,
        "article": {
            "id": row.article_id,
            "title": row.title,
            "url": row.url,
            "source": row.source_name,
            "published_at": row.published_at,
        },
        "matched_terms": row.matched_terms,
        "snippet": row.snippet,
        "created_at": row.created_at,
    })
}

impl Outgoing<'_> {
    /// The JSON body for webhooks and commands.
    pub fn json(&self, sink: &str) -> Value {
        match self {
            Outgoing::Alert(row) => {
                let mut value = alert_json(row);
                value["type"] = json!("alert");
                value["sink"] = json!(sink);
                value
            }
            Outgoing::Test(row) => {
                let mut value = alert_json(row);
                value["type"] = json!("test");
                value["sink"] = json!(sink);
                value
            }
            Outgoing::Summary(rows) => {
                let rules: Vec<Value> = by_rule(rows)
                    .into_iter()
                    .map(|(rule, alerts)| {
                        let ids: Vec<i64> = alerts.iter().map(|a| a.alert_id).collect();
                        json!({ "rule": rule, "count": alerts.len(), "alert_ids": ids })
                    })
                    .collect();
                json!({ "type": "summary", "sink": sink, "text": self.headline(), "rules": rules })
            }
            Outgoing::Digest(rows) => {
                let rules: Vec<Value> = by_rule(rows)
                    .into_iter()
                    .map(|(rule, alerts)| {
                        let alerts: Vec<Value> = alerts.into_iter().map(alert_json).collect();
                        json!({ "rule": rule, "alerts": alerts })
                    })
                    .collect();
                json!({ "type": "digest", "sink": sink, "count": rows.len(), "rules": rules })
            }
        }
    }

    /// A one-line description: the e-mail subject, the first line of every text form.
    pub fn headline(&self) -> String {
        match self {
            Outgoing::Alert(row) => format!(
                "[{}] {}",
                row.rule_name,
                row.title.as_deref().unwrap_or("(untitled)")
            ),
            Outgoing::Summary(rows) => {
                let parts: Vec<String> = by_rule(rows)
                    .into_iter()
                    .map(|(rule, alerts)| format!("{} more alerts for rule {rule}", alerts.len()))
                    .collect();
                format!("{} (rate limit reached)", parts.join("; "))
            }
            Outgoing::Digest(rows) => format!("newswatch digest: {} alerts", rows.len()),
            Outgoing::Test(row) => format!("[newswatch test] {}", title_of(row)),
        }
    }

    /// Plain text (e-mail body, logs), times shown in `zone`.
    pub fn text(&self, zone: &DisplayZone) -> String {
        match self {
            Outgoing::Alert(row) | Outgoing::Test(row) => {
                format!("{}\n\n{}", self.headline(), alert_text(row, zone))
            }
            Outgoing::Summary(rows) => {
                let mut text = format!("{}\n", self.headline());
                for row in rows.iter() {
                    text.push_str(&format!("\n- [{}] {}", row.rule_name, title_of(row)));
                }
                text
            }
            Outgoing::Digest(rows) => {
                let mut text = self.headline();
                for (rule, alerts) in by_rule(rows) {
                    text.push_str(&format!("\n\n== {rule} ({}) ==", alerts.len()));
                    for row in alerts {
                        text.push_str(&format!("\n\n{}\n{}", title_of(row), alert_text(row, zone)));
                    }
                }
                text
            }
        }
    }

    /// An HTML document (e-mail alternative body), times shown in `zone`.
    pub fn html(&self, zone: &DisplayZone) -> String {
        let body = self.telegram_html(usize::MAX, zone).replace('\n', "<br>\n");
        format!("<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n")
    }

    /// Telegram's HTML subset (`<b>`, `<a>`), at most about `limit` characters, times shown
    /// in `zone`.
    pub fn telegram_html(&self, limit: usize, zone: &DisplayZone) -> String {
        match self {
            Outgoing::Alert(row) => alert_html(row, true, zone),
            Outgoing::Test(row) => format!(
                "<b>{}</b>\n{}",
                escape(&self.headline()),
                alert_html(row, false, zone)
            ),
            Outgoing::Summary(_) => format!("<b>{}</b>", escape(&self.headline())),
            Outgoing::Digest(rows) => {
                let mut html = format!("<b>{}</b>", escape(&self.headline()));
                let mut listed = 0;
                for (rule, alerts) in by_rule(rows) {
                    let head = format!("\n\n<b>{}</b> ({})", escape(rule), alerts.len());
                    html.push_str(&head);
                    for row in alerts {
                        let item = format!("\n\n{}", alert_html(row, false, zone));
                        if html.chars().count() + item.chars().count() > limit {
                            let rest = rows.len() - listed;
                            html.push_str(&format!("\n\n… and {rest} more (see newswatch alerts)"));
                            return html;
                        }
                        html.push_str(&item);
                        listed += 1;
                    }
                }
                html
            }
        }
    }

    /// Telegram text within its message size limit, times shown in `zone`.
    pub fn telegram(&self, zone: &DisplayZone) -> String {
        self.telegram_html(TELEGRAM_LIMIT, zone)
    }
}

fn title_of(row: &PendingDelivery) -> &str {
    row.title.as_deref().unwrap_or("(untitled)")
}

/// When the article was published, in `zone`.
fn published(row: &PendingDelivery, zone: &DisplayZone) -> String {
    row.published_at
        .as_deref()
        .map_or_else(|| "undated".to_string(), |at| zone.show(at))
}

fn alert_text(row: &PendingDelivery, zone: &DisplayZone) -> String {
    format!(
        "{}\n{} · {}\n\n{}\n\nmatched: {}",
        row.url,
        row.source_name,
        published(row, zone),
        row.snippet,
        row.matched_terms.join(", ")
    )
}

fn alert_html(row: &PendingDelivery, with_rule: bool, zone: &DisplayZone) -> String {
    let rule = if with_rule {
        format!("<b>{}</b>\n", escape(&row.rule_name))
    } else {
        String::new()
    };
    format!(
        "{rule}<a href=\"{}\">{}</a>\n{} · {}\n{}",
        escape(&row.url),
        escape(title_of(row)),
        escape(&row.source_name),
        escape(&published(row, zone)),
        bold_hits(&escape(&row.snippet)),
    )
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Snippets mark hits as `**hit**`; HTML shows them bold. Unpaired markers stay as text.
fn bold_hits(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split("**").collect();
    if parts.len().is_multiple_of(2) {
        return escaped.to_string();
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<b>{part}</b>"));
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn row(alert_id: i64, rule: &str, title: &str) -> PendingDelivery {
        PendingDelivery {
            alert_id,
            sink: "s".into(),
            attempts: 0,
            rule_name: rule.into(),
            article_id: alert_id * 10,
            title: Some(title.into()),
            url: format!("https://news.example.kz/{alert_id}?a=1&b=2"),
            source_name: "azattyq".into(),
            published_at: Some("2026-01-08T09:30:00Z".into()),
            matched_terms: vec!["саяси".into(), "тұтқындарды".into()],
            snippet: "Белсенділер **саяси тұтқындарды** <босатуды>".into(),
            created_at: "2026-01-08T10:00:00Z".into(),
        }
    }

    #[test]
    fn telegram_html_escapes_article_text_and_bolds_hits() {
        let r = row(1, "prisoners", "A <b>bold</b> & title");
        let html = Outgoing::Alert(&r).telegram(&DisplayZone::default());
        assert!(
            html.contains("A &lt;b&gt;bold&lt;/b&gt; &amp; title"),
            "{html}"
        );
        assert!(
            html.contains("<b>саяси тұтқындарды</b> &lt;босатуды&gt;"),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://news.example.kz/1?a=1&amp;b=2\""),
            "{html}"
        );
    }

    #[test]
    fn summary_counts_per_rule_and_digest_groups_by_rule() {
        let rows = vec![
            row(1, "b-rule", "x"),
            row(2, "a-rule", "y"),
            row(3, "b-rule", "z"),
        ];
        let summary = Outgoing::Summary(&rows);
        assert_eq!(
            summary.headline(),
            "1 more alerts for rule a-rule; 2 more alerts for rule b-rule (rate limit reached)"
        );
        let digest = Outgoing::Digest(&rows).json("d");
        assert_eq!(digest["count"], 3);
        assert_eq!(digest["rules"][0]["rule"], "a-rule");
        assert_eq!(digest["rules"][1]["alerts"][1]["alert_id"], 3);
    }

    #[test]
    fn digest_texts_show_times_in_the_display_zone_and_json_keeps_utc() {
        let rows = vec![row(1, "r", "x"), row(2, "r", "y")];
        let almaty = DisplayZone::resolve(Some(chrono_tz::Asia::Almaty));
        let digest = Outgoing::Digest(&rows);
        assert!(
            digest
                .text(&almaty)
                .contains("azattyq · 2026-01-08T14:30:00+05:00")
        );
        assert!(digest.html(&almaty).contains("2026-01-08T14:30:00+05:00"));
        assert!(
            digest
                .telegram(&almaty)
                .contains("2026-01-08T14:30:00+05:00")
        );
        let json = digest.json("d");
        assert_eq!(
            json["rules"][0]["alerts"][0]["article"]["published_at"],
            "2026-01-08T09:30:00Z"
        );
    }

    #[test]
    fn a_long_telegram_digest_is_cut_with_a_count_of_the_rest() {
        let rows: Vec<_> = (0..200)
            .map(|i| row(i, "r", &"слово ".repeat(20)))
            .collect();
        let html = Outgoing::Digest(&rows).telegram(&DisplayZone::default());
        assert!(
            html.chars().count() <= TELEGRAM_LIMIT + 60,
            "{}",
            html.len()
        );
        assert!(html.contains("more (see newswatch alerts)"));
    }
}
