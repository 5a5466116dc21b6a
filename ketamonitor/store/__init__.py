"""The record: the only package that speaks SQL. Every write is one transaction with its
audit row; charted rows are append-only."""
