"""syndic: streaming ingestion of news articles with normalization and duplicate/story detection."""

__version__ = "0.1.0"
