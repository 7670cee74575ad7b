"""Content's pages: catalogue, projected decks and sheets, the editor and uploaded media."""
