"""Offline evaluation of the duplicate and story decision, through the stream's own core."""

from syndic.evaluation.runner import (
    NearDupReport,
    StoryReport,
    eval_command,
    evaluate_near_duplicates,
    evaluate_stories,
)

__all__ = [
    "NearDupReport",
    "StoryReport",
    "eval_command",
    "evaluate_near_duplicates",
    "evaluate_stories",
]
