"""Story clustering: per-article features, online assignment and batch rebuild."""

from .assign import StoryClusterer
from .features import ArticleFeatures, article_features, embed_leads, fold, lead

__all__ = ["ArticleFeatures", "StoryClusterer", "article_features", "embed_leads", "fold", "lead"]
