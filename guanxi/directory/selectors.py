"""Reads for the member directory."""
