"""The comparison jobs built on the engine: ranking and its results, offers, add-on packs, scenarios,
standard baskets, the switching guide and catalogue filters/diffs. Nothing here reads a file or the clock."""
