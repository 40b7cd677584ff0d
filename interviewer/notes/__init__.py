"""Everything stored or derived from what is stored. Never imports Qt or drives hardware."""
