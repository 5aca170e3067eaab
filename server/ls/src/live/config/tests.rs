//! Server resolution, CA bundles, proxies from the environment and URL checks.

use super::*;

const TOKEN: &str = "tok-7f3a9c1e-secret";

#[test]
fn ca_bundle_sources_and_errors() {
    let home = std::path::Path::new("/home/u");
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let set = |p: &str| Overrides {
        ca_file: Some(p.to_string()),
        ..Overrides::default()
    };
    let both = env(&[
        ("REQUESTS_CA_BUNDLE", "/r.pem"),
        ("SSL_CERT_FILE", "/s.pem"),
    ]);
    let got = |o: &Overrides, e: &dyn Fn(&str) -> Option<String>| {
        ca_bundle(o, e, Some(home)).map(|(p, o)| format!("{} ({o})", p.display()))
    };
    assert_eq!(
        got(&set("~/certs/ca.pem"), &both).as_deref(),
        Some("/home/u/certs/ca.pem (dstack.live.caFile)")
    );
    assert_eq!(
        got(&Overrides::default(), &both).as_deref(),
        Some("/r.pem (REQUESTS_CA_BUNDLE)")
    );
    let ssl = env(&[("REQUESTS_CA_BUNDLE", ""), ("SSL_CERT_FILE", "/s.pem")]);
    assert_eq!(
        got(&set(" "), &ssl).as_deref(),
        Some("/s.pem (SSL_CERT_FILE)")
    );
    assert_eq!(got(&Overrides::default(), &env(&[])), None);

    let dir = std::env::temp_dir().join(format!("dstack-lsp-live-ca-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let missing = dir.join("missing.pem");
    let empty = dir.join("empty.pem");
    let _ = std::fs::write(&empty, "not a certificate\n");
    let broken = dir.join("broken.pem");
    let _ = std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\nAAAA\n");
    let error = |p: &std::path::Path| tls_config(Some((p, "dstack.live.caFile"))).err();
    let shown: Vec<String> = [&missing, &empty, &broken]
        .into_iter()
        .map(|p| {
            error(p)
                .unwrap_or_default()
                .replace(&dir.display().to_string(), "DIR")
        })
        .collect();
    expect_test::expect![[r#"
        [
            "cannot read the CA bundle DIR/missing.pem (dstack.live.caFile): No such file or directory (os error 2)",
            "the CA bundle DIR/empty.pem (dstack.live.caFile) holds no certificates; it should contain PEM blocks starting with -----BEGIN CERTIFICATE-----",
            "the CA bundle DIR/broken.pem (dstack.live.caFile) is not valid PEM: a block has no `-----END CERTIFICATE-----` line",
        ]
    "#]]
    .assert_debug_eq(&shown);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prepare_reads_the_config_file_and_the_ca_file() {
    let home = std::env::temp_dir().join(format!("dstack-lsp-live-home-{}", std::process::id()));
    let _ = std::fs::create_dir_all(home.join(".dstack"));
    let _ = std::fs::write(
        home.join(".dstack/config.yml"),
        "projects:\n- name: main\n  url: https://127.0.0.1:1/\n  token: file-token\n  default: true\n",
    );
    let no_env = |_: &str| None;
    let s = prepare(&Overrides::default(), no_env, Some(&home));
    assert_eq!(
        s.as_ref().map(|s| (s.url.as_str(), s.tls.is_some())),
        Ok(("https://127.0.0.1:1", true))
    );
    let bad = Overrides {
        ca_file: Some("~/nope.pem".into()),
        ..Overrides::default()
    };
    let err = prepare(&bad, no_env, Some(&home)).err().unwrap_or_default();
    assert!(err.contains("nope.pem (dstack.live.caFile)"), "{err}");
    // Plain http never reads the CA file.
    let http = Overrides {
        url: Some("http://127.0.0.1:3000".into()),
        ..bad
    };
    let s = prepare(&http, no_env, Some(&home));
    assert_eq!(s.map(|s| s.tls.is_none()), Ok(true));
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn server_resolution_order() {
    let file = "projects:\n- name: main\n  url: http://127.0.0.1:3000\n  token: file-token\n  default: true\n- name: other\n  url: http://10.0.0.2:3000/\n  token: other-token\n";
    let no_env = |_: &str| None;
    let r = resolve(&Overrides::default(), no_env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(
        r,
        Ok((
            "http://127.0.0.1:3000".into(),
            "main".into(),
            "file-token".into()
        ))
    );
    // DSTACK_PROJECT picks another entry; DSTACK_TOKEN alone overrides the token.
    let env = |k: &str| match k {
        "DSTACK_PROJECT" => Some("other".to_string()),
        "DSTACK_TOKEN" => Some("env-token".to_string()),
        _ => None,
    };
    let r = resolve(&Overrides::default(), env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(
        r,
        Ok((
            "http://10.0.0.2:3000".into(),
            "other".into(),
            "env-token".into()
        ))
    );
    // Settings beat everything.
    let o = Overrides {
        url: Some("http://localhost:9".into()),
        project: Some("p".into()),
        token: Some("t".into()),
        ca_file: None,
    };
    let r = resolve(&o, env, Some(file)).map(|s| (s.url, s.project, s.token));
    assert_eq!(r, Ok(("http://localhost:9".into(), "p".into(), "t".into())));
    assert!(resolve(&Overrides::default(), no_env, None).is_err());
}

#[test]
fn malformed_urls_are_rejected_before_any_connection() {
    let with_url = |url: &str| Overrides {
        url: Some(url.to_string()),
        project: Some("main".into()),
        token: Some(TOKEN.into()),
        ca_file: None,
    };
    let no_env = |_: &str| None;
    // Used to reach a DNS lookup of `[:` on port 1.
    for url in [
        "http://[::1",
        "http://exa mple.com",
        "https://h:99999",
        "https://:443",
    ] {
        let err = prepare(&with_url(url), no_env, None)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains(&format!("`{url}` is not a valid server URL")),
            "{url}: {err}"
        );
    }
    let err = prepare(&with_url("ftp://h"), no_env, None)
        .err()
        .unwrap_or_default();
    assert!(err.contains("is not an http:// or https:// URL"), "{err}");
    assert!(prepare(&with_url("http://[::1]:3000/"), no_env, None).is_ok());
}
