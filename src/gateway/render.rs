//! `[gateway_server]` as a complete nginx configuration. Pure text: the
//! keys are written by `keys.rs`, the files by `files.rs`.
//!
//! Two servers in one nginx:
//! - the front, over TLS for clients: the allowlist, the client's token
//!   (its SHA-256 looked up in a map; njs hashes it), a rate per client,
//!   and the shared cache, keyed by the request alone;
//! - the upstream side, on a unix socket only the front can reach: it adds
//!   each route's key in the provider's own place, holds requests to the
//!   key's plan, and talks https to the provider.
//!
//! Every refusal of the gateway's own carries `X-Homedash-Gateway` (the
//! codes and statuses of `homedash_widgets::gateway::Refusal`), so a
//! client tells it from the provider's answer.

use std::fmt::Write as _;
use std::path::Path;

use homedash_widgets::AuthPlacement;
use homedash_widgets::gateway::{Refusal, VERDICT_HEADER, WHOAMI_PATH};

use super::clients::Clients;
use super::upstream_file::variable;
use crate::config::model::{GatewayServer, Route};

/// The files one rendering writes, by their names in the config.
pub struct Names<'a> {
    pub clients: &'a Path,
    pub keys: &'a Path,
    pub js: &'a Path,
}

pub const JS: &str = r#"// Written by `homedash gateway render`. The SHA-256 of the client's bearer
// token: the gateway keeps only hashes, never a client's token.
var crypto = require('crypto');

function client_hash(r) {
    var h = r.headersIn['Authorization'];
    if (!h || h.substring(0, 7) !== 'Bearer ') {
        return '';
    }
    return crypto.createHash('sha256').update(h.substring(7)).digest('hex');
}

export default { client_hash: client_hash };
"#;

/// The header that carries a gateway refusal, as nginx spells it.
fn verdict_header() -> String {
    let mut out = String::new();
    for (i, part) in VERDICT_HEADER.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        let mut c = part.chars();
        if let Some(f) = c.next() {
            out.push(f.to_ascii_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// A JSON body in an nginx single-quoted string: the messages are ours,
/// and written without quotes.
fn json_body(message: &str) -> String {
    debug_assert!(!message.contains(['\'', '"', '\\']));
    format!("'{{\"error\":\"{message}\"}}\\n'")
}

/// The client list as nginx maps from a token's hash.
pub fn clients_conf(clients: &Clients) -> String {
    let mut out = String::from("# Written by `homedash gateway render`: SHA-256 of each client's token.\n");
    out.push_str("map $hd_client_hash $hd_client {\n    default \"\";\n");
    for (name, c) in clients.active() {
        let _ = writeln!(out, "    \"{}\" \"{name}\";", c.sha256);
    }
    out.push_str("}\n");
    out.push_str("# Who a request was from, for the access log: revoked clients too.\n");
    out.push_str("map $hd_client_hash $hd_client_log {\n    default \"-\";\n");
    for (name, c) in &clients.clients {
        let _ = writeln!(out, "    \"{}\" \"{name}\";", c.sha256);
    }
    out.push_str("}\n");
    let _ = writeln!(
        out,
        "map $hd_client_hash $hd_client_refusal {{\n    default \"{}\";",
        Refusal::ClientRejected.code()
    );
    for c in clients.clients.values().filter(|c| c.revoked.is_some()) {
        let _ = writeln!(out, "    \"{}\" \"{}\";", c.sha256, Refusal::ClientRevoked.code());
    }
    out.push_str("}\n");
    out
}

/// Seconds a client over its rate should wait: long enough to slow it
/// down (a client retrying at once would only be refused again), or one
/// request's share of a minute if that is longer.
fn retry_after(per_minute: u32) -> u32 {
    60_u32.div_ceil(per_minute.max(1)).max(5)
}

fn zone(route: &str) -> String {
    format!("hd_up_{}", route.replace('-', "_"))
}

/// Where the provider takes its key, as nginx directives on the upstream
/// side.
fn key_directives(route: &Route) -> String {
    let auth = homedash_widgets::source::keyed(route.provider).map(|p| p.auth.clone());
    let v = variable(route.provider, None);
    match (route.credential.as_ref(), auth) {
        (None, _) | (_, None | Some(AuthPlacement::None)) => String::new(),
        (Some(_), Some(AuthPlacement::Bearer)) => {
            format!("            proxy_set_header Authorization \"Bearer {v}\";\n")
        }
        (Some(_), Some(AuthPlacement::Scheme(s))) => {
            format!("            proxy_set_header Authorization \"{s} {v}\";\n")
        }
        (Some(_), Some(AuthPlacement::Header(h))) => format!("            proxy_set_header {h} {v};\n"),
        (Some(_), Some(AuthPlacement::HeaderPair(a, b))) => format!(
            "            proxy_set_header {a} {};\n            proxy_set_header {b} {};\n",
            variable(route.provider, Some(1)),
            variable(route.provider, Some(2))
        ),
        // nginx appends it; the client never sees it, and the front's
        // access log has no query at all.
        (Some(_), Some(AuthPlacement::Query(q))) => {
            format!("            set $args \"${{args}}${{hd_amp}}{q}={v}\";\n")
        }
    }
}

/// Every header a provider takes a key in, cleared on the way in: a
/// client's own credential never goes upstream.
fn client_header_strips() -> String {
    let mut names: Vec<String> = vec!["Authorization".into()];
    for p in homedash_widgets::source::keyed_all() {
        match &p.auth {
            AuthPlacement::Header(h) => names.push(h.to_string()),
            AuthPlacement::HeaderPair(a, b) => {
                names.push((*a).into());
                names.push((*b).into());
            }
            _ => {}
        }
    }
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|n| format!("        proxy_set_header {n} \"\";\n"))
        .collect()
}

/// The query parameters `provider` takes a key in (its placement and the
/// others it accepts, from the registry): a client that sends one on its
/// route is refused, since nginx cannot remove it from the query. nginx's
/// `$arg_` matches names in any case.
fn query_params(provider: &str) -> Vec<String> {
    let Some(p) = homedash_widgets::source::keyed(provider) else {
        return Vec::new();
    };
    let own = match p.auth {
        AuthPlacement::Query(q) => Some(q),
        _ => None,
    };
    let mut out: Vec<String> = own
        .into_iter()
        .chain(p.also_in_query.iter().copied())
        .map(str::to_ascii_lowercase)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The refusal of a request carrying its own credential, answered in
/// place (a `return` with a body is not redirected to an error page, so
/// the log keeps the route).
fn refuse_params(provider: &str, vh: &str) -> String {
    let answer = format!(
        "                add_header {vh} {} always;\n                return {} {};\n",
        Refusal::BadRequest.code(),
        Refusal::BadRequest.status(),
        json_body("the gateway refused this request: it carries a credential of its own")
    );
    // A parameter name with an escape in it could be one of them once the
    // provider decodes it: refused too. `;` separates parameters for some
    // servers, as `&` does.
    let mut out = format!("            if ($args ~ \"(^|[&;])[^=&;]*%\") {{\n{answer}            }}\n");
    // The names themselves, in any case, with or without a value, however
    // often (`$arg_` would see only the first of `token=&token=KEY`).
    let names = query_params(provider);
    if !names.is_empty() {
        let _ = write!(
            out,
            "            if ($args ~* \"(^|[&;])({})(\\[[^=&;]*\\])?(=|&|;|$)\") {{\n{answer}            }}\n",
            names.join("|")
        );
    }
    out
}

pub fn main_conf(s: &GatewayServer, names: &Names<'_>) -> String {
    let dir = s.directory.display();
    let vh = verdict_header();
    let mut o = String::new();
    let _ = write!(
        o,
        r#"# Written by `homedash gateway render` from [gateway_server]. Edits are
# overwritten: change the homedash config and run `homedash gateway reload`.
# Start:  nginx -c {dir}/homedash-gateway.conf -p {dir}/ -e {dir}/error.log
load_module {njs};
user {user};
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    server_tokens off;
    # Room for 64-character hashes as map keys.
    map_hash_bucket_size 128;
    map_hash_max_size 65536;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    access_log off;
    default_type application/json;
    charset_types application/json;

    js_import hd from {js};
    js_set $hd_client_hash hd.client_hash;
    include {clients};
    include {keys};

    geo $hd_allowed {{
        default 0;
"#,
        njs = s.njs_module.display(),
        user = s.user,
        js = names.js.display(),
        clients = names.clients.display(),
        keys = names.keys.display(),
    );
    for a in &s.allow {
        let _ = writeln!(o, "        {a} 1;");
    }
    let _ = write!(
        o,
        r#"    }}

    # The route is the first path segment: /finnhub/quote -> finnhub. From
    # the normalised path, as locations match it: `//finnhub/` or
    # `/%66innhub/` is route finnhub too, and counts against its limit.
    map $uri $hd_route {{
        ~^/(?<r>[a-z0-9-]+)/ $r;
        default "";
    }}
    # "&" before an appended key only when the client sent a query.
    map $args $hd_amp {{
        "" "";
        default "&";
    }}
    map $upstream_status $hd_upstream_verdict {{
        401 {rejected};
        403 {forbidden};
        default "";
    }}

    log_format hd_json escape=json '{{"time":"$time_iso8601","client":"$hd_client_log",'
        '"remote":"$remote_addr","method":"$request_method","path":"$uri",'
        '"route":"$hd_route","status":$status,"upstream_status":"$upstream_status",'
        '"cache":"$upstream_cache_status","gateway":"$sent_http_{vh_var}",'
        '"request_time":$request_time,"upstream_time":"$upstream_response_time"}}';
    # The upstream side's own line per call to a provider (cache refreshes
    # in the background included): no client, no query (the key is in it).
    log_format hd_upstream_json escape=json '{{"time":"$time_iso8601","side":"upstream",'
        '"route":"$hd_route","path":"$uri","status":$status,"upstream_status":"$upstream_status",'
        '"gateway":"$sent_http_{vh_var}","upstream_time":"$upstream_response_time"}}';

    proxy_cache_path {dir}/cache levels=1:2 keys_zone=hd_cache:10m max_size=1g inactive=1h use_temp_path=off;
    limit_req_zone $hd_client zone=hd_clients:10m rate={per_client}r/m;
    limit_req_status 429;
    limit_req_log_level warn;
"#,
        rejected = Refusal::UpstreamKeyRejected.code(),
        forbidden = Refusal::UpstreamKeyForbidden.code(),
        vh_var = VERDICT_HEADER.replace('-', "_"),
        per_client = s.per_client.per_minute,
    );
    for r in &s.routes {
        let _ = writeln!(
            o,
            "    limit_req_zone $hd_route zone={}:1m rate={}r/m;",
            zone(r.provider),
            r.per_key.per_minute
        );
    }
    let _ = write!(
        o,
        r#"
    upstream hd_upstream_side {{
        server unix:{dir}/sock/upstream.sock;
        keepalive 16;
    }}

    # The upstream side: only the front reaches it. Keys are added here.
    server {{
        listen unix:{dir}/sock/upstream.sock;
        access_log {log} hd_upstream_json;
        proxy_ssl_server_name on;
        proxy_ssl_verify on;
        proxy_ssl_verify_depth 4;
        proxy_ssl_trusted_certificate {ca};
        proxy_connect_timeout 5s;
        proxy_read_timeout 20s;
        proxy_hide_header Set-Cookie;
"#,
        ca = s.upstream_ca.display(),
        log = s.access_log.display(),
    );
    for r in &s.routes {
        let burst = (r.per_key.per_minute / 6).clamp(2, 60);
        let mut upstream = r.upstream.clone();
        if !upstream.path().ends_with('/') {
            let p = format!("{}/", upstream.path());
            upstream.set_path(&p);
        }
        let _ = write!(
            o,
            r#"
        location /{route}/ {{
            limit_req zone={zone} burst={burst};
{keys}            proxy_pass {upstream};
            add_header {vh} $hd_upstream_verdict always;
            error_page 429 = @hd_upstream_limited;
            error_page 502 504 = @hd_upstream_unreachable;
        }}
"#,
            route = r.provider,
            zone = zone(r.provider),
            keys = key_directives(r),
            upstream = upstream,
        );
    }
    let _ = write!(
        o,
        r#"
        location @hd_upstream_limited {{
            add_header {vh} {up_limited} always;
            add_header Retry-After 10 always;
            return {up_limited_status} {up_limited_body};
        }}
        location @hd_upstream_unreachable {{
            add_header {vh} {unreachable} always;
            return {unreachable_status} {unreachable_body};
        }}
        location / {{
            return 404;
        }}
    }}

    # The front: clients, over TLS.
    server {{
"#,
        up_limited = Refusal::UpstreamRateLimited.code(),
        up_limited_status = Refusal::UpstreamRateLimited.status(),
        unreachable_status = Refusal::UpstreamUnreachable.status(),
        up_limited_body = json_body("the gateway is holding requests to keep its key inside the plan of the provider"),
        unreachable = Refusal::UpstreamUnreachable.code(),
        unreachable_body = json_body("the gateway cannot reach the provider"),
    );
    for l in &s.listen {
        let _ = writeln!(o, "        listen {l} ssl;");
    }
    let _ = write!(
        o,
        r#"        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:hd_tls:1m;
        access_log {log} hd_json;

        # A URI, not a named location: nginx's own 400, 414 and 494 come
        # before a request has a URI to redirect with.
        error_page 400 414 494 /.homedash/bad-request;
        error_page 401 = @hd_client_refused;
        error_page 403 = @hd_address_denied;
        error_page 405 = @hd_method_not_allowed;
        error_page 404 = @hd_no_route;
        error_page 429 = @hd_rate_limited;
        error_page 502 504 = @hd_upstream_unreachable;

        if ($hd_allowed = 0) {{
            return 403;
        }}

        location = {whoami} {{
            if ($hd_client = "") {{
                return 401;
            }}
            return 200 '{{"client":"$hd_client","routes":[{routes}]}}\n';
        }}
"#,
        cert = s.certificate.display(),
        key = s.certificate_key.display(),
        log = s.access_log.display(),
        whoami = WHOAMI_PATH,
        routes = s
            .routes
            .iter()
            .map(|r| format!("\"{}\"", r.provider))
            .collect::<Vec<_>>()
            .join(","),
    );
    let strips = client_header_strips().replace("        ", "            ");
    for r in &s.routes {
        let ttl = r.ttl.as_secs().max(1);
        let _ = write!(
            o,
            r#"
        location /{route}/ {{
            if ($hd_client = "") {{
                return 401;
            }}
            # The gateway only reads: a stolen client token cannot write
            # with the gateway's key.
            if ($request_method !~ ^(GET|HEAD)$) {{
                return 405;
            }}
{refuse}            limit_req zone=hd_clients burst={burst} nodelay;
            proxy_pass http://hd_upstream_side;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
{strips}            proxy_cache hd_cache;
            proxy_cache_key "$uri$is_args$args";
            proxy_cache_valid 200 {ttl}s;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 20s;
            proxy_cache_lock_age 20s;
            proxy_cache_use_stale error timeout updating http_429 http_500 http_502 http_503 http_504;
            proxy_cache_background_update on;
            proxy_ignore_headers Cache-Control Expires Set-Cookie Vary X-Accel-Expires X-Accel-Redirect;
            add_header X-Homedash-Cache $upstream_cache_status always;
        }}
"#,
            route = r.provider,
            refuse = refuse_params(r.provider, &vh),
            burst = s.client_burst,
        );
    }
    let _ = write!(
        o,
        r#"
        location / {{
            return 404;
        }}
        location = /.homedash/bad-request {{
            internal;
            add_header {vh} {bad_request} always;
            return {bad_request_status} {bad_request_body};
        }}
        location @hd_method_not_allowed {{
            add_header {vh} {method} always;
            add_header Allow "GET, HEAD" always;
            return {method_status} {method_body};
        }}
        location @hd_client_refused {{
            add_header {vh} $hd_client_refusal always;
            return {refused_status} {refused_body};
        }}
        location @hd_address_denied {{
            add_header {vh} {denied} always;
            return {denied_status} {denied_body};
        }}
        location @hd_no_route {{
            add_header {vh} {no_route} always;
            return {no_route_status} {no_route_body};
        }}
        location @hd_rate_limited {{
            add_header {vh} {limited} always;
            add_header Retry-After {retry} always;
            return {limited_status} {limited_body};
        }}
        location @hd_upstream_unreachable {{
            add_header {vh} {unreachable} always;
            return {unreachable_status} {unreachable_body};
        }}
    }}
}}
"#,
        bad_request = Refusal::BadRequest.code(),
        bad_request_status = Refusal::BadRequest.status(),
        bad_request_body =
            json_body("the gateway refused this request: malformed, too large, or carrying a credential of its own"),
        method = Refusal::MethodNotAllowed.code(),
        method_status = Refusal::MethodNotAllowed.status(),
        method_body = json_body("the gateway only reads: GET and HEAD"),
        refused_status = Refusal::ClientRejected.status(),
        refused_body = json_body("the gateway does not accept the token of this client"),
        denied_status = Refusal::AddressDenied.status(),
        no_route_status = Refusal::NoRoute.status(),
        limited_status = Refusal::RateLimited.status(),
        unreachable_status = Refusal::UpstreamUnreachable.status(),
        denied = Refusal::AddressDenied.code(),
        denied_body = json_body("this address is not allowed to use the gateway"),
        no_route = Refusal::NoRoute.code(),
        no_route_body = json_body("the gateway has no route for this path"),
        limited = Refusal::RateLimited.code(),
        retry = retry_after(s.per_client.per_minute),
        limited_body = json_body("this client is over its rate at the gateway"),
        unreachable = Refusal::UpstreamUnreachable.code(),
        unreachable_body = json_body("the gateway cannot reach the provider"),
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_spelled_as_nginx_sends_it() {
        assert_eq!(verdict_header(), "X-Homedash-Gateway");
        assert_eq!(retry_after(120), 5);
        assert_eq!(retry_after(7), 9);
    }
}
