"""Catalogue of bad inputs: each test feeds a broken file and checks the error."""
