"""Sample articles written for syndic's demo and tests (original prose, not real reporting)."""
