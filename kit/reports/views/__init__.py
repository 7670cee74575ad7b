"""Reports' pages: the monthly report and the coordinator's space."""
