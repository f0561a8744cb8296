//! The config's JSON Schema (assets/homedash.schema.json) against the real
//! Taplo CLI, the checker Even Better TOML runs in an editor: it takes
//! every config homedash takes, and rejects misspelled keys and wrong
//! types at the same line:col as `homedash check`. The file is generated
//! from the config model; `HOMEDASH_BLESS=1` writes it again.

use std::path::{Path, PathBuf};
use std::process::Command;

use homedash::config::schema;
use homedash::config::write::Edit;

use crate::support::taplo;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn asset() -> PathBuf {
    manifest().join("assets/homedash.schema.json")
}

fn check(path: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["check", "--config"])
        .arg(path)
        .env_remove("HOMEDASH_CONFIG")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_schema_in_assets_is_generated_from_the_model() {
    let want = format!("{}\n", schema::text());
    if std::env::var_os("HOMEDASH_BLESS").is_some() {
        std::fs::write(asset(), &want).unwrap();
    }
    let have = std::fs::read_to_string(asset()).unwrap();
    assert!(
        have == want,
        "assets/homedash.schema.json is out of date with the config model: run HOMEDASH_BLESS=1 cargo test --test integration schema"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        want,
        "`homedash schema` prints the same"
    );
}

#[test]
fn taplo_takes_the_example_the_valid_corpus_and_a_new_file() {
    // The example names the schema itself, as an editor would find it.
    let example = manifest().join("config.example.toml");
    let first = std::fs::read_to_string(&example).unwrap();
    assert_eq!(first.lines().next(), Some("#:schema ./assets/homedash.schema.json"));
    let lint = taplo::lint(&example, None);
    assert!(lint.ok, "config.example.toml:\n{}", lint.output);

    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest().join("tests/configs/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(manifest().join("src/config/default.toml"));
    files.push(manifest().join("src/config/demo.toml"));
    assert!(files.len() >= 7);
    for (f, lint) in files.iter().zip(taplo::lint_all(&files, Some(&asset()))) {
        assert_eq!(check(f).0, 0, "{} is valid", f.display());
        assert!(lint.ok, "{}:\n{}", f.display(), lint.output);
    }

    // A file written the wizard's way starts with the #:schema line and
    // gets the schema beside it, so an editor finds it with no setting.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let mut edit = Edit::open(&path).unwrap();
    edit.set_widget("clock", &[("kind", "clock".into())]);
    edit.set_widget(
        "weather",
        &[
            ("kind", "weather".into()),
            ("latitude", 52.52.into()),
            ("longitude", 13.41.into()),
            ("hours", 12.into()),
        ],
    );
    edit.save().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().next(), Some(schema::DIRECTIVE), "{text}");
    let beside = dir.path().join(schema::FILE_NAME);
    assert_eq!(
        std::fs::read_to_string(&beside).unwrap(),
        std::fs::read_to_string(asset()).unwrap()
    );
    let lint = taplo::lint(&path, None);
    assert!(lint.ok, "{text}\n{}", lint.output);
    // The directive is what made Taplo check it: a misspelling now fails.
    std::fs::write(&path, text.replace("hours = 12", "hour = 12")).unwrap();
    let lint = taplo::lint(&path, None);
    assert!(
        !lint.ok && lint.output.contains("'hour' was unexpected"),
        "{}",
        lint.output
    );
}

/// Invalid corpus files whose every problem is a key or a value's type
/// or range: Taplo must point at each place `homedash check` names.
const SAME_PLACES: &[&str] = &[
    "bad_base_url",
    "bad_duration",
    "latitude_out_of_range",
    "missing_kind",
    "negative_length",
    "nested_type_errors",
    "three_type_errors",
    "unknown_key",
    "unknown_kind",
    "unknown_provider",
    "unknown_top_level",
    "wrong_hours_type",
    "wrong_type",
    "zero_ratio",
];

#[test]
fn taplo_rejects_what_check_rejects_at_the_same_places() {
    let dir = manifest().join("tests/configs/invalid");
    let files: Vec<PathBuf> = SAME_PLACES.iter().map(|n| dir.join(format!("{n}.toml"))).collect();
    for ((name, f), lint) in SAME_PLACES
        .iter()
        .zip(&files)
        .zip(taplo::lint_all(&files, Some(&asset())))
    {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!lint.ok, "{name}: Taplo took it");
        for want in text.lines().filter_map(|l| l.strip_prefix("# expect: ")) {
            let at: String = want.split(": ").next().unwrap().to_string();
            assert!(
                lint.points_at(&at),
                "{name}: check reports {want}; Taplo said:\n{:#?}",
                lint.errors
            );
        }
    }

    // A misspelled key and a wrong type in each kind of table.
    let cases: &[(&str, &str, &str)] = &[
        (
            "[widget.s]\nkind = \"stocks\"\nprovider = \"finnhub\"\nsymbol = [\"AAPL\"]\ncredential = \"fh\"\n[credential.fh]\nprovider = \"finnhub\"\n",
            "4:1",
            "'symbol' was unexpected",
        ),
        (
            "[widget.s]\nkind = \"stocks\"\nsymbols = \"AAPL\"\n",
            "3:11",
            "is not of type \"array\"",
        ),
        (
            "[widget.c]\nkind = \"clock\"\n[credential.fh]\nprovider = \"finnhub\"\nrotate_afer = \"90days\"\n",
            "5:1",
            "'rotate_afer' was unexpected",
        ),
        (
            "[widget.c]\nkind = \"clock\"\n[credential.fh]\nprovider = \"finnhub\"\nbudget = { per_minute = \"30\" }\n",
            "5:25",
            "is not of type \"integer\"",
        ),
        (
            "[widget.c]\nkind = \"clock\"\nseconds = \"yes\"\n",
            "3:11",
            "is not of type \"boolean\"",
        ),
        (
            "[dashboard]\ntitel = \"home\"\n[widget.c]\nkind = \"clock\"\n",
            "2:1",
            "'titel' was unexpected",
        ),
        (
            "[widget.c]\nkind = \"clock\"\n[[page]]\nname = \"Home\"\nwidget = [\"c\"]\n",
            "5:1",
            "'widget' was unexpected",
        ),
        (
            "[widget.c]\nkind = \"clock\"\n[credential.o]\nprovider = \"netatmo\"\nscopes = [\"read_station\"]\n",
            "5:1",
            "scopes",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..cases.len())
        .map(|i| tmp.path().join(format!("case{i}.toml")))
        .collect();
    for ((text, _, _), f) in cases.iter().zip(&files) {
        std::fs::write(f, text).unwrap();
    }
    for (((text, at, says), f), lint) in cases.iter().zip(&files).zip(taplo::lint_all(&files, Some(&asset()))) {
        let (code, err) = check(f);
        assert_eq!(code, 1, "check took:\n{text}");
        assert!(err.contains(&format!(":{at}: ")), "check did not point at {at}:\n{err}");
        assert!(!lint.ok, "Taplo took:\n{text}");
        assert!(
            lint.points_at(at) && lint.output.contains(says),
            "Taplo on\n{text}\nwanted {at} and {says:?}:\n{:#?}",
            lint.errors
        );
    }
}

#[test]
fn schema_write_puts_it_beside_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("mine.toml");
    std::fs::write(&config, "[widget.c]\nkind = \"clock\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_homedash"))
        .args(["schema", "--write", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let beside = dir.path().join("homedash.schema.json");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&beside.display().to_string()));
    assert_eq!(
        std::fs::read_to_string(&beside).unwrap(),
        std::fs::read_to_string(asset()).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[widget.c]\nkind = \"clock\"\n",
        "the config is untouched"
    );
}
