"""The digital-autonomy diagnostic: the counselor's 5–10 minute interview that orients an SIAE's employees."""
