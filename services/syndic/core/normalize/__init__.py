"""Normalization: from a raw article (plain text or HTML) to a clean one."""

from syndic.core.normalize.normalizer import BoilerplateMemory, NormalizeSettings, Normalizer

__all__ = ["BoilerplateMemory", "NormalizeSettings", "Normalizer"]
