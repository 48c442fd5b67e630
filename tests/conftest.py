"""Session fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from recoupe.models import Models
from recoupe.settings import Settings, load_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def models() -> Models:
    """The real models (spaCy French, USE multilingual), loaded once for the whole run."""
    return Models()
