"""Long work that leaves the request: big exports run by ``flask worker`` with a progress bar, a
notice when ready and a download only the requester can open, kept 7 days."""
