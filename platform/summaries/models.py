"""Anonymized per-program aggregates (public schema). Only aggregates ever leave a program."""
