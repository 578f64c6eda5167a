"""科技特派员: selection rounds, commissioners, service targets, assignments, service logs from the
field, staff confirmation, projects and the annual assessment."""
