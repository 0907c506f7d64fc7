//! Database URLs (DSNs): `<scheme>[+driver]://[user[:password]@]host[:port][/database][?query]`.
//! Used by discovery (database kinds and poolers named by literal DSNs, F9) and by predicates
//! (`parse_dsn`): a pool's dialect, driver and query parameters. Passwords are never kept: the
//! `masked` form replaces them with `***`.

/// One parsed DSN.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dsn {
    /// Lower-cased scheme as written, e.g. `postgresql+asyncpg`.
    pub scheme: String,
    /// The scheme before `+`: `postgresql`.
    pub base: String,
    /// The driver after `+`: `asyncpg`.
    pub driver: Option<String>,
    pub user: Option<String>,
    /// Lower-cased host (`[::1]` keeps its brackets); empty for `sqlite:///x.db`.
    pub host: String,
    pub port: Option<u16>,
    /// The path after the authority, without its leading `/`.
    pub database: Option<String>,
    /// Query parameters in order, undecoded.
    pub params: Vec<(String, String)>,
    /// The URL with the password replaced by `***`.
    pub masked: String,
}

fn scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// Parses one URL (the whole string). `None` when it has no `<scheme>://`.
pub fn parse(url: &str) -> Option<Dsn> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme.bytes().all(scheme_char)
        || !scheme.as_bytes()[0].is_ascii_alphabetic()
    {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let (base, driver) = match scheme.split_once('+') {
        Some((b, d)) => (b.to_string(), Some(d.to_string())),
        None => (scheme.clone(), None),
    };
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = before_query.split_once('/').unwrap_or((before_query, ""));
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, has_password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((name, _)) => (Some(name.to_string()), true),
            None => (Some(u.to_string()), false),
        },
        None => (None, false),
    };
    // `[::1]:6543`: an IPv6 host is bracketed.
    let (host, port) = match hostport.strip_prefix('[').and_then(|h| h.split_once(']')) {
        Some((h, p)) => (
            format!("[{h}]"),
            p.strip_prefix(':').and_then(|p| p.parse().ok()),
        ),
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()),
            None => (hostport.to_string(), None),
        },
    };
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let masked = match (userinfo, has_password) {
        (Some(_), true) => {
            let name = user.as_deref().unwrap_or("");
            let tail = &rest[authority.len()..];
            format!("{scheme}://{name}:***@{hostport}{tail}")
        }
        _ => format!("{scheme}://{rest}"),
    };
    Some(Dsn {
        scheme,
        base,
        driver,
        user,
        host: host.to_ascii_lowercase(),
        port,
        database: (!path.is_empty()).then(|| path.to_string()),
        params,
        masked,
    })
}

/// The URLs embedded in a text (source, configuration): each `<scheme>://…` up to whitespace, a
/// quote or a closing bracket.
pub fn find_all(text: &str) -> Vec<Dsn> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let at = from + i;
        from = at + 3;
        let mut s = at;
        while s > 0 && scheme_char(bytes[s - 1]) {
            s -= 1;
        }
        let rest = &text[at + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '>' | ')' | ','))
            .unwrap_or(rest.len());
        if let Some(d) = parse(&text[s..at + 3 + end]) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_masking() {
        let d = parse(
            "postgresql+asyncpg://app:s3cret@DB.internal:5433/shop?ssl=require&pgbouncer=true",
        )
        .unwrap();
        assert_eq!(d.scheme, "postgresql+asyncpg");
        assert_eq!(
            (d.base.as_str(), d.driver.as_deref()),
            ("postgresql", Some("asyncpg"))
        );
        assert_eq!(d.user.as_deref(), Some("app"));
        assert_eq!((d.host.as_str(), d.port), ("db.internal", Some(5433)));
        assert_eq!(d.database.as_deref(), Some("shop"));
        assert_eq!(d.params[1], ("pgbouncer".to_string(), "true".to_string()));
        assert_eq!(
            d.masked,
            "postgresql+asyncpg://app:***@DB.internal:5433/shop?ssl=require&pgbouncer=true"
        );
        assert!(!d.masked.contains("s3cret"));

        let s = parse("sqlite:///./app.db").unwrap();
        assert_eq!((s.base.as_str(), s.host.as_str()), ("sqlite", ""));
        assert_eq!(s.database.as_deref(), Some("./app.db"));
        assert_eq!(parse("sqlite://").unwrap().database, None);

        let v6 = parse("postgres://u@[::1]:6543/db").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("[::1]", Some(6543)));
        assert_eq!(v6.masked, "postgres://u@[::1]:6543/db");

        assert!(parse("not a url").is_none());
        assert!(parse("://x").is_none());
        assert!(parse("1x://h").is_none());
    }

    #[test]
    fn urls_inside_text() {
        let text =
            "A = 'mysql+pymysql://u:p@h/db'\nB = \"https://example.com/x\"\n(redis://cache:6379/0)";
        let got: Vec<String> = find_all(text).into_iter().map(|d| d.scheme).collect();
        assert_eq!(got, ["mysql+pymysql", "https", "redis"]);
    }
}
