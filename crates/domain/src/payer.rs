//! Benefit payers (TTL 1:4): Kela or an unemployment fund, which receive the labour-policy
//! statements. A payer's delivery endpoint is an [`EndpointUrl`]: HTTPS, because statements
//! carry confidential data and the client's identity code (A18: confidential data never travel
//! unencrypted). Plain HTTP is accepted only to a loopback address (tests, development).

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
        match u.scheme() {
            "https" if u.host().is_some() => {}
            "https" => return Err(EndpointError::Malformed("no host".into())),
            "http" => {
                let loopback = match u.host() {
                    Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                    Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                    Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                    None => false,
                };
                if !loopback {
                    return Err(EndpointError::Unencrypted);
                }
            }
            other => return Err(EndpointError::Scheme(other.to_owned())),
        }
        Ok(Self(u.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
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
            Err(EndpointError::Unencrypted)
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
}
