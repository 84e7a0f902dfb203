"""The duplicate and story decision: pure, deterministic, with the state store passed in."""

from syndic.core.dedup.decision import Decision, Deduplicator, DedupSettings
from syndic.core.dedup.fingerprint import Fingerprint, Fingerprinter

__all__ = ["Decision", "DedupSettings", "Deduplicator", "Fingerprint", "Fingerprinter"]
