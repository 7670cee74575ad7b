"""Badges' pages: progress and attestations, and the public badge pages."""
