"""Live's pages: joining a session from a phone."""
