"""Pieces every feature shares: time, permissions, audit, validation, paging, spreadsheets."""
