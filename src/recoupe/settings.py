"""One settings object, with its defaults shipped in the package (``defaults.toml``).

Each pipeline stage owns one section. Values are checked up front, with messages
that say how to fix them, so a bad setting fails before any article is read.
A user file (``--config FILE``) overrides the defaults section by section.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

SUPPORTED_LANGUAGES = ("fr", "en", "de", "es", "it", "nl", "pt", "ru")


@dataclass(frozen=True, slots=True)
class ReadSettings:
    max_bytes: int = 10 * 1024 * 1024
    extensions_text: tuple[str, ...] = (".txt", ".text", ".md")
    extensions_html: tuple[str, ...] = (".html", ".htm", ".xhtml")
    extensions_jsonl: tuple[str, ...] = (".jsonl", ".ndjson", ".json")
    extensions_feed: tuple[str, ...] = (".rss", ".atom", ".xml")
    extensions_csv: tuple[str, ...] = (".csv", ".tsv")

    def validate(self) -> None:
        if self.max_bytes <= 0:
            raise ConfigError(
                f"read.max_bytes must be a positive number of bytes, got {self.max_bytes}; "
                "for 10 MB write max_bytes = 10485760"
            )


@dataclass(frozen=True, slots=True)
class CleanSettings:
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    default_language: str = "fr"
    min_repeat_chars: int = 40
    repeat_similarity: float = 0.9
    caption_max_chars: int = 250
    edge_lines: int = 3

    def validate(self) -> None:
        if not 0.5 <= self.repeat_similarity <= 1.0:
            raise ConfigError(
                f"clean.repeat_similarity must lie in [0.5, 1], got {self.repeat_similarity}; "
                "0.9 takes near-exact repeats, 1.0 exact ones only"
            )
        for name in ("min_repeat_chars", "caption_max_chars", "edge_lines"):
            if getattr(self, name) < 1:
                raise ConfigError(f"clean.{name} must be at least 1, got {getattr(self, name)}")
        unknown = [lang for lang in self.languages if lang not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ConfigError(
                f"clean.languages has unsupported codes {unknown}; "
                f"choose among {', '.join(SUPPORTED_LANGUAGES)}"
            )
        if not self.languages:
            raise ConfigError("clean.languages is empty; give at least one code, e.g. ['fr']")
        if self.default_language not in self.languages:
            raise ConfigError(
                f"clean.default_language {self.default_language!r} is not in clean.languages "
                f"{list(self.languages)}; add it there or pick one of them"
            )


@dataclass(frozen=True, slots=True)
class DedupeSettings:
    num_perm: int = 128
    shingle_words: int = 5
    copy_threshold: float = 0.85
    rewrite_threshold: float = 0.5
    candidate_threshold: float = 0.3
    containment_threshold: float = 0.6
    credit_containment: float = 0.2
    min_shingles: int = 20

    def validate(self) -> None:
        if self.num_perm < 16:
            raise ConfigError(f"dedupe.num_perm must be at least 16, got {self.num_perm}; 128 is usual")
        if self.shingle_words < 1:
            raise ConfigError(f"dedupe.shingle_words must be at least 1, got {self.shingle_words}; 5 is usual")
        if self.min_shingles < 1:
            raise ConfigError(f"dedupe.min_shingles must be at least 1, got {self.min_shingles}")
        for name in (
            "copy_threshold",
            "rewrite_threshold",
            "candidate_threshold",
            "containment_threshold",
            "credit_containment",
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"dedupe.{name} must lie in (0, 1], got {value}")
        if self.rewrite_threshold > self.copy_threshold:
            raise ConfigError(
                "dedupe.rewrite_threshold must not exceed dedupe.copy_threshold "
                f"({self.rewrite_threshold} > {self.copy_threshold}): a copy is also a rewrite"
            )
        if self.candidate_threshold > self.rewrite_threshold:
            raise ConfigError(
                "dedupe.candidate_threshold must not exceed dedupe.rewrite_threshold "
                f"({self.candidate_threshold} > {self.rewrite_threshold}): rewrites would never be "
                "looked at"
            )


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    threshold: float = 0.05
    sure_threshold: float = 0.4
    margin: float = 0.15
    density_neighbours: int = 10
    density_ratio: float = 0.3
    pool_stories: int = 2
    split_cap: int = 40
    window_days: int = 45
    weight_terms: float = 1.0
    weight_entities: float = 2.0
    weight_numbers: float = 0.5
    weight_vector: float = 1.0
    vector_floor: float = 0.3
    time_decay: float = 0.2
    article_terms: int = 60
    story_terms: int = 200
    block_keys: int = 8
    posting_cap: int = 64
    max_candidates: int = 24
    recent_stories: int = 2048
    vector_neighbours: int = 8

    def validate(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(
                f"cluster.threshold must lie in (0, 1), got {self.threshold}; it is the least mean "
                "similarity for a story to be considered at all (0.05 is usual)"
            )
        if not self.threshold <= self.sure_threshold <= 1.0:
            raise ConfigError(
                f"cluster.sure_threshold must lie between cluster.threshold ({self.threshold}) and 1, got "
                f"{self.sure_threshold}; groups at least this similar meet whatever their densities (0.4 is usual)"
            )
        if not 0.0 <= self.margin < 1.0:
            raise ConfigError(
                f"cluster.margin must lie in [0, 1), got {self.margin}; larger joins more (0.15 is usual)"
            )
        if self.window_days < 1:
            raise ConfigError(f"cluster.window_days must be at least 1, got {self.window_days}")
        for name in ("weight_terms", "weight_entities", "weight_numbers", "weight_vector"):
            if getattr(self, name) < 0.0:
                raise ConfigError(f"cluster.{name} must not be negative, got {getattr(self, name)}")
        for name in ("vector_floor", "time_decay", "density_ratio"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ConfigError(f"cluster.{name} must lie in [0, 1), got {getattr(self, name)}")
        for name in ("density_neighbours", "pool_stories", "article_terms", "story_terms", "block_keys",
                     "posting_cap", "max_candidates", "recent_stories", "vector_neighbours"):
            if getattr(self, name) < 1:
                raise ConfigError(f"cluster.{name} must be at least 1, got {getattr(self, name)}")
        if self.split_cap < 2:
            raise ConfigError(
                f"cluster.split_cap must be at least 2, got {self.split_cap}; stories up to this size "
                "are regrouped article by article (40 is usual)"
            )


@dataclass(frozen=True, slots=True)
class AnnotateSettings:
    ner_batch_size: int = 32
    ner_processes: int = 2

    def validate(self) -> None:
        if self.ner_batch_size < 1:
            raise ConfigError(f"annotate.ner_batch_size must be at least 1, got {self.ner_batch_size}")
        if not 1 <= self.ner_processes <= 64:
            raise ConfigError(
                f"annotate.ner_processes must lie between 1 and 64, got {self.ner_processes}; "
                "use the number of cores annotation may take (each process holds its own model copy)"
            )


@dataclass(frozen=True, slots=True)
class CrossCheckSettings:
    summary_words: int = 100
    statement_min_words: int = 5
    statement_max_words: int = 80
    semantic_weight: float = 0.4
    anchor_bonus: float = 0.15
    phrase_bonus: float = 0.2
    align_threshold: float = 0.5
    same_claim_threshold: float = 0.6
    conflict_threshold: float = 0.7
    summary_min_words: int = 8
    summary_max_words: int = 50
    summary_min_sources: int = 2
    summary_lead_prior: float = 3.0
    summary_length_penalty: float = 1.0
    summary_overflow_words: int = 100
    summary_title_weight: float = 1.0
    summary_word_weight: float = 0.0
    summary_support_weight: float = 0.5
    summary_quote_penalty: float = 0.5
    summary_redundancy: float = 0.8

    def validate(self) -> None:
        if self.summary_words < 10:
            raise ConfigError(
                f"crosscheck.summary_words must be at least 10, got {self.summary_words}"
            )
        if not 1 <= self.statement_min_words <= self.statement_max_words:
            raise ConfigError(
                "crosscheck.statement_min_words must be at least 1 and at most statement_max_words "
                f"(got {self.statement_min_words} and {self.statement_max_words})"
            )
        for name in ("semantic_weight", "align_threshold", "same_claim_threshold", "conflict_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"crosscheck.{name} must lie in [0, 1], got {value}")
        if not 1 <= self.summary_min_words <= self.summary_max_words:
            raise ConfigError(
                "crosscheck.summary_min_words must be at least 1 and at most summary_max_words "
                f"(got {self.summary_min_words} and {self.summary_max_words})"
            )
        if self.summary_min_sources < 1:
            raise ConfigError(f"crosscheck.summary_min_sources must be at least 1, got {self.summary_min_sources}")
        for name in (
            "anchor_bonus", "phrase_bonus", "summary_lead_prior", "summary_length_penalty",
            "summary_overflow_words", "summary_title_weight", "summary_word_weight", "summary_support_weight",
        ):
            if getattr(self, name) < 0:
                raise ConfigError(f"crosscheck.{name} must not be negative, got {getattr(self, name)}")
        if not 0.0 <= self.summary_quote_penalty <= 1.0:
            raise ConfigError(f"crosscheck.summary_quote_penalty must lie in [0, 1], got {self.summary_quote_penalty}")
        if self.summary_redundancy <= 0:
            raise ConfigError(
                f"crosscheck.summary_redundancy must be positive, got {self.summary_redundancy}; "
                "a value above 1 turns the check off"
            )


@dataclass(frozen=True, slots=True)
class ServeSettings:
    max_post_bytes: int = 20 * 1024 * 1024
    page_size: int = 50

    def validate(self) -> None:
        if self.page_size < 1:
            raise ConfigError(f"serve.page_size must be at least 1, got {self.page_size}")


_SECTIONS: dict[str, type] = {
    "read": ReadSettings,
    "clean": CleanSettings,
    "dedupe": DedupeSettings,
    "cluster": ClusterSettings,
    "annotate": AnnotateSettings,
    "crosscheck": CrossCheckSettings,
    "serve": ServeSettings,
}


@dataclass(frozen=True, slots=True)
class Settings:
    read: ReadSettings = field(default_factory=ReadSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    annotate: AnnotateSettings = field(default_factory=AnnotateSettings)
    crosscheck: CrossCheckSettings = field(default_factory=CrossCheckSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)

    def validate(self) -> Settings:
        for name in _SECTIONS:
            getattr(self, name).validate()
        return self

    def replace(self, section: str, **values: Any) -> Settings:
        """A copy with some values of one section changed (checked)."""
        current = getattr(self, section)
        return dataclasses.replace(self, **{section: _build(section, current, values)}).validate()


def _build(section: str, base: Any, values: dict[str, Any]) -> Any:
    names = {f.name: f for f in dataclasses.fields(base)}
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(section + '.' + u for u in unknown)}; "
            f"known in [{section}]: {', '.join(sorted(names))}"
        )
    converted = {}
    for key, value in values.items():
        default = getattr(base, key)
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, type(default)):
            raise ConfigError(
                f"{section}.{key} must be a {type(default).__name__}, got {value!r}"
            )
        converted[key] = value
    return dataclasses.replace(base, **converted)


def _merge(settings: Settings, data: dict[str, Any], origin: str) -> Settings:
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise ConfigError(
            f"{origin}: unknown section(s) {unknown}; known: {', '.join(_SECTIONS)}"
        )
    changes = {
        name: _build(name, getattr(settings, name), values) for name, values in data.items()
    }
    return dataclasses.replace(settings, **changes)


def read_toml(path: str | Path, *, what: str) -> dict[str, Any]:
    """The TOML document at ``path``; a ConfigError naming ``what`` file it is when it cannot be read."""
    try:
        return tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the {what} {path} is not valid TOML: {exc}") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    """The package defaults, overridden by the TOML file at ``path`` if given."""
    defaults = tomllib.loads(resources.files("recoupe").joinpath("defaults.toml").read_text("utf-8"))
    settings = _merge(Settings(), defaults, "defaults.toml")
    if path is not None:
        settings = _merge(settings, read_toml(path, what="settings file"), str(path))
    return settings.validate()
