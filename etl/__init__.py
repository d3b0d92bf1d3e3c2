"""ETL of the Demografie-Dashboard: register extracts and statistics to protected releases."""

__version__ = "0.1.0"
