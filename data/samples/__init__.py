"""Seeded sample data of a fictional cross-border region (see README.md)."""
