"""Operations: backups, health, logs, the garbage collector's settings, and network addresses."""
