"""Accounts: sign-in by password or personal link, and the visitor's preferences."""
