"""Pages of the courses between SIAE."""
