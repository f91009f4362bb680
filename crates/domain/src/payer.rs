//! Benefit payers (TTL 1:4): Kela or an unemployment fund, which receive the labour-policy
//! statements. A payer's delivery endpoint is an [`EndpointUrl`]: HTTPS, because statements
//! carry confidential data and the client's identity code (A18: confidential data never travel
//! unencrypted). Plain HTTP is accepted only to a loopback address (tests, development).
//!
//! Issue 15 item 5: an endpoint receives the client's identity code and statement, so it must
//! not point into the server's own network. A host written as an address must be a public
//! one ([`is_public_ip`]: no private, link-local — the cloud metadata service at
//! 169.254.169.254 —, shared, unique-local, multicast or reserved ranges); loopback parses
//! (the application layer refuses it outside test configuration); an IPv4 address written in
//! any form but four decimal parts (`2130706433`, `0x7f000001`, `127.1`, `0177.0.0.1`) is
//! refused, because the same address hides behind it. A host name is resolved and checked
//! again when the statement is sent (the delivery worker).

use std::fmt;
use std::net::IpAddr;

/// Why an endpoint address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("is not an absolute web address: {0}")]
    Malformed(String),
    #[error("must use https (plain http only to a loopback address such as 127.0.0.1)")]
    Unencrypted,
    #[error("must use https, not {0:?}")]
    Scheme(String),
    #[error("must not carry a user name or password (credentials would be logged)")]
    Credentials,
    #[error("must not have a fragment (#...)")]
    Fragment,
    #[error("is too long: {0} characters, at most 2000")]
    TooLong(usize),
    #[error("writes the address {0} in an unusual form; write it as four decimal numbers")]
    NumericHost(String),
    #[error("points to {0}, a private, link-local or reserved address, not a benefit payer")]
    NotPublic(String),
}

/// Whether `ip` is an address on the public internet: not loopback, private (RFC 1918,
/// IPv6 unique-local), link-local, shared (100.64/10), unspecified, multicast, broadcast,
/// documentation, benchmarking or reserved; an IPv4-mapped or -compatible IPv6 address is
/// judged as its IPv4 address.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4() {
                // `::ffff:a.b.c.d` and the deprecated `::a.b.c.d` (but `::1` is loopback).
                if !v6.is_loopback() && !v6.is_unspecified() {
                    return is_public_ip(IpAddr::V4(v4));
                }
            }
            let [first, second, third, ..] = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && second == 0x0db8
                // NAT64, 64:ff9b::/96 and the local-use 64:ff9b:1::/48, both inside this
                // /32: they reach an IPv4 address of the translator's choosing.
                || first == 0x0064 && second == 0xff9b
                || first == 0x0100
                // Tunnels carrying an IPv4 address inside (6to4 2002::/16, Teredo 2001::/32)
                // would reach whatever IPv4 host they encode, private ones included.
                || first == 0x2002
                || first == 0x2001 && second == 0x0000
                // Benchmarking (RFC 5180), 2001:2::/48.
                || first == 0x2001 && second == 0x0002 && third == 0x0000)
        }
    }
}

/// Whether `ip` is a loopback address (also as an IPv4-mapped IPv6 address).
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// The host as the input wrote it: between `scheme://` (and any user information) and the
/// port, path, query or fragment.
fn written_host(s: &str) -> &str {
    let rest = s.split_once("://").map_or(s, |(_, r)| r);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.split_once(']').map_or(authority, |(h, _)| h);
    }
    authority.split_once(':').map_or(authority, |(h, _)| h)
}

/// A validated delivery endpoint: `https://...`, or `http://` to a loopback host.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    pub fn parse(s: &str) -> Result<Self, EndpointError> {
        let s = s.trim();
        let len = s.chars().count();
        if len > 2000 {
            return Err(EndpointError::TooLong(len));
        }
        let u = url::Url::parse(s).map_err(|e| EndpointError::Malformed(e.to_string()))?;
        if !u.username().is_empty() || u.password().is_some() {
            return Err(EndpointError::Credentials);
        }
        if u.fragment().is_some() {
            return Err(EndpointError::Fragment);
        }
        let loopback = match u.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => {
                // The parser reads `2130706433`, `0x7f000001` and `127.1` as 127.0.0.1: only
                // the ordinary dotted form is accepted, so what is stored is what was meant.
                if written_host(s).trim_end_matches('.') != ip.to_string() {
                    return Err(EndpointError::NumericHost(ip.to_string()));
                }
                check_ip(IpAddr::V4(ip))?
            }
            Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip))?,
            None => false,
        };
        match u.scheme() {
            "https" if u.host().is_some() => {}
            "https" => return Err(EndpointError::Malformed("no host".into())),
            "http" if loopback => {}
            "http" => return Err(EndpointError::Unencrypted),
            other => return Err(EndpointError::Scheme(other.to_owned())),
        }
        Ok(Self(u.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the host is loopback (`localhost`, 127.0.0.0/8, `::1`): only for test
    /// configurations.
    pub fn is_loopback(&self) -> bool {
        match url::Url::parse(&self.0)
            .ok()
            .as_ref()
            .and_then(url::Url::host)
        {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => is_loopback_ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => is_loopback_ip(IpAddr::V6(ip)),
            None => false,
        }
    }
}

/// Whether `ip` is loopback; an error when it is neither loopback nor public.
fn check_ip(ip: IpAddr) -> Result<bool, EndpointError> {
    if is_loopback_ip(ip) {
        Ok(true)
    } else if is_public_ip(ip) {
        Ok(false)
    } else {
        Err(EndpointError::NotPublic(ip.to_string()))
    }
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EndpointUrl({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a18_endpoints_are_https_or_loopback_http() {
        for ok in [
            "https://etuudet.kela.fi/lausunnot",
            "http://127.0.0.1:8099/statements",
            "http://localhost:1/x",
            "http://[::1]:80/",
        ] {
            assert!(EndpointUrl::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            EndpointUrl::parse("http://kela.fi/x"),
            Err(EndpointError::Unencrypted)
        );
        assert_eq!(
            EndpointUrl::parse("http://10.0.0.1/x"),
            Err(EndpointError::NotPublic("10.0.0.1".into()))
        );
        assert_eq!(
            EndpointUrl::parse("ftp://kela.fi/x"),
            Err(EndpointError::Scheme("ftp".into()))
        );
        assert_eq!(
            EndpointUrl::parse("https://user:pw@kela.fi/x"),
            Err(EndpointError::Credentials)
        );
        assert!(matches!(
            EndpointUrl::parse("kela.fi"),
            Err(EndpointError::Malformed(_))
        ));
    }

    /// Issue 15 item 5: private, link-local and reserved addresses are refused, and an IPv4
    /// address in a numeric encoding is refused whatever it encodes.
    #[test]
    fn endpoints_inside_the_network_or_in_numeric_encodings_are_refused() {
        for (url, err) in [
            (
                "https://169.254.169.254/latest/meta-data/",
                EndpointError::NotPublic("169.254.169.254".into()),
            ),
            (
                "https://10.0.0.1/x",
                EndpointError::NotPublic("10.0.0.1".into()),
            ),
            (
                "https://192.168.1.1/x",
                EndpointError::NotPublic("192.168.1.1".into()),
            ),
            (
                "https://172.16.0.1/x",
                EndpointError::NotPublic("172.16.0.1".into()),
            ),
            (
                "https://100.64.0.1/x",
                EndpointError::NotPublic("100.64.0.1".into()),
            ),
            (
                "https://0.0.0.0/x",
                EndpointError::NotPublic("0.0.0.0".into()),
            ),
            (
                "https://[fd00::1]/x",
                EndpointError::NotPublic("fd00::1".into()),
            ),
            (
                "https://[fe80::1]/x",
                EndpointError::NotPublic("fe80::1".into()),
            ),
            (
                "https://[::ffff:10.0.0.1]/x",
                EndpointError::NotPublic("::ffff:10.0.0.1".into()),
            ),
            // Review finding: tunnels, NAT64 and benchmarking prefixes are not public.
            (
                "https://[2002:a00:1::1]/x",
                EndpointError::NotPublic("2002:a00:1::1".into()),
            ),
            (
                "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x",
                EndpointError::NotPublic("2001:0:4136:e378:8000:63bf:3fff:fdd2".into()),
            ),
            (
                "https://[64:ff9b::a00:1]/x",
                EndpointError::NotPublic("64:ff9b::a00:1".into()),
            ),
            (
                "https://[64:ff9b:1::a00:1]/x",
                EndpointError::NotPublic("64:ff9b:1::a00:1".into()),
            ),
            (
                "https://[2001:2::1]/x",
                EndpointError::NotPublic("2001:2::1".into()),
            ),
            (
                "http://2130706433:8099/",
                EndpointError::NumericHost("127.0.0.1".into()),
            ),
            (
                "http://0x7f000001:8099/",
                EndpointError::NumericHost("127.0.0.1".into()),
            ),
            (
                "https://0x7f.1/",
                EndpointError::NumericHost("127.0.0.1".into()),
            ),
            (
                "https://0177.0.0.1/",
                EndpointError::NumericHost("127.0.0.1".into()),
            ),
            (
                "https://2852039166/",
                EndpointError::NumericHost("169.254.169.254".into()),
            ),
        ] {
            assert_eq!(EndpointUrl::parse(url), Err(err), "{url}");
        }
        let public = EndpointUrl::parse("https://193.166.3.2/lausunnot").unwrap();
        // Next to the refused prefixes, ordinary global unicast stays public.
        for ok in ["https://[2001:2:1::1]/x", "https://[2a00:1450::1]/x"] {
            assert!(EndpointUrl::parse(ok).is_ok(), "{ok}");
        }
        assert!(!public.is_loopback());
        assert!(EndpointUrl::parse("http://127.0.0.1:8099/x")
            .unwrap()
            .is_loopback());
        assert!(EndpointUrl::parse("https://LOCALHOST/x")
            .unwrap()
            .is_loopback());
        assert!(!EndpointUrl::parse("https://etuudet.kela.fi/x")
            .unwrap()
            .is_loopback());
    }
}
