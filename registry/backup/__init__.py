"""Backup and restore: one portable archive of every table and every evidence file."""
