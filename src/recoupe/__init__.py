"""recoupe: turn a pile or a stream of news articles into cross-checked story briefs.

``recoupe.brief(paths)`` briefs a pile; ``recoupe.open(db)`` gives a session on a store
(``.take_in(items)``, ``.stories()``, ``.brief(story_id)``).
"""

from .api import Session, brief, open
from .errors import (
    ConfigError,
    DataUnavailable,
    InputProblem,
    MissingDependency,
    NotFound,
    RecoupeError,
    StoreError,
    StoreVersionError,
)
from .records import (
    Annotations,
    Article,
    Brief,
    Claim,
    Conflict,
    CopyGroups,
    Entity,
    Evidence,
    InputError,
    Mention,
    Position,
    Quotation,
    Quote,
    RawDoc,
    Rendering,
    Sentence,
    StoryBrief,
    StoryInput,
    SummarySentence,
    TimeExpression,
    TimelineEvent,
)
from .settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Annotations",
    "Article",
    "Brief",
    "Claim",
    "ConfigError",
    "Conflict",
    "CopyGroups",
    "DataUnavailable",
    "Entity",
    "Evidence",
    "InputError",
    "InputProblem",
    "Mention",
    "MissingDependency",
    "NotFound",
    "Position",
    "Quotation",
    "Quote",
    "RawDoc",
    "RecoupeError",
    "Rendering",
    "Sentence",
    "Session",
    "Settings",
    "StoreError",
    "StoreVersionError",
    "StoryBrief",
    "StoryInput",
    "SummarySentence",
    "TimeExpression",
    "TimelineEvent",
    "__version__",
    "brief",
    "load_settings",
    "open",
]
