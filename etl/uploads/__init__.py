"""Uploads through the portal: intake, validation report, plausibility, diff, preview, jobs."""
