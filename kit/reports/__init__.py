"""Reports: figures computed from the data, the monthly report, and the coordinator's space."""
