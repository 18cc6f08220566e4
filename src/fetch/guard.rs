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
/// shared, metadata, multicast or otherwise special). An IPv6 address that embeds an IPv4
/// address is judged by the embedded address.
///
/// The ranges follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and
/// the RFCs they list).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let reserved = a == 0 || a >= 240 || (a == 192 && b == 0);
    // 198.18.0.0/15: network benchmarking (RFC 2544); 192.88.99.0/24: 6to4 relay (RFC 7526).
    let benchmarking = a == 198 && (b & 0xfe) == 18;
    let relay = a == 192 && b == 88 && c == 99;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || reserved
        || benchmarking
        || relay)
}

/// The IPv4 address inside an IPv6 form built to carry one: IPv4-compatible `::/96`,
/// IPv4-mapped `::ffff:0:0/96` (RFC 4291 §2.5.5), IPv4-translated `::ffff:0:0:0/96`
/// (RFC 2765), NAT64 `64:ff9b::/96` (RFC 6052) and 6to4 `2002::/16` (RFC 3056).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0, _, _]
        | [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let unique_local = s[0] & 0xfe00 == 0xfc00;
    let link_local = s[0] & 0xffc0 == 0xfe80;
    let site_local = s[0] & 0xffc0 == 0xfec0;
    // 64:ff9b:1::/48: local-use NAT64 (RFC 8215); 100::/64: discard-only (RFC 6666).
    let local_nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1;
    let discard = s[0] == 0x100 && s[1..4] == [0, 0, 0];
    // 2001::/23: IETF protocol assignments, Teredo 2001::/32 among them (RFC 2928, RFC 4380).
    let ietf = s[0] == 0x2001 && s[1] < 0x200;
    // 2001:db8::/32 and 3fff::/20: documentation (RFC 3849, RFC 9637); 5f00::/16: SRv6 SIDs
    // (RFC 9602).
    let documentation = (s[0] == 0x2001 && s[1] == 0xdb8) || s[0] & 0xfff0 == 0x3ff0;
    let srv6 = s[0] == 0x5f00;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || site_local
        || local_nat64
        || discard
        || ietf
        || documentation
        || srv6)
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
            "::7f00:1",
            "::ffff:0:7f00:1",
            "::ffff:0:a00:1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "198.18.0.1",
            "198.19.255.254",
            "100::1",
            "fec0::1",
            "3fff::1",
        ] {
            assert!(!public(ip), "{ip} passed as public");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2a00:1450:4001:80b::200e",
            "::ffff:1.1.1.1",
            "2002:5db8:d822::1",
            "64:ff9b::808:808",
            "198.20.0.1",
            "2001:4860:4860::8888",
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
