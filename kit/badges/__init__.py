"""Badges: criteria, progress, issuance, the public badge pages, and Open Badges documents."""
