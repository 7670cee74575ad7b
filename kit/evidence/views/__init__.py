"""The programme evaluation pages."""
