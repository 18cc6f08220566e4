//! The SSRF guard: which addresses URLs taken from fetched content may reach.
//!
//! The check runs where the address is final: a DNS resolver that drops non-public addresses
//! (so a public name pointing at 127.0.0.1 or a metadata service is refused at connect time),
//! plus a check of hosts written as literal IPs, which never go through DNS. This module does
//! not decide which URLs are trusted; the fetcher does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Whether `ip` is reachable from the public internet (not loopback, private, link-local,
/// shared, metadata, multicast or otherwise special).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let reserved = a == 0 || a >= 240 || (a == 192 && b == 0);
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    let nat64 = first == 0x64 && ip.segments()[1] == 0xff9b;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || nat64)
}

/// Refuses a URL whose host is a literal non-public IP; names are checked by [`GuardedResolver`].
pub fn check_literal_host(url: &Url) -> Result<(), String> {
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(format!("address {ip} is not public"))
    }
}

/// A DNS resolver that keeps only public addresses and fails when none is left.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuardedResolver;

/// A host name resolved only to non-public addresses.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves only to non-public addresses ({addrs})")]
struct NonPublic {
    name: String,
    addrs: String,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let lookup_host = host.clone();
            let found: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup_host.as_str(), 0)
                    .to_socket_addrs()
                    .map(Iterator::collect)
            })
            .await??;
            let (public, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                found.into_iter().partition(|a| is_public(a.ip()));
            if public.is_empty() && !refused.is_empty() {
                let addrs = refused
                    .iter()
                    .map(|a| a.ip().to_string())
                    .collect::<Vec<_>>();
                return Err(Box::new(NonPublic {
                    name: host,
                    addrs: addrs.join(", "),
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Whether `err`'s chain holds the resolver's refusal.
pub fn refused_by_resolver(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<NonPublic>() {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!public(ip), "{ip} passed as public");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2a00:1450:4001:80b::200e",
            "::ffff:1.1.1.1",
        ] {
            assert!(public(ip), "{ip} refused");
        }
    }

    #[test]
    fn literal_hosts_are_checked_without_dns() {
        let check = |u: &str| check_literal_host(&Url::parse(u).unwrap());
        assert!(check("http://127.0.0.1:8080/x").is_err());
        assert!(check("http://[::1]/x").is_err());
        assert!(
            check("http://localhost/x").is_ok(),
            "names are the resolver's job"
        );
        assert!(
            check("http://2130706433/x").is_err(),
            "decimal form of 127.0.0.1"
        );
        assert!(check("http://93.184.216.34/x").is_ok());
        assert!(check("http://example.kz/x").is_ok());
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_loopback() {
        let name: Name = "localhost".parse().unwrap();
        let err = match GuardedResolver.resolve(name).await {
            Ok(_) => panic!("localhost resolved through the guard"),
            Err(err) => err,
        };
        assert!(refused_by_resolver(err.as_ref()), "{err}");
    }
}
