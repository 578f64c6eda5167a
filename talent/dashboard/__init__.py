"""Each role's 工作台, assembled from the panels the features offer, and the audit-log page."""
