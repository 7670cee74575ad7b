"""People: sign-in, accounts and structures, groups and sessions, and who may see or do what."""
