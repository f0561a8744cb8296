//! Team mode against a real nginx on loopback, started by the test with
//! the config `homedash gateway render` wrote. The Secret Service tests
//! (`three_clients_share_one_gateway`) run in `tests/secret-service.sh`.

use crate::support::gateway::GatewayHost;
use crate::support::output_text;
use crate::support::providers::ProviderServer;

const FH_KEY: &str = "hdcanaryFHupstream0001";

fn host(fh: &ProviderServer, meteo: &ProviderServer, allow: &str) -> GatewayHost {
    GatewayHost::new(
        &format!("allow = [{allow}]\nper_client = \"600r/m\""),
        &format!(
            r#"[credential.finnhub]
provider = "finnhub"
source = "env"
env = "HD_GW_FH_KEY"

[gateway_server.route.finnhub]
credential = "finnhub"
upstream = "{fh}"
ttl = "10s"

[gateway_server.route.open-meteo]
upstream = "{meteo}"
ttl = "10s"
"#,
            fh = fh.base(),
            meteo = meteo.base(),
        ),
    )
}

/// The live files of nginx's directory (not candidates, logs, pid, cache).
fn live(gw: &GatewayHost) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&gw.dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(n, _)| n.starts_with("homedash-") || n == "clients.json")
        .collect();
    out.sort();
    out
}

#[test]
fn bad_input_is_refused_and_the_running_config_stays() {
    let fh = ProviderServer::start("finnhub", &[FH_KEY]);
    let meteo = ProviderServer::start("open-meteo", &[]);
    let mut gw = host(&fh, &meteo, "\"127.0.0.1\"");
    let env = [("HD_GW_FH_KEY", FH_KEY)];
    gw.ok(&["creds", "allow", "finnhub", &fh.base()], None, &[]);
    let token = gw.add_client("probe");
    let out = gw.ok(&["gateway", "render"], None, &env);
    assert!(out.contains("checked with nginx -t"), "{out}");
    gw.start_nginx();
    gw.wait_for_status(&token, 200);
    let good = live(&gw);
    let names: Vec<&str> = good.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "clients.json",
            "homedash-clients.conf",
            "homedash-gateway.conf",
            "homedash-gateway.js",
            "homedash-keys.conf"
        ]
    );
    // Only the keys include holds the key; the main config holds no secret.
    for (n, b) in &good {
        let has = String::from_utf8_lossy(b).contains(FH_KEY);
        assert_eq!(has, n == "homedash-keys.conf", "{n}");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(gw.dir.join("homedash-keys.conf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let original = std::fs::read_to_string(&gw.config).unwrap();
    type Case<'a> = (&'a str, String, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 4] = [
        (
            "an unknown provider",
            format!("{original}\n[gateway_server.route.nosuch]\nttl = \"5s\"\n"),
            &env,
            "unknown provider \"nosuch\" for a route",
        ),
        (
            "an empty allowlist",
            original.replace("allow = [\"127.0.0.1\"]", "allow = []"),
            &env,
            "`allow` is empty",
        ),
        (
            "an unreadable upstream credential",
            original.clone(),
            &[],
            "cannot read the upstream key \"finnhub\" for route /finnhub/",
        ),
        (
            // Only nginx knows this is wrong: `nginx -t` runs first.
            "a config nginx refuses",
            original.replace(
                "per_client",
                "njs_module = \"/nonexistent/ngx_http_js_module.so\"\nper_client",
            ),
            &env,
            "`nginx -t` refused the rendered config, so nothing was changed",
        ),
    ];
    for (what, text, env, said) in cases {
        std::fs::write(&gw.config, &text).unwrap();
        for cmd in ["render", "reload"] {
            let o = gw.run(&["gateway", cmd], None, env);
            let shown = output_text(&o);
            assert_eq!(o.status.code(), Some(1), "{what}, {cmd}: {shown}");
            assert!(shown.contains(said), "{what}, {cmd}: {shown}");
            assert_eq!(live(&gw), good, "{what}, {cmd}: the live files changed");
            let left: Vec<_> = std::fs::read_dir(&gw.dir)
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".next"))
                .collect();
            assert!(left.is_empty(), "{what}, {cmd}: candidates left behind: {left:?}");
            // nginx still serves the last good config.
            assert_eq!(gw.whoami(&token, None).0, 200, "{what}, {cmd}");
        }
    }
    std::fs::write(&gw.config, &original).unwrap();
    gw.ok(&["gateway", "reload"], None, &env);
    assert_eq!(gw.whoami(&token, None), (200, String::new()));
    assert_eq!(gw.whoami("hdgw_not_a_client", None), (401, "client-rejected".into()));
}

#[test]
fn an_address_outside_the_allowlist_is_refused_and_logged() {
    let fh = ProviderServer::start("finnhub", &[FH_KEY]);
    let meteo = ProviderServer::start("open-meteo", &[]);
    let mut gw = host(&fh, &meteo, "\"127.0.0.1/32\"");
    let env = [("HD_GW_FH_KEY", FH_KEY)];
    gw.ok(&["creds", "allow", "finnhub", &fh.base()], None, &[]);
    let token = gw.add_client("alice");
    gw.ok(&["gateway", "render"], None, &env);
    gw.start_nginx();
    assert_eq!(gw.whoami(&token, None), (200, String::new()));
    // 127.0.0.2 is loopback too, but not on the list; a valid token does
    // not help.
    assert_eq!(gw.whoami(&token, Some("127.0.0.2")), (403, "address-denied".into()));
    let (status, verdict) = gw.get("/finnhub/api/v1/quote?symbol=AAPL", &token, Some("127.0.0.2"));
    assert_eq!((status, verdict.as_str()), (403, "address-denied"));
    assert_eq!(fh.requests(), 0, "a denied address reached the provider");
    let log = gw.access_log();
    let denied: Vec<_> = log
        .iter()
        .filter(|l| l["remote"] == "127.0.0.2" && l["gateway"] == "address-denied" && l["status"] == 403)
        .collect();
    assert_eq!(denied.len(), 2, "{log:#?}");
}
