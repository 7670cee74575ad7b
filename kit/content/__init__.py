"""Content: the module library, its revisions, the editor, images, export and import, projection and the catalogue."""
