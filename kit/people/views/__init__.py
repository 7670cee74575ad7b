"""People's pages: sign-in, the admin's accounts and structures, the animator's space."""
