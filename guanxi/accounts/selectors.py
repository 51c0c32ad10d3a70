"""Reads for accounts and profiles."""
