"""Operations' pages: the health check."""
