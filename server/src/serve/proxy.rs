//! The client's address behind a reverse proxy (`--trusted-proxy CIDR`).
//!
//! Behind a load balancer every request comes from the balancer's address, so rate limits and
//! logs would lump all learners of all clients together. A proxy says who it forwarded for in
//! `X-Forwarded-For` (each hop appends the address it saw) or `Forwarded` (RFC 7239,
//! `for=…`). Anybody can send those headers, so they count only when the socket peer is one of
//! the trusted proxies; then the list is read from the right, skipping trusted hops, and the
//! first address not trusted is the client. What a learner wrote into the header themselves
//! sits further left and is never reached. `X-Forwarded-For` wins when both are present (nginx
//! and Caddy append to it); a proxy that only sets `Forwarded` must drop an incoming
//! `X-Forwarded-For`.
//!
//! The result rides on each request as [`ClientAddr`]; the per-client connection cap, decided
//! at accept time before any header arrives, does not apply to a trusted proxy's connections.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network, `192.0.2.0/24` or `2001:db8::/32`; a bare address is a /32 or /128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `ADDR/PREFIX` or `ADDR`; the message names what is wrong.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| {
            format!("invalid --trusted-proxy {text:?}: use an address or a network such as 10.0.0.0/8 or fd00::/8")
        })?;
        let network = network.to_canonical();
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => {
                    return Err(format!(
                        "invalid --trusted-proxy {text:?}: the prefix length must be 0 to {max}"
                    ))
                }
            },
        };
        Ok(Cidr { network, prefix })
    }

    /// True when `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The trusted proxies; empty trusts nobody's headers.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<Cidr>);

/// The address a request is accounted to: the socket peer, or whom a trusted proxy forwarded
/// for. Rate limits and logs use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// True when a trusted proxy says the browser reached it over https (`X-Forwarded-Proto:
/// https`, or `Forwarded: proto=https`); the admin console then marks its cookie `Secure`
/// and expects an `https://` origin. Always false from any other peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForwardedHttps(pub bool);

impl TrustedProxies {
    /// The proxies in `networks`.
    pub fn new(networks: Vec<Cidr>) -> TrustedProxies {
        TrustedProxies(networks)
    }

    /// True when `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For` and `Forwarded` values.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
        if hops.is_empty() {
            hops = forwarded
                .flat_map(|v| v.split(','))
                .filter_map(forwarded_for_param)
                .collect();
        }
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An unreadable hop (`unknown`, an obfuscated name) ends the walk: the last
            // trusted proxy is all that is known.
            let Some(ip) = hop_address(hop) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// The `for=` value of one `Forwarded` element, unquoted.
impl TrustedProxies {
    /// Whether `peer` is a trusted proxy that forwarded an https request: the nearest hop's
    /// `X-Forwarded-Proto` (the last value), else the last `Forwarded` element's `proto`.
    pub fn forwarded_https<'a>(
        &self,
        peer: IpAddr,
        forwarded_proto: impl Iterator<Item = &'a str>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> bool {
        if !self.trusts(peer.to_canonical()) {
            return false;
        }
        let param = |element: &'a str, name: &str| -> Option<&'a str> {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| value.trim().trim_matches('"'))
            })
        };
        let proto = forwarded_proto
            .flat_map(|v| v.split(','))
            .last()
            .map(str::trim)
            .or_else(|| {
                forwarded
                    .flat_map(|v| v.split(','))
                    .last()
                    .and_then(|e| param(e, "proto"))
            });
        proto.is_some_and(|p| p.eq_ignore_ascii_case("https"))
    }
}

fn forwarded_for_param(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// One hop as an address: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| IpAddr::V6(ip).to_canonical());
    }
    let (addr, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    addr.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|c| Cidr::parse(c).expect("cidr")).collect())
    }

    #[test]
    fn https_only_when_a_trusted_proxy_says_so() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let https = |peer: &str, xfp: &[&str], fwd: &[&str]| {
            trusted.forwarded_https(ip(peer), xfp.iter().copied(), fwd.iter().copied())
        };
        assert!(https("10.0.0.1", &["https"], &[]));
        assert!(
            https("10.0.0.1", &["http, HTTPS"], &[]),
            "the nearest hop's value"
        );
        assert!(!https("10.0.0.1", &["https, http"], &[]));
        assert!(https("10.0.0.1", &[], &["for=1.2.3.4;proto=https"]));
        assert!(!https("10.0.0.1", &[], &[]));
        assert!(
            !https("192.0.2.1", &["https"], &[]),
            "an untrusted peer's header"
        );
    }

    #[test]
    fn networks() {
        let net = Cidr::parse("10.1.0.0/16").expect("v4");
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped peers");
        let v6 = Cidr::parse("fd00::/8").expect("v6");
        assert!(v6.contains(ip("fd12:3456::1")));
        assert!(!v6.contains(ip("fe80::1")));
        assert!(!v6.contains(ip("10.1.0.1")));
        assert!(Cidr::parse("0.0.0.0/0")
            .expect("all")
            .contains(ip("8.8.8.8")));
        assert!(Cidr::parse("192.0.2.7")
            .expect("one")
            .contains(ip("192.0.2.7")));
        assert!(!Cidr::parse("192.0.2.7")
            .expect("one")
            .contains(ip("192.0.2.8")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("::/129").is_err());
        assert!(Cidr::parse("proxy.local").is_err());
    }

    #[test]
    fn headers_count_only_from_trusted_peers() {
        let trusted = proxies(&["127.0.0.0/8", "10.0.0.0/8"]);
        let none = std::iter::empty;
        // An untrusted peer: its headers are ignored.
        assert_eq!(
            trusted.client(ip("203.0.113.9"), ["198.51.100.1"].into_iter(), none()),
            ip("203.0.113.9")
        );
        // Rightmost untrusted hop wins; what the client wrote further left is ignored.
        assert_eq!(
            trusted.client(
                ip("127.0.0.1"),
                ["6.6.6.6, 198.51.100.7", "10.0.0.2"].into_iter(),
                none()
            ),
            ip("198.51.100.7")
        );
        // Ports and brackets.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), ["198.51.100.7:5555"].into_iter(), none()),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("127.0.0.1"), ["[2001:db8::5]:443"].into_iter(), none()),
            ip("2001:db8::5")
        );
        // Forwarded, when there is no X-Forwarded-For.
        assert_eq!(
            trusted.client(
                ip("127.0.0.1"),
                none(),
                [r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#].into_iter()
            ),
            ip("2001:db8:cafe::17")
        );
        // No header, or only trusted hops: the last trusted address.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), none(), none()),
            ip("127.0.0.1")
        );
        assert_eq!(
            trusted.client(ip("127.0.0.1"), ["10.0.0.5"].into_iter(), none()),
            ip("10.0.0.5")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            trusted.client(ip("127.0.0.1"), ["6.6.6.6, unknown"].into_iter(), none()),
            ip("127.0.0.1")
        );
        // Nobody trusted: headers never count.
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), ["6.6.6.6"].into_iter(), none()),
            ip("127.0.0.1")
        );
    }
}
