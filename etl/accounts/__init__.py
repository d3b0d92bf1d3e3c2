"""Accounts and roles of the upload portal: who may upload, review, publish and administer."""
