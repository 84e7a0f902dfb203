"""Chaos harness: kill and rescale workers while feeding articles, then verify nothing was lost."""
