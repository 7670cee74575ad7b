"""The diagnostic's pages: the counselor's dashboard and employees, and the interview."""
