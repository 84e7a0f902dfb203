"""Normalization: from a raw article (plain text or HTML) to a clean one."""

from syndic.core.normalize.memory import BoilerplateMemory
from syndic.core.normalize.normalizer import Normalizer, NormalizeSettings

__all__ = ["BoilerplateMemory", "NormalizeSettings", "Normalizer"]
