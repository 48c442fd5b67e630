from __future__ import annotations

from pathlib import Path

import pytest

from recoupe.errors import ConfigError
from recoupe.settings import Settings, load_settings


def test_defaults_load_and_validate() -> None:
    settings = load_settings()
    assert settings.read.max_bytes == 10 * 1024 * 1024
    assert settings.clean.default_language == "fr"


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        ("read", {"max_bytes": 0}, "positive number of bytes"),
        ("clean", {"languages": ["fr", "xx"]}, "unsupported codes"),
        ("clean", {"default_language": "en", "languages": ["fr"]}, "is not in clean.languages"),
        ("dedupe", {"copy_threshold": 1.5}, "must lie in (0, 1]"),
        ("dedupe", {"rewrite_threshold": 0.9, "copy_threshold": 0.8}, "must not exceed"),
        ("cluster", {"threshold": 0}, "must lie in (0, 1)"),
        ("read", {"max_bytes": "big"}, "must be a int"),
        ("read", {"colour": 1}, "unknown setting(s) read.colour"),
    ],
)
def test_bad_values_are_refused_with_a_fix(section: str, values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings().replace(section, **values)
    assert message in str(caught.value)


def test_settings_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "recoupe.toml"
    path.write_text("[read]\nmax_bytes = 1000\n[crosscheck]\nsummary_words = 50\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.read.max_bytes == 1000
    assert settings.crosscheck.summary_words == 50
    assert settings.clean.default_language == "fr"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[nonsense]\nx = 1\n", "unknown section(s) ['nonsense']"),
        ("[read\n", "is not valid TOML"),
    ],
)
def test_bad_settings_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "recoupe.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message in str(caught.value)


def test_missing_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the settings file"):
        load_settings(tmp_path / "absent.toml")
